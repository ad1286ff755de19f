"""The second-factor pages: set up, enter a code, use a recovery code, recovery codes, turn off; the
own account page; and the admin's reset and unlock buttons on a user's page (docs/adr/0009)."""

import logging
import math
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.text import count_of

from . import lockout, own_passwords, rules
from . import second_factor as sf
from .second_factor_forms import AppCodeForm, RecoveryCodeForm
from .services import SUSPENDED

User = get_user_model()
log = logging.getLogger(__name__)

SET_UP = "Your authenticator app is set up. Keep your recovery codes somewhere safe."
TURNED_OFF = "You turned off the second factor. You sign in with your password only."
RESET_DONE = "Reset the second factor of {user}. They set up a new one when they next sign in; we emailed them."
UNLOCKED = "Lifted the sign-in lock on {user} ({count} failed attempts cleared)."
RECOVERY_USED = "You used a recovery code: {left} left. Make new codes from your account page if you are running out."


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return ""


def _throttled(device) -> str:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return ""
    until = (data or {}).get("locked_until")
    seconds = math.ceil((until - timezone.now()).total_seconds()) if until else 1
    return sf.TOO_MANY_TRIES.format(wait=count_of(max(seconds, 1), "second"))


@never_cache
def account(request):
    """Your account: password, and the second factor (set up, recovery codes, turn off)."""
    user = request.user
    device = sf.app_device(user)
    return render(
        request,
        "accounts/account.html",
        {
            "device": device,
            "required": sf.is_required(user),
            "codes_left": sf.recovery_codes_left(user) if device else 0,
            "title": "Your account",
        },
    )


@never_cache
def enrol(request):
    """Set up an authenticator app: a QR code and the key as text, then a code from the app."""
    user = request.user
    if sf.app_device(user) is not None and sf.owed(request) != sf.ENROL:
        messages.info(request, "You already have an authenticator app set up.")
        return redirect("accounts:account")
    device = sf.enrolment_device(user=user)
    form = AppCodeForm(request.POST or None, button="Check the code and continue")
    if request.method == "POST" and form.is_valid():
        problem = _throttled(device)
        codes = None if problem else sf.enrolment_confirm(user=user, device=device, token=form.cleaned_data["code"])
        if codes is None:
            form.add_error("code", problem or sf.WRONG_CODE)
        else:
            sf.verified(request, device)
            request.session[sf.NEW_CODES] = codes
            messages.success(request, SET_UP)
            return redirect("accounts:second_factor_codes")
    return render(
        request,
        "accounts/second_factor/enrol.html",
        {
            "form": form,
            "key": sf.key_for_people(device),
            "required": sf.is_required(user),
            "title": "Set up your authenticator app",
        },
    )


@never_cache
def qr(request):
    """The QR code of the authenticator app being set up, as an SVG image (no script or style)."""
    device = sf.app_device(request.user, confirmed=False)
    if device is None:
        raise Http404("No authenticator app is being set up.")
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=4)
    out = BytesIO()
    image.save(out)
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@never_cache
def verify(request):
    """Enter the code from the authenticator app, after the password."""
    device = sf.app_device(request.user)
    if device is None:
        return redirect("accounts:second_factor_enrol" if sf.owed(request) == sf.ENROL else "accounts:account")
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        problem = _throttled(device)
        if not problem and device.verify_token(form.cleaned_data["code"]):
            sf.verified(request, device)
            log.info("Second factor given: user %s from %s", request.user.pk, lockout.client_ip(request))
            return redirect(_next(request) or "dashboard:home")
        log.warning("Wrong second-factor code: user %s from %s", request.user.pk, lockout.client_ip(request))
        form.add_error("code", problem or sf.WRONG_CODE)
    return render(
        request,
        "accounts/second_factor/verify.html",
        {"form": form, "next": _next(request), "title": "Enter the code from your authenticator app"},
    )


@never_cache
def recovery(request):
    """Use a recovery code instead of the app (a lost or broken phone)."""
    device = sf.StaticDevice.objects.filter(user=request.user, confirmed=True).first()
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        problem = _throttled(device) if device else ""
        if device is not None and not problem and device.verify_token(form.cleaned_data["code"]):
            sf.verified(request, device)
            log.info("Recovery code used: user %s from %s", request.user.pk, lockout.client_ip(request))
            messages.info(request, RECOVERY_USED.format(left=sf.recovery_codes_left(request.user)))
            return redirect(_next(request) or "dashboard:home")
        log.warning("Wrong recovery code: user %s from %s", request.user.pk, lockout.client_ip(request))
        form.add_error("code", problem or sf.WRONG_RECOVERY_CODE)
    return render(
        request,
        "accounts/second_factor/recovery.html",
        {"form": form, "next": _next(request), "title": "Use a recovery code"},
    )


@never_cache
def codes(request):
    """The recovery codes just made, shown once; afterwards, how many are left and a button for new ones."""
    if sf.app_device(request.user) is None:
        return redirect("accounts:account")
    if request.method == "POST":
        request.session[sf.NEW_CODES] = sf.recovery_codes_renew(user=request.user)
        return redirect("accounts:second_factor_codes")
    new_codes = request.session.pop(sf.NEW_CODES, None)
    return render(
        request,
        "accounts/second_factor/codes.html",
        {"codes": new_codes, "codes_left": sf.recovery_codes_left(request.user), "title": "Recovery codes"},
    )


@never_cache
def turn_off(request):
    """Turn off the second factor (advisers and governors only)."""
    if not sf.may_turn_off(request.user):
        messages.error(request, sf.REQUIRED_FOR_ROLE.format(role=request.user.role_label.lower()))
        return redirect("accounts:account")
    if sf.app_device(request.user) is None:
        return redirect("accounts:account")
    if request.method == "POST":
        sf.second_factor_turn_off(user=request.user)
        messages.success(request, TURNED_OFF)
        return redirect("accounts:account")
    return render(request, "accounts/second_factor/turn_off.html", {"title": "Turn off the second factor"})


@permission_required("accounts.manage_users", raise_exception=True)
def user_second_factor_reset(request, pk: int):
    """Asks the admin to confirm, then resets (a lost phone)."""
    user = get_object_or_404(User, pk=pk)
    if request.method != "POST":
        return render(
            request,
            "accounts/second_factor/reset.html",
            {
                "subject": user,
                "device": sf.app_device(user),
                "suspends": rules.a_case_readers_credentials_reset_by_an_admin_wait_for_an_officer(
                    actor=request.user, user=user, sits_for_a_school=own_passwords.sits_for_a_school(user)
                ),
                "title": f"Reset second factor: {user}",
            },
        )
    try:
        waiting = sf.second_factor_reset(user=user, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, RESET_DONE.format(user=user))
        if waiting is not None:
            messages.warning(request, SUSPENDED.format(user=user))
    return redirect("accounts:user_detail", pk=user.pk)


@permission_required("accounts.manage_users", raise_exception=True)
@require_POST
def user_unlock(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    count = lockout.account_unlock(user=user, actor=request.user)
    messages.success(request, UNLOCKED.format(user=user, count=count))
    return redirect("accounts:user_detail", pk=user.pk)


def sign_in_section(request, user) -> dict:
    """The user page's "Signing in" section: the second factor and the sign-in lock, with buttons."""
    failures = lockout.failed_attempts(user)
    return {
        "device": sf.app_device(user),
        "required": sf.is_required(user),
        "failures": failures,
        "locked": lockout.is_locked(failures),
    }
