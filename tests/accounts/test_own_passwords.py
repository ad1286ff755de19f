"""A case reader signs in with a password only they know (docs/adr/0062): when an account comes to
open case material with a password someone else chose, that password stops working and the person
is emailed a link to choose their own."""

import io
import re
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts import own_passwords, rules, services
from accounts.models import AccessEvent, AccessEventKind, RoleRequest
from accounts.password_link_views import LINK_RESENT
from accounts.roles import Role
from core.forms import EMAIL_INVALID
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
    ("before", "after", "chooses_anew"),
    [
        (0, 1, True),  # a governor made headteacher, or an inactive headteacher reactivated
        (0, 2, True),  # the adviser role given
        (0, 3, True),  # an officer reactivated
        (1, 2, True),  # raised from headteacher to adviser
        (2, 3, True),  # raised from adviser to officer
        (2, 2, False),  # no more case material than before
        (3, 2, False),  # lowered
        (2, 0, False),  # deactivated
        (0, 0, False),  # a governor stays a governor
    ],
)
def test_a_case_reader_signs_in_with_a_password_only_they_know(before, after, chooses_anew):
    assert rules.a_case_reader_signs_in_with_a_password_only_they_know(before=before, after=after) is chooses_anew


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
    assert "Any password you were given or had before no longer works" in email.body

    client.logout()
    done = choose(client, link_in(email))
    assert "Password saved" in done.content.decode()
    nia = fresh(nia)
    assert nia.check_password(CHOSEN)
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


def test_an_officer_raising_a_governor_sends_a_link_even_to_one_who_chose_their_own_password(
    admin_user, officer, governor, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    """Nobody can tell who chose a password, so every account coming to open case material chooses anew."""
    own = make_user(Role.GOVERNOR, username="owngov", email="own@example.org")
    services.user_set_password(user=governor, password="the-admins-choice-1", actor=admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        for person in (governor, own):
            services.user_update(user=fresh(person), first_name="G", last_name="H", email=person.email,
                                 role=Role.HEADTEACHER, is_active=True, actor=officer)  # fmt: skip
    for person in (governor, own):
        assert not fresh(person).has_usable_password()
        event = AccessEvent.objects.get(user=person, kind=AccessEventKind.PASSWORD_LINK_SENT)
        assert (event.actor, event.detail) == (officer, own_passwords.REPLACED_DETAIL)
    links = [m.to[0] for m in mailoutbox if m.subject.endswith(own_passwords.LINK_SUBJECT)]
    assert sorted(links) == sorted([governor.email, "own@example.org"])


def test_an_admin_who_signed_in_to_a_waiting_account_and_changed_its_password_cannot_keep_it(
    client, client_as, officer
):
    """The review's bypass: the admin creates the adviser with a password, signs in as them while the
    request waits (the account has no role yet) and "changes their own" password, then an officer
    approves. That password stops working too."""
    client_as("admin").post(
        reverse("accounts:user_create"),
        {"username": "nevans", "first_name": "Nia", "last_name": "Evans", "email": "nia@example.org",
         "role": "adviser", "password": "the-admins-choice-1"},
    )  # fmt: skip
    nia = User.objects.get(username="nevans")
    client.logout()
    client.force_login(nia)
    client.post(
        reverse("accounts:password_change"),
        {"old_password": "the-admins-choice-1", "new_password1": CHOSEN, "new_password2": CHOSEN},
    )
    assert fresh(nia).check_password(CHOSEN)
    services.role_request_approve(role_request=RoleRequest.objects.get(user=nia), actor=officer)
    assert not fresh(nia).check_password(CHOSEN)
    assert not fresh(nia).has_usable_password()


def test_a_link_to_an_address_the_admin_controlled_gives_no_password_once_the_account_is_reactivated(
    client, admin_user, adviser, officer, mailoutbox, django_capture_on_commit_callbacks
):
    """The review's second bypass: deactivate an adviser, give the account the admin's address (nothing
    is suspended while inactive), send the link there, choose a password, put the real address back,
    ask for the reactivation. The officer's approval replaces that password by a link to the real one."""
    real = adviser.email
    services.user_update(user=adviser, first_name="A", last_name="R", email="admin-mailbox@example.org",
                         role=Role.ADVISER, is_active=False, actor=admin_user)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        own_passwords.password_link_send(user=fresh(adviser), actor=admin_user)
    choose(client, link_in(mailoutbox[-1]), "admins-own-pw-99")
    assert fresh(adviser).check_password("admins-own-pw-99")
    services.user_update(user=fresh(adviser), first_name="A", last_name="R", email=real, role=Role.ADVISER,
                         is_active=True, actor=admin_user)  # fmt: skip
    request = RoleRequest.objects.get(user=adviser, status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        services.role_request_approve(role_request=request, actor=officer)
    adviser = fresh(adviser)
    assert adviser.is_active
    assert not adviser.check_password("admins-own-pw-99")
    assert mailoutbox[-1].to == [real]


def test_single_sign_on_raising_the_role_stops_a_password_someone_else_chose_without_a_link(
    admin_user, settings, django_capture_on_commit_callbacks
):
    from accounts.sso.services import sso_user_for_claims

    settings.OIDC_ALLOWED_DOMAINS = ["council.gov.uk"]
    settings.OIDC_TRUST_PROVIDER_EMAILS = False
    settings.OIDC_GROUPS_CLAIM = "groups"
    settings.OIDC_ROLE_GROUPS = [("adviser", "advisers")]
    person = services.user_create(username="nevans", first_name="Nia", last_name="Evans",
                                  email="nia@council.gov.uk", role=Role.GOVERNOR, password="the-admins-choice-1",
                                  actor=admin_user)  # fmt: skip
    claims = {"sub": "x", "email": "nia@council.gov.uk", "email_verified": True, "groups": ["advisers"]}
    with django_capture_on_commit_callbacks(execute=True):
        assert sso_user_for_claims(claims=claims) == person
    person = fresh(person)
    assert person.role == Role.ADVISER
    assert not person.has_usable_password()
    assert not AccessEvent.objects.filter(user=person, kind=AccessEventKind.PASSWORD_LINK_SENT).exists()
    assert person.history.first().history_change_reason == own_passwords.SSO_REPLACED_REASON


def test_a_link_is_not_sent_to_an_address_changed_before_it_went(
    admin_user, governor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event = own_passwords.password_link_send(user=governor, actor=admin_user)
    User.objects.filter(pk=governor.pk).update(email="someone-else@example.org")
    for callback in callbacks:
        callback()
    assert mailoutbox == []
    assert AccessEvent.objects.get(pk=event.pk).email_error == own_passwords.ADDRESS_CHANGED


def test_a_session_owing_a_second_factor_opens_the_link_without_the_token_going_into_an_address(
    client, officer, admin_user, mailoutbox, django_capture_on_commit_callbacks, second_factor_required
):
    client.force_login(officer)  # signed in with a password, the second factor not yet given
    with django_capture_on_commit_callbacks(execute=True):  # (the token is of the last sign-in: after it)
        own_passwords.password_link_send(user=fresh(officer), actor=admin_user)
    response = client.get(link_in(mailoutbox[-1]))
    assert response.status_code == 302
    assert response["Location"].endswith("/choose/")  # Django's own step: the token into the session
    assert "second-factor" not in response["Location"]


def test_an_approval_with_no_address_to_send_the_link_to_is_refused_and_changes_nothing(
    client_as, admin_user, officer, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    person = make_user(Role.GOVERNOR, username="noaddress", first_name="Noor", last_name="Khan", email="")
    services.user_set_password(user=person, password="the-admins-choice-1", actor=admin_user)
    request = services.role_request_create(user=person, role=Role.HEADTEACHER, actor=admin_user)
    approve = reverse("audit:role_request_approve", kwargs={"pk": request.pk})
    with django_capture_on_commit_callbacks(execute=True):
        page = client_as("officer").post(approve, follow=True)
    assert escape(own_passwords.NO_ADDRESS_FOR_THE_LINK.format(user=person)) in page.content.decode()
    assert not AccessEvent.objects.filter(user=person, kind=AccessEventKind.PASSWORD_LINK_SENT).exists()
    assert mailoutbox == []
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
    with django_capture_on_commit_callbacks(execute=True):
        services.role_request_approve(role_request=RoleRequest.objects.get(user=nia), actor=officer)
    [email] = mailoutbox
    assert email.to == ["nia@example.org"]
    assert "Any password you were given" not in email.body  # they were given none


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
    assert escape(own_passwords.EMAIL_FOR_THE_LINK) in page
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
    assert fresh(governor).has_usable_password()  # the password they have keeps working until they choose
    client.logout()
    assert "Password saved" in choose(client, link_in(mailoutbox[0])).content.decode()
    assert fresh(governor).check_password(CHOSEN)

    nobody = make_user(Role.GOVERNOR, username="noaddress", first_name="Noor", last_name="Khan", email="")
    admin = client_as("admin")
    refused = admin.post(reverse("accounts:password_link_send", kwargs={"pk": nobody.pk}), follow=True)
    assert escape(own_passwords.NO_ADDRESS_FOR_THE_LINK.format(user=nobody)) in refused.content.decode()


def test_choosing_a_password_through_the_link_lifts_a_sign_in_lock_on_the_account(
    client, client_as, governor, settings, mailoutbox, django_capture_on_commit_callbacks
):
    def sign_in(password):
        return client.post(reverse("accounts:login"), {"username": governor.username, "password": password})

    for _ in range(settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT):
        sign_in("a-wrong-guess")
    assert sign_in(CHOSEN).status_code == 429  # locked
    with django_capture_on_commit_callbacks(execute=True):
        client_as("admin").post(reverse("accounts:password_link_send", kwargs={"pk": governor.pk}))
    client.logout()
    assert "Password saved" in choose(client, link_in(mailoutbox[0])).content.decode()
    assert sign_in(CHOSEN).status_code == 302  # signed in
    event = AccessEvent.objects.get(user=governor, kind=AccessEventKind.ACCOUNT_UNLOCKED)
    assert event.actor == governor


def test_choosing_a_password_through_the_link_records_no_lift_when_nothing_was_locked(
    client, client_as, governor, mailoutbox, django_capture_on_commit_callbacks
):
    client.post(reverse("accounts:login"), {"username": governor.username, "password": "one-mistyped-try"})
    with django_capture_on_commit_callbacks(execute=True):
        client_as("admin").post(reverse("accounts:password_link_send", kwargs={"pk": governor.pk}))
    client.logout()
    assert "Password saved" in choose(client, link_in(mailoutbox[0])).content.decode()
    assert not AccessEvent.objects.filter(user=governor, kind=AccessEventKind.ACCOUNT_UNLOCKED).exists()


# ---- every role: the link's pages are open to anyone; sending a link is the admin's ---------------


@pytest.mark.parametrize("role", ROLES)
def test_the_link_pages_answer_every_role_and_only_an_admin_sends_a_link(client_as, role, governor):
    client = client_as(role)
    bad_link = reverse("accounts:choose_password", kwargs={"uidb64": "MQ", "token": "not-a-token"})
    bad = client.get(bad_link)
    assert (bad.status_code, "This link no longer works" in bad.content.decode()) == (200, True)
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
    assert "A link to choose their password is being emailed to nia@example.gov.uk" in out.getvalue()
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
    with pytest.raises(CommandError, match=re.escape(own_passwords.EMAIL_FOR_THE_LINK)):
        call_command("create_user", "nevans", "--role", "officer", stdout=io.StringIO())
    monkeypatch.setattr("sys.stdin", io.StringIO("governors-own-pw-1\n"))
    call_command("create_user", "ghalt", "--role", "governor", stdout=io.StringIO())
    assert User.objects.get(username="ghalt").check_password("governors-own-pw-1")
    assert not User.objects.filter(username="nevans").exists()


@pytest.mark.parametrize("address", ["nia.example.gov.uk", "nia@", "nia@example..gov.uk", "nia evans@example.gov.uk"])
def test_create_user_refuses_an_address_in_the_wrong_format_as_the_forms_do(address, mailoutbox):
    with pytest.raises(CommandError, match=re.escape(EMAIL_INVALID)):
        call_command("create_user", "nevans", "--role", "officer", "--email", address, stdout=io.StringIO())
    assert not User.objects.filter(username="nevans").exists()
    assert mailoutbox == []


def test_an_approval_is_refused_when_the_address_changed_since_the_officers_page_showed_it(
    client_as, admin_user, officer, mailoutbox, django_capture_on_commit_callbacks
):
    """The second review: the officer confirms the address on the page; the admin changes it before
    the officer clicks Approve. The link would go to the new address, so the approval is refused."""
    services.user_create(username="nevans", first_name="Nia", last_name="Evans", email="nia@example.org",
                         role=Role.ADVISER, password="", actor=admin_user)  # fmt: skip
    nia = User.objects.get(username="nevans")
    officer_client = client_as("officer")
    page = officer_client.get(reverse("audit:role_requests")).content.decode()
    assert 'name="email" value="nia@example.org"' in page
    services.user_update(user=nia, first_name="Nia", last_name="Evans", email="ada-mailbox@example.org",
                         role=Role.ADVISER, is_active=True, actor=admin_user)  # fmt: skip
    request = RoleRequest.objects.get(user=nia)
    with django_capture_on_commit_callbacks(execute=True):
        refused = officer_client.post(
            reverse("audit:role_request_approve", kwargs={"pk": request.pk}), {"email": "nia@example.org"}, follow=True
        )
    changed = own_passwords.ADDRESS_CHANGED_SINCE.format(user=nia, email="ada-mailbox@example.org")
    assert escape(changed) in refused.content.decode()
    assert RoleRequest.objects.get(pk=request.pk).status == "pending"
    assert fresh(nia).role is None
    assert mailoutbox == []


def test_an_admins_page_saved_after_an_approval_does_not_bring_back_the_old_password(admin_user, officer):
    """The second review's race: the admin's user page loaded the account before an officer's approval
    replaced its password; saving that page must not write the old password back, and an address
    changed then suspends the new adviser."""
    nia = services.user_create(username="nevans", first_name="Nia", last_name="Evans", email="nia@example.org",
                               role=Role.ADVISER, password="the-admins-choice-1", actor=admin_user)  # fmt: skip
    stale = User.objects.get(pk=nia.pk)  # what the admin's page holds
    services.role_request_approve(role_request=RoleRequest.objects.get(user=nia), actor=officer)
    services.user_update(user=stale, first_name="Nia", last_name="Evans", email="ada-mailbox@example.org",
                         role=Role.ADVISER, is_active=True, actor=admin_user)  # fmt: skip
    nia = fresh(nia)
    assert not nia.check_password("the-admins-choice-1")
    assert (nia.role, nia.is_active) == (Role.ADVISER, False)  # the address change waits for an officer


def test_a_link_made_before_an_sso_account_gains_case_material_stops_working(
    client, admin_user, officer, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    """The second review: an account that signs in with single sign-on has no usable password, and
    replacing "none" with "none" kept every earlier link alive. Each rise now makes a new unusable one."""
    nia = make_user(Role.GOVERNOR, username="nia", email="nia@council.gov.uk", signs_in_with_sso=True)
    nia.set_unusable_password()
    nia.save()
    with django_capture_on_commit_callbacks(execute=True):
        own_passwords.password_link_send(user=nia, actor=admin_user)
    path = link_in(mailoutbox[-1])
    request = services.role_request_create(user=fresh(nia), role=Role.ADVISER, actor=admin_user)
    services.role_request_approve(role_request=request, actor=officer)
    assert "This link no longer works" in client.get(path, follow=True).content.decode()


def test_the_links_timestamp_and_address_cannot_trade_digits(governor):
    """The second review: Django hashes "...{timestamp}{email}" with nothing between, so a token made for
    "7nia@..." checked out for "nia@..." with a timestamp one digit longer, in the future and so
    never expiring. The link's tokens separate the values and refuse a future timestamp."""
    from django.utils.http import base36_to_int, int_to_base36

    from accounts.tokens import choose_password_tokens

    governor.email = "7" + governor.email
    token = choose_password_tokens.make_token(governor)
    governor.email = governor.email[1:]
    stamp, digest = token.split("-")
    shifted = f"{int_to_base36(int(str(base36_to_int(stamp)) + '7'))}-{digest}"
    assert not choose_password_tokens.check_token(governor, shifted)
    future = choose_password_tokens._make_token_with_timestamp(
        governor, choose_password_tokens._num_seconds(choose_password_tokens._now()) + 3600, settings.SECRET_KEY
    )
    assert not choose_password_tokens.check_token(governor, future)
    assert choose_password_tokens.check_token(governor, choose_password_tokens.make_token(governor))


def test_a_password_change_in_flight_during_an_approval_does_not_bring_back_the_admins_password(
    client, admin_user, officer
):
    """The third review: Django's change-your-password page saved the whole row it had read, so a
    change the admin (signed in to the waiting account) sent as the officer approved wrote the
    admin's password back. The save now refuses when the password changed since the page checked it."""
    from accounts.forms import OwnPasswordChangeForm

    nia = services.user_create(username="nevans", first_name="Nia", last_name="Evans", email="nia@example.org",
                               role=Role.ADVISER, password="the-admins-choice-1", actor=admin_user)  # fmt: skip
    in_flight = User.objects.get(pk=nia.pk)  # the request's copy, read before the approval
    form = OwnPasswordChangeForm(  # (another of the admin's: the same one again is refused, ADR 0073)
        in_flight,
        {"old_password": "the-admins-choice-1", "new_password1": "the-admins-choice-2",
         "new_password2": "the-admins-choice-2"},
    )  # fmt: skip
    assert form.is_valid()
    services.role_request_approve(role_request=RoleRequest.objects.get(user=nia), actor=officer)
    with pytest.raises(ValidationError, match="changed while this page was open"):
        form.save()
    assert not fresh(nia).has_usable_password()
    assert fresh(nia).is_active


# (Django refuses a local part in another script itself; a domain in one it takes, as an international
# domain name, shown as typed.)
@pytest.mark.parametrize("address", ["nia.evans@ex\u0430mple.org", "nia.evans@example.\u043erg"])
def test_an_accounts_address_is_in_plain_letters_so_it_cannot_pass_for_another(client_as, adviser, address):
    created = client_as("admin").post(
        reverse("accounts:user_create"),
        {"username": "nevans", "first_name": "Nia", "last_name": "Evans", "email": address, "role": "adviser",
         "password": ""},
    ).content.decode()  # fmt: skip
    assert escape(own_passwords.EMAIL_PLAIN) in created
    assert not User.objects.filter(username="nevans").exists()
    changed = (
        client_as("admin")
        .post(
            reverse("accounts:user_detail", kwargs={"pk": adviser.pk}),
            {"first_name": "A", "last_name": "R", "email": address, "role": "adviser", "is_active": "on"},
        )
        .content.decode()
    )
    assert escape(own_passwords.EMAIL_PLAIN) in changed
    assert fresh(adviser).email != address


# ---- a rehash at sign-in (a hasher upgrade) ---------------------------------------------------------

REHASH_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def with_an_older_hash(user, raw: str) -> None:
    """The user's password stored by a hasher that is no longer the first, as after an upgrade."""
    older = PBKDF2PasswordHasher().encode(raw, "older-salt", iterations=1000)
    User.objects.filter(pk=user.pk).update(password=older)


def test_a_rehash_at_sign_in_is_saved_when_nothing_changed_the_password_meanwhile(governor, settings):
    settings.PASSWORD_HASHERS = REHASH_HASHERS
    with_an_older_hash(governor, "governors-own-pw-1")
    assert fresh(governor).check_password("governors-own-pw-1")
    assert fresh(governor).password.startswith("md5$")
    assert fresh(governor).check_password("governors-own-pw-1")


def test_a_rehash_at_sign_in_does_not_bring_back_a_password_replaced_since_it_was_read(governor, settings):
    settings.PASSWORD_HASHERS = REHASH_HASHERS
    with_an_older_hash(governor, "chosen-by-the-admin-1")
    signing_in = fresh(governor)  # the sign-in reads the account...
    governor.set_unusable_password()  # ...an officer's approval replaces the password...
    governor.save(update_fields=["password"])
    assert signing_in.check_password("chosen-by-the-admin-1")  # ...and the sign-in's check, on its copy, passes
    assert not fresh(governor).has_usable_password()  # but it did not write the old password back


def test_the_async_check_does_not_bring_back_a_replaced_password_either(governor, settings):
    settings.PASSWORD_HASHERS = REHASH_HASHERS
    with_an_older_hash(governor, "chosen-by-the-admin-1")
    signing_in = fresh(governor)
    governor.set_unusable_password()
    governor.save(update_fields=["password"])
    assert async_to_sync(signing_in.acheck_password)("chosen-by-the-admin-1")
    assert not fresh(governor).has_usable_password()
