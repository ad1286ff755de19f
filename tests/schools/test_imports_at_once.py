"""Two GIAS imports of files adding the same new school, committed at the same moment (two
confirmed previews, or the scheduled import and an officer's command), each on its own connection:
the second waits for the first (schools.services_imports.hold_imports_of), then plans against the
register the first committed, so it has nothing left to import. Both once planned against the
register without the other's school, and the second failed on the school's unique URN with the
unexplained IMPORT_FAILED (tests.concurrency)."""

import pytest

from schools import services, services_imports
from schools.demo_files import current_gias_header, gias_row, to_csv_bytes
from schools.models import ImportRecord, ImportStatus, School
from tests.concurrency import hold_at, in_threads, postgresql_only

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), postgresql_only]

FILE = to_csv_bytes(current_gias_header(), [gias_row(urn=874500, name="Fenland Primary", type_code=1, phase="Primary")])
LA = {"la_codes": ["874"]}


def test_two_confirmed_imports_of_one_new_school_committed_at_once_add_it_once(monkeypatch, admin_user):
    records = [
        services.import_preview(kind="gias", data=FILE, filename="edubasealldata.csv", actor=admin_user, options=LA)
        for _ in range(2)
    ]
    assert [r.status for r in records] == [ImportStatus.PREVIEWED] * 2
    # Both confirmed (import_confirm), their commits left to run together, as two workers would.
    ImportRecord.objects.update(status=ImportStatus.IMPORTING, committed_by=admin_user)
    hold_at(monkeypatch, services_imports, "_plan")

    in_threads(*(lambda r=r: services.import_commit_stored(r.pk) for r in records))

    statuses = sorted(ImportRecord.objects.values_list("status", "message"))
    assert statuses == [(ImportStatus.COMMITTED, ""), (ImportStatus.NOTHING_TO_IMPORT, services.IMPORT_NOTHING_CHANGED)]
    assert School.objects.filter(urn=874500).count() == 1


def test_two_imports_of_one_new_school_run_at_once_add_it_once(monkeypatch, admin_user):
    hold_at(monkeypatch, services_imports, "_plan")

    def run(source):
        return lambda: services.import_run(
            kind="gias", data=FILE, filename="edubasealldata.csv", actor=None, options=LA, source=source
        )

    assert in_threads(run("schedule"), run("command")) == ["done", "done"]

    statuses = sorted(ImportRecord.objects.values_list("status", flat=True))
    assert statuses == [ImportStatus.COMMITTED, ImportStatus.NOTHING_TO_IMPORT]
    assert School.objects.filter(urn=874500).count() == 1
