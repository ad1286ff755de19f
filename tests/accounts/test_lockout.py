"""Failed sign-ins lock the account, or the address, for a while (django-axes; docs/adr/0009)."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.lockout import LOCKED_OUT, client_ip, sign_in_wait, slowed_message, username_digest
from accounts.models import AccessEvent, AccessEventKind
from accounts.second_factor_views import UNLOCKED

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's
OFFICE = "192.0.2.10"


def attempt(client, username, password="wrong-password", address=OFFICE):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def locked_message(settings) -> str:
    return LOCKED_OUT.format(minutes=settings.SIGN_IN_LOCKOUT_MINUTES)


def signed_in(client) -> bool:
    return client.get(reverse("dashboard:home")).status_code == 200


def test_ten_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused(client, adviser, settings):
    for _ in range(9):
        assert attempt(client, "adviser").status_code == 200
    response = attempt(client, "adviser")
    assert response.status_code == 429
    assert locked_message(settings) in response.content.decode()

    response = attempt(client, "adviser", PASSWORD)
    assert response.status_code == 429
    assert locked_message(settings) in response.content.decode()
    assert not signed_in(client)


def test_twenty_wrong_passwords_lock_the_account_from_any_number_of_addresses(client, officer, settings):
    for n in range(20):
        attempt(client, "officer", address=f"198.51.100.{n + 1}")
    response = attempt(client, "officer", PASSWORD, address="203.0.113.99")
    assert locked_message(settings) in response.content.decode()
    assert not signed_in(client)


@pytest.mark.parametrize("typed", ["ADVISER", "Adviser", " adviser "])
def test_a_username_signs_in_in_any_case_as_a_new_one_is_refused_in_any_case(client, adviser, typed):
    assert attempt(client, typed, PASSWORD).status_code == 302
    assert signed_in(client)


def test_two_older_accounts_that_differ_only_in_case_are_not_guessed_between(client, adviser, make_user):
    from accounts.models import User
    from accounts.roles import Role

    make_user(Role.ADVISER, username="Adviser")  # made before usernames were compared in any case
    assert User.objects.filter(username__iexact="adviser").count() == 2
    assert attempt(client, "adviser", PASSWORD).status_code == 302  # the exact one
    client.logout()
    response = attempt(client, "ADVISER", PASSWORD)
    assert response.status_code == 200  # refused as a wrong password, not a 500
    assert not signed_in(client)


@pytest.mark.parametrize("typed", ["adv\u0131ser", "ADV\u0130SER"])  # a dotless i; a dotted capital I
def test_a_look_alike_username_is_not_the_account_and_does_not_get_round_its_lock(client, adviser, settings, typed):
    # PostgreSQL's UPPER folds the dotless i to "I": without a check, the look-alike found "adviser"
    # while the lock counted its failures under the look-alike.
    assert attempt(client, typed, PASSWORD).status_code == 200
    assert not signed_in(client)
    for _ in range(settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT):
        attempt(client, "adviser")
    assert attempt(client, typed, PASSWORD).status_code != 302
    assert not signed_in(client)


def test_the_lock_counts_a_username_in_any_case(client, adviser, settings):
    for n in range(10):
        attempt(client, "ADVISER" if n % 2 else " adviser ")
    assert locked_message(settings) in attempt(client, "adviser", PASSWORD).content.decode()


def test_an_unknown_username_is_locked_with_the_same_message(client, adviser, settings):
    for _ in range(10):
        unknown = attempt(client, "nobody-here")
    for _ in range(10):
        known = attempt(client, "adviser")
    assert unknown.status_code == known.status_code == 429
    assert locked_message(settings) in unknown.content.decode()
    assert locked_message(settings) in known.content.decode()
    assert "nobody-here" not in unknown.content.decode().replace('value="nobody-here"', "")


def test_twenty_failures_from_one_address_lock_it_for_every_account(client, adviser, governor, settings):
    for n in range(20):
        attempt(client, f"guess{n % 4}")  # five each: no account reaches its own limit
    response = attempt(client, "governor", PASSWORD)
    assert locked_message(settings) in response.content.decode()
    # From another address the account is not locked.
    assert attempt(client, "governor", PASSWORD, address="203.0.113.5").status_code == 302


def test_the_lock_lifts_after_the_lockout_period(client, adviser, settings, time_machine):
    time_machine.move_to("2026-11-02 10:00:00+00:00", tick=False)
    for _ in range(10):
        attempt(client, "adviser")
    time_machine.shift(timedelta(minutes=29))
    assert attempt(client, "adviser", PASSWORD).status_code == 429  # a failure while locked restarts it
    time_machine.shift(timedelta(minutes=29))
    assert attempt(client, "adviser", PASSWORD).status_code == 429
    time_machine.shift(timedelta(minutes=31))
    assert attempt(client, "adviser", PASSWORD).status_code == 302
    assert signed_in(client)


def test_the_limits_and_period_are_settings(client, adviser, settings):
    settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT = 3
    for _ in range(3):
        response = attempt(client, "adviser")
    assert response.status_code == 429


def test_an_admin_lifts_the_lock_from_the_users_page_and_the_access_log_records_it(
    client, client_as, adviser, settings
):
    for _ in range(10):
        attempt(client, "adviser")
    admin = client_as("admin")
    page = admin.get(reverse("accounts:user_detail", kwargs={"pk": adviser.pk})).content.decode()
    assert "Lift the sign-in lock" in page

    response = admin.post(reverse("accounts:user_unlock", kwargs={"pk": adviser.pk}), follow=True)
    assert UNLOCKED.format(user=adviser, count=10) in response.content.decode()
    event = AccessEvent.objects.get(user=adviser, kind=AccessEventKind.ACCOUNT_UNLOCKED)
    assert event.actor.username == "admin"
    assert not AccessAttempt.objects.filter(username="adviser").exists()

    admin.post(reverse("accounts:logout"))
    assert attempt(client, "adviser", PASSWORD).status_code == 302


@pytest.mark.parametrize("role", ["governor", "adviser", "officer"])
def test_only_an_admin_lifts_a_lock(client, client_as, role, make_user):
    locked = make_user(None, username="locked")
    for _ in range(10):
        attempt(client, "locked")
    response = client_as(role).post(reverse("accounts:user_unlock", kwargs={"pk": locked.pk}))
    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username="locked").exists()


FORGED = "adviser\nforged line"


def test_sign_ins_and_failures_are_logged(client, adviser, caplog):
    """A failed sign-in is logged by a keyed hash of what was typed (perhaps a password), never the text."""
    with caplog.at_level(logging.INFO, logger="accounts.lockout"):
        attempt(client, FORGED)
        attempt(client, "adviser", PASSWORD)
    messages = [r.getMessage() for r in caplog.records if r.name == "accounts.lockout"]
    assert messages == [
        f"Failed sign-in: username {username_digest(FORGED)} (hashed) from {OFFICE}",
        f"Signed in: user {adviser.pk} from {OFFICE}",
    ]
    assert AccessLog.objects.filter(username="adviser", ip_address=OFFICE).count() == 1


def test_x_forwarded_for_is_believed_only_behind_the_trusted_proxy(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 192.0.2.7")
    settings.TRUSTED_PROXY = False
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY = True
    assert client_ip(request) == "192.0.2.7"  # the address the proxy added, not the one the client sent
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"


def test_failures_slow_the_account_before_the_lock_and_the_page_says_how_long_to_wait(client, adviser, time_machine):
    time_machine.move_to("2026-11-02 10:00:00+00:00", tick=False)
    for _ in range(3):
        attempt(client, "adviser")
    too_soon = attempt(client, "adviser", PASSWORD)  # refused before the password is checked
    assert too_soon.status_code == 200
    assert slowed_message(1) == "There have been several attempts to sign in. Wait 1 second before you try again."
    assert slowed_message(1) in too_soon.content.decode()
    assert not signed_in(client)
    # The try too soon was a fourth failure: the next must wait 2 seconds.
    time_machine.shift(timedelta(seconds=1))
    assert slowed_message(1) in attempt(client, "adviser", PASSWORD).content.decode()
    time_machine.shift(timedelta(seconds=4))
    assert attempt(client, "adviser", PASSWORD).status_code == 302
    assert signed_in(client)


def test_an_unknown_username_is_slowed_with_the_same_message(client, adviser, time_machine):
    time_machine.move_to("2026-11-02 10:00:00+00:00", tick=False)
    for username in ("nobody-here", "adviser"):
        for _ in range(3):
            attempt(client, username)
    assert slowed_message(1) in attempt(client, "nobody-here").content.decode()
    assert slowed_message(1) in attempt(client, "adviser").content.decode()


def test_the_wait_doubles_with_each_failure_up_to_the_most_set(adviser, settings, time_machine):
    time_machine.move_to("2026-11-02 10:00:00+00:00", tick=False)
    settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT = 100
    waits = []
    for failures in range(1, 11):
        AccessAttempt.objects.update_or_create(
            username="adviser", ip_address=OFFICE, user_agent="",
            defaults={"failures_since_start": failures, "attempt_time": timezone.now(), "post_data": ""},
        )  # fmt: skip
        waits.append(sign_in_wait("adviser"))
    assert waits == [0, 0, 1, 2, 4, 8, 16, 32, 60, 60]
    settings.SIGN_IN_MAX_WAIT_SECONDS = 10
    assert sign_in_wait("adviser") == 10
    time_machine.shift(timedelta(seconds=4))
    assert sign_in_wait("adviser") == 6
