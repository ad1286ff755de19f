"""Two requests saving the same username or email address at the same moment, each on its own
database connection: one account has it and the other request is told whose it is
(accounts.account_details.hold_account_details, docs/adr/0071).

The first request is stopped just after its check passes, until the second has made its own check
or two seconds have passed. With the hold, the second waits for the first to commit, so its check
finds the first's account; without it, both checks passed and both accounts were saved (these tests
fail with hold_account_details made to do nothing). PostgreSQL only: SQLite takes its one write
lock at BEGIN, so there two saves cannot interleave."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from accounts import account_details, services
from accounts.models import User
from accounts.roles import Role
from accounts.sso import services as sso_services
from tests.concurrency import outcome_of

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks: PostgreSQL"),
]


def turns() -> tuple[threading.Event, Callable[[], None]]:
    """The event the second thread starts on, and what each thread calls just after its check: the
    first then waits until the second has made its own check (or two seconds)."""
    first_checked, second_checked = threading.Event(), threading.Event()

    def checked() -> None:
        if threading.current_thread().name == "first":
            first_checked.set()
            second_checked.wait(2)
        else:
            second_checked.set()

    return first_checked, checked


def in_turn(monkeypatch, module, name: str) -> threading.Event:
    """The check `name` of `module` taken in turns (turns())."""
    real = getattr(module, name)
    first_checked, checked = turns()

    def check(*args, **kwargs):
        result = real(*args, **kwargs)
        checked()
        return result

    monkeypatch.setattr(module, name, check)
    return first_checked


def both(first_checked: threading.Event, first, second) -> dict[str, object]:
    """Run `first`, then `second` once the first has made its check; each outcome by name."""
    outcomes: dict[str, object] = {}

    def run(name, action, after=None):
        if after is not None:
            after.wait(5)
        outcomes[name] = outcome_of(action)

    threads = [
        threading.Thread(target=run, name="first", args=("first", first)),
        threading.Thread(target=run, name="second", args=("second", second, first_checked)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == 2, outcomes
    return outcomes


def create(username: str, email: str, actor):
    return lambda: services.user_create(
        username=username, first_name="Nia", last_name="Evans", email=email, role=Role.GOVERNOR,
        password="a long enough password 42", actor=actor,
    )  # fmt: skip


def test_two_admins_creating_accounts_with_one_address_at_once_make_one_account(monkeypatch, admin_user):
    first_checked = in_turn(monkeypatch, account_details, "email_taken")
    outcomes = both(first_checked, create("nevans", "nia@example.org", admin_user),
                    create("nia.evans", "NIA@example.org", admin_user))  # fmt: skip
    assert outcomes["first"] == "done"
    assert outcomes["second"] == {"email": [account_details.EMAIL_TAKEN.format(username="nevans", state="")]}
    assert User.objects.filter(email__iexact="nia@example.org").count() == 1


class CheckedInTurns:
    """A query set whose exists() (the username check, USERNAME_TAKEN) is taken in turns (turns())."""

    def __init__(self, found, checked: Callable[[], None]):
        self.found, self.checked = found, checked

    def exists(self) -> bool:
        result = self.found.exists()
        self.checked()
        return result


def test_two_admins_creating_one_username_in_two_cases_at_once_make_one_account(monkeypatch, admin_user):
    real_filter = User.objects.filter
    first_checked, checked = turns()

    def username_looked_up(*args, **kwargs):
        found = real_filter(*args, **kwargs)
        return CheckedInTurns(found, checked) if "username__iexact" in kwargs else found

    monkeypatch.setattr(User.objects, "filter", username_looked_up)
    outcomes = both(first_checked, create("nevans", "nia@example.org", admin_user),
                    create("NEvans", "nia.evans@example.org", admin_user))  # fmt: skip
    assert outcomes["first"] == "done"
    assert outcomes["second"] == {"username": [account_details.USERNAME_TAKEN.format(username="NEvans")]}
    monkeypatch.undo()
    assert User.objects.filter(username__iexact="nevans").count() == 1


def test_an_address_given_to_two_accounts_at_once_is_given_to_one(monkeypatch, make_user, officer):
    one = make_user(Role.GOVERNOR, username="gwen", email="gwen@example.org")
    other = make_user(Role.GOVERNOR, username="huw", email="huw@example.org")
    first_checked = in_turn(monkeypatch, account_details, "email_taken")

    def give(user):
        return lambda: services.user_update(
            user=user, first_name=user.first_name, last_name=user.last_name, email="chair@example.org",
            role=Role.GOVERNOR, is_active=True, actor=officer,
        )  # fmt: skip

    outcomes = both(first_checked, give(one), give(other))
    assert outcomes["first"] == "done"
    assert outcomes["second"] == {"email": [account_details.EMAIL_TAKEN.format(username="gwen", state="")]}
    assert User.objects.filter(email="chair@example.org").count() == 1


def test_a_first_single_sign_on_in_two_tabs_at_once_makes_one_account(monkeypatch, settings):
    settings.OIDC_ALLOWED_DOMAINS = ["council.gov.uk"]
    settings.OIDC_TRUST_PROVIDER_EMAILS = False
    settings.OIDC_CREATE_USERS = True
    settings.OIDC_GROUPS_CLAIM = ""
    settings.OIDC_ROLE_GROUPS = []
    claims = {"email": "olivia.okafor@council.gov.uk", "email_verified": True}
    # The check is the look-up of accounts with the address: stopped after it in the first tab.
    real_filter = User.objects.filter
    first_checked, checked = turns()

    def looked_up(*args, **kwargs):
        if not kwargs.get("email__iexact"):
            return real_filter(*args, **kwargs)
        found = list(real_filter(*args, **kwargs)[:2])
        checked()
        return found

    monkeypatch.setattr(User.objects, "filter", looked_up)
    signed_in: dict[str, User] = {}
    outcomes = both(
        first_checked,
        lambda: signed_in.setdefault("first", sso_services.sso_user_for_claims(claims=claims)),
        lambda: signed_in.setdefault("second", sso_services.sso_user_for_claims(claims=claims)),
    )
    monkeypatch.undo()
    assert outcomes == {"first": "done", "second": "done"}, outcomes
    assert signed_in["first"] == signed_in["second"]
    assert User.objects.filter(email__iexact="olivia.okafor@council.gov.uk").count() == 1
