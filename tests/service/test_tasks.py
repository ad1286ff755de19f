"""Running as a service (issue 10): emails as retried tasks that never claim to have gone when they
have not, the scheduled read-log purge, JSON logs with request and user ids, readiness with the
queue, mail settings from the environment. The real worker process: test_worker.py."""

import io
import json
import logging
import subprocess
import sys
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django import app

from accounts import access
from accounts.models import AccessEvent, AccessEventKind
from audit.models import ReadEvent
from audit.tasks import purge_read_log
from core import emails, logs
from core.tasks import queue_is_postgresql
from schools import services
from schools.demo_files import current_gias_header, gias_row, to_csv_bytes
from schools.models import Councillor
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(settings):
    """Deferred tasks go to Procrastinate's (in-memory, on SQLite) queue instead of running inline."""
    settings.TASKS_INLINE = False
    if queue_is_postgresql():
        pytest.skip("the in-memory queue stands in for PostgreSQL's; test_worker.py runs a real one")
    app.connector.reset()
    yield app.connector
    app.connector.reset()


def test_a_gias_import_queues_the_recomputation_of_the_stored_statuses_it_marked(queue):
    SchoolFactory()
    row = gias_row(urn=874555, name="Dunlin Primary School", type_code=1, phase="Primary")
    data = to_csv_bytes(current_gias_header(), [row], encoding="utf-8")
    record = services.import_run(kind="gias", data=data, filename="edubasealldata.csv", actor=None,
                                 options={"la_codes": ["874"]})  # fmt: skip
    assert record.created == 1, record.message
    queued = sorted(job["task_name"] for job in queue.jobs.values())
    assert queued == ["letters.tasks.refresh_stored_suggestions", "visits.tasks.refresh_stored_compliance"]


def failing_mail():
    return mock.patch("schools.services.send_mail", side_effect=OSError("connection refused"))


def an_alert(actor=None):
    school = SchoolFactory()
    Councillor.objects.create(ward=school.ward, name="Jane Doe", email="jane@example.gov.uk")
    return services.elected_members_alert(school=school, kind="high_support", summary="High support.", actor=actor)


def test_an_alert_is_queued_as_a_task_in_the_callers_transaction_with_retries(queue):
    alert = an_alert()
    [job] = queue.jobs.values()
    assert (job["task_name"], job["args"]["alert_id"]) == ("schools.tasks.send_alert", alert.pk)
    assert app.tasks["schools.tasks.send_alert"].retry_strategy.max_attempts == django_settings.EMAIL_RETRIES
    alert.refresh_from_db()
    assert (alert.sent_at, alert.status) == (None, "Waiting to send")  # queued is not sent


def test_a_failed_alert_email_is_raised_for_a_retry_and_says_so_until_the_last_attempt(mailoutbox):
    alert = an_alert()
    with failing_mail(), pytest.raises(emails.EmailNotSent, match=r"^OSError$"):
        services.alert_send(alert.pk, last_attempt=False)
    alert.refresh_from_db()
    assert (alert.sent_at, alert.error) == (None, "Not sent yet (trying again): connection refused")
    assert alert.status == "Trying again"

    with failing_mail():
        services.alert_send(alert.pk, last_attempt=True)  # the last: recorded, not raised
    alert.refresh_from_db()
    assert (alert.sent_at, alert.error) == (None, "Could not send: connection refused")
    assert alert.status == "Not sent"


def test_a_retried_alert_that_goes_through_is_sent_once_and_its_error_cleared(mailoutbox):
    alert = an_alert()
    with failing_mail(), pytest.raises(emails.EmailNotSent, match=r"^OSError$"):
        services.alert_send(alert.pk, last_attempt=False)
    services.alert_send(alert.pk, last_attempt=False)
    services.alert_send(alert.pk, last_attempt=False)  # a duplicate run sends nothing more
    alert.refresh_from_db()
    assert alert.sent_at is not None
    assert alert.error == ""
    assert len(mailoutbox) == 1


def test_a_failed_access_email_is_retried_then_recorded_as_not_sent(admin_user, officer, mailoutbox):
    event = access.access_event_record(kind=AccessEventKind.PASSWORD_SET, user=officer, actor=admin_user)
    AccessEvent.objects.filter(pk=event.pk).update(emailed_to=officer.email)
    with mock.patch("core.emails.send_mail", side_effect=OSError("timed out")):
        with pytest.raises(emails.EmailNotSent, match=r"^OSError$"):
            access.access_email_send(event.pk, last_attempt=False)
        assert AccessEvent.objects.get(pk=event.pk).email_error == emails.TRYING_AGAIN.format(error="timed out")
        access.access_email_send(event.pk, last_attempt=True)
    event.refresh_from_db()
    assert (event.emailed_at, event.email_error) == (None, emails.COULD_NOT_SEND.format(error="timed out"))


def test_issuing_a_letter_never_says_the_councillors_were_alerted():
    from letters.views_approval import ALERT_QUEUED

    assert "alerted" not in ALERT_QUEUED
    assert "being sent" in ALERT_QUEUED


def test_the_read_log_purge_is_scheduled_daily_and_deletes_old_entries(officer, school):
    [periodic] = [p for p in app.periodic_registry.periodic_tasks.values() if p.task.name == purge_read_log.name]
    assert periodic.cron == "17 3 * * *"
    days = django_settings.READ_LOG_RETENTION_DAYS
    read = {"user": officer, "content_type": ContentType.objects.get_for_model(school), "object_id": school.pk,
            "label": "school", "view": "school"}  # fmt: skip
    ReadEvent.objects.create(at=timezone.now() - timedelta(days=days + 1), **read)
    ReadEvent.objects.create(**read)
    assert purge_read_log(timestamp=0) == 1
    assert ReadEvent.objects.count() == 1


def test_the_dead_import_sweep_runs_every_twenty_seconds():
    crons = {p.task.name: p.cron for p in app.periodic_registry.periodic_tasks.values()}
    assert crons["schools.tasks.recover_stalled_imports"] == "* * * * * */20"


# ---- logs ------------------------------------------------------------------------------------------


def json_line(record: logging.LogRecord) -> dict:
    logs.ContextFilter().filter(record)
    return json.loads(logs.Formatter().format(record))


def test_a_log_line_is_json_with_time_level_request_id_and_user_id(officer, rf):
    """As settings.LOGGING sets up the console: the context filter, then the JSON formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.ContextFilter())
    handler.setFormatter(logs.Formatter())
    logger = logging.getLogger("tests.service")
    logger.addHandler(handler)

    def view(request):
        logger.warning("rendering school %s", 12)
        return HttpResponse("ok")

    request = rf.get("/", HTTP_X_REQUEST_ID="req-0123456789")
    request.user = officer
    try:
        response = logs.RequestIdMiddleware(view)(request)
    finally:
        logger.removeHandler(handler)
    assert response["X-Request-ID"] == "req-0123456789"
    data = json.loads(stream.getvalue())
    assert {"timestamp", "level", "logger", "message", "request_id", "user_id"} <= set(data)
    assert (data["level"], data["message"], data["request_id"], data["user_id"]) == (
        "WARNING", "rendering school 12", "req-0123456789", officer.pk)  # fmt: skip
    assert officer.username not in stream.getvalue()


def test_a_request_without_a_sane_request_id_gets_a_new_one(client):
    response = client.get(reverse("accounts:login"), HTTP_X_REQUEST_ID="bad id\nwith a newline")
    assert len(response["X-Request-ID"]) == 32
    assert response["X-Request-ID"] != "bad id\nwith a newline"


def test_a_log_line_outside_a_request_has_no_ids():
    data = json_line(logging.LogRecord("x", logging.WARNING, __file__, 1, "worker %s", ("up",), None))
    assert (data["level"], data["message"], data["request_id"], data["user_id"]) == ("WARNING", "worker up", None, None)


# ---- readiness and settings ---------------------------------------------------------------------


def test_readiness_answers_503_when_the_queue_does_not(client, settings):
    settings.TASKS_INLINE = False
    with mock.patch.object(app.job_manager, "check_connection", return_value=False):
        assert client.get("/readyz").status_code == 503
    with mock.patch.object(app.job_manager, "check_connection", return_value=True):
        assert client.get("/readyz").status_code == 200


def settings_in_a_fresh_process(**environment) -> dict:
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_USE_TLS,"
        " s.DEFAULT_FROM_EMAIL, s.LOG_FORMAT, s.TASKS_INLINE]))"
    )
    keep = {k: v for k, v in __import__("os").environ.items() if not k.startswith(("EMAIL", "DATABASE_URL", "LOG_"))}
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**keep, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "true", **environment},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_mail_comes_from_the_environment_with_the_console_by_default():
    console = settings_in_a_fresh_process()
    assert console[0] == "django.core.mail.backends.console.EmailBackend"
    assert console[7] is True  # SQLite: tasks inline
    relay = settings_in_a_fresh_process(
        EMAIL_URL="smtp+tls://mailer:secret@relay.example.gov.uk:587", DEFAULT_FROM_EMAIL="schools@example.gov.uk"
    )
    assert relay[:6] == ["django.core.mail.backends.smtp.EmailBackend", "relay.example.gov.uk", 587, "mailer", True,
                         "schools@example.gov.uk"]  # fmt: skip
    host = settings_in_a_fresh_process(EMAIL_HOST="relay.example.gov.uk", EMAIL_PORT="25", EMAIL_USE_TLS="false")
    assert host[:5] == ["django.core.mail.backends.smtp.EmailBackend", "relay.example.gov.uk", 25, "", False]
    assert settings_in_a_fresh_process(DEBUG="false", SECRET_KEY="x" * 50)[6] == "json"


def test_a_jobs_log_lines_carry_the_request_and_the_user_that_queued_it(queue, officer, caplog):
    request_token, user_token = logs.request_id.set("req-0123456789"), logs.user_id.set(officer.pk)
    try:
        an_alert(actor=officer)
    finally:
        logs.request_id.reset(request_token)
        logs.user_id.reset(user_token)
    [job] = queue.jobs.values()
    assert job["args"]["origin"] == {"request_id": "req-0123456789", "user_id": officer.pk}

    caplog.handler.addFilter(logs.ContextFilter())  # as the configured handlers have it
    with failing_mail(), caplog.at_level(logging.ERROR, logger="schools"):
        app.tasks["schools.tasks.send_alert"].func(None, **job["args"])  # as a worker runs it: no request
    [line] = [record for record in caplog.records if record.name == "schools.services"]
    assert (line.request_id, line.user_id) == ("req-0123456789", officer.pk)
    assert logs.user_id.get() is None  # the job's ids are gone once it has run
