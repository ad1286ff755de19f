"""Failed sign-ins lock an account, or an address, for a while (django-axes; docs/adr/0009).

An account is locked after SIGN_IN_ACCOUNT_FAILURE_LIMIT failed sign-ins with its username, from
anywhere; an address after SIGN_IN_ADDRESS_FAILURE_LIMIT failures with any usernames (higher: a
council office signs in from one address). Each lock lasts SIGN_IN_LOCKOUT_MINUTES from the last
failure, and a failure while locked starts it again. Unknown usernames count and lock the same way,
and the message is the same, so the page never tells whether an account exists. An admin lifts an
account's lock from its user page (`account_unlock`), which the access log records.

Before the lock, failures slow the account down: from its SIGN_IN_SLOW_AFTER-th failure in the
period, the next try must wait 1 second after the last failure, then 2, 4, ... up to
SIGN_IN_MAX_WAIT_SECONDS. A try made sooner is refused before its password is checked, with how
long to wait, and counts as a failure (so hurrying only reaches the lock sooner). Unknown usernames
are slowed the same way.

Every sign-in and every failure is logged here (one line each) and in axes' access log."""

import logging
import math
from datetime import timedelta

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Sum
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.text import count_of

from . import access
from .models import AccessEventKind

log = logging.getLogger(__name__)

LOCKED_OUT = (
    "There have been too many attempts to sign in. You cannot sign in for {minutes} minutes: "
    "wait and try again, or ask an administrator to lift the lock."
)
SLOWED = "There have been several attempts to sign in. Wait {wait} before you try again."


def sign_in_wait(username: str | None) -> int:
    """Whole seconds the next sign-in with this username must still wait (0: none). One query."""
    if not username or settings.SIGN_IN_SLOW_AFTER < 1:
        return 0
    now = timezone.now()
    recent = AccessAttempt.objects.filter(username=username, attempt_time__gte=now - settings.AXES_COOLOFF_TIME)
    found = recent.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    failures = found["failures"] or 0
    if failures < settings.SIGN_IN_SLOW_AFTER:
        return 0
    wait = min(2 ** min(failures - settings.SIGN_IN_SLOW_AFTER, 30), settings.SIGN_IN_MAX_WAIT_SECONDS)
    return max(0, math.ceil((found["last"] + timedelta(seconds=wait) - now).total_seconds()))


def slowed_message(seconds: int) -> str:
    return SLOWED.format(wait=count_of(seconds, "second"))


def attempted_username(request, credentials) -> str | None:
    """The username a sign-in counts against: as typed, trimmed and in lower case (usernames
    differing only in case are one account here, accounts.services.user_create)."""
    username = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if username is None and request is not None:
        username = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    return username.strip().lower()[:150] if isinstance(username, str) else None


def account_failure_limit(request, credentials) -> int:
    """Axes' one limit is the account's; the address's is applied by LockoutHandler."""
    return settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT


def client_ip(request) -> str:
    """The address a request comes from. X-Forwarded-For is believed only behind the deployment's
    own TLS proxy (settings.TRUSTED_PROXY, BEHIND_TLS_PROXY=true), and then only its last entry,
    the one that proxy added: the entries before it are whatever the client sent."""
    if settings.TRUSTED_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded and forwarded[-1]:
            return forwarded[-1][:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit for the account and a higher one for the address
    (axes has one limit): the failures it reports are the account's, raised to the account limit
    once the address has reached its own."""

    def get_failures(self, request, credentials=None) -> int:
        by_username, by_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if by_address >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT:
            return max(by_username, settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT)
        return by_username


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked account or address before any password is checked. A call without a
    request (a management command, the test client's login()) is not a sign-in from the web and
    is not counted."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        super().authenticate(request, username=username, password=password, **kwargs)  # refuses a lock
        wait = sign_in_wait(attempted_username(request, {settings.AXES_USERNAME_FORM_FIELD: username}))
        if wait:
            request.sign_in_wait = wait  # accounts.forms.SignInForm says how long
            raise PermissionDenied
        return None


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page with the lockout message (the same for an unknown username)."""
    form = AuthenticationForm(request, initial={"username": request.POST.get("username", "")[:150]})
    context = {
        "form": form,
        "sign_in_error": LOCKED_OUT.format(minutes=settings.SIGN_IN_LOCKOUT_MINUTES),
        "next": request.POST.get("next", ""),
        "title": "Sign in",
    }
    return render(request, "accounts/login.html", context, status=429)


def is_locked(failures: int) -> bool:
    """Whether an account with this many recent failed sign-ins is locked (by its username; an
    address lock is not the account's)."""
    return failures >= settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT


def failed_attempts(user) -> int:
    """Failed sign-ins with this username within the lockout period."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(username=user.username.lower(), attempt_time__gte=since)
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


@transaction.atomic
def account_unlock(*, user, actor) -> int:
    """Lift the lock on `user`'s account (its failed attempts are forgotten); recorded in the
    access log. Returns how many failed attempts were cleared."""
    failures = failed_attempts(user)
    AccessAttempt.objects.filter(username=user.username.lower()).delete()
    access.access_event_record(
        kind=AccessEventKind.ACCOUNT_UNLOCKED,
        user=user,
        actor=actor,
        role_before=user.role,
        role_after=user.role,
        detail=f"{failures} failed sign-in{'s' if failures != 1 else ''} cleared",
    )
    log.info("Sign-in lock lifted for user %s by %s", user.pk, actor.pk if actor else "the system")
    return failures


@receiver(user_logged_in, dispatch_uid="accounts.lockout.signed_in")
def _signed_in(sender, request, user, **kwargs):
    if request is not None:
        log.info("Signed in: user %s from %s", user.pk, client_ip(request))


@receiver(user_login_failed, dispatch_uid="accounts.lockout.sign_in_failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    if request is not None:
        digest = username_digest(attempted_username(request, credentials))
        log.warning("Failed sign-in: username %s (hashed) from %s", digest, client_ip(request))


def username_digest(username: str | None) -> str:
    """A failed sign-in's username as the log shows it: a keyed hash (SECRET_KEY) of it casefolded,
    the same for every try with it, so tries can be counted, but never what was typed, which may
    be a password typed into the wrong box (axes masks it too)."""
    if username is None:
        return "-"
    return salted_hmac("accounts.lockout.username", username.casefold(), algorithm="sha256").hexdigest()[:12]
