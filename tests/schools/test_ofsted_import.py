"""Ofsted management information: graded era, report-card era, value conventions, refusals."""

from datetime import date

import pytest

from schools import services
from schools.demo_files import (
    GRADED_HEADER,
    LATEST_GRADED_COLUMNS,
    PREVIOUS_GRADED_COLUMNS,
    REPORT_CARD_HEADER,
    graded_cells,
    to_csv_bytes,
)
from schools.importers.ofsted import NO_INSPECTION_COLUMNS
from schools.importers.ofsted_layout import GRADE_INVALID, REPORT_CARD_INVALID
from schools.models import CategoryOfConcern, ImportStatus, OfstedFramework, OfstedInspection, ReportCardGrade
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def run(data: bytes, **kwargs):
    return services.import_run(kind="ofsted", data=data, filename="mi.csv", actor=None, options={}, **kwargs)


def graded_row(urn, *, number="10200001", start="10/03/2025", grade=3, category="", previous=None) -> dict:
    row = {
        "URN": str(urn),
        "Inspection number of latest graded inspection": number,
        "Inspection type": "S5 Inspection",
        "Inspection start date": start,
        "Publication date": "09/04/2025",
        **graded_cells(LATEST_GRADED_COLUMNS, grade, category=category),
    }
    if previous:
        row |= {
            "Previous graded inspection number": previous[0],
            "Previous inspection start date": previous[1],
            "Previous publication date": "NULL",
            **graded_cells(PREVIOUS_GRADED_COLUMNS, previous[2]),
        }
    return row


def report_card_row(urn, **overrides) -> dict:
    row = {
        "URN": str(urn),
        "Inspection number of latest full inspection": "10428056",
        "Inspection type": "S5 Inspection",
        "Inspection start date": "13/01/2026",
        "Publication date": "09/02/2026",
        "Category of concern": "NULL",
        "Safeguarding standards": "Met",
        "Inclusion": "Strong standard",
        "Curriculum and teaching": "Expected standard",
        "Achievement": "Needs attention",
        "Attendance and behaviour": "Expected standard",
        "Personal development and wellbeing": "Exceptional",
        "Early years (where applicable)": "Not applicable",
        "Post-16 provision (where applicable)": "NULL",
        "Leadership and governance": "Urgent improvement",
        "Inspection number of latest OEIF graded inspection": "10200077",
        "Inspection type of latest OEIF graded inspection": "S5 Inspection",
        "Inspection start date of latest OEIF graded inspection": "05/06/2023",
        "Publication date of latest OEIF graded inspection": "NULL",
        "Latest OEIF category of concern": "NULL",
        "Latest OEIF overall effectiveness": "Not judged",
        "Latest OEIF quality of education": "2",
        "Latest OEIF behaviour and attitudes": "2",
        "Latest OEIF personal development": "1",
        "Latest OEIF effectiveness of leadership and management": "2",
        "Latest OEIF  safeguarding is effective?": "Yes",
        "Latest OEIF early years provision (where applicable)": "9",
        "Latest OEIF sixth form provision (where applicable)": "9",
        "Latest ungraded inspection number": "NULL",
    }
    return row | overrides


def test_imports_the_latest_and_previous_graded_inspections_of_a_school_in_the_register():
    school = SchoolFactory(urn=874001)
    record = run(to_csv_bytes(GRADED_HEADER, [graded_row(874001, previous=("10100001", "10/03/2021", 2))]))

    assert (record.status, record.created) == (ImportStatus.COMMITTED, 2)
    latest, previous = school.inspections.order_by("-start_date")
    assert (latest.framework, latest.start_date, latest.overall_effectiveness) == (
        OfstedFramework.GRADED,
        date(2025, 3, 10),
        3,
    )
    assert latest.quality_of_education == 3
    assert latest.early_years is None
    assert latest.safeguarding_effective is True
    assert (previous.inspection_number, previous.overall_effectiveness, previous.publication_date) == (
        "10100001",
        2,
        None,
    )


def test_records_special_measures_and_serious_weaknesses():
    SchoolFactory(urn=874002)
    run(to_csv_bytes(GRADED_HEADER, [graded_row(874002, grade=4, category="SWK")]))
    inspection = OfstedInspection.objects.get()
    assert inspection.category_of_concern == CategoryOfConcern.SERIOUS_WEAKNESSES
    assert inspection.headline == "Serious weaknesses"


def test_imports_a_report_card_with_its_five_point_grades_and_the_last_graded_inspection():
    school = SchoolFactory(urn=874004)
    record = run(to_csv_bytes(REPORT_CARD_HEADER, [report_card_row(874004)]))

    assert record.created == 2
    report_card = school.inspections.get(framework=OfstedFramework.REPORT_CARD)
    assert report_card.safeguarding_met is True
    assert report_card.rc_inclusion == ReportCardGrade.STRONG
    assert report_card.rc_achievement == ReportCardGrade.NEEDS_ATTENTION
    assert report_card.rc_personal_development == ReportCardGrade.EXCEPTIONAL
    assert report_card.rc_leadership_and_governance == ReportCardGrade.URGENT_IMPROVEMENT
    assert report_card.rc_early_years is None
    assert report_card.rc_post_16 is None
    assert report_card.overall_effectiveness is None  # report cards have no overall grade
    oeif = school.inspections.get(framework=OfstedFramework.GRADED)
    # "Not judged" overall; the double space in Ofsted's safeguarding header is matched.
    assert (oeif.overall_effectiveness, oeif.quality_of_education, oeif.safeguarding_effective) == (None, 2, True)


def test_skips_rows_for_schools_that_are_not_in_the_register():
    SchoolFactory(urn=874001)
    rows = [graded_row(874001), graded_row(123456, number="10200002")]
    record = run(to_csv_bytes(GRADED_HEADER, rows))
    assert (record.created, record.rows_skipped, record.rejected) == (1, 1, 0)
    assert "not in the register" in record.message


def test_finds_the_header_below_a_title_row():
    SchoolFactory(urn=874001)
    data = b"Management information - state-funded schools - as at 31 August 2025\n" + to_csv_bytes(
        GRADED_HEADER, [graded_row(874001)]
    )
    assert run(data).created == 1


def test_rejects_an_impossible_grade_naming_the_row_and_column():
    SchoolFactory(urn=874001)
    SchoolFactory(urn=874002)
    rows = [graded_row(874001) | {"Quality of education": "5"}, report_card_row(874002)]
    header = list(dict.fromkeys(GRADED_HEADER))
    record = run(to_csv_bytes(header, rows[:1]))
    assert record.errors == [{"row": 2, "column": "Quality of education", "value": "5", "message": GRADE_INVALID}]
    assert not OfstedInspection.objects.exists()

    bad_card = report_card_row(874002, Inclusion="Secure")
    record = run(to_csv_bytes(REPORT_CARD_HEADER, [bad_card]))
    assert record.errors[0]["column"] == "Inclusion"
    assert record.errors[0]["message"] == REPORT_CARD_INVALID


def test_reimporting_changes_nothing_and_a_corrected_grade_updates_the_inspection():
    SchoolFactory(urn=874001)
    data = to_csv_bytes(GRADED_HEADER, [graded_row(874001, grade=3)])
    run(data)
    assert (run(data).unchanged, OfstedInspection.objects.count()) == (1, 1)

    record = run(to_csv_bytes(GRADED_HEADER, [graded_row(874001, grade=2)]))
    assert record.updated == 1
    assert OfstedInspection.objects.get().overall_effectiveness == 2


def test_refuses_a_file_without_inspection_columns():
    record = run(b"URN,School name\n874001,A school\n")
    assert (record.status, record.message) == (ImportStatus.REFUSED, NO_INSPECTION_COLUMNS)
