"""The user page says what changed in an account, and nothing of its password; there is no Django
admin site, and no account has powers beyond its role, a superuser flag included (docs/adr/0008)."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import selectors, services
from accounts.roles import Role

pytestmark = pytest.mark.django_db
User = get_user_model()


def changes_text(client, user) -> str:
    page = client.get(reverse("accounts:user_detail", kwargs={"pk": user.pk})).content.decode()
    return page[page.index("Recent changes") :]


def update(client, user, **changes):
    data = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email, "role": user.role.value,
            "is_active": "on", **changes}  # fmt: skip
    return client.post(reverse("accounts:user_detail", kwargs={"pk": user.pk}), data)


# ---- recent changes ------------------------------------------------------------------------------


def test_a_role_change_shows_the_old_and_new_role_and_who_made_it(client_as, adviser):
    client = client_as("admin")
    update(client, adviser, role="governor")  # (raising a role needs an officer: test_separation_of_duties.py)

    latest = selectors.user_recent_changes(user=User.objects.get(pk=adviser.pk))[0]

    assert [(c.label, c.old, c.new) for c in latest.changes] == [("Role", "Adviser", "Governor")]
    assert latest.by.username == "admin"
    text = changes_text(client, adviser)
    assert "changed by Ada Morgan" in text
    assert "Role: Adviser" in text
    assert "Governor" in text


def test_changed_details_are_listed_field_by_field(client_as, adviser):
    client = client_as("admin")
    old_email = adviser.email
    update(client, adviser, email="adam.reid@example.gov.uk", is_active="")

    latest = selectors.user_recent_changes(user=adviser)[0]

    assert [(c.label, c.old, c.new) for c in latest.changes] == [
        ("Email address", old_email, "adam.reid@example.gov.uk"),
        ("Active", "yes", "no"),
    ]


def test_saving_without_a_change_adds_nothing_to_the_history(client_as, adviser):
    before = adviser.history.count()
    update(client_as("admin"), adviser)
    assert adviser.history.count() == before


def test_a_new_password_says_so_and_never_shows_the_hash(client_as, adviser):
    client = client_as("admin")
    client.post(reverse("accounts:user_password", kwargs={"pk": adviser.pk}), {"password": "another-long-one"})
    adviser.refresh_from_db()

    text = changes_text(client, adviser)

    assert services.PASSWORD_SET_REASON in text
    assert adviser.password not in text
    assert adviser.password.split("$")[-1] not in text


def test_changing_your_own_password_is_recorded_as_such(client_as, adviser):
    adviser.set_password("the-old-password-1")
    adviser.save()
    client_as("adviser").post(
        reverse("accounts:password_change"),
        {
            "old_password": "the-old-password-1",
            "new_password1": "a-new-password-22",
            "new_password2": "a-new-password-22",
        },
    )
    latest = selectors.user_recent_changes(user=adviser)[0]
    assert latest.reasons == [services.OWN_PASSWORD_REASON]
    assert latest.by == adviser


def test_a_created_user_shows_its_initial_details_and_role(client_as):
    client = client_as("admin")
    client.post(
        reverse("accounts:user_create"),
        {
            "username": "newadv",
            "first_name": "Nia",
            "last_name": "Cole",
            "role": "governor",
            "password": "long-enough-1",
        },
    )
    created = selectors.user_recent_changes(user=User.objects.get(username="newadv"))[-1]
    assert created.created
    assert ("Role", "Governor") in [(c.label, c.new) for c in created.changes]
    assert ("First name", "Nia") in [(c.label, c.new) for c in created.changes]


def test_recent_changes_take_the_same_queries_however_long_the_history(client_as, adviser):
    client = client_as("admin")
    update(client, adviser, role="governor")
    adviser = User.objects.get(pk=adviser.pk)
    with CaptureQueriesContext(connection) as few:
        selectors.user_recent_changes(user=adviser)
    for n in range(15):
        update(client, User.objects.get(pk=adviser.pk), first_name=f"Adam{n}")
    with CaptureQueriesContext(connection) as many:
        changes = selectors.user_recent_changes(user=adviser)
    assert len(few) == len(many) == 2
    assert len(changes) == 10
    assert changes[0].changes[0].new == "Adam14"


# ---- no Django admin site, no powers beyond the role -----------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "governor", "adviser", "officer", "admin"])
def test_there_is_no_django_admin_site_for_anyone(client_as, role):
    client = client_as(role)
    for url in ("/django-admin/", "/django-admin/login/", "/django-admin/accounts/user/", "/admin/"):
        response = client.get(url)
        assert response.status_code in (302, 404), (role, url)
        if response.status_code == 302:  # anonymous: to the app's own sign-in, never another
            assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["governor", "adviser", "officer", "admin"])
def test_no_page_links_to_a_django_admin(client_as, role):
    page = client_as(role).get("/").content.decode()
    assert "django-admin" not in page


def test_a_superuser_without_a_role_has_no_permission(client, make_user):
    superuser = make_user(None, username="root", is_superuser=True, is_staff=True)
    assert not superuser.has_perm("accounts.manage_users")
    assert not superuser.has_perm("schools.view_school_list")
    client.force_login(superuser)
    assert client.get(reverse("accounts:user_list")).status_code == 403
    assert client.get(reverse("visits:list")).status_code == 403
    assert client.get(reverse("categorisation:list")).status_code == 403


def test_an_admin_who_is_also_superuser_still_cannot_read_case_material(client, make_user):
    root = make_user(Role.ADMIN, username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    assert client.get(reverse("accounts:user_list")).status_code == 200  # the admin role's own pages
    assert not root.has_perm("visits.view_visits")
    assert client.get(reverse("visits:list")).status_code == 403  # case notes: never for admins


def test_group_permissions_grant_nothing_either(make_user):
    from django.contrib.auth.models import Permission

    adviser = make_user(Role.ADVISER, username="perm")
    adviser.user_permissions.add(Permission.objects.get(codename="change_user"))
    adviser = User.objects.get(pk=adviser.pk)
    assert not adviser.has_perm("accounts.change_user")


def test_create_admin_makes_the_first_admin_through_the_services(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-first-password\n"))
    out = io.StringIO()
    call_command("create_admin", "ada", "--first-name", "Ada", "--email", "ada@example.gov.uk", stdout=out)
    ada = User.objects.get(username="ada")
    assert ada.role == Role.ADMIN
    assert ada.check_password("a-long-first-password")
    assert not ada.is_superuser
    assert "Created ada with the admin role" in out.getvalue()


def test_create_admin_refuses_a_weak_password_and_creates_nothing(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    with pytest.raises(CommandError, match="too short"):
        call_command("create_admin", "ada", stdout=io.StringIO())
    assert not User.objects.filter(username="ada").exists()


def test_create_admin_refuses_a_username_that_could_pass_for_another(monkeypatch):
    from accounts.services import USERNAME_CHARACTERS

    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-first-password\n"))
    with pytest.raises(CommandError, match=re.escape(USERNAME_CHARACTERS)):
        call_command("create_admin", "\u0430dmin", stdout=io.StringIO())  # a Cyrillic a
    assert not User.objects.exists()
