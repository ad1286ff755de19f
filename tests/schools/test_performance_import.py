"""Performance measures in long format: academic year formats, measures, suppression, upserts."""

from decimal import Decimal

import pytest

from schools import services
from schools.importers.performance import MEASURE_UNKNOWN, URN_UNKNOWN, YEAR_INVALID, parse_academic_year
from schools.models import ImportStatus, PerformanceResult
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db
HEADER = "URN,academic_year,measure,value,national_value\n"


def run(text: str, **kwargs):
    return services.import_run(
        kind="performance", data=text.encode(), filename="perf.csv", actor=None, options={}, **kwargs
    )


@pytest.mark.parametrize(
    ("text", "start_year"),
    [("2024/25", 2024), ("2024-25", 2024), ("2024/2025", 2024), ("202425", 2024), ("1999/00", 1999)],
)
def test_academic_years_are_read_in_the_forms_people_and_dfe_write_them(text, start_year):
    assert parse_academic_year(text) == start_year


@pytest.mark.parametrize("text", ["2024", "2024/26", "24/25", "next year", "2024/23"])
def test_a_malformed_academic_year_is_refused(text):
    with pytest.raises(ValueError, match="academic year"):
        parse_academic_year(text)


def test_imports_values_with_their_national_comparator():
    school = SchoolFactory(urn=874001)
    record = run(HEADER + "874001,2024/25,ks2_rwm_expected,58,62\n874001,2023/24,attendance,93.4,\n")

    assert (record.status, record.created) == (ImportStatus.COMMITTED, 2)
    rwm = PerformanceResult.objects.get(school=school, measure__code="ks2_rwm_expected")
    assert (rwm.academic_year, rwm.value, rwm.national_value, rwm.compared_to_national) == (
        2024,
        Decimal("58.00"),
        Decimal("62.00"),
        "worse",
    )
    attendance = PerformanceResult.objects.get(school=school, measure__code="attendance")
    assert attendance.national_value is None


def test_lower_is_better_measures_compare_the_right_way_round():
    SchoolFactory(urn=874001)
    run(HEADER + "874001,2024/25,persistent_absence,15.0,17.8\n")
    assert PerformanceResult.objects.get().compared_to_national == "better"


def test_reports_each_bad_row_and_imports_the_good_ones():
    SchoolFactory(urn=874001)
    record = run(
        HEADER
        + "874001,2024/25,ks2_rwm_expected,58,62\n"
        + "999999,2024/25,ks2_rwm_expected,58,62\n"
        + "874001,2024,ks2_rwm_expected,58,62\n"
        + "874001,2024/25,made_up_measure,58,62\n"
        + "874001,2024/25,attendance,ninety,93\n"
    )
    assert record.created == 1
    messages = [(e["row"], e["column"], e["message"]) for e in record.errors]
    assert messages[0] == (3, "URN", URN_UNKNOWN)
    assert messages[1] == (4, "academic_year", YEAR_INVALID)
    assert messages[2][:2] == (5, "measure")
    assert messages[2][2].startswith(MEASURE_UNKNOWN.split("{")[0])
    assert messages[3] == (6, "value", "is not a number")


def test_suppressed_values_are_skipped_not_rejected():
    SchoolFactory(urn=874001)
    record = run(HEADER + "874001,2024/25,ks2_rwm_expected,c,62\n874001,2024/25,attendance,x,\n")
    assert (record.created, record.rejected, record.rows_skipped) == (0, 0, 2)


def test_a_repeated_school_measure_and_year_is_rejected():
    SchoolFactory(urn=874001)
    record = run(HEADER + "874001,2024/25,ks2_rwm_expected,58,62\n874001,202425,ks2_rwm_expected,59,62\n")
    assert record.created == 1
    assert "repeats URN 874001, ks2_rwm_expected, 2024/25 (first on row 2)" in record.errors[0]["message"]


def test_reimport_changes_nothing_and_a_revised_value_updates_it():
    SchoolFactory(urn=874001)
    text = HEADER + "874001,2024/25,ks2_rwm_expected,58,62\n"
    run(text)
    assert run(text).unchanged == 1
    record = run(HEADER + "874001,2024/25,ks2_rwm_expected,60,62\n")
    assert record.updated == 1
    assert PerformanceResult.objects.get().value == Decimal("60.00")


def test_column_names_may_differ_in_case_and_spacing():
    SchoolFactory(urn=874001)
    record = run("urn,Academic Year,Measure,Value,National Value\n874001,2024/25,KS2_RWM_EXPECTED,58,62\n")
    assert record.created == 1


def test_a_file_missing_a_required_column_is_refused_naming_it():
    record = run("URN,academic_year,value\n874001,2024/25,58\n")
    assert (record.status, record.message) == (ImportStatus.REFUSED, 'The file is missing required columns: "measure".')
