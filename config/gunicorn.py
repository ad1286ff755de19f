"""gunicorn's settings for the image (ops/entrypoint.sh): its own log lines and its access log are
JSON on stdout like the app's (core/logs.py). The access log has the method, path (never the query
string, which can hold search text), status, duration and the request id the app gave back; a
secret in a path (a calendar feed's token, a password link's) is written as [token]
(core.logs.SECRET_PATHS, which the app's own lines are masked with too)."""

import os

from gunicorn.glogging import Logger

# The secret paths are defined once, with the app's logs (core.logs imports nothing of Django's, so
# it loads here before settings are configured; gunicorn puts its directory on sys.path first).
from core.logs import without_secrets


class AccessLogger(Logger):
    """gunicorn's logger, with the secrets masked in every value the access log format may name
    (the path, the request line, the Referer, the environ)."""

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: without_secrets(value) if isinstance(value, str) else value for key, value in atoms.items()}


bind = os.environ.get("BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = 120  # imports of large files are uploaded in one request
accesslog = "-"
logger_class = AccessLogger
access_log_format = "%(m)s %(U)s %(s)s %(M)sms request_id=%({x-request-id}o)s"
_stdout = {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}
logconfig_dict = {  # merged by gunicorn over its defaults, whose names it keeps
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.logs.Formatter"}},
    "handlers": {"console": _stdout, "error_console": _stdout},
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {
            "handlers": ["error_console"],
            "level": "INFO",
            "propagate": False,
            "qualname": "gunicorn.error",
        },
        "gunicorn.access": {
            "handlers": ["console"],
            "level": "INFO",
            "propagate": False,
            "qualname": "gunicorn.access",
        },
    },
}
