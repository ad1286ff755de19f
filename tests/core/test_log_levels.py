"""What the console log says of a request and of the worker (core/logs.py, settings.LOGGING): Django's
own line for a refused request carries its request id; ERROR is kept for faults of the service, so
a request refused as the client's fault is a warning; the stalled-import sweep, run every 20 seconds,
writes nothing unless LOG_LEVEL=DEBUG; a secret in a path (a calendar feed's token, a password
link's) is masked in Django's lines as in gunicorn's access log (core.logs.SECRET_PATHS)."""

import io
import json
import logging
import time

import pytest
from django.db import connection
from django.test import Client
from procrastinate.contrib.django import app

from core import logs
from core.tasks import queue_is_postgresql
from tests.service.test_worker import Workers
from visits.services import calendar_token_regenerate

SWEEP = "schools.tasks.recover_stalled_imports"


@pytest.fixture
def console():
    """The console handler settings.LOGGING configures (its filter and all), writing JSON to a
    buffer; returns a function that reads the lines written so far."""
    [handler] = [handler for handler in logging.getLogger().handlers if handler.get_name() == "console"]
    stream, formatter = io.StringIO(), handler.formatter
    previous = handler.setStream(stream)
    handler.setFormatter(logs.Formatter())
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    handler.setStream(previous)
    handler.setFormatter(formatter)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "status", "role"),
    [
        ("get", "/no/such/page/", 404, None),
        ("get", "/visits/calendar/feed/unknown-token.ics", 404, None),
        ("put", "/accounts/sign-in/", 405, None),
        ("get", "/accounts/users/", 403, "governor"),
    ],
)
def test_djangos_line_for_a_refused_request_carries_the_requests_id_and_user(
    console, client, request, method, path, status, role
):
    user = request.getfixturevalue(role) if role else None
    if user:
        client.force_login(user)
    response = getattr(client, method)(path, HTTP_X_REQUEST_ID="req-refused-0001")
    assert response.status_code == status
    [line] = [line for line in console() if line["logger"] == "django.request"]
    assert (line["level"], line["request_id"], line["user_id"]) == ("WARNING", "req-refused-0001", user and user.pk)


@pytest.mark.django_db
def test_too_many_fields_is_the_clients_fault_so_a_warning_not_an_error(console, client):
    fields = {f"field{n}": "x" for n in range(1200)}
    response = client.post("/accounts/sign-in/", fields, HTTP_X_REQUEST_ID="req-fields-0001")
    assert response.status_code == 400
    [line] = [line for line in console() if line["logger"] == "django.security.TooManyFieldsSent"]
    assert (line["level"], line["request_id"]) == ("WARNING", "req-fields-0001")
    assert not [line for line in console() if line["level"] == "ERROR"]


@pytest.mark.django_db
def test_a_fault_of_the_service_is_still_an_error_with_the_requests_id(console, settings, adviser):
    settings.ROOT_URLCONF = "tests.core.failing_urls"
    client = Client(raise_request_exception=False)
    client.force_login(adviser)
    response = client.get("/broken/", HTTP_X_REQUEST_ID="req-broken-0001")
    assert response.status_code == 500
    [line] = [line for line in console() if line["logger"] == "django.request"]
    assert (line["level"], line["request_id"], line["user_id"]) == ("ERROR", "req-broken-0001", adviser.pk)


@pytest.mark.django_db
def test_the_404_for_a_deactivated_users_feed_logs_the_path_with_its_token_masked(console, client, adviser):
    token = calendar_token_regenerate(user=adviser, actor=adviser)
    adviser.is_active = False
    adviser.save(update_fields=["is_active"])
    assert client.get(f"/visits/calendar/feed/{token}.ics").status_code == 404
    [line] = [line for line in console() if line["logger"] == "django.request"]
    assert (line["level"], line["message"]) == ("WARNING", "Not Found: /visits/calendar/feed/[token].ics")
    assert not [line for line in console() if token in json.dumps(line)]


@pytest.mark.django_db
def test_djangos_line_for_a_refused_password_link_masks_its_uid_and_token(console, client):
    response = client.put("/accounts/password/choose/MTIzNA/cdd1f0-8a0c2e5d3f4b6a7c9e1d/")
    assert response.status_code == 405
    [line] = [line for line in console() if line["logger"] == "django.request"]
    assert line["message"] == "Method Not Allowed: /accounts/password/choose/[uid]/[token]/"
    assert not [line for line in console() if "MTIzNA" in json.dumps(line) or "cdd1f0" in json.dumps(line)]


def test_a_traceback_naming_a_feeds_path_is_logged_with_its_token_masked(console):
    try:
        raise LookupError("no feed at /visits/calendar/feed/Zq7pK2-secret_feed_token.ics")
    except LookupError:
        logging.getLogger("visits.views").exception(
            "Feed %s failed", "/visits/calendar/feed/Zq7pK2-secret_feed_token.ics"
        )
    [line] = [line for line in console() if line["logger"] == "visits.views"]
    assert line["message"] == "Feed /visits/calendar/feed/[token].ics failed"
    assert "no feed at /visits/calendar/feed/[token].ics" in line["exception"]
    assert "Zq7pK2" not in json.dumps(line)


def test_the_records_message_and_arguments_are_masked_for_every_handler_and_format():
    """LOG_FORMAT=plain, and any handler after the console's, read the record the filter masked."""
    path = "/accounts/password/choose/MTIzNA/cdd1f0-8a0c2e5d3f4b6a7c9e1d/"
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "%s: %s", ("Not Found", path), None)
    named = logging.LogRecord("app", logging.INFO, __file__, 1, "Link %(path)s sent", ({"path": path},), None)
    assert logs.ContextFilter().filter(record)
    assert logs.ContextFilter().filter(named)
    assert record.getMessage() == "Not Found: /accounts/password/choose/[uid]/[token]/"
    assert named.getMessage() == "Link /accounts/password/choose/[uid]/[token]/ sent"


def test_the_access_log_and_the_apps_lines_mask_with_one_definition():
    import config.gunicorn as gunicorn_config

    assert gunicorn_config.without_secrets is logs.without_secrets


# ---- the worker ---------------------------------------------------------------------------------


@pytest.fixture
def worker(settings):
    """Runs Procrastinate's own worker, in this process, on the in-memory queue, until it is empty."""
    if queue_is_postgresql():
        pytest.skip("the in-memory queue stands in for PostgreSQL's; tests/service/test_worker.py runs a real one")
    settings.TASKS_INLINE = False
    app.connector.reset()

    def run(task_name: str) -> None:
        app.tasks[task_name].defer(timestamp=0)
        app.run_worker(wait=False, install_signal_handlers=False, listen_notify=False)

    yield run
    app.connector.reset()


def job_lines(lines: list[dict], task_name: str) -> list[dict]:
    return [
        line for line in lines if line["logger"].startswith("procrastinate.worker") and task_name in line["message"]
    ]


@pytest.mark.django_db
def test_the_stalled_import_sweep_writes_no_line_when_it_marks_nothing(console, worker):
    worker(SWEEP)
    lines = console()
    assert any(line["message"].startswith("Starting worker") for line in lines)  # the worker's lines are there
    assert job_lines(lines, SWEEP) == []


@pytest.mark.django_db
def test_at_log_level_debug_each_run_of_the_sweep_is_logged(console, worker):
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.DEBUG)
    try:
        worker(SWEEP)
    finally:
        root.setLevel(level)
    runs = [line for line in job_lines(console(), SWEEP) if line["message"].startswith(("Starting job", "Job "))]
    assert [(line["message"].split()[0], line["level"]) for line in runs] == [("Starting", "DEBUG"), ("Job", "DEBUG")]


@pytest.mark.skipif(not queue_is_postgresql(), reason="a real worker needs PostgreSQL (DATABASE_URL=postgres://...)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.xdist_group("worker")
def test_a_real_worker_runs_the_sweep_at_start_without_a_line(tmp_path, settings):
    """`manage.py procrastinate worker` with the JSON log: its periodic deferrer queues the sweep
    at once (the last 20-second tick), and the sweep runs, unlogged."""
    with connection.cursor() as cursor:  # not a defer left by a worker of an earlier test (tests/service)
        cursor.execute("DELETE FROM procrastinate_periodic_defers WHERE task_name = %s", [SWEEP])
    workers = Workers(tmp_path)
    workers.start()
    ran = (  # queued by the deferrer, and gone: a job that succeeds leaves the table (settings)
        "SELECT EXISTS (SELECT 1 FROM procrastinate_periodic_defers WHERE task_name = %s)"
        " AND NOT EXISTS (SELECT 1 FROM procrastinate_jobs WHERE task_name = %s)"
    )
    try:
        with connection.cursor() as cursor:
            for _ in range(600):
                cursor.execute(ran, [SWEEP, SWEEP])
                if cursor.fetchone()[0]:
                    break
                time.sleep(0.05)
            else:
                pytest.fail(f"the sweep did not run:\n{workers.log()}")
    finally:
        workers.stop_all()
    whole = "\n".join(path.read_text(errors="replace") for path in sorted(tmp_path.glob("worker-*.log")))
    # The whole log: workers.log() keeps the last 3,000 characters of each, and a worker started after
    # other tests runs the jobs they left queued first, each with its lines.
    lines = [json.loads(line) for line in whole.splitlines() if line.startswith("{")]
    assert any(line["message"].startswith("Starting worker") for line in lines)
    assert job_lines(lines, SWEEP) == []


def test_a_failed_sweep_is_still_logged_as_an_error():
    record = logging.LogRecord("procrastinate.worker", logging.ERROR, __file__, 1, "Job failed", (), None)
    record.action, record.job = "job_error", {"task_name": SWEEP}
    assert logs.ContextFilter().filter(record)
    assert record.levelname == "ERROR"


@pytest.mark.django_db
def test_a_foreign_host_is_one_warning_line_without_a_traceback(console, client):
    """Scanners send other Host headers all day (core.logs.AsWarning): the line names the host, and
    carries no traceback of Django's own code."""
    assert client.get("/", HTTP_HOST="scanner.example.net").status_code == 400
    [line] = [line for line in console() if line["logger"] == "django.security.DisallowedHost"]
    assert line["level"] == "WARNING"
    assert "scanner.example.net" in line["message"]
    assert "exception" not in line
