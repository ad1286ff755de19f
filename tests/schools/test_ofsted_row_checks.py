"""Ofsted management information: rows the file cannot mean are refused, each naming its row, column
and value (a school's second row, one number for two of a row's inspections, dates in another form,
an inspection after the import's day, a report published before its inspection)."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from schools.demo_files import GRADED_HEADER, REPORT_CARD_HEADER, to_csv_bytes
from schools.importers.ofsted import (
    DUPLICATE_URN,
    NUMBER_TWICE_ON_ROW,
    PUBLICATION_BEFORE_START,
    START_DATE_AFTER_TODAY,
)
from schools.importers.ofsted_layout import DATE_NOT_OFSTED_FORM, DATE_YEAR_NOT_4_DIGITS
from schools.models import ImportRecord, ImportStatus, OfstedInspection
from tests.conftest import moment
from tests.factories import SchoolFactory
from tests.schools.test_ofsted_import import graded_row, report_card_row, run

pytestmark = pytest.mark.django_db

LATEST = "Inspection number of latest graded inspection"
PREVIOUS = "Previous graded inspection number"
IMPORT_DAY = date(2026, 12, 5)


def stored() -> list[tuple]:
    return list(
        OfstedInspection.objects.order_by("inspection_number").values_list(
            "inspection_number", "school__urn", "start_date", "overall_effectiveness"
        )
    )


def upload_and_confirm(client, path) -> ImportRecord:
    """The admin's import pages: upload (the preview is checked), then confirm."""
    with path.open("rb") as file:
        client.post(reverse("schools:import_new", kwargs={"kind": "ofsted"}), {"file": file})
    record = ImportRecord.objects.latest("pk")
    assert record.status == ImportStatus.PREVIEWED, record.message
    preview = client.get(record.get_absolute_url()).content.decode()
    client.post(reverse("schools:import_confirm", kwargs={"pk": record.pk}))
    record.refresh_from_db()
    record.preview_page = preview
    return record


def test_a_row_whose_previous_inspection_number_is_its_latest_one_is_refused_and_the_stored_inspection_kept(
    client_as, tmp_path
):
    client = client_as("admin")
    SchoolFactory(urn=874905)
    SchoolFactory(urn=874906)
    first = tmp_path / "mi_2025.csv"
    first.write_bytes(to_csv_bytes(GRADED_HEADER, [graded_row(874905, number="10900035", start="14/01/2025", grade=2)]))
    assert upload_and_confirm(client, first).status == ImportStatus.COMMITTED

    bad = graded_row(874905, number="10900035", start="14/01/2025", grade=2, previous=("10900035", "01/01/2020", 3))
    second = tmp_path / "mi_2026.csv"
    second.write_bytes(to_csv_bytes(GRADED_HEADER, [graded_row(874906, number="10900036"), bad]))
    record = upload_and_confirm(client, second)

    message = NUMBER_TWICE_ON_ROW.format(column=LATEST)
    assert record.errors == [{"row": 3, "column": PREVIOUS, "value": "10900035", "message": message}]
    assert f"{PREVIOUS} {message}".replace('"', "&quot;").replace("'", "&#x27;") in record.preview_page
    assert (record.status, record.created, record.rejected) == (ImportStatus.COMMITTED, 1, 1)
    assert stored() == [("10900035", 874905, date(2025, 1, 14), 2), ("10900036", 874906, date(2025, 3, 10), 3)]


def test_a_report_card_row_naming_its_report_card_as_its_last_graded_inspection_is_refused():
    SchoolFactory(urn=874004)
    row = report_card_row(874004, **{"Inspection number of latest OEIF graded inspection": "10428056"})
    record = run(to_csv_bytes(REPORT_CARD_HEADER, [row]))

    message = NUMBER_TWICE_ON_ROW.format(column="Inspection number of latest full inspection")
    assert record.errors == [
        {
            "row": 2,
            "column": "Inspection number of latest OEIF graded inspection",
            "value": "10428056",
            "message": message,
        }
    ]
    assert not OfstedInspection.objects.exists()


def test_a_urn_repeated_in_the_file_refuses_the_later_row_naming_the_first():
    SchoolFactory(urn=874915)
    rows = [
        graded_row(874915, number="10900030", grade=2),
        graded_row(874915, number="10900031", grade=4),
    ]
    record = run(to_csv_bytes(GRADED_HEADER, rows))

    message = DUPLICATE_URN.format(urn=874915, first_row=2)
    assert record.errors == [{"row": 3, "column": "URN", "value": "874915", "message": message}]
    assert (record.created, record.rejected) == (1, 1)
    assert stored() == [("10900030", 874915, date(2025, 3, 10), 2)]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("10/3/25", DATE_YEAR_NOT_4_DIGITS),  # which century, the file cannot say
        ("10-03-025", DATE_YEAR_NOT_4_DIGITS),
        ("10 March 2025", DATE_NOT_OFSTED_FORM),
        ("10.03.2025", DATE_NOT_OFSTED_FORM),
    ],
)
def test_a_date_not_written_as_ofsted_writes_dates_is_refused_naming_dd_mm_yyyy(written, message):
    SchoolFactory(urn=874001)
    SchoolFactory(urn=874002)
    rows = [graded_row(874001, start=written), graded_row(874002, number="10200002", start="1/3/2025")]
    record = run(to_csv_bytes(GRADED_HEADER, rows))

    assert record.errors == [{"row": 2, "column": "Inspection start date", "value": written, "message": message}]
    assert "dd/mm/yyyy" in message
    assert stored() == [("10200002", 874002, date(2025, 3, 1), 3)]  # a one-digit day and month are Ofsted's form


@time_machine.travel(moment(IMPORT_DAY), tick=False)
def test_an_inspection_starting_after_the_day_of_the_import_is_refused_and_one_starting_that_day_read():
    SchoolFactory(urn=874001)
    SchoolFactory(urn=874002)
    rows = [
        graded_row(874001, number="10900040", start="05/12/2026") | {"Publication date": "NULL"},
        graded_row(874002, number="10900041", start="01/01/2031") | {"Publication date": "NULL"},
    ]
    record = run(to_csv_bytes(GRADED_HEADER, rows))

    message = START_DATE_AFTER_TODAY.format(today="05/12/2026")
    assert record.errors == [{"row": 3, "column": "Inspection start date", "value": "01/01/2031", "message": message}]
    assert stored() == [("10900040", 874001, IMPORT_DAY, 3)]


def test_a_report_published_before_its_inspection_started_is_refused_naming_the_start_date():
    SchoolFactory(urn=874001)
    SchoolFactory(urn=874002)
    early_previous = graded_row(874002, number="10900051", previous=("10900050", "10/03/2021", 2)) | {
        "Previous publication date": "09/03/2021"
    }
    rows = [graded_row(874001, start="10/03/2025") | {"Publication date": "09/03/2025"}, early_previous]
    record = run(to_csv_bytes(GRADED_HEADER, rows))

    assert record.errors == [
        {
            "row": 2,
            "column": "Publication date",
            "value": "09/03/2025",
            "message": PUBLICATION_BEFORE_START.format(column="Inspection start date", start="10/03/2025"),
        },
        {
            "row": 3,
            "column": "Previous publication date",
            "value": "09/03/2021",
            "message": PUBLICATION_BEFORE_START.format(column="Previous inspection start date", start="10/03/2021"),
        },
    ]
    assert not OfstedInspection.objects.exists()
