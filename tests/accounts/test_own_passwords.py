"""A case reader signs in with a password only they know (docs/adr/0062): when an account comes to
open case material with a password someone else chose, that password stops working and the person
is emailed a link to choose their own."""

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts import own_passwords, rules, services
from accounts.models import AccessEvent, AccessEventKind, RoleRequest
from accounts.password_link_views import LINK_RESENT
from accounts.roles import Role
from tests.conftest import ROLES
from tests.role_matrix import SIGN_IN

pytestmark = pytest.mark.django_db
User = get_user_model()
LINK = re.compile(r"http://\S+(/accounts/password/choose/\S+/)")
CHOSEN = "my-very-own-pass-42"


def fresh(user):
    return User.objects.get(pk=user.pk)


def link_in(email) -> str:
    match = LINK.search(email.body)
    assert match, email.body
    return match.group(1)


def choose(client, path: str, password: str = CHOSEN):
    """Follow the emailed link and choose a password, as the person does."""
    form_page = client.get(path, follow=True)
    assert "Choose your password" in form_page.content.decode()
    return client.post(
        form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}, follow=True
    )


@pytest.fixture
def officer2(make_user):
    return make_user(Role.OFFICER, username="officer2", first_name="Sam", last_name="Patel")


@pytest.mark.parametrize(
    ("before", "after", "someone_else", "has_password", "sso", "sends"),
    [
        (0, 2, True, True, False, True),  # an admin's password, the adviser role given
        (0, 3, True, True, True, True),  # single sign-on too: the password still signs in
        (0, 1, False, True, False, False),  # a governor's own password, raised to headteacher
        (0, 2, False, False, False, True),  # no password at all
        (0, 2, False, False, True, False),  # no password, signs in with single sign-on
        (1, 2, True, True, False, True),  # raised from headteacher to adviser
        (2, 2, True, True, False, False),  # no more case material than before
        (3, 2, True, True, False, False),  # lowered
        (2, 0, True, True, False, False),  # deactivated
    ],
)
def test_a_case_reader_signs_in_with_a_password_only_they_know(before, after, someone_else, has_password, sso, sends):
    got = rules.a_case_reader_signs_in_with_a_password_only_they_know(
        before=before, after=after, set_by_someone_else=someone_else, has_password=has_password, signs_in_with_sso=sso
    )
    assert got is sends


def test_an_adviser_an_admin_created_chooses_their_own_password_and_the_admins_stops_working(
    client_as, client, officer, mailoutbox, django_capture_on_commit_callbacks
):
    client_as("admin").post(
        reverse("accounts:user_create"),
        {"username": "nevans", "first_name": "Nia", "last_name": "Evans", "email": "nia@example.org",
         "role": "adviser", "password": "the-admins-choice-1"},
    )  # fmt: skip
    nia = User.objects.get(username="nevans")
    assert nia.check_password("the-admins-choice-1")
    assert nia.password_set_by_someone_else
    request = RoleRequest.objects.get(user=nia)

    with django_capture_on_commit_callbacks(execute=True):
        page = client_as("officer").post(reverse("audit:role_request_approve", kwargs={"pk": request.pk}), follow=True)
    assert escape(own_passwords.LINK_SENT.format(email="nia@example.org")) in page.content.decode()
    nia = fresh(nia)
    assert (nia.role, nia.has_usable_password()) == (Role.ADVISER, False)
    assert not nia.check_password("the-admins-choice-1")
    event = AccessEvent.objects.get(user=nia, kind=AccessEventKind.PASSWORD_LINK_SENT)
    assert (event.actor, event.request, event.emailed_to) == (officer, request, "nia@example.org")
    [email] = mailoutbox
    assert email.to == ["nia@example.org"]
    assert "A password you were given before no longer works" in email.body

    client.logout()
    done = choose(client, link_in(email))
    assert "Password saved" in done.content.decode()
    nia = fresh(nia)
    assert nia.check_password(CHOSEN)
    assert not nia.password_set_by_someone_else
    assert own_passwords.CHOSEN_REASON in nia.history.first().history_change_reason

    again = client.get(link_in(email), follow=True).content.decode()
    assert "This link no longer works" in again  # used once


def test_an_advisers_password_an_admin_set_stops_working_when_an_officer_reactivates_them(
    admin_user, adviser, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.user_set_password(user=adviser, password="the-admins-choice-1", actor=admin_user)
        services.role_request_approve(role_request=request, actor=officer)
    adviser = fresh(adviser)
    assert adviser.is_active
    assert not adviser.has_usable_password()
    assert [m.subject for m in mailoutbox][-1].endswith(own_passwords.LINK_SUBJECT)


def test_an_officer_raising_a_governor_whose_password_an_admin_chose_sends_a_link_but_not_one_who_chose_their_own(
    admin_user, officer, governor, make_user, django_capture_on_commit_callbacks
):
    own = make_user(Role.GOVERNOR, username="owngov", email="own@example.org")
    services.user_set_password(user=governor, password="the-admins-choice-1", actor=admin_user)
    for person in (governor, own):
        services.user_update(user=fresh(person), first_name="G", last_name="H", email=person.email,
                             role=Role.HEADTEACHER, is_active=True, actor=officer)  # fmt: skip
    assert not fresh(governor).has_usable_password()
    assert fresh(own).has_usable_password()
    assert not AccessEvent.objects.filter(user=own, kind=AccessEventKind.PASSWORD_LINK_SENT).exists()


def test_changing_ones_own_password_means_nobody_else_knows_it(client_as, admin_user, governor, officer):
    services.user_set_password(user=governor, password="the-admins-choice-1", actor=admin_user)
    client = client_as("governor")
    client.post(
        reverse("accounts:password_change"),
        {"old_password": "the-admins-choice-1", "new_password1": CHOSEN, "new_password2": CHOSEN},
    )
    assert not fresh(governor).password_set_by_someone_else
    services.user_update(user=fresh(governor), first_name="G", last_name="H", email=governor.email,
                         role=Role.HEADTEACHER, is_active=True, actor=officer)  # fmt: skip
    assert fresh(governor).check_password(CHOSEN)


def test_an_approval_with_no_address_to_send_the_link_to_is_refused_and_changes_nothing(
    client_as, admin_user, officer, make_user
):
    person = make_user(Role.GOVERNOR, username="noaddress", first_name="Noor", last_name="Khan", email="")
    services.user_set_password(user=person, password="the-admins-choice-1", actor=admin_user)
    request = services.role_request_create(user=person, role=Role.HEADTEACHER, actor=admin_user)
    page = client_as("officer").post(reverse("audit:role_request_approve", kwargs={"pk": request.pk}), follow=True)
    assert escape(own_passwords.NO_ADDRESS_FOR_THE_LINK.format(user=person)) in page.content.decode()
    person = fresh(person)
    assert (person.role, person.check_password("the-admins-choice-1")) == (Role.GOVERNOR, True)
    assert RoleRequest.objects.get(pk=request.pk).status == "pending"


def test_an_admin_leaves_a_new_advisers_password_blank_and_the_approval_emails_the_link(
    client_as, officer, mailoutbox, django_capture_on_commit_callbacks
):
    client_as("admin").post(
        reverse("accounts:user_create"),
        {"username": "nevans", "first_name": "Nia", "last_name": "Evans", "email": "nia@example.org",
         "role": "adviser", "password": ""},
    )  # fmt: skip
    nia = User.objects.get(username="nevans")
    assert not nia.has_usable_password()
    assert not nia.password_set_by_someone_else
    with django_capture_on_commit_callbacks(execute=True):
        services.role_request_approve(role_request=RoleRequest.objects.get(user=nia), actor=officer)
    [email] = mailoutbox
    assert email.to == ["nia@example.org"]
    assert "A password you were given before" not in email.body  # they were given none


def test_a_new_governor_or_admin_needs_a_password(client_as):
    for role in ("governor", "admin"):
        page = client_as("admin").post(
            reverse("accounts:user_create"),
            {"username": f"new{role}", "first_name": "A", "last_name": "B", "email": "a@example.org",
             "role": role, "password": ""},
        ).content.decode()  # fmt: skip
        assert services.PASSWORD_NEEDED in page
        assert not User.objects.filter(username=f"new{role}").exists()


def test_a_new_case_reader_needs_an_email_address_for_the_link(client_as):
    page = client_as("admin").post(
        reverse("accounts:user_create"),
        {"username": "noemail", "first_name": "A", "last_name": "B", "role": "officer",
         "password": "long-enough-password"},
    ).content.decode()  # fmt: skip
    assert escape(services.EMAIL_FOR_THE_LINK) in page
    assert not User.objects.filter(username="noemail").exists()


def test_the_link_works_for_a_week_and_not_after(
    client, time_machine, admin_user, officer, governor, mailoutbox, django_capture_on_commit_callbacks
):
    sent = timezone.now()
    time_machine.move_to(sent, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        own_passwords.password_link_send(user=governor, actor=admin_user)
    path = link_in(mailoutbox[-1])
    time_machine.move_to(sent + timedelta(days=8))
    assert "This link no longer works" in client.get(path, follow=True).content.decode()
    time_machine.move_to(sent + timedelta(days=6))
    assert "Password saved" in choose(client, path).content.decode()


def test_an_admin_emails_a_new_link_from_the_user_page(
    client_as, governor, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_as("admin")
    page = client.get(reverse("accounts:user_detail", kwargs={"pk": governor.pk})).content.decode()
    send = reverse("accounts:password_link_send", kwargs={"pk": governor.pk})
    assert f'action="{send}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(send, follow=True).content.decode()
    assert LINK_RESENT.format(email=governor.email) in done
    assert [m.to for m in mailoutbox] == [[governor.email]]
    assert fresh(governor).has_usable_password()  # the password they have keeps working

    nobody = make_user(Role.GOVERNOR, username="noaddress", first_name="Noor", last_name="Khan", email="")
    refused = client.post(reverse("accounts:password_link_send", kwargs={"pk": nobody.pk}), follow=True)
    assert escape(own_passwords.NO_ADDRESS_FOR_THE_LINK.format(user=nobody)) in refused.content.decode()


# ---- every role: the link's pages are open to anyone; sending a link is the admin's ---------------


@pytest.mark.parametrize("role", ROLES)
def test_the_link_pages_answer_every_role_and_only_an_admin_sends_a_link(client_as, role, governor):
    client = client_as(role)
    bad_link = reverse("accounts:choose_password", kwargs={"uidb64": "MQ", "token": "not-a-token"})
    assert client.get(bad_link).status_code == 200
    assert client.get(reverse("accounts:choose_password_done")).status_code == 200
    send = reverse("accounts:password_link_send", kwargs={"pk": governor.pk})
    expected = {"anonymous": SIGN_IN, "admin": 302}.get(role, 403)
    assert client.post(send).status_code == expected
    assert client.get(send).status_code == {"anonymous": SIGN_IN, "admin": 405}.get(role, 403)


# ---- the first officers of a new deployment ---------------------------------------------------------


def test_create_user_makes_the_first_officer_who_chooses_their_own_password_and_can_approve(
    client, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    """Only an officer approves an admin's request for the officer role: a new deployment's first
    officer is made by the deployment itself, and is emailed a link (nobody running the command knows
    the password)."""
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("create_user", "nevans", "--role", "officer", "--first-name", "Nia", "--last-name", "Evans",
                     "--email", "nia@example.gov.uk", stdout=out)  # fmt: skip
    nia = User.objects.get(username="nevans")
    assert nia.role == Role.OFFICER
    assert not nia.has_usable_password()
    assert "A link to choose their password was emailed to nia@example.gov.uk" in out.getvalue()
    [email] = mailoutbox
    assert email.to == ["nia@example.gov.uk"]
    assert "Password saved" in choose(client, link_in(email)).content.decode()

    asked = services.role_request_create(user=make_adviser_to_be(), role=Role.ADVISER, actor=admin_user)
    services.role_request_approve(role_request=asked, actor=fresh(nia))
    assert RoleRequest.objects.get(pk=asked.pk).status == "approved"


def make_adviser_to_be():
    return services.user_create(username="rblake", first_name="Rowan", last_name="Blake",
                                email="r@example.org", role=Role.GOVERNOR, password="governors-own-pw-1",
                                actor=None)  # fmt: skip


def test_create_user_refuses_an_officer_with_no_address_and_asks_a_governor_for_a_password(monkeypatch):
    with pytest.raises(CommandError, match=re.escape(services.EMAIL_FOR_THE_LINK)):
        call_command("create_user", "nevans", "--role", "officer", stdout=io.StringIO())
    monkeypatch.setattr("sys.stdin", io.StringIO("governors-own-pw-1\n"))
    call_command("create_user", "ghalt", "--role", "governor", stdout=io.StringIO())
    assert User.objects.get(username="ghalt").check_password("governors-own-pw-1")
    assert not User.objects.filter(username="nevans").exists()
