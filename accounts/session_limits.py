"""How long a session lasts (docs/adr/0009).

A session ends after SESSION_IDLE_TIMEOUT_MINUTES without a request, and SESSION_COOKIE_AGE seconds
after signing in however busy it is: the absolute limit, which activity never extends. The person
is then sent to sign in again with a message saying why. A new password or a new role ends the
account's other sessions too (accounts.models.User.get_session_auth_hash)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen_at"
# How often the last request's time is written to the session (not on every request).
LAST_SEEN_RESOLUTION_SECONDS = 60

SIGNED_OUT_IDLE = "You were signed out after {minutes} minutes without activity. Sign in again to continue."
SIGNED_OUT_LIMIT = "You were signed out because you signed in {hours} ago. Sign in again to continue."


@receiver(user_logged_in, dispatch_uid="accounts.session_limits.signed_in")
def _signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now


def _hours(seconds: int) -> str:
    if seconds % 3600:
        return f"{seconds // 60} minutes"
    hours = seconds // 3600
    return f"{hours} hour{'s' if hours != 1 else ''}"


class SessionLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            signed_in_at = session.setdefault(SIGNED_IN_AT, now)
            last_seen = session.get(LAST_SEEN, now)
            idle_minutes = settings.SESSION_IDLE_TIMEOUT_MINUTES
            reason = ""
            if now - signed_in_at >= settings.SESSION_COOKIE_AGE:
                reason = SIGNED_OUT_LIMIT.format(hours=_hours(settings.SESSION_COOKIE_AGE))
            elif now - last_seen >= idle_minutes * 60:
                reason = SIGNED_OUT_IDLE.format(minutes=idle_minutes)
            asking = request.path == reverse("accounts:session_time")
            if reason:
                logout(request)
                messages.info(request, reason)
                if asking:  # the page's script: it loads its page again, where the sign-in page says why
                    return JsonResponse({"seconds": 0, "can_stay": False}, status=401)
                return redirect_to_login(request.get_full_path())
            asks_only = asking and request.method == "GET"
            if not asks_only and (now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS or LAST_SEEN not in session):
                session[LAST_SEEN] = last_seen = now
            request.session_time_left = _time_left(now, last_seen, signed_in_at)
        return self.get_response(request)


def _time_left(now: int, last_seen: int, signed_in_at: int) -> dict:
    """Seconds until this session ends, and whether activity can put that off (the idle limit binds,
    not the absolute one): what the page's warning (static/js/session-timeout.js) counts down."""
    idle_end = last_seen + settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
    absolute_end = signed_in_at + settings.SESSION_COOKIE_AGE
    return {"seconds": max(0, min(idle_end, absolute_end) - now), "can_stay": idle_end < absolute_end}


# ---- the warning before the idle limit (WCAG 2.2.1 Timing Adjustable; GOV.UK's timeout warning) ----


@require_http_methods(["GET", "POST"])
def session_time(request):
    """GET: the session's time left, not counted as activity (a tab asks before it warns, in case
    another tab was used since). POST ("Stay signed in"): counted, so the idle limit starts again;
    the page's script reads the answer, a page without it goes back where it was."""
    if request.method == "POST":
        request.session[LAST_SEEN] = now = int(time.time())
        request.session_time_left = _time_left(now, now, request.session.get(SIGNED_IN_AT, now))
        back = request.POST.get("next", "")
        if "application/json" not in request.headers.get("Accept", ""):
            safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
            return redirect(back if safe and back else "dashboard:home")
    return JsonResponse(request.session_time_left)
