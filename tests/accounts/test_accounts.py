"""Signing in and out, and the admin's management of users, roles and governors' schools."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import escape

from accounts.roles import Role
from accounts.services import OWN_ADMIN_ROLE, USERNAME_TAKEN, user_set_role
from core.forms import EMAIL_INVALID
from schools.forms import NO_SUCH_SCHOOL
from schools.models import Governorship
from schools.services import GOVERNOR_ROLE

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_a_user_signs_in_lands_on_home_and_signs_out(client, officer):
    officer.set_password("a-strong-password-1")
    officer.save()
    response = client.post(reverse("accounts:login"), {"username": "officer", "password": "a-strong-password-1"})
    assert response["Location"] == reverse("dashboard:home")
    assert client.get(reverse("dashboard:home")).status_code == 200

    client.post(reverse("accounts:logout"))
    assert client.get(reverse("dashboard:home"))["Location"].startswith(reverse("accounts:login"))


def test_a_wrong_password_is_reported_on_the_sign_in_page(client, officer):
    response = client.post(reverse("accounts:login"), {"username": "officer", "password": "nope"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


def test_an_inactive_user_cannot_sign_in(client, officer):
    officer.set_password("a-strong-password-1")
    officer.is_active = False
    officer.save()
    client.post(reverse("accounts:login"), {"username": "officer", "password": "a-strong-password-1"})
    assert client.get(reverse("dashboard:home")).status_code == 302


def test_a_user_without_a_role_is_told_to_ask_for_one(client, make_user):
    client.force_login(make_user(None))
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 403
    assert "no role yet" in response.content.decode()


def test_a_user_holds_exactly_one_role(make_user):
    user = make_user(Role.ADVISER)
    user_set_role(user=user, role=Role.OFFICER, actor=None)
    assert list(user.groups.values_list("name", flat=True)) == ["officer"]
    assert User.objects.get(pk=user.pk).role == Role.OFFICER


def test_the_admin_creates_a_user_with_a_role(client_as):
    # A role without case material: the admin gives it alone (the adviser and officer roles need an
    # officer: tests/accounts/test_separation_of_duties.py).
    response = client_as("admin").post(
        reverse("accounts:user_create"),
        {"username": "newgovernor", "first_name": "Nia", "last_name": "Evans", "email": "nia@example.org",
         "role": "governor", "password": "long-enough-password"},
    )  # fmt: skip
    user = User.objects.get(username="newgovernor")
    assert response["Location"] == reverse("accounts:user_detail", kwargs={"pk": user.pk})
    assert user.role == Role.GOVERNOR
    assert user.check_password("long-enough-password")
    assert user.history.first().history_user.username == "admin"


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("newuser", "short", "This password is too short"),
        ("newuser", "password123", "This password is too common"),
        ("ADVISER", "long-enough-password", USERNAME_TAKEN.format(username="ADVISER")),
    ],
)
def test_a_weak_password_or_taken_username_is_refused_and_no_user_is_created(
    client_as, adviser, username, password, message
):
    response = client_as("admin").post(
        reverse("accounts:user_create"),
        {"username": username, "first_name": "A", "last_name": "B", "role": "officer", "password": password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(username=username).exists()


def test_the_admin_changes_a_role_and_the_change_is_audited(client_as, adviser):
    client_as("admin").post(
        reverse("accounts:user_detail", kwargs={"pk": adviser.pk}),
        {"first_name": "Adam", "last_name": "Reid", "email": "", "role": "governor", "is_active": "on"},
    )
    adviser = User.objects.get(pk=adviser.pk)
    assert adviser.role == Role.GOVERNOR
    latest = adviser.history.first()
    assert latest.history_user.username == "admin"


def test_an_admin_cannot_remove_their_own_admin_role(client_as, admin_user):
    response = client_as("admin").post(
        reverse("accounts:user_detail", kwargs={"pk": admin_user.pk}),
        {"first_name": "Ada", "last_name": "Morgan", "email": "", "role": "adviser", "is_active": "on"},
    )
    assert OWN_ADMIN_ROLE in response.content.decode()
    assert User.objects.get(pk=admin_user.pk).role == Role.ADMIN


def test_the_admin_sets_a_new_password_for_a_user(client_as, adviser):
    client_as("admin").post(
        reverse("accounts:user_password", kwargs={"pk": adviser.pk}), {"password": "another-long-one"}
    )
    adviser.refresh_from_db()
    assert adviser.check_password("another-long-one")


def test_signing_in_does_not_add_to_the_audit_history(client, officer):
    officer.set_password("a-strong-password-1")
    officer.save()
    before = officer.history.count()
    client.post(reverse("accounts:login"), {"username": "officer", "password": "a-strong-password-1"})
    officer.refresh_from_db()
    assert officer.last_login is not None
    assert officer.history.count() == before


def test_the_admin_gives_a_governor_a_school_and_takes_it_away(client_as, make_user, school):
    new_governor = make_user(Role.GOVERNOR, username="newgov")
    client = client_as("admin")
    client.post(
        reverse("schools:governorship_add", kwargs={"user_pk": new_governor.pk}),
        {"urn": school.urn, "role": "vice_chair"},
    )
    governorship = Governorship.objects.get(user=new_governor)
    assert (governorship.school, governorship.role) == (school, "vice_chair")
    assert school.name in client.get(reverse("accounts:user_detail", kwargs={"pk": new_governor.pk})).content.decode()

    client.post(reverse("schools:governorship_remove", kwargs={"pk": governorship.pk}))
    assert not Governorship.objects.filter(user=new_governor).exists()


def test_a_governorship_needs_a_known_urn_and_a_governor(client_as, make_user, adviser, school):
    new_governor = make_user(Role.GOVERNOR, username="newgov")
    client = client_as("admin")
    response = client.post(
        reverse("schools:governorship_add", kwargs={"user_pk": new_governor.pk}),
        {"urn": 999999, "role": "member"},
        follow=True,
    )
    assert NO_SUCH_SCHOOL.format(urn=999999) in response.content.decode()

    response = client.post(
        reverse("schools:governorship_add", kwargs={"user_pk": adviser.pk}),
        {"urn": school.urn, "role": "member"},
        follow=True,
    )
    assert GOVERNOR_ROLE.format(user=adviser) in response.content.decode()
    assert not Governorship.objects.exists()


def test_the_user_list_searches_and_filters_by_role(client_as, adviser, officer):
    client = client_as("admin")
    found = client.get(reverse("accounts:user_list"), {"role": "adviser"}).context["pagination"].page.object_list
    assert [u.username for u in found] == ["adviser"]
    found = client.get(reverse("accounts:user_list"), {"q": "okafor"}).context["pagination"].page.object_list
    assert [u.username for u in found] == ["officer"]


def test_every_problem_of_a_new_user_shows_at_once_not_one_round_at_a_time(client_as, governor):
    response = client_as("admin").post(
        reverse("accounts:user_create"),
        {"username": "governor", "first_name": "A", "last_name": "B", "email": "bad@", "role": "officer",
         "password": "123"},
    )  # fmt: skip
    page = response.content.decode()
    assert USERNAME_TAKEN.format(username="governor") in page
    assert EMAIL_INVALID in page
    assert "This password is too short" in page


@pytest.mark.parametrize("username", ["\u0430dmin", "\uff41\uff44\uff4d\uff49\uff4e", "j smith", "o'brien"])
def test_a_username_outside_a_to_z_digits_and_a_few_marks_is_refused(client_as, username):
    from accounts.services import USERNAME_CHARACTERS

    response = client_as("admin").post(
        reverse("accounts:user_create"),
        {"username": username, "first_name": "A", "last_name": "B", "role": "governor",
         "password": "long-enough-password"},
    )  # fmt: skip
    assert response.status_code == 200
    assert escape(USERNAME_CHARACTERS) in response.content.decode()
    assert not User.objects.filter(first_name="A", last_name="B").exists()
