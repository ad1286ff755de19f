from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseBadRequest, HttpResponseServerError
from django.template import loader

from core.health import liveness, readiness


# The health checks as URL patterns, so that `reverse("healthz")` works and the URL map lists them.
# core.health.HealthCheckMiddleware answers these exact paths before a request gets here
# (before the host check and the HTTPS redirect); these views answer the same if it is removed.
@login_not_required
def healthz(request):
    """Liveness: the web process answers (no database)."""
    return liveness()


@login_not_required
def readyz(request):
    """Readiness: the web process and the database answer."""
    return readiness()


def _error_page_context(request) -> dict[str, str]:
    """What the 400 and 500 pages show, from settings and the request only: the service's names and
    the reference the person can quote (the request id the log carries). Not the context
    processors: a 400 can come before the middleware that signs the user in has run (a foreign
    Host header, an upload the server cannot parse), and a 500 may have come from one of them."""
    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "COUNCIL_NAME": settings.COUNCIL_NAME,
        "request_id": getattr(request, "request_id", ""),
    }


@login_not_required
def bad_request(request, exception=None):
    return HttpResponseBadRequest(loader.get_template("400.html").render(_error_page_context(request)))


@login_not_required
def server_error(request):
    return HttpResponseServerError(loader.get_template("500.html").render(_error_page_context(request)))
