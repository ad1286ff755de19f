"""Writes to an account lock its row, then its role request (accounts.services._locked, docs/adr/0062);
declining and withdrawing lock the request, then insert an access-log line that refers to the account.
With FOR UPDATE on the account the two orders deadlocked (the third review of ADR 0062: a decline's page
answered 500); FOR NO KEY UPDATE does not block the log line's key check. PostgreSQL only: SQLite
serialises writers."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection

from accounts import services
from accounts.models import RoleRequest
from accounts.roles import Role

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL (SQLite serialises writers)"),
]


def test_an_approval_and_a_decline_at_the_same_moment_end_in_one_decision_not_a_deadlock(
    officer, make_user, admin_user, monkeypatch
):
    second = make_user(Role.OFFICER, username="officer2", email="o2@example.org")
    services.user_create(username="nevans", first_name="Nia", last_name="Evans", email="nia@example.org",
                         role=Role.ADVISER, password="", actor=admin_user)  # fmt: skip
    request = RoleRequest.objects.get(user__username="nevans")
    approver_has_account, decliner_has_request = threading.Event(), threading.Event()
    real_locked, real_pending = services._locked, services._pending

    def locked(user):  # the approver holds the account until the decliner holds the request
        row = real_locked(user)
        if threading.current_thread().name == "approve":
            approver_has_account.set()
            decliner_has_request.wait(5)
        return row

    def pending(role_request):
        if threading.current_thread().name == "decline":
            approver_has_account.wait(5)
            row = real_pending(role_request)
            decliner_has_request.set()
            return row
        return real_pending(role_request)

    monkeypatch.setattr(services, "_locked", locked)
    monkeypatch.setattr(services, "_pending", pending)
    outcomes: dict[str, object] = {}

    def run(name, decide):
        try:
            decide()
            outcomes[name] = "done"
        except ValidationError as error:
            outcomes[name] = error.messages
        except OperationalError as error:
            outcomes[name] = f"OperationalError: {error}"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, name="approve", args=("approve", lambda: services.role_request_approve(
            role_request=request, actor=officer, email_seen="nia@example.org"))),
        threading.Thread(target=run, name="decline", args=("decline", lambda: services.role_request_decline(
            role_request=request, actor=second, comments="no"))),
    ]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any("OperationalError" in str(outcome) for outcome in outcomes.values()), outcomes
    assert sorted(map(str, outcomes.values())).count("done") == 1, outcomes
    assert RoleRequest.objects.get(pk=request.pk).status in ("approved", "declined")
