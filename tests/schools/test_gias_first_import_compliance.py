"""A first GIAS import's stored compliance rows (visits.stored_compliance.add_missing, docs/adr/0053):
a bulk load, one stale row for each entitled school."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import core.bulk
from schools.demo_files import current_gias_header, synthetic_gias_rows, to_csv_bytes
from tests.schools.test_gias_staged_import import index_definitions, on_postgresql, outcome, without_condition
from visits.compliance import compliance_schools
from visits.models import StoredCompliance

pytestmark = pytest.mark.django_db


@on_postgresql
def test_a_first_imports_compliance_rows_are_a_bulk_load_one_stale_row_for_each_entitled_school(monkeypatch):
    """visits.stored_compliance.add_missing on a first import (docs/adr/0053), by both of the GIAS
    import's paths (each sends register_changed with its new schools): the entitled schools without a
    row found by one query, their rows written by one statement as a bulk load (the foreign key to
    the schools dropped and added again, the indexes built again from their own definitions), and
    then every entitled school has exactly one row, stale, and no other school has one."""
    table = StoredCompliance._meta.db_table
    before = index_definitions(table)
    data = to_csv_bytes(current_gias_header(), synthetic_gias_rows(300), encoding="cp1252")
    monkeypatch.setattr(core.bulk, "BULK_LOAD_MIN_ROWS", 20)
    seen = []

    def rows_and_definitions():
        entitled = set(compliance_schools().values_list("pk", flat=True))
        rows = set(StoredCompliance.objects.filter(stale=True).values_list("school_id", flat=True))
        seen.append(
            (len(entitled), entitled == rows == set(StoredCompliance.objects.values_list("school_id", flat=True)))
        )
        seen.append(index_definitions(table))

    outcome(data, staged=False, la_codes=(), inside=rows_and_definitions)
    with CaptureQueriesContext(connection) as queries:
        outcome(data, staged=True, la_codes=(), inside=rows_and_definitions)
    (row_by_row, _), (staged, after) = (seen[0], seen[1]), (seen[2], seen[3])
    assert row_by_row[0] >= 20  # enough new entitled schools for the bulk path
    assert row_by_row == staged == (row_by_row[0], True)
    statements = [q["sql"] for q in queries.captured_queries]
    (to_school,) = [
        n for n, definition in before if definition.startswith("FOREIGN KEY") and "schools_school" in definition
    ]
    assert [sql.split(" FOREIGN KEY")[0] for sql in statements if sql.startswith(f'ALTER TABLE "{table}"')] == [
        f'ALTER TABLE "{table}" DROP CONSTRAINT "{to_school}"',
        f'ALTER TABLE "{table}" ADD CONSTRAINT "{to_school}"',
    ]
    assert [without_condition(index) for index in after] == [without_condition(i) for i in before]
