"""Each account has its own email address (accounts.account_details.email_taken): single sign-on
finds the account by it and refuses an address two accounts share, so a second account with an
address would lock the first out. Checked on create (form and command) and when an address changes;
an address shared before the check came in stays until someone changes it."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import escape

from accounts import services
from accounts.account_details import EMAIL_TAKEN
from accounts.models import User
from accounts.roles import Role
from accounts.sso.claims import NO_ACCOUNT, Refusal

pytestmark = pytest.mark.django_db

NEW = {"username": "ngovernor", "first_name": "Nia", "last_name": "Evans", "role": "governor",
       "password": "long-enough-password"}  # fmt: skip


def taken(username: str, state: str = "") -> str:
    return escape(EMAIL_TAKEN.format(username=username, state=state))


def test_a_new_account_with_another_accounts_address_in_any_case_is_refused_naming_it(client_as, adviser):
    page = client_as("admin").post(reverse("accounts:user_create"), {**NEW, "email": adviser.email.upper()})
    assert taken("adviser") in page.content.decode()
    assert not User.objects.filter(username="ngovernor").exists()


def test_a_deactivated_accounts_address_is_refused_too_and_says_it_is_deactivated(client_as, make_user):
    leaver = make_user(Role.GOVERNOR, username="leaver", email="leaver@example.org", is_active=False)
    page = client_as("admin").post(reverse("accounts:user_create"), {**NEW, "email": leaver.email})
    assert taken("leaver", " (deactivated)") in page.content.decode()


def test_the_create_user_command_refuses_another_accounts_address(adviser):
    with pytest.raises(CommandError, match="already has this email address"):
        call_command("create_user", "nevans", "--role", "adviser", "--email", adviser.email, stdout=io.StringIO())
    assert not User.objects.filter(username="nevans").exists()


def test_changing_an_address_to_another_accounts_is_refused_and_nothing_is_saved(client_as, governor, adviser):
    url = reverse("accounts:user_detail", kwargs={"pk": governor.pk})
    posted = {"first_name": "Gwen", "last_name": "Hale", "email": adviser.email, "role": "governor", "is_active": "on"}
    page = client_as("admin").post(url, posted).content.decode()
    assert taken("adviser") in page
    governor.refresh_from_db()
    assert (governor.first_name, governor.email) != ("Gwen", adviser.email)


def test_an_address_changed_only_in_case_or_an_old_shared_one_kept_is_saved(officer, governor, adviser):
    User.objects.filter(pk=governor.pk).update(email=adviser.email)  # shared before the check came in
    governor.refresh_from_db()
    details = {"last_name": "Hale", "role": Role.GOVERNOR, "is_active": True, "actor": officer}
    services.user_update(user=governor, first_name="Gwen", email=governor.email, **details)
    services.user_update(
        user=adviser, first_name="Adam", email=adviser.email.upper(), **details | {"role": Role.ADVISER}
    )
    assert User.objects.get(pk=governor.pk).first_name == "Gwen"
    assert User.objects.get(pk=adviser.pk).email == adviser.email.upper()


def test_an_address_is_cleared_though_other_accounts_have_none(client_as, make_user, adviser):
    """A blank address is nobody's: many accounts (governors with a password) have none."""
    make_user(Role.GOVERNOR, username="noemail", email="")
    governor = make_user(Role.GOVERNOR, username="gwen", email="gwen@example.org")
    url = reverse("accounts:user_detail", kwargs={"pk": governor.pk})
    posted = {"first_name": "Gwen", "last_name": "Hale", "email": "", "role": "governor", "is_active": "on"}
    assert client_as("admin").post(url, posted).status_code == 302
    assert User.objects.get(pk=governor.pk).email == ""
    new = {**NEW, "email": ""}
    assert client_as("admin").post(reverse("accounts:user_create"), new).status_code == 302


def test_single_sign_on_refuses_an_address_two_accounts_share_which_is_why(settings, governor, adviser):
    """The reason for the check, as single sign-on behaves."""
    from accounts.sso.services import sso_user_for_claims

    domain = adviser.email.rpartition("@")[2]
    settings.OIDC_ALLOWED_DOMAINS = [domain]
    claims = {"email": adviser.email, "email_verified": True}
    assert sso_user_for_claims(claims=claims) == adviser
    User.objects.filter(pk=governor.pk).update(email=adviser.email)
    with pytest.raises(Refusal) as refusal:
        sso_user_for_claims(claims=claims)
    assert refusal.value.message == NO_ACCOUNT
