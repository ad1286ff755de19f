from django.conf import settings

# How long before the session ends the page warns (templates/includes/session_timeout.html).
SESSION_WARNING_SECONDS = 120


def site(request):
    return {
        "COUNCIL_NAME": settings.COUNCIL_NAME,
        "SERVICE_NAME": settings.SERVICE_NAME,
        # Set by accounts.session_limits for a signed-in request: the page's timeout warning counts it down.
        "SESSION_TIME_LEFT": getattr(request, "session_time_left", None),
        "SESSION_WARNING_SECONDS": SESSION_WARNING_SECONDS,
    }
