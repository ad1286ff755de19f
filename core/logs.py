"""Structured logs: one JSON object a line on stdout, for the web and the worker alike (LOG_FORMAT).

Each line has its time, level, logger and message, and - from a request - the request's id and the
signed-in user's id (never their name, and never case text: messages name records by id). A secret
in a path (a calendar feed's token, a password link's uid and token) is written as [token] / [uid]
in every line, the app's and gunicorn's access log alike (SECRET_PATHS). The id
comes from the proxy's X-Request-ID header when it sends a sane one, or is made here, and is given
back in the response's X-Request-ID so a user's report can be matched with the log. In a worker
the task's job id is there instead (Procrastinate puts it on its own records)."""

import contextvars
import logging
import re
import uuid
from typing import Any

from pythonjsonlogger.core import LogData
from pythonjsonlogger.json import JsonFormatter

# Every URL with a secret in its path (tests/core/test_log_hygiene.py finds them in the URLconf). The
# one definition: config/gunicorn.py masks its access log with it, ContextFilter and Formatter the rest.
SECRET_PATHS = (
    (re.compile(r"(/calendar/feed/)[^/?#\s]+(\.ics)"), r"\1[token]\2"),  # visits.calendar: a bearer token
    (re.compile(r"(/password/choose/)[^/?#\s]+/[^/?#\s]+"), r"\1[uid]/[token]"),  # accounts: a 7-day link
)


def without_secrets(text: str) -> str:
    for pattern, replacement in SECRET_PATHS:
        text = pattern.sub(replacement, text)
    return text


def _masked(value: Any) -> Any:
    return without_secrets(value) if isinstance(value, str) else value


REQUEST_ID_HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
user_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("user_id", default=None)


class RequestIdMiddleware:
    """Early in MIDDLEWARE: a request id for the request's log lines. The user id is read lazily
    (the user is known only after the authentication middleware), when a line is logged."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(REQUEST_ID_HEADER, "")
        rid = given if _SANE_ID.match(given) else uuid.uuid4().hex
        request.request_id = rid
        token = request_id.set(rid)
        user_token = _request.set(request)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
            _request.reset(user_token)
        response[REQUEST_ID_HEADER] = rid
        return response


_request: contextvars.ContextVar = contextvars.ContextVar("request", default=None)

# Tasks whose worker lines "Starting job" and "ended with status: Success" are at DEBUG: sweeps that
# run every few seconds (core.tasks.task(quiet=True)). What they do, and a failure, is still logged.
QUIET_TASKS: set[str] = set()
_QUIET_ACTIONS = {"start_job", "job_success"}  # procrastinate.worker's names for those two lines


def current_user_id(request: Any = None) -> int | None:
    """The signed-in user of the request being served (or of `request`, one a record names), or
    the user whose request queued the job being run (core.tasks), or None."""
    try:
        return _current_user_id(_request.get() if request is None else request)
    except Exception:  # the user's session may be unreadable
        return None


def _current_user_id(request: Any) -> int | None:
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and getattr(user, "is_authenticated", False):
        return user.pk
    return user_id.get()


class ContextFilter(logging.Filter):
    """The console handler's filter (settings.LOGGING): every line passes here, whichever logger
    raised it (a logger's own filter never sees its children's lines). It

    - puts request_id and user_id on every record (empty outside a request). Django logs a 4xx or
      5xx response (django.request) once the middleware has returned, so the ids are then read
      from the request it puts on the record;
    - masks the secrets of SECRET_PATHS in the message and its arguments ("Not Found: %s" names
      the path: a calendar feed's, or a password link's);
    - makes a warning of a request Django refuses as the client's fault (django.security.*, answered
      400: too many fields, a body too large, a foreign host), so an ERROR is a fault of the service;
    - keeps the start and success of QUIET_TASKS' jobs for LOG_LEVEL=DEBUG."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = _request.get()
        if request is None:
            request = getattr(record, "request", None)
        given = getattr(request, "request_id", None)
        record.request_id = request_id.get() or (given if isinstance(given, str) else None) or None
        record.user_id = current_user_id(request)
        _mask_secrets(record)
        if _is_client_fault(record):
            _demote(record, logging.WARNING)
        if _is_quiet_job_line(record):
            _demote(record, logging.DEBUG)
            return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
        return True


class SecretsFilter(logging.Filter):
    """The filter of the email to ADMINS (settings.LOGGING's mail_admins): its subject is the
    record's message ("Internal Server Error: %s", the path), which the console's filter would mask
    only after this handler has sent it."""

    def filter(self, record: logging.LogRecord) -> bool:
        _mask_secrets(record)
        return True


def _mask_secrets(record: logging.LogRecord) -> None:
    record.msg = _masked(record.msg)
    if isinstance(record.args, dict):
        record.args = {key: _masked(value) for key, value in record.args.items()}
    elif record.args:
        record.args = tuple(_masked(value) for value in record.args)


def _is_client_fault(record: logging.LogRecord) -> bool:
    return record.name.startswith("django.security.") and getattr(record, "status_code", None) == 400


def _is_quiet_job_line(record: logging.LogRecord) -> bool:
    job = getattr(record, "job", None)
    return (
        record.name.startswith("procrastinate.worker")
        and getattr(record, "action", None) in _QUIET_ACTIONS
        and isinstance(job, dict)
        and job.get("task_name") in QUIET_TASKS
    )


def _demote(record: logging.LogRecord, level: int) -> None:
    if record.levelno > level:
        record.levelno, record.levelname = level, logging.getLevelName(level)


class AsWarning(logging.Filter):
    """A record its logger raises at ERROR that is no fault of the service's: a request naming a host
    the service is not (django.security.DisallowedHost: scanners send them all day) is answered 400
    and logged as a warning, so an alert on ERROR means something is wrong here; in one line, without
    the traceback Django attaches (its message names the host; the traceback is Django's own code)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info, record.exc_text = None, None
        return True


class Formatter(JsonFormatter):
    """JSON with the fields named plainly: timestamp (ISO 8601, UTC), level, logger, message. The
    whole line is masked (SECRET_PATHS): a traceback, or an argument that is not a string, may
    name a secret path too, and gunicorn's own lines pass no ContextFilter."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("timestamp", "timestamp")
        kwargs.setdefault(
            "rename_fields", {"levelname": "level", "name": "logger", "asctime": "time", "exc_info": "exception"}
        )
        kwargs.setdefault("reserved_attrs", None)
        super().__init__("%(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s", *args, **kwargs)

    def add_fields(self, log_data, record, message_dict):
        super().add_fields(log_data, record, message_dict)
        # Procrastinate's records carry the job (task name, id, arguments: ids only in this app).
        job = getattr(record, "job", None)
        if isinstance(job, dict):
            log_data["job_id"] = job.get("id")
            log_data["task"] = job.get("task_name")
            # Its own lines (started, succeeded, failed) name the request and user that queued it,
            # as the task's lines do (core.tasks.task).
            origin = (job.get("task_kwargs") or {}).get("origin")
            if isinstance(origin, dict):
                log_data["request_id"] = log_data.get("request_id") or origin.get("request_id")
                log_data["user_id"] = log_data.get("user_id") or origin.get("user_id")
        for noisy in ("job", "request", "server_time", "taskName", "action", "worker"):
            log_data.pop(noisy, None)

    def serialize_log_record(self, log_data: LogData) -> str:
        return without_secrets(super().serialize_log_record(log_data))
