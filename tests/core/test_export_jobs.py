"""Large spreadsheets are built by a task worker (core/export_jobs.py, docs/adr/0024): the list's
XLSX button records an export with the page's filters, the user waits on its page, and only they may
download it, while they still hold the list's permission; old exports are deleted."""

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from procrastinate.contrib.django import app

from accounts.roles import Role
from core import export_jobs
from core.models import Export, ExportStatus
from core.tasks import queue_is_postgresql
from tests.conftest import collapsed
from tests.factories import SchoolFactory

LONDON = ZoneInfo("Europe/London")

pytestmark = pytest.mark.django_db
User = get_user_model()

EXPORT = reverse("schools:export", kwargs={"fmt": "xlsx"})


@pytest.fixture
def schools(db):
    return [SchoolFactory(name="Heron Primary School"), SchoolFactory(name="Kestrel Academy")]


@pytest.fixture
def queued(settings):
    """The request defers to the queue (the in-memory connector; test_worker.py runs real workers)."""
    settings.TASKS_INLINE = False
    if queue_is_postgresql():
        pytest.skip("the in-memory queue stands in for PostgreSQL's; tests/service/test_worker.py runs a real one")
    app.connector.reset()
    yield app.connector
    app.connector.reset()


def become_a_governor(user) -> None:
    user.groups.set([Group.objects.get(name=Role.GOVERNOR.value)])


def workbook(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def test_the_xlsx_button_leads_to_the_exports_page_which_offers_the_filtered_rows(client_as, schools):
    client = client_as("adviser")
    response = client.post(EXPORT, {"q": "Heron", "page": "3"})
    export = Export.objects.get()
    assert response["Location"] == reverse("core:export_detail", args=[export.pk])
    assert export.params == [["q", "Heron"]]  # the filters, not the page
    page = client.get(response["Location"]).content.decode()
    assert "Your schools spreadsheet is ready" in page
    assert "1 row" in collapsed(page)
    sheet = workbook(client.get(reverse("core:export_download", args=[export.pk])))
    rows = list(sheet.values)
    assert [row[2] for row in rows[1:]] == ["Heron Primary School"]
    assert sheet["A1"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:O{len(rows)}"


def test_an_export_whose_file_storage_lost_says_so_and_points_back_to_its_list(client_as, schools):
    client = client_as("officer")
    export = Export.objects.get(pk=client.post(EXPORT).url.rstrip("/").rsplit("/", 1)[-1])
    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    export.file.storage.delete(export.file.name)  # a restore without the media files, or removed by hand
    response = client.get(reverse("core:export_detail", args=[export.pk]))
    page = collapsed(response.content.decode())
    assert response.status_code == 200
    assert "Your schools spreadsheet is no longer available" in page
    assert "to ask for it again" in page
    assert reverse("core:export_download", args=[export.pk]) not in page
    assert client.get(reverse("core:export_download", args=[export.pk])).status_code == 404


def test_with_a_queue_the_page_waits_and_offers_no_file_until_a_worker_has_built_it(client_as, schools, queued):
    client = client_as("officer")
    export = Export.objects.get(pk=client.post(EXPORT).url.rstrip("/").rsplit("/", 1)[-1])
    [job] = queued.jobs.values()
    assert (job["task_name"], job["args"]["export_id"]) == ("core.tasks.build_export", export.pk)
    assert "is being prepared" in client.get(reverse("core:export_detail", args=[export.pk])).content.decode()
    assert client.get(reverse("core:export_download", args=[export.pk])).status_code == 404

    export_jobs.export_build(export_id=export.pk, last_attempt=False)
    export.refresh_from_db()
    assert (export.status, export.rows) == (ExportStatus.READY, 2)
    assert client.get(reverse("core:export_download", args=[export.pk])).status_code == 200


def test_only_the_user_who_asked_can_open_or_download_an_export(client_as, schools, make_user, client):
    client_as("adviser").post(EXPORT)
    export = Export.objects.get()
    other = make_user(Role.OFFICER, username="another-officer")
    client.force_login(other)
    assert client.get(reverse("core:export_detail", args=[export.pk])).status_code == 404
    assert client.get(reverse("core:export_download", args=[export.pk])).status_code == 404


def test_someone_who_lost_the_lists_permission_cannot_download_their_export(client_as, schools, adviser):
    client = client_as("adviser")
    client.post(EXPORT)
    export = Export.objects.get()
    become_a_governor(adviser)
    client.force_login(User.objects.get(pk=adviser.pk))  # the role change signed them out everywhere
    assert client.get(reverse("core:export_download", args=[export.pk])).status_code == 404


def test_an_export_whose_requester_lost_the_permission_before_it_was_built_is_not_built(
    client_as, schools, adviser, queued
):
    client_as("adviser").post(EXPORT)
    export = Export.objects.get()
    become_a_governor(adviser)
    export_jobs.export_build(export_id=export.pk, last_attempt=True)
    export.refresh_from_db()
    assert (export.status, export.error, export.file.name) == (
        ExportStatus.FAILED,
        export_jobs.NO_LONGER_ALLOWED.format(noun="spreadsheet"),
        "",
    )


def test_an_export_that_fails_on_its_last_attempt_says_so(client_as, schools, queued, monkeypatch):
    client = client_as("adviser")
    client.post(EXPORT)
    export = Export.objects.get()

    def broken(stream, *args):
        raise OSError("disk full")

    monkeypatch.setattr(export_jobs, "write_xlsx", broken)
    with pytest.raises(OSError, match="disk full"):
        export_jobs.export_build(export_id=export.pk, last_attempt=False)
    assert Export.objects.get(pk=export.pk).status == ExportStatus.PENDING  # tried again
    with pytest.raises(OSError, match="disk full"):
        export_jobs.export_build(export_id=export.pk, last_attempt=True)
    page = client.get(reverse("core:export_detail", args=[export.pk])).content.decode()
    assert "could not be prepared" in page
    assert export_jobs.COULD_NOT_BUILD.format(noun="spreadsheet") in page


def test_exports_are_deleted_with_their_files_after_the_retention_period(client_as, schools, settings):
    settings.EXPORT_RETENTION_DAYS = 7
    client_as("adviser").post(EXPORT)
    old = Export.objects.get()
    Export.objects.filter(pk=old.pk).update(requested_at=timezone.now() - timedelta(days=8))
    client_as("adviser").post(EXPORT)
    old.refresh_from_db()
    storage, name = old.file.storage, old.file.name
    assert storage.exists(name)
    assert export_jobs.exports_purge() == 1
    assert not storage.exists(name)
    assert list(Export.objects.values_list("status", flat=True)) == [ExportStatus.READY]


def test_a_governor_cannot_ask_for_the_schools_spreadsheet(client_as, schools):
    assert client_as("governor").post(EXPORT).status_code == 403
    assert client_as("governor").get(EXPORT).status_code == 403
    assert not Export.objects.exists()


def test_a_get_of_the_schools_spreadsheet_records_nothing_and_offers_the_button(client_as, schools):
    """A link prefetcher, a crawler or an <img> on another site sends a GET: no export, no queued
    build; an old bookmark finds the page with the button and the filters it carried."""
    page = client_as("adviser").get(EXPORT, {"q": "Heron", "page": "2"})
    assert page.status_code == 200
    assert not Export.objects.exists()  # nor a build (inline here, it would have left an export)
    body = page.content.decode()
    assert "Prepare your schools spreadsheet" in body
    assert f'<form method="post" action="{EXPORT}" novalidate>' in body
    assert '<input type="hidden" name="q" value="Heron">' in body
    assert 'name="page"' not in body


def test_an_export_is_kept_to_the_end_of_the_day_its_page_names(client_as, schools, settings):
    """Asked for at 00:30 on 1 December (London): its page says 8 December, and the purge at 03:40
    on 8 December keeps it; the one on 9 December deletes it."""
    settings.EXPORT_RETENTION_DAYS = 7
    with time_machine.travel(datetime(2026, 12, 1, 0, 30, tzinfo=LONDON), tick=False):
        client = client_as("adviser")
        client.post(EXPORT)
        export = Export.objects.get()
        page = client.get(reverse("core:export_detail", args=[export.pk])).content.decode()
    assert "It is kept until the end of 8 December 2026, then deleted." in page

    assert export_jobs.exports_purge(now=datetime(2026, 12, 8, 3, 40, tzinfo=UTC)) == 0
    assert export_jobs.exports_purge(now=datetime(2026, 12, 9, 3, 40, tzinfo=UTC)) == 1


@pytest.mark.parametrize(
    ("kind", "in_sentence"),
    [("schools", "schools"), ("msp-groups", "MSP groups"), ("case-file", "case file")],
)
def test_an_exports_title_keeps_its_acronyms_in_a_sentence(kind, in_sentence):
    assert export_jobs.KINDS[kind].title_in_sentence == in_sentence
