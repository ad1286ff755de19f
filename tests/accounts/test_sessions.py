"""How long a session lasts, and what ends it (docs/adr/0009)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from accounts.services import user_set_password, user_set_role
from accounts.session_limits import SIGNED_OUT_IDLE, SIGNED_OUT_LIMIT

pytestmark = pytest.mark.django_db
HOME = reverse("dashboard:home")
SIGN_IN = reverse("accounts:login")


@pytest.fixture
def clock(time_machine):
    time_machine.move_to("2026-11-02 09:00:00+00:00", tick=False)
    return time_machine


def test_thirty_minutes_without_activity_signs_out_with_a_message(client, adviser, clock):
    client.force_login(adviser)
    clock.shift(timedelta(minutes=29))
    assert client.get(HOME).status_code == 200
    clock.shift(timedelta(minutes=30))
    response = client.get(reverse("schools:list"))
    assert response["Location"] == f"{SIGN_IN}?next=/schools/"
    page = client.get(response["Location"]).content.decode()
    assert SIGNED_OUT_IDLE.format(minutes=30) in page
    assert "You were signed out after 30 minutes without activity" in page
    assert client.get(HOME).status_code == 302


def test_activity_keeps_the_session_open(client, adviser, clock):
    client.force_login(adviser)
    for _ in range(6):
        clock.shift(timedelta(minutes=20))
        assert client.get(HOME).status_code == 200


def test_the_idle_timeout_is_a_setting(client, adviser, clock, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 5
    client.force_login(adviser)
    clock.shift(timedelta(minutes=5))
    assert client.get(HOME).status_code == 302


def test_eight_hours_after_signing_in_the_session_ends_however_busy(client, adviser, clock, settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    client.force_login(adviser)
    for _ in range(23):  # every 20 minutes up to 7 h 40
        clock.shift(timedelta(minutes=20))
        assert client.get(HOME).status_code == 200
    clock.shift(timedelta(minutes=20))
    response = client.get(HOME)
    assert response["Location"].startswith(SIGN_IN)
    assert SIGNED_OUT_LIMIT.format(hours="8 hours") in client.get(response["Location"]).content.decode()


def test_a_password_changed_by_the_user_ends_their_other_sessions_but_not_this_one(client, adviser):
    other = Client()
    other.force_login(adviser)
    client.force_login(adviser)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "a-new-long-secret",
            "new_password2": "a-new-long-secret",
        },
    )
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200
    assert other.get(HOME)["Location"].startswith(SIGN_IN)


def test_a_password_set_by_an_admin_ends_the_users_sessions(client, adviser, admin_user):
    client.force_login(adviser)
    user_set_password(user=adviser, password="a-new-long-secret", actor=admin_user)
    assert client.get(HOME)["Location"].startswith(SIGN_IN)


def test_a_new_role_ends_the_users_sessions(client, adviser, officer):
    client.force_login(adviser)
    assert client.get(HOME).status_code == 200
    user_set_role(user=get_user_model().objects.get(pk=adviser.pk), role=Role.GOVERNOR, actor=officer)
    assert client.get(HOME)["Location"].startswith(SIGN_IN)


def test_saving_the_same_role_again_keeps_the_session(client, adviser, officer):
    client.force_login(adviser)
    user_set_role(user=get_user_model().objects.get(pk=adviser.pk), role=Role.ADVISER, actor=officer)
    assert client.get(HOME).status_code == 200
