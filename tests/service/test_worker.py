"""A real worker process (`manage.py procrastinate worker`) on PostgreSQL runs a browser import,
a councillor alert and an issued letter's files; a worker killed (SIGKILL) half-way through an
import leaves it marked failed, saying so, with nothing written (core/tasks.py, schools.tasks, docs/adr/0014).

PostgreSQL only (the queue is PostgreSQL's): skipped when DATABASE_URL is not PostgreSQL, unless
REQUIRE_POSTGRESQL_TESTS is set, as .ci/run sets it for its run of the suite on PostgreSQL: there
they fail rather than skip."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.models import Export, ExportStatus
from core.tasks import queue_is_postgresql
from letters.models import DocumentsStatus, Letter, StoredSuggestionState
from schools import services
from schools.background import ProgressFile
from schools.demo_files import current_gias_header, gias_row, to_csv_bytes
from schools.models import Councillor, ElectedMemberAlert, ImportRecord, ImportStatus, School
from tests.factories import SchoolFactory
from tests.letters.factories import approved
from visits.models import StoredCompliance

pytestmark = [
    pytest.mark.skipif(
        not queue_is_postgresql() and not os.environ.get("REQUIRE_POSTGRESQL_TESTS"),
        reason="the task queue needs PostgreSQL (set DATABASE_URL=postgres://...)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.xdist_group("worker"),
]

OPTIONS = {"la_codes": ["874"]}
SCHOOLS = 8000  # updated in chunks of 2,000, each reported as progress: time to kill it half-way


@pytest.fixture(autouse=True)
def postgresql_in_ci():
    if not queue_is_postgresql():
        pytest.fail("REQUIRE_POSTGRESQL_TESTS is set: the worker tests need DATABASE_URL=postgres://...")


def gias(name: str, count: int) -> bytes:
    rows = [gias_row(urn=700000 + n, name=f"{name} {n}", type_code=1, phase="Primary") for n in range(count)]
    return to_csv_bytes(current_gias_header(), rows)


class Workers:
    """Worker processes on the test's database and media folder, with a 1-second heartbeat."""

    def __init__(self, tmp_path: Path):
        db = connection.settings_dict
        url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        self.mail = tmp_path / "mail"
        self.env = {
            **os.environ,
            "DEBUG": "true",
            "DATABASE_URL": url,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "TASKS_INLINE": "false",
            "TASK_WORKER_HEARTBEAT_SECONDS": "1",
            "TASK_WORKER_STALLED_SECONDS": "3",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail),
            "LOG_FORMAT": "json",
        }
        self.logs = tmp_path
        self.started: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        log = open(self.logs / f"worker-{len(self.started)}.log", "wb")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            [sys.executable, "manage.py", "procrastinate", "worker", "--concurrency", "1"],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.started.append(process)
        return process

    def log(self) -> str:
        return "\n".join(path.read_text(errors="replace")[-3000:] for path in sorted(self.logs.glob("worker-*.log")))

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def workers(tmp_path):
    pool = Workers(tmp_path)
    yield pool
    pool.stop_all()


def wait_for(condition, what: str, workers: Workers, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    pytest.fail(f"{what}: not within {timeout} s. Worker log:\n{workers.log()}")


def status_of(record) -> str:
    return ImportRecord.objects.values_list("status", flat=True).get(pk=record.pk)


def test_a_worker_process_checks_and_imports_an_upload_and_sends_a_councillor_alert(admin_user, workers, settings):
    settings.TASKS_INLINE = False
    workers.start()
    record = services.import_preview(
        kind="gias", data=gias("School", 30), filename="e.csv", actor=admin_user, options=OPTIONS
    )
    assert record.status == ImportStatus.CHECKING  # queued: the request did not run it
    wait_for(lambda: status_of(record) == ImportStatus.PREVIEWED, "the check", workers)
    record.refresh_from_db()
    services.import_confirm(record=record, actor=admin_user)
    wait_for(lambda: status_of(record) == ImportStatus.COMMITTED, "the import", workers)
    assert School.objects.count() == 30

    def recomputed() -> bool:  # the stored statuses the import marked, before any page asks (docs/adr/0047)
        compliance = StoredCompliance.objects.filter(stale=False).count() == 30
        suggestions = StoredSuggestionState.objects.filter(stale=False).count() == 30
        return compliance and suggestions

    wait_for(recomputed, "the stored statuses recomputed", workers)

    school = SchoolFactory()
    Councillor.objects.create(ward=school.ward, name="Jane Doe", email="jane@example.gov.uk")
    alert = services.elected_members_alert(school=school, kind="high_support", summary="High support.", actor=None)
    assert alert.sent_at is None  # not "sent" before the worker has sent it
    wait_for(lambda: ElectedMemberAlert.objects.get(pk=alert.pk).sent_at, "the alert's email", workers)
    [email] = [path.read_text() for path in workers.mail.iterdir()]
    assert "jane@example.gov.uk" in email
    assert school.name in email


def test_a_worker_process_produces_an_issued_letters_files(school, adviser, officer, client_as, workers, settings):
    settings.TASKS_INLINE = False
    workers.start()
    letter = approved(school, "significant_concerns", drafter=adviser, officer=officer)
    today = timezone.localdate()
    client_as("officer").post(
        reverse("letters:issue", kwargs={"pk": letter.pk}),
        {"issued_on_0": today.day, "issued_on_1": today.month, "issued_on_2": today.year, "other_copies": ""},
    )
    letter.refresh_from_db()
    assert (letter.status, letter.documents_status) == (
        "issued",
        DocumentsStatus.PENDING,
    )  # not rendered in the request
    wait_for(lambda: Letter.objects.get(pk=letter.pk).documents_status == DocumentsStatus.READY, "the files", workers)
    letter.refresh_from_db()
    with letter.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert letter.docx.size > 0
    # The worker's JSON log lines about the job name the officer whose request queued it.
    lines = [json.loads(line) for line in workers.log().splitlines() if line.startswith("{")]
    about_the_job = [line for line in lines if line.get("task") == "letters.tasks.render_issued_documents"]
    assert about_the_job, workers.log()
    assert {line["user_id"] for line in about_the_job} == {officer.pk}


def test_a_worker_process_builds_a_large_lists_spreadsheet(adviser, client_as, workers, settings):
    settings.TASKS_INLINE = False
    SchoolFactory(name="Heron Primary School")
    workers.start()
    client = client_as("adviser")
    page = client.post(reverse("schools:export", kwargs={"fmt": "xlsx"}))  # the list's Excel button
    export = Export.objects.get()
    assert page["Location"] == reverse("core:export_detail", args=[export.pk])
    assert export.status == ExportStatus.PENDING  # queued: the request did not build it
    wait_for(lambda: Export.objects.get(pk=export.pk).status == ExportStatus.READY, "the spreadsheet", workers)
    download = client.get(reverse("core:export_download", args=[export.pk]))
    assert b"".join(download.streaming_content)[:2] == b"PK"  # an XLSX is a zip


def _session_holding_the_row_of(*, urn: int):
    import psycopg

    db = connection.settings_dict
    session = psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"]
    )
    session.execute("SELECT 1 FROM schools_school WHERE urn = %s FOR UPDATE", [urn])  # its transaction stays open
    return session


def _an_import_waits_for_the_row() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND query ILIKE 'UPDATE%%schools_school%%'"
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_half_way_through_an_import_leaves_it_marked_failed_with_nothing_written(
    admin_user, workers, settings
):
    services.import_run(kind="gias", data=gias("Old name", SCHOOLS), filename="a.csv", actor=admin_user,
                        options=OPTIONS)  # fmt: skip
    assert School.objects.filter(name__startswith="Old name").count() == SCHOOLS
    settings.TASKS_INLINE = False
    first = workers.start()
    record = services.import_preview(
        kind="gias", data=gias("New name", SCHOOLS), filename="b.csv", actor=admin_user, options=OPTIONS
    )
    wait_for(lambda: status_of(record) == ImportStatus.PREVIEWED, "the check", workers, timeout=120)
    record.refresh_from_db()
    # Another session holds one of the schools' rows, as a long edit would: the import's set-wise
    # update (schools.importers.gias_staging) waits for it half-way through its transaction, so the
    # worker is certainly killed before the import could commit.
    blocker = _session_holding_the_row_of(urn=700000)
    try:
        services.import_confirm(record=record, actor=admin_user)
        wait_for(lambda: ProgressFile(record.pk).read()["message"].startswith("Updating"), "the update", workers, 120)
        wait_for(_an_import_waits_for_the_row, "the update waiting for the held row", workers, 60)
        first.send_signal(signal.SIGKILL)
        first.wait()
    finally:
        blocker.rollback()
        blocker.close()
    assert status_of(record) == ImportStatus.IMPORTING

    killed_at = time.monotonic()
    workers.start()  # a new worker (a redeploy) notices the dead one's job within seconds
    wait_for(lambda: status_of(record) == ImportStatus.FAILED, "the dead import marked failed", workers, timeout=60)
    assert time.monotonic() - killed_at < 60
    record.refresh_from_db()
    assert record.message == services.IMPORT_WORKER_STOPPED
    assert not School.objects.filter(name__startswith="New name").exists()  # nothing half-written
    assert School.objects.filter(name__startswith="Old name").count() == SCHOOLS
    with connection.cursor() as cursor:
        cursor.execute("SELECT status FROM procrastinate_jobs WHERE args->>'record_id' = %s", [str(record.pk)])
        # The check's job left the table when it succeeded; the dead commit's is closed as failed.
        assert [row[0] for row in cursor.fetchall()] == ["failed"]


def test_the_page_of_an_import_whose_worker_died_says_so_even_with_no_worker_running(client_as, admin_user, settings):
    """Its job is "doing" with no live worker (here: none at all, as after a crash of every worker)."""
    settings.TASKS_INLINE = False
    record = ImportRecord.objects.create(
        kind="gias", status=ImportStatus.IMPORTING, source="web", original_filename="e.csv", sha256="0" * 64
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, lock, args, status)"
            " VALUES ('default', 'schools.tasks.commit_import', %s, %s::jsonb, 'doing')",
            [f"import-{record.pk}", f'{{"record_id": {record.pk}}}'],
        )
    page = client_as("admin").get(record.get_absolute_url())
    assert page.status_code == 200
    record.refresh_from_db()
    assert (record.status, record.message) == (ImportStatus.FAILED, services.IMPORT_WORKER_STOPPED)
    assert services.IMPORT_WORKER_STOPPED in page.content.decode()
