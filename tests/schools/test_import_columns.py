"""What every importer reads the same way: a column named twice is refused whole, naming it
(schools.importers.base.Columns); digits are 0-9 only, never another script's (a URN written in
Arabic-Indic digits once made a school); a GIAS row without an LA code is rejected for it, not
skipped as another authority's."""

import pytest
from django.db import transaction

from core.tabular import read_table
from schools import services
from schools.demo_files import current_gias_header, gias_row, to_csv_bytes
from schools.importers.base import COLUMN_TWICE
from schools.importers.gias import URN_INVALID, GiasImporter
from schools.importers.gias_columns import REQUIRED_VALUE
from schools.models import ImportStatus, PerformanceResult, School
from tests.factories import SchoolFactory
from tests.schools.gias_paths import LA, PATHS

pytestmark = pytest.mark.django_db
ARABIC_INDIC_URN = "\u0668\u0667\u0664\u0660\u0660\u0669"  # ٨٧٤٠٠٩: int() reads it as 874009


def gias_file(*rows: dict) -> bytes:
    return to_csv_bytes(current_gias_header(), list(rows), encoding="utf-8")  # (Arabic-Indic digits)


def school_row(urn, **changes) -> dict:
    return gias_row(urn=urn, name=f"School {urn}", type_code=1, phase="Primary") | changes


def plan_with(staged: bool, data: bytes):
    importer = GiasImporter(staged=staged)
    with transaction.atomic():
        table = read_table(data, "e.csv", keep=importer.keep_column, header_hint=importer.header_hint)
        return importer.plan(table, options=LA)


def test_a_gias_file_naming_the_urn_column_twice_is_refused_naming_it():
    header = current_gias_header()
    data = to_csv_bytes([*header, "URN"], [school_row(874001) | {"URN": "874001"}], encoding="cp1252")
    record = services.import_run(kind="gias", data=data, filename="e.csv", actor=None, options=LA)

    assert (record.status, record.message) == (ImportStatus.REFUSED, COLUMN_TWICE.format(count=2, columns='"URN"'))
    assert not School.objects.exists()


def test_a_gias_file_with_two_la_code_columns_written_differently_is_refused_naming_both():
    """Before, the last was read: 999 in "la (code)" skipped every row as another LA's, saying nothing."""
    header = current_gias_header()
    rows = [school_row(874001) | {"la (code)": "999"}]
    record = services.import_run(
        kind="gias", data=to_csv_bytes([*header, "la (code)"], rows, encoding="cp1252"), filename="e.csv",
        actor=None, options=LA,
    )  # fmt: skip

    assert record.status == ImportStatus.REFUSED
    assert record.message == COLUMN_TWICE.format(count=2, columns='"LA (code)" and "la (code)"')


def test_a_column_named_twice_that_the_import_does_not_read_is_no_matter():
    header = current_gias_header()
    rows = [school_row(874001) | {"Postcode (again)": "x"}]
    data = to_csv_bytes([*header, "Postcode (again)"], rows, encoding="cp1252")
    assert services.import_run(kind="gias", data=data, filename="e.csv", actor=None, options=LA).created == 1


def test_a_performance_file_with_two_value_columns_is_refused_naming_it():
    SchoolFactory(urn=874001)
    text = "URN,academic_year,measure,value,national_value,value\n874001,2024/25,attendance,91.4,92.5,99\n"
    record = services.import_run(kind="performance", data=text.encode(), filename="p.csv", actor=None, options={})

    assert (record.status, record.message) == (ImportStatus.REFUSED, COLUMN_TWICE.format(count=2, columns='"value"'))
    assert not PerformanceResult.objects.exists()


@pytest.mark.parametrize("staged", PATHS)
def test_a_gias_row_without_an_la_code_is_rejected_for_it_not_skipped(staged):
    plan = plan_with(staged, gias_file(school_row(874001), school_row(874002, **{"LA (code)": ""})))

    assert (plan.created, plan.rows_skipped) == (1, 0)
    assert [(e.row, e.column, e.message) for e in plan.errors] == [(3, "LA (code)", REQUIRED_VALUE)]


@pytest.mark.parametrize("staged", PATHS)
def test_a_urn_in_arabic_indic_digits_is_not_a_urn(staged):
    plan = plan_with(staged, gias_file(school_row(874001), school_row(874009, URN=ARABIC_INDIC_URN)))

    assert plan.created == 1
    assert [(e.row, e.column, e.value, e.message) for e in plan.errors] == [(3, "URN", ARABIC_INDIC_URN, URN_INVALID)]


def test_a_performance_row_with_a_urn_in_arabic_indic_digits_is_rejected_and_one_excel_wrote_as_a_decimal_is_read():
    SchoolFactory(urn=874001), SchoolFactory(urn=874009)
    text = (
        f"URN,academic_year,measure,value\n874001.0,2024/25,attendance,91.4\n{ARABIC_INDIC_URN},2024/25,attendance,90\n"
    )
    record = services.import_run(kind="performance", data=text.encode(), filename="p.csv", actor=None, options={})

    assert (record.created, record.rejected) == (1, 1)
    assert [(e["row"], e["column"]) for e in record.errors] == [(3, "URN")]
    assert PerformanceResult.objects.get().school.urn == 874001
