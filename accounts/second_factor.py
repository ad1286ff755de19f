"""The second factor for accounts that sign in with a password: a code from an authenticator app
(TOTP, django-otp), with ten single-use recovery codes for a lost phone (docs/adr/0009).

Officers and admins must have one (settings.SECOND_FACTOR_REQUIRED_ROLES); advisers and governors
may turn it on from their account page. After the password, a person with an authenticator app is
asked for its code, and one who must have one but has none is taken to set it up: until then every
other page sends them back (SecondFactorMiddleware). What is still owed is decided once, at sign-in,
and kept in the session, so a page costs no query for it.

A person signed in through the council's single sign-on proved who they are there: they are never
asked (`signing_in_with_sso`)."""

from base64 import b32encode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import access
from .models import RoleRequest
from .roles import Role
from .services import suspend_until_an_officer_agrees

# What the session still owes after the password (absent: nothing).
OWED = "second_factor_owed"
VERIFY, ENROL = "verify", "enrol"
# The recovery codes just made, shown once by the next page and then forgotten.
NEW_CODES = "second_factor_new_codes"

APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"

WRONG_CODE = "The code is not right. Enter the 6-digit code your authenticator app shows now."
WRONG_RECOVERY_CODE = "That recovery code is not right, or has been used. Check it and try again."
# After each wrong code the next is refused for a while, doubling each time (django-otp's throttle).
TOO_MANY_TRIES = "After a wrong code, the next one can only be tried after a short wait. Wait {wait} and try again."
REQUIRED_FOR_ROLE = "Your role ({role}) must sign in with a second factor: it cannot be turned off."
ONLY_AN_ADMIN_RESETS = "Only an admin can reset someone's second factor."
NO_SECOND_FACTOR = "{user} has no second factor to reset."

# Pages a person who still owes the second factor can reach.
OPEN_WHILE_OWED = {
    "accounts:second_factor_verify",
    "accounts:second_factor_recovery",
    "accounts:second_factor_enrol",
    "accounts:second_factor_qr",
    "accounts:logout",
    # The emailed link to choose a password: its token must not travel on in a `next` address.
    "accounts:choose_password",
    "accounts:choose_password_done",
}


def is_required(user) -> bool:
    """Whether the user's role must sign in with a second factor."""
    return user.role is not None and user.role.value in settings.SECOND_FACTOR_REQUIRED_ROLES


def may_turn_off(user) -> bool:
    return not is_required(user)


SSO_BACKEND = "accounts.sso.backend.SSOBackend"


def signing_in_with_sso(user) -> bool:
    """A sign-in through the council's identity provider (single sign-on, which checks its own
    factors) owes no second factor here. Decided from the backend that authenticated the user,
    which Django sets before user_logged_in; the session's own mark (accounts.sso) comes after."""
    return getattr(user, "backend", "") == SSO_BACKEND


def app_device(user, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-id").first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def owed(request) -> str:
    return request.session.get(OWED, "") if hasattr(request, "session") else ""


def context_processor(request) -> dict:
    """Until its second factor is given, a session is offered no menu and no account page: every
    page but the code and set-up pages sends it back there (SecondFactorMiddleware)."""
    return {"second_factor_owed": bool(owed(request))}


@receiver(user_logged_in, dispatch_uid="accounts.second_factor.signed_in")
def _signed_in(sender, request, user, **kwargs):
    """Decide, once, what the new session owes before it opens any other page."""
    if request is None or not hasattr(request, "session"):
        return
    request.session.pop(OWED, None)
    if signing_in_with_sso(user):
        return
    if app_device(user) is not None:
        request.session[OWED] = VERIFY
    elif is_required(user):
        request.session[OWED] = ENROL


def verified(request, device) -> None:
    """The session has given its second factor (or set one up): nothing more is owed."""
    otp_login(request, device)
    request.session.pop(OWED, None)


class SecondFactorMiddleware:
    """Sends a signed-in person who still owes the second factor to the page that takes it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        what = owed(request)
        if not what or not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_WHILE_OWED:
            return None
        target = reverse("accounts:second_factor_verify" if what == VERIFY else "accounts:second_factor_enrol")
        if request.method == "GET":
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return redirect(target)


# ---- services --------------------------------------------------------------------------------------


def enrolment_device(*, user) -> TOTPDevice:
    """The unconfirmed authenticator app the set-up page shows (the same one until it is confirmed)."""
    device = app_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = []
    while len(codes) < settings.SECOND_FACTOR_RECOVERY_CODES:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def enrolment_confirm(*, user, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator app when `token` is its current code: it replaces any other, and
    ten new recovery codes are made and returned (to be shown once). None when the code is wrong."""
    if device.user_id != user.pk or device.confirmed or not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return _new_recovery_codes(user)


@transaction.atomic
def recovery_codes_renew(*, user) -> list[str]:
    """New recovery codes for a user who has an authenticator app; the old ones stop working."""
    return _new_recovery_codes(user)


def _remove(user) -> bool:
    deleted = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    return deleted


@transaction.atomic
def second_factor_turn_off(*, user) -> None:
    """The user turns off their own second factor: only where their role does not require one.
    Recorded in the access log (not emailed: they did it themselves)."""
    if is_required(user):
        raise ValidationError(REQUIRED_FOR_ROLE.format(role=user.role_label.lower()))
    if _remove(user):
        access.second_factor_reset_record(user=user, actor=user)


@transaction.atomic
def second_factor_reset(*, user, actor) -> RoleRequest | None:
    """An admin resets someone's second factor (a lost phone): their app and recovery codes are
    removed, so they set up a new one at their next sign-in (at once, for an officer or admin).
    Recorded in the access log and emailed to the person (accounts.access); a case reader's waits
    for an officer (docs/adr/0061): returns the request then."""
    if actor is not None and (not actor.is_active or actor.role != Role.ADMIN):
        raise ValidationError(ONLY_AN_ADMIN_RESETS)
    if not _remove(user):
        raise ValidationError(NO_SECOND_FACTOR.format(user=user))
    access.second_factor_reset_record(user=user, actor=actor)
    return suspend_until_an_officer_agrees(user=user, actor=actor, what="reset their second factor")


def key_for_people(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32, in groups of four."""
    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))
