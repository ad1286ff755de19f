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
            if reason:
                logout(request)
                messages.info(request, reason)
                return redirect_to_login(request.get_full_path())
            if now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS or LAST_SEEN not in session:
                session[LAST_SEEN] = now
        return self.get_response(request)
