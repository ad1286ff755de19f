"""Browser imports run in a thread and show their progress; a failure changes nothing and says so."""

import json
import time
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schools import background, services
from schools.background import ProgressFile
from schools.demo_files import current_gias_header, gias_row, to_csv_bytes
from schools.models import ImportRecord, ImportStatus, School
from schools.services import IMPORT_FAILED

FILE = to_csv_bytes(
    current_gias_header(),
    [gias_row(urn=874300 + n, name=f"School {n}", type_code=1, phase="Primary") for n in range(30)],
)


@pytest.fixture
def in_background(settings):
    settings.IMPORTS_IN_BACKGROUND = True
    yield
    background.wait_for_all()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_upload_returns_at_once_and_the_thread_checks_then_imports_the_file(client_as, in_background):
    client = client_as("admin")
    response = client.post(
        reverse("schools:import_new", kwargs={"kind": "gias"}), {"file": SimpleUploadedFile("e.csv", FILE)}
    )
    record = ImportRecord.objects.get()
    assert response["Location"] == record.get_absolute_url()
    background.wait_for_all()
    record.refresh_from_db()
    assert (record.status, record.created) == (ImportStatus.PREVIEWED, 30)

    client.post(reverse("schools:import_confirm", kwargs={"pk": record.pk}))
    background.wait_for_all()
    record.refresh_from_db()
    assert record.status == ImportStatus.COMMITTED
    assert School.objects.count() == 30
    assert not ProgressFile(record.pk).path.exists()  # progress is cleared when done


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_unexpected_error_while_importing_rolls_everything_back_and_says_so(admin_user, in_background):
    record = services.import_preview(
        kind="gias", data=FILE, filename="e.csv", actor=admin_user, options={"la_codes": ["874"]}
    )
    background.wait_for_all()
    with mock.patch("schools.importers.gias.GiasImporter._apply_types", side_effect=RuntimeError("disk full")):
        services.import_confirm(record=record, actor=admin_user)
        background.wait_for_all()
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
