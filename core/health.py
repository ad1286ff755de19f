"""Health checks for the container and the load balancer (docs/adr/0004-health-and-readiness-checks.md).

- `/healthz`, liveness: the web process answers. Never touches the database, so a database outage
  does not get every web container restarted. The image's HEALTHCHECK asks it.
- `/readyz`, readiness: the process answers, the database runs a query and the task queue's table
  answers (core/tasks.py; its migrations applied); 503 if not. For a load balancer or an
  orchestrator deciding whether to send traffic.

The container asks over plain HTTP with Host 127.0.0.1:8000, which production settings refuse
(the host is not in ALLOWED_HOSTS; SECURE_SSL_REDIRECT sends plain HTTP to https). So
`HealthCheckMiddleware`, first in MIDDLEWARE, answers these two exact paths before the host check
and the redirect, and nothing else: every other path, `/healthz/` and other lookalikes included,
goes through the normal stack. The answers say only "ok" or "unavailable"."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponseNotAllowed, JsonResponse
from django.utils.cache import add_never_cache_headers

from core.tasks import queue_reachable

log = logging.getLogger(__name__)

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"


def _answer(body: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status)
    add_never_cache_headers(response)
    return response


def liveness() -> JsonResponse:
    return _answer({"status": "ok"})


def readiness() -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        log.exception("Readiness check: the database did not answer")
        return _answer({"status": "unavailable"}, status=503)
    if not queue_reachable():
        log.error("Readiness check: the task queue is not there (were its migrations applied?)")
        return _answer({"status": "unavailable"}, status=503)
    return _answer({"status": "ok"})


CHECKS = {LIVENESS_PATH: liveness, READINESS_PATH: readiness}


class HealthCheckMiddleware:
    """Answers GET/HEAD of exactly /healthz and /readyz, whatever the Host and scheme."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        check = CHECKS.get(request.path_info)
        if check is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return check()
