"""An import keeps every error its check found (up to MAX_STORED_ERRORS), lists them a page at a time
and gives them to the admin as CSV to correct the file from (docs/adr/0083)."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schools import services_imports
from schools.demo_files import current_gias_header, gias_row, to_csv_bytes
from schools.models import ImportRecord, ImportRowError, ImportStatus

GOOD_ROWS = 3
BAD_ROWS = 1_200  # more than the 1,000 an import kept before


def gias_file(*, bad_rows: int = BAD_ROWS) -> bytes:
    good = [gias_row(urn=874300 + n, name=f"School {n}", type_code=1, phase="Primary") for n in range(GOOD_ROWS)]
    # A cell a spreadsheet would run as a formula: the download must show it as text.
    bad = [gias_row(urn=875000 + n, name=f"Bad {n}", type_code=1, phase="Primary", fsm="=1+2") for n in range(bad_rows)]
    return to_csv_bytes(current_gias_header(), good + bad)


def upload(client, data: bytes) -> ImportRecord:
    client.post(reverse("schools:import_new", kwargs={"kind": "gias"}), {"file": SimpleUploadedFile("e.csv", data)})
    return ImportRecord.objects.latest("pk")


def downloaded(client, record: ImportRecord) -> list[list[str]]:
    response = client.get(reverse("schools:import_errors", kwargs={"pk": record.pk}))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="import-{record.pk}-errors.csv"'
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.django_db
def test_every_error_of_a_file_is_kept_and_downloaded_with_its_row_column_value_and_problem(client_as):
    client = client_as("admin")
    record = upload(client, gias_file())
    assert (record.status, record.created, record.rejected, record.error_count) == (
        ImportStatus.PREVIEWED, GOOD_ROWS, BAD_ROWS, BAD_ROWS
    )  # fmt: skip
    header, first, *rest = downloaded(client, record)
    assert header == ["Row", "Column", "Value", "Problem"]
    assert len(rest) == BAD_ROWS - 1
    stored = ImportRowError.objects.filter(record=record).first()
    assert first == [str(GOOD_ROWS + 2), stored.column, "'=1+2", f"{stored.column} {stored.message}"]
    assert [row[0] for row in rest[-2:]] == [str(GOOD_ROWS + BAD_ROWS), str(GOOD_ROWS + BAD_ROWS + 1)]  # file order


@pytest.mark.django_db
def test_the_import_page_lists_every_kept_error_a_hundred_at_a_time_and_links_the_download(client_as):
    client = client_as("admin")
    record = upload(client, gias_file())
    page = client.get(record.get_absolute_url()).content.decode()
    assert f"{BAD_ROWS} errors. Row" in page  # all kept: not "the first 1000 are listed"
    assert f"Download the {BAD_ROWS} errors (CSV)" in page
    assert reverse("schools:import_errors", kwargs={"pk": record.pk}) in page
    last_page = client.get(record.get_absolute_url(), {"page": 13}).content.decode()
    assert f">{GOOD_ROWS + BAD_ROWS + 1}</td>" in last_page  # the last bad row, on page 13 of 12 full pages


@pytest.mark.django_db
def test_errors_beyond_those_kept_are_counted_and_the_page_says_which_are_listed(client_as, monkeypatch):
    monkeypatch.setattr(services_imports, "MAX_STORED_ERRORS", 5)
    client = client_as("admin")
    record = upload(client, gias_file(bad_rows=8))
    assert record.error_count == 8
    page = client.get(record.get_absolute_url()).content.decode()
    assert "8 errors (the first 5 are listed)" in page
    assert "Download the 5 errors (CSV)" in page
    assert len(downloaded(client, record)) == 1 + 5


@pytest.mark.django_db
def test_a_confirmed_import_keeps_the_errors_of_its_own_check_once(client_as):
    client = client_as("admin")
    record = upload(client, gias_file(bad_rows=4))
    client.post(reverse("schools:import_confirm", kwargs={"pk": record.pk}))
    record.refresh_from_db()
    assert record.status == ImportStatus.COMMITTED
    assert ImportRowError.objects.filter(record=record).count() == 4  # the commit's check replaced the preview's


@pytest.mark.django_db
def test_a_file_without_errors_offers_no_download(client_as):
    client = client_as("admin")
    record = upload(client, gias_file(bad_rows=0))
    page = client.get(record.get_absolute_url()).content.decode()
    assert "Rejected rows" not in page
    assert downloaded(client, record) == [["Row", "Column", "Value", "Problem"]]


@pytest.mark.django_db
def test_a_command_still_summarises_the_first_errors_in_file_order(admin_user):
    record = services_imports.import_run(
        kind="gias", data=gias_file(bad_rows=3), filename="e.csv", actor=admin_user, options={}, dry_run=True
    )
    assert [error["row"] for error in record.errors] == [GOOD_ROWS + 2, GOOD_ROWS + 3, GOOD_ROWS + 4]
