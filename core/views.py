from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseBadRequest
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


@login_not_required
def bad_request(request, exception=None):
    """The service's own 400 page, rendered without the request: a 400 can come before the
    middleware that signs the user in has run (a foreign Host header, an upload the server cannot
    parse), and the context processors (the navigation) need the user."""
    return HttpResponseBadRequest(loader.get_template("400.html").render())
