"""Imports check ranges, lengths and types before anything is written (docs/adr/0011): a value the
database would refuse (PostgreSQL) or keep altered (SQLite) is a row error naming the row and the
column, and that row writes nothing. None ends as "an unexpected error".

Run these on PostgreSQL too: DATABASE_URL=postgres://... pytest tests/schools/test_import_limits.py"""

from decimal import Decimal

import pytest

from core.cells import NUMBER_FAR_TOO_LARGE, parse_decimal
from schools import services
from schools.demo_files import GRADED_HEADER, current_gias_header, gias_row, to_csv_bytes
from schools.importers.gias import FSM_INVALID
from schools.importers.ofsted import NUMBER_OF_ANOTHER_SCHOOL, NUMBER_ON_TWO_SCHOOLS
from schools.models import (
    Councillor,
    EstablishmentType,
    ImportStatus,
    OfstedInspection,
    PerformanceResult,
    School,
    Trust,
)
from tests.factories import SchoolFactory, WardFactory
from tests.schools.test_ofsted_import import graded_row

pytestmark = pytest.mark.django_db

TOO_LARGE = "is too large: it must be between -999,999.99 and 999,999.99"
PERFORMANCE_HEADER = "URN,academic_year,measure,value,national_value\n"
INSPECTION_YEARS = "must be a date in a year from 1992 to 2100"


def run(kind: str, data: bytes, **options):
    return services.import_run(kind=kind, data=data, filename="file.csv", actor=None, options=options)


def errors(record) -> list[tuple]:
    return [(e["row"], e["column"], e["message"]) for e in record.errors]


def assert_row_refused_and_nothing_written(record, *expected):
    assert record.status == ImportStatus.NOTHING_TO_IMPORT, record.message
    assert errors(record) == list(expected)
    assert "unexpected error" not in record.message


# ---- performance -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"1,000,000"', TOO_LARGE),
        ("1000000", TOO_LARGE),
        ("1e30", TOO_LARGE),
        ("-1e30", TOO_LARGE),
        ("12345678901234567890123456789", TOO_LARGE),
        ("999999.996", TOO_LARGE),
    ],
)
def test_a_performance_value_too_large_for_its_column_is_refused_naming_row_and_column(value, message):
    SchoolFactory(urn=874001)
    record = run("performance", (PERFORMANCE_HEADER + f"874001,2024/25,ks4_attainment8,{value},50\n").encode())
    assert_row_refused_and_nothing_written(record, (2, "value", message))
    assert not PerformanceResult.objects.exists()


def test_a_national_value_too_large_is_refused_naming_its_column():
    SchoolFactory(urn=874001)
    record = run("performance", (PERFORMANCE_HEADER + "874001,2024/25,ks4_attainment8,50,1e30\n").encode())
    assert_row_refused_and_nothing_written(record, (2, "national_value", TOO_LARGE))


def test_the_largest_value_the_column_holds_is_stored_as_it_is():
    school = SchoolFactory(urn=874001)
    record = run("performance", (PERFORMANCE_HEADER + "874001,2024/25,ks4_attainment8,999999.99,-999999.99\n").encode())
    assert record.status == ImportStatus.COMMITTED
    result = PerformanceResult.objects.get(school=school)
    assert (result.value, result.national_value) == (Decimal("999999.99"), Decimal("-999999.99"))


@pytest.mark.parametrize(
    ("measure", "value", "message"),
    [
        ("attendance", "100.5", "must be a percentage from 0 to 100"),
        ("attendance", "-1", "must be a percentage from 0 to 100"),
        ("suspensions_rate", "-0.5", "must be a rate of 0 or more"),
    ],
)
def test_a_value_outside_its_measures_unit_is_refused(measure, value, message):
    SchoolFactory(urn=874001)
    record = run("performance", (PERFORMANCE_HEADER + f"874001,2024/25,{measure},{value},\n").encode())
    assert_row_refused_and_nothing_written(record, (2, "value", message))


def test_a_rate_above_100_per_100_pupils_is_a_real_rate_and_is_kept():
    SchoolFactory(urn=874001)
    record = run("performance", (PERFORMANCE_HEADER + "874001,2024/25,suspensions_rate,150.2,\n").encode())
    assert record.status == ImportStatus.COMMITTED
    assert PerformanceResult.objects.get().value == Decimal("150.20")


def test_a_bad_row_writes_nothing_and_the_good_rows_are_imported():
    SchoolFactory(urn=874001)
    record = run(
        "performance",
        (PERFORMANCE_HEADER + "874001,2024/25,ks4_attainment8,1e30,\n874001,2024/25,attendance,93.4,\n").encode(),
    )
    assert (record.status, record.created, record.rejected) == (ImportStatus.COMMITTED, 1, 1)
    assert list(PerformanceResult.objects.values_list("measure__code", flat=True)) == ["attendance"]


def test_a_number_beyond_pythons_decimal_precision_is_an_error_not_an_exception():
    with pytest.raises(ValueError, match=NUMBER_FAR_TOO_LARGE):
        parse_decimal("1e30", places=2)


# ---- GIAS --------------------------------------------------------------------------------------


def gias_file(**changes) -> bytes:
    row = gias_row(urn=874101, name="Limits Primary School", type_code=1, phase="Primary") | changes
    return to_csv_bytes(current_gias_header(), [row])


@pytest.mark.parametrize("fsm", ["1e30", "12345678901234567890123456789", "100.1", "-5"])
def test_a_gias_percentage_out_of_range_is_refused_naming_row_and_column(fsm):
    record = run("gias", gias_file(PercentageFSM=fsm), la_codes=["874"])
    assert_row_refused_and_nothing_written(record, (2, "PercentageFSM", FSM_INVALID))
    assert not School.objects.exists()


def test_a_gias_date_in_year_0001_is_refused():
    record = run("gias", gias_file(OpenDate="01-01-0001"), la_codes=["874"])
    assert_row_refused_and_nothing_written(record, (2, "OpenDate", "must be a date in a year from 1800 to 2100"))


def test_a_trust_code_longer_than_its_column_is_refused_not_left_to_the_database():
    record = run("gias", gias_file(**{"Trusts (code)": "9" * 21, "Trusts (name)": "A Trust"}), la_codes=["874"])
    assert_row_refused_and_nothing_written(record, (2, "Trusts (code)", "is longer than 20 characters"))
    assert not Trust.objects.exists()


def test_an_establishment_group_code_too_large_for_its_column_is_refused():
    record = run("gias", gias_file(**{"EstablishmentTypeGroup (code)": "9" * 29}), la_codes=["874"])
    assert_row_refused_and_nothing_written(record, (2, "EstablishmentTypeGroup (code)", "must be at most 999"))
    assert not EstablishmentType.objects.filter(code=1).exclude(name="Community school").exists()


# ---- Ofsted ------------------------------------------------------------------------------------


def ofsted(*rows: dict):
    return run("ofsted", to_csv_bytes(GRADED_HEADER, list(rows)))


def test_an_inspection_number_longer_than_its_column_is_refused_not_cut_short():
    SchoolFactory(urn=874001)
    record = ofsted(graded_row(874001, number="1" * 21))
    assert_row_refused_and_nothing_written(
        record, (2, "Inspection number of latest graded inspection", "is longer than 20 characters")
    )
    assert not OfstedInspection.objects.exists()


@pytest.mark.parametrize("start", ["01/01/0001", "10/03/1991", "10/03/2101"])
def test_an_inspection_date_in_a_year_ofsted_never_inspected_is_refused(start):
    SchoolFactory(urn=874001)
    record = ofsted(graded_row(874001, start=start))
    assert_row_refused_and_nothing_written(record, (2, "Inspection start date", INSPECTION_YEARS))
    assert not OfstedInspection.objects.exists()


def test_the_same_inspection_number_on_two_schools_in_the_file_refuses_both_rows():
    SchoolFactory(urn=874001)
    SchoolFactory(urn=874002)
    SchoolFactory(urn=874003)
    record = ofsted(
        graded_row(874001, number="10200001"),
        graded_row(874002, number="10200001"),
        graded_row(874003, number="10200003"),
    )
    column = "Inspection number of latest graded inspection"
    assert errors(record) == [
        (2, column, NUMBER_ON_TWO_SCHOOLS.format(urn=874002, row=3)),
        (3, column, NUMBER_ON_TWO_SCHOOLS.format(urn=874001, row=2)),
    ]
    assert (record.status, record.created, record.rejected) == (ImportStatus.COMMITTED, 1, 2)
    assert list(OfstedInspection.objects.values_list("inspection_number", "school__urn")) == [("10200003", 874003)]


def test_an_inspection_number_stored_for_another_school_is_refused_and_the_stored_one_is_kept():
    first = SchoolFactory(urn=874001)
    SchoolFactory(urn=874002)
    assert ofsted(graded_row(874001, number="10200001", grade=2)).status == ImportStatus.COMMITTED

    record = ofsted(graded_row(874002, number="10200001", grade=4, previous=("10100002", "10/03/2021", 3)))
    assert_row_refused_and_nothing_written(
        record, (2, "Inspection number of latest graded inspection", NUMBER_OF_ANOTHER_SCHOOL.format(urn=874001))
    )
    stored = OfstedInspection.objects.get()
    assert (stored.school, stored.overall_effectiveness) == (first, 2)


def test_the_same_school_imported_again_updates_its_inspection():
    SchoolFactory(urn=874001)
    ofsted(graded_row(874001, number="10200001", grade=2))
    record = ofsted(graded_row(874001, number="10200001", grade=3))
    assert (record.status, record.updated, record.errors) == (ImportStatus.COMMITTED, 1, [])
    assert OfstedInspection.objects.get().overall_effectiveness == 3


# ---- ward councillors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "column"),
    [("E05099001,{long},a@example.gov.uk,", "name"), ("E05099001,Jane Doe,a@example.gov.uk,{long}", "party")],
)
def test_a_councillors_name_or_party_longer_than_its_column_is_refused_not_cut_short(cells, column):
    WardFactory(code="E05099001")
    limit = {"name": 200, "party": 100}[column]
    text = "ward_code,name,email,party\n" + cells.format(long="x" * (limit + 1)) + "\n"
    record = run("councillors", text.encode())
    assert_row_refused_and_nothing_written(record, (2, column, f"is longer than {limit} characters"))
    assert not Councillor.objects.exists()


def test_a_councillors_email_longer_than_its_column_is_refused():
    WardFactory(code="E05099001")
    email = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".uk"
    record = run("councillors", f"ward_code,name,email,party\nE05099001,Jane Doe,{email},\n".encode())
    assert_row_refused_and_nothing_written(record, (2, "email", "is not an email address"))
