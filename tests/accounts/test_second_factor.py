"""The second factor (docs/adr/0009): officers and admins must sign in with a code from an
authenticator app; advisers and governors may. Recovery codes, turning it off, an admin's reset."""

import io
import logging
import re
from base64 import b32decode

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import escape
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor as sf
from accounts.demo import demo_totp_key, demo_totp_key_for_people
from accounts.models import AccessEvent, AccessEventKind, RoleRequest, RoleRequestStatus
from accounts.roles import Role
from accounts.second_factor_forms import NOT_A_CODE
from accounts.second_factor_views import RESET_DONE
from accounts.services import SUSPENDED, role_request_approve

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("second_factor_required")]

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


def sign_in(client, user):
    return client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    return f"{totp(device.bin_key, t0=-30 * steps_ahead):06d}"


def app_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def signed_in_with_app(client, user) -> TOTPDevice:
    """Signed in with the password and the app's code (without the pages: those are tested above)."""
    device = app_for(user)
    client.force_login(user)
    session = client.session
    session.pop(sf.OWED, None)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def test_an_officer_without_an_app_is_taken_to_set_one_up_and_reaches_no_other_page(client, officer):
    response = sign_in(client, officer)
    assert client.get(response["Location"])["Location"].startswith(reverse("accounts:second_factor_enrol"))
    for page in ("dashboard:home", "schools:list", "accounts:account", "accounts:password_change"):
        assert client.get(reverse(page))["Location"].startswith(reverse("accounts:second_factor_enrol")), page
    assert client.get(reverse("accounts:second_factor_enrol")).status_code == 200


def test_an_admin_without_an_app_is_taken_to_set_one_up_too(client, admin_user):
    sign_in(client, admin_user)
    assert client.get(reverse("accounts:user_list"))["Location"].startswith(reverse("accounts:second_factor_enrol"))


def test_an_officer_with_an_app_is_asked_for_its_code_and_a_right_code_opens_the_page_asked_for(client, officer):
    device = app_for(officer)
    sign_in(client, officer)
    response = client.get(reverse("schools:list"))
    assert response["Location"] == reverse("accounts:second_factor_verify") + "?next=%2Fschools%2F"

    response = client.post(reverse("accounts:second_factor_verify"), {"code": code_for(device), "next": "/schools/"})
    assert response["Location"] == "/schools/"
    assert client.get(reverse("schools:list")).status_code == 200


def test_a_wrong_code_is_refused_with_a_message_and_logged(client, officer, caplog):
    device = app_for(officer)
    sign_in(client, officer)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    with caplog.at_level(logging.INFO, logger="accounts.second_factor_views"):
        response = client.post(reverse("accounts:second_factor_verify"), {"code": wrong}, REMOTE_ADDR="192.0.2.4")
    assert response.status_code == 200
    assert sf.WRONG_CODE in response.content.decode()
    assert f"Wrong second-factor code: user {officer.pk} from 192.0.2.4" in caplog.messages
    assert client.get(reverse("dashboard:home"))["Location"].startswith(reverse("accounts:second_factor_verify"))


def test_after_a_wrong_code_the_next_try_waits(client, officer, time_machine):
    time_machine.move_to("2026-11-02 09:00:00+00:00", tick=False)  # the wait is one second
    device = app_for(officer)
    sign_in(client, officer)
    client.post(reverse("accounts:second_factor_verify"), {"code": f"{(int(code_for(device)) + 1) % 1_000_000:06d}"})
    response = client.post(reverse("accounts:second_factor_verify"), {"code": code_for(device)})
    assert sf.TOO_MANY_TRIES.format(wait="1 second") in response.content.decode()  # one second, not "1 seconds"
    time_machine.shift(2)
    response = client.post(reverse("accounts:second_factor_verify"), {"code": code_for(device)})
    assert response["Location"] == reverse("dashboard:home")


def test_letters_or_too_few_numbers_are_told_at_once_and_start_no_wait(client, officer, time_machine):
    time_machine.move_to("2026-11-02 09:00:00+00:00", tick=False)
    device = app_for(officer)
    sign_in(client, officer)
    for typed in ("abcdef", "12345", "1234567"):
        response = client.post(reverse("accounts:second_factor_verify"), {"code": typed})
        assert NOT_A_CODE in response.content.decode(), typed
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    full_width = code_for(device).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})  # a phone's keyboard
    response = client.post(reverse("accounts:second_factor_verify"), {"code": full_width})
    assert response["Location"] == reverse("dashboard:home")


def test_a_code_from_another_sites_redirect_is_not_followed(client, officer):
    device = app_for(officer)
    sign_in(client, officer)
    response = client.post(
        reverse("accounts:second_factor_verify"), {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("dashboard:home")


def test_setting_up_shows_a_qr_code_and_the_key_and_needs_a_code_from_the_app(client, officer):
    sign_in(client, officer)
    page = client.get(reverse("accounts:second_factor_enrol")).content.decode()
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert sf.key_for_people(device) in page
    assert f'src="{reverse("accounts:second_factor_qr")}"' in page

    response = client.post(reverse("accounts:second_factor_enrol"), {"code": "12345"})
    assert NOT_A_CODE in response.content.decode()  # five numbers: no code to try
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:second_factor_enrol"), {"code": wrong})
    assert sf.WRONG_CODE in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    device.throttling_failure_count = 0  # the wrong code made the next wait a second
    device.throttling_failure_timestamp = None
    device.save()
    response = client.post(reverse("accounts:second_factor_enrol"), {"code": code_for(device)})
    assert response["Location"] == reverse("accounts:second_factor_codes")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("dashboard:home")).status_code == 200


def test_the_key_typed_in_from_the_page_gives_codes_the_service_accepts(client, adviser):
    sign_in(client, adviser)
    page = client.get(reverse("accounts:second_factor_enrol")).content.decode()
    key = re.search(r'id="second-factor-key">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    code = f"{totp(b32decode(key + '=' * (-len(key) % 8))):06d}"
    assert client.post(reverse("accounts:second_factor_enrol"), {"code": code}).status_code == 302
    assert TOTPDevice.objects.get(user=adviser).confirmed


def test_ten_recovery_codes_are_shown_once_after_setting_up(client, officer):
    sign_in(client, officer)
    client.get(reverse("accounts:second_factor_enrol"))
    device = TOTPDevice.objects.get(user=officer)
    client.post(reverse("accounts:second_factor_enrol"), {"code": code_for(device)})

    page = client.get(reverse("accounts:second_factor_codes")).content.decode()
    shown = re.findall(r"<li><code>([a-z2-7]+)</code></li>", page)
    assert len(shown) == 10 == len(set(shown))
    assert set(shown) == set(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))

    again = client.get(reverse("accounts:second_factor_codes")).content.decode()
    assert not any(code in again for code in shown)
    assert "You have 10 recovery codes left" in again


def test_new_recovery_codes_replace_the_old_ones(client, officer):
    signed_in_with_app(client, officer)
    old = sf.recovery_codes_renew(user=officer)
    client.post(reverse("accounts:second_factor_codes"))
    new = re.findall(
        r"<li><code>([a-z2-7]+)</code></li>", client.get(reverse("accounts:second_factor_codes")).content.decode()
    )
    assert len(new) == 10
    assert not StaticToken.objects.filter(token__in=old).exists()


def test_a_recovery_code_signs_in_once(client, officer):
    app_for(officer)
    codes = sf.recovery_codes_renew(user=officer)
    sign_in(client, officer)
    response = client.post(reverse("accounts:second_factor_recovery"), {"code": codes[0].upper()})
    assert response["Location"] == reverse("dashboard:home")
    assert client.get(reverse("dashboard:home")).status_code == 200
    assert sf.recovery_codes_left(officer) == 9

    client.post(reverse("accounts:logout"))
    sign_in(client, officer)
    response = client.post(reverse("accounts:second_factor_recovery"), {"code": codes[0]})
    assert sf.WRONG_RECOVERY_CODE in response.content.decode()


def test_an_adviser_need_not_have_a_second_factor(client, adviser):
    sign_in(client, adviser)
    assert client.get(reverse("dashboard:home")).status_code == 200


def test_an_adviser_who_set_one_up_is_asked_for_its_code(client, adviser):
    app_for(adviser)
    sign_in(client, adviser)
    assert client.get(reverse("dashboard:home"))["Location"].startswith(reverse("accounts:second_factor_verify"))


def test_an_adviser_can_turn_it_off_and_it_is_in_the_access_log_not_emailed(client, adviser, mailoutbox):
    signed_in_with_app(client, adviser)
    sf.recovery_codes_renew(user=adviser)
    assert client.get(reverse("accounts:second_factor_turn_off")).status_code == 200
    client.post(reverse("accounts:second_factor_turn_off"))
    assert not TOTPDevice.objects.filter(user=adviser).exists()
    assert sf.recovery_codes_left(adviser) == 0
    event = AccessEvent.objects.get(user=adviser, kind=AccessEventKind.SECOND_FACTOR_RESET)
    assert event.actor == adviser
    assert mailoutbox == []


@pytest.mark.parametrize("role", ["officer", "admin_user"])
def test_an_officer_or_admin_cannot_turn_it_off(client, role, request):
    user = request.getfixturevalue(role)
    signed_in_with_app(client, user)
    response = client.post(reverse("accounts:second_factor_turn_off"))
    assert response["Location"] == reverse("accounts:account")
    assert TOTPDevice.objects.filter(user=user).exists()


def test_an_admin_resets_an_officers_second_factor_and_the_officer_is_emailed(
    client, admin_user, officer, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    app_for(officer)
    sf.recovery_codes_renew(user=officer)
    signed_in_with_app(client, admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:user_second_factor_reset", kwargs={"pk": officer.pk}), follow=True)
    assert RESET_DONE.format(user=officer) in response.content.decode()
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert sf.recovery_codes_left(officer) == 0
    event = AccessEvent.objects.get(user=officer, kind=AccessEventKind.SECOND_FACTOR_RESET)
    assert event.actor == admin_user
    emails = [email for email in mailoutbox if email.to == [officer.email]]
    assert len(emails) == 1
    assert "second factor" in emails[0].subject

    # Suspended until another officer agrees (docs/adr/0061): the admin cannot set one up for them.
    officer.refresh_from_db()
    assert not officer.is_active
    assert escape(SUSPENDED.format(user=officer)) in response.content.decode()
    request = RoleRequest.objects.get(user=officer, status=RoleRequestStatus.PENDING)
    assert (request.reactivate, request.requested_by) == (True, admin_user)
    client.post(reverse("accounts:logout"))
    sign_in(client, officer)
    assert "_auth_user_id" not in client.session
    with django_capture_on_commit_callbacks(execute=True):
        role_request_approve(role_request=request, actor=make_user(Role.OFFICER))
    # Reactivated, the officer chooses a new password through the emailed link (docs/adr/0062), then
    # sets up a new app: the admin could do neither.
    sign_in(client, officer)
    assert "_auth_user_id" not in client.session
    [link] = [m for m in mailoutbox if m.to == [officer.email] and "choose the password" in m.subject]
    path = re.search(r"http://\S+(/accounts/password/choose/\S+/)", link.body).group(1)
    form = client.get(path, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD})
    sign_in(client, officer)
    assert client.get(reverse("dashboard:home"))["Location"].startswith(reverse("accounts:second_factor_enrol"))


@pytest.mark.parametrize("role", ["officer", "adviser", "governor"])
def test_only_an_admin_resets_someones_second_factor(client, role, make_user, request):
    other = make_user(Role.ADVISER)
    app_for(other)
    signed_in_with_app(client, request.getfixturevalue(role))
    response = client.post(reverse("accounts:user_second_factor_reset", kwargs={"pk": other.pk}))
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=other).exists()


def test_the_user_page_shows_the_second_factor_and_the_reset_button(client, admin_user, officer):
    app_for(officer)
    signed_in_with_app(client, admin_user)
    page = client.get(reverse("accounts:user_detail", kwargs={"pk": officer.pk})).content.decode()
    assert "Authenticator app, set up" in page
    reset = reverse("accounts:user_second_factor_reset", kwargs={"pk": officer.pk})
    assert reset in page
    confirm = client.get(reset).content.decode()
    assert "before they can use anything else" in confirm
    assert TOTPDevice.objects.filter(user=officer).exists()  # asking is not doing


def test_the_qr_code_is_an_svg_image_without_script_or_style(client, officer):
    client.force_login(officer)
    client.get(reverse("accounts:second_factor_enrol"))
    response = client.get(reverse("accounts:second_factor_qr"))
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert "<svg" in svg
    assert "<script" not in svg
    assert "style=" not in svg
    assert "<style" not in svg


def test_the_demo_officers_and_admin_have_the_published_authenticator_key(db):
    call_command("seed_demo", stdout=io.StringIO())
    for username in ("admin", "officer", "officer2"):
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        assert device.key == demo_totp_key(username)
        assert len(demo_totp_key_for_people(username)) == 32
    assert not TOTPDevice.objects.filter(user__username__in=["adviser", "governor"]).exists()


def test_a_used_code_cannot_be_used_again(client, officer):
    device = app_for(officer)
    code = code_for(device)
    sign_in(client, officer)
    client.post(reverse("accounts:second_factor_verify"), {"code": code})
    client.post(reverse("accounts:logout"))
    sign_in(client, officer)
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()
    response = client.post(reverse("accounts:second_factor_verify"), {"code": code})
    assert sf.WRONG_CODE in response.content.decode()


def test_the_command_resets_an_admins_second_factor_when_no_admin_can(admin_user):
    app_for(admin_user)
    out = io.StringIO()
    call_command("reset_second_factor", "admin", stdout=out)
    assert "Reset the second factor of admin" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=admin_user).exists()
    event = AccessEvent.objects.get(user=admin_user, kind=AccessEventKind.SECOND_FACTOR_RESET)
    assert event.actor is None


def test_the_command_says_when_there_is_nothing_to_reset(admin_user):
    with pytest.raises(CommandError, match="has no second factor"):
        call_command("reset_second_factor", "admin", stdout=io.StringIO())
    with pytest.raises(CommandError, match="No user has the username nobody"):
        call_command("reset_second_factor", "nobody", stdout=io.StringIO())


def test_an_officer_signed_in_through_single_sign_on_is_not_asked_for_a_second_factor(client, officer):
    """The council's identity provider checks its own factors (docs/adr/0013)."""
    client.force_login(officer, backend=sf.SSO_BACKEND)
    assert client.get(reverse("dashboard:home")).status_code == 200

    client.logout()
    client.force_login(officer, backend="accounts.backends.PasswordBackend")
    assert client.get(reverse("dashboard:home"))["Location"].startswith(reverse("accounts:second_factor_enrol"))


def test_while_its_code_is_owed_a_session_is_offered_no_menu_or_account_page(client, officer):
    app_for(officer)
    page = client.get(client.get(sign_in(client, officer)["Location"])["Location"]).content.decode()
    assert "Enter the code from your authenticator app" in page
    assert reverse("schools:list") not in page
    assert reverse("accounts:account") not in page
    assert "Sign out" in page
