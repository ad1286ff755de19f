"""gunicorn's settings for the image (ops/entrypoint.sh): its own log lines and its access log are
JSON on stdout like the app's (core/logs.py). The access log has the method, path (never the query
string, which can hold search text), status, duration and the request id the app gave back."""

import os

bind = os.environ.get("BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = 120  # imports of large files are uploaded in one request
accesslog = "-"
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
