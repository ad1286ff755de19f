"""Browser imports are background tasks (schools.tasks) and show their progress; a failure changes
nothing and says so. A real worker process, and one killed mid-import: tests/service/test_worker.py."""

import json
import time
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from procrastinate.contrib.django import app

from core import tasks
from schools import services, services_imports
from schools import tasks as tasks_module
from schools.background import ProgressFile
from schools.demo_files import current_gias_header, gias_row, to_csv_bytes
from schools.models import ImportRecord, ImportStatus, School
from schools.services import IMPORT_FAILED
from schools.views_imports import IMPORT_STOPPED, IMPORT_UNDER_WAY

FILE = to_csv_bytes(
    current_gias_header(),
    [gias_row(urn=874300 + n, name=f"School {n}", type_code=1, phase="Primary") for n in range(30)],
)


@pytest.fixture
def queue(settings):
    """Tasks go to Procrastinate's queue (its in-memory connector on SQLite: core/tasks.py) instead
    of running inline; `queue.run()` works through them as a worker would."""
    settings.TASKS_INLINE = False
    if tasks.queue_is_postgresql():
        pytest.skip("the in-memory queue stands in for PostgreSQL's; tests/service/test_worker.py runs a real one")
    app.connector.reset()
    yield Queue()
    app.connector.reset()


class Queue:
    def jobs(self, status="todo") -> list[dict]:
        return [job for job in app.connector.jobs.values() if job["status"] == status]

    def run(self) -> None:
        for job in self.jobs():
            job["status"] = "doing"
            task = app.tasks[job["task_name"]]
            task.func(**job["args"])
            job["status"] = "succeeded"


@pytest.mark.django_db
def test_an_upload_is_queued_and_a_worker_checks_then_imports_the_file(client_as, queue):
    client = client_as("admin")
    response = client.post(
        reverse("schools:import_new", kwargs={"kind": "gias"}), {"file": SimpleUploadedFile("e.csv", FILE)}
    )
    record = ImportRecord.objects.get()
    assert response["Location"] == record.get_absolute_url()
    assert record.status == ImportStatus.CHECKING  # queued, not run in the request
    [job] = queue.jobs()
    assert (job["task_name"], job["args"]["record_id"], job["lock"]) == ("schools.tasks.check_import", record.pk,
                                                                         f"import-{record.pk}")  # fmt: skip
    assert job["args"]["origin"]["user_id"] == record.uploaded_by_id  # the worker's log lines name who asked
    queue.run()
    record.refresh_from_db()
    assert (record.status, record.created) == (ImportStatus.PREVIEWED, 30)

    confirmed = client.post(reverse("schools:import_confirm", kwargs={"pk": record.pk}), follow=True)
    assert [str(m) for m in confirmed.context["messages"]] == [IMPORT_UNDER_WAY]  # not "Imported" before it is
    record.refresh_from_db()
    assert record.status == ImportStatus.IMPORTING
    assert not School.objects.exists()
    assert [job["task_name"] for job in queue.jobs()] == ["schools.tasks.commit_import"]
    queue.run()
    record.refresh_from_db()
    assert record.status == ImportStatus.COMMITTED
    assert School.objects.count() == 30
    assert not ProgressFile(record.pk).path.exists()  # progress is cleared when done


@pytest.mark.django_db
def test_one_import_is_never_queued_twice_for_the_same_step(admin_user, queue):
    record = services.import_preview(
        kind="gias", data=FILE, filename="e.csv", actor=admin_user, options={"la_codes": ["874"]}
    )
    services_imports._defer_import(tasks_module.check_import, record.pk)  # a second request for the same check
    assert len(queue.jobs()) == 1


@pytest.mark.django_db
def test_an_unexpected_error_while_importing_rolls_everything_back_and_says_so(admin_user):
    record = services.import_preview(
        kind="gias", data=FILE, filename="e.csv", actor=admin_user, options={"la_codes": ["874"]}
    )
    with mock.patch("schools.importers.gias.GiasImporter._apply_types", side_effect=RuntimeError("disk full")):
        services.import_confirm(record=record, actor=admin_user)
    record.refresh_from_db()
    assert (record.status, record.message) == (ImportStatus.FAILED, IMPORT_FAILED)
    assert not School.objects.exists()


@pytest.mark.django_db
def test_a_running_import_shows_its_progress_on_its_page_and_as_json(client_as):
    record = ImportRecord.objects.create(
        kind="gias", status=ImportStatus.IMPORTING, source="web", original_filename="e.csv", sha256="0" * 64
    )
    ProgressFile(record.pk).write("Created 20,000 of 50,000 schools.", 0.7)
    client = client_as("admin")

    page = client.get(record.get_absolute_url()).content.decode()
    assert "Created 20,000 of 50,000 schools." in page
    assert 'value="70"' in page
    state = client.get(reverse("schools:import_progress", kwargs={"pk": record.pk})).json()
    assert state == {"status": "importing", "message": "Created 20,000 of 50,000 schools.", "fraction": 0.7,
                     "stale": False, "running": True}  # fmt: skip


@pytest.mark.django_db
def test_an_import_that_stopped_making_progress_is_shown_as_interrupted(client_as):
    record = ImportRecord.objects.create(
        kind="gias", status=ImportStatus.IMPORTING, source="web", original_filename="e.csv", sha256="0" * 64
    )
    progress = ProgressFile(record.pk)
    progress.write("Created 2,000 of 50,000 schools.", 0.1)
    progress.path.write_text(json.dumps({"message": "old", "fraction": 0.1, "at": time.time() - 3600}))
    page = client_as("admin").get(record.get_absolute_url()).content.decode()
    assert "This import stopped without finishing" in page


@pytest.mark.parametrize("role", ["adviser", "officer", "governor"])
@pytest.mark.django_db
def test_only_admins_see_an_imports_progress(client_as, role):
    record = ImportRecord.objects.create(
        kind="gias", status=ImportStatus.CHECKING, source="web", original_filename="e.csv", sha256="0" * 64
    )
    assert client_as(role).get(reverse("schools:import_progress", kwargs={"pk": record.pk})).status_code == 403


@pytest.mark.django_db
def test_the_confirm_of_an_import_that_stops_says_nothing_was_imported_and_shows_no_changes(client_as):
    client = client_as("admin")
    record = services.import_preview(
        kind="gias", data=FILE, filename="e.csv", actor=None, options={"la_codes": ["874"]}
    )
    with mock.patch("schools.importers.gias.GiasImporter._apply_types", side_effect=RuntimeError("disk full")):
        response = client.post(reverse("schools:import_confirm", kwargs={"pk": record.pk}), follow=True)
    page = response.content.decode()
    assert [str(m) for m in response.context["messages"]] == [IMPORT_STOPPED]
    assert IMPORT_FAILED in page
    assert "What changed" not in page
