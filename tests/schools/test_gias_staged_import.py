"""The GIAS import's two paths give the same result (docs/adr/0020): on PostgreSQL the rows are
compared and written set-wise through a staging table filled by COPY; elsewhere, and with
GiasImporter(staged=False), one row at a time in Python. The same real-format files go through
both, each in a transaction rolled back afterwards, and the preview (counts, errors, sampled
changes, notes) and everything written (schools, trusts, wards, types, audit history) must match."""

from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.tabular import read_table
from letters.models import StoredSuggestionState
from schools import services
from schools.demo_files import current_gias_header, gias_row, synthetic_gias_rows, to_csv_bytes
from schools.importers import gias_staging
from schools.importers.gias import DUPLICATE_URN, FSM_INVALID, STATUS_UNKNOWN, URN_INVALID, GiasImporter
from schools.models import EstablishmentType, HeadAppointment, School, Trust, Ward

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the staged path is PostgreSQL's (COPY); SQLite has only the other"
)
FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "gias"


def current_file(*rows: dict) -> bytes:
    return to_csv_bytes(current_gias_header(), list(rows), encoding="cp1252")


def run(data: bytes, *, la_codes=("874",)):
    return services.import_run(
        kind="gias", data=data, filename="edubasealldata.csv", actor=None, options={"la_codes": list(la_codes)}
    )


def register() -> dict:
    """Everything an import writes, without ids and timestamps (which differ between two runs)."""
    volatile = {"id", "created_at", "updated_at", "trust_id", "ward_id"}
    schools = [
        {k: v for k, v in row.items() if k not in volatile}
        for row in School.objects.order_by("urn").values(*[f.attname for f in School._meta.concrete_fields],
                                                          "trust__code", "ward__code")
    ]  # fmt: skip
    history = sorted(
        School.history.values_list(
            "urn", "history_type", "history_change_reason", "history_user_id", "name", "head_start_date",
            "head_appointment", "number_on_roll", "trust__code",
        ),
        key=repr,  # ids and dates differ between the two runs; the rows themselves must not
    )  # fmt: skip
    return {
        "schools": schools,
        "trusts": list(Trust.objects.order_by("code").values_list("code", "name")),
        "trust history": sorted(Trust.history.values_list("code", "name", "history_type", "history_user_id"), key=repr),
        "wards": list(Ward.objects.order_by("code").values_list("code", "name")),
        "types": list(EstablishmentType.objects.order_by("code").values()),
        "school history": history,
    }


def outcome(
    data: bytes, *, staged: bool, la_codes=("874",), actor=None, lose_stage=False, inside=None
) -> tuple[dict, dict]:
    """The preview and the register after applying `data` by one path; then rolled back. With
    `lose_stage`, the staging tables are dropped between plan and apply, as if the apply ran on
    another server connection (a transaction-pooling PgBouncer)."""
    importer = GiasImporter(staged=staged)
    with transaction.atomic():
        table = read_table(data, "edubasealldata.csv", keep=importer.keep_column, header_hint=importer.header_hint)
        plan = importer.plan(table, options={"la_codes": list(la_codes)})
        preview = {
            "counts": (plan.rows_total, plan.rows_skipped, plan.created, plan.updated, plan.unchanged, plan.rejected),
            "other changes": plan.other_changes,
            "errors": [error.as_dict() for error in plan.errors],
            "changes": plan.changes,
            "notes": [plan.skipped_note, *plan.notes],
        }
        if lose_stage:
            with connection.cursor() as cursor:
                cursor.execute("DROP TABLE gias_stage, gias_actions")
        if plan.changes_anything:
            importer.apply(plan, actor=actor, record=SimpleNamespace(pk=41))
        after = register()
        if inside is not None:
            inside()  # what a test wants to see before the rollback
        transaction.set_rollback(True)
    return preview, after


def assert_same_by_both_paths(data: bytes, **kwargs) -> tuple[dict, dict]:
    before = register()
    row_by_row = outcome(data, staged=False, **kwargs)
    assert register() == before  # rolled back
    staged = outcome(data, staged=True, **kwargs)
    assert staged[0] == row_by_row[0]
    assert staged[1] == row_by_row[1]
    return row_by_row


def test_postgresql_imports_through_the_staging_table_and_sqlite_row_by_row():
    assert GiasImporter().staged is (connection.vendor == "postgresql")
    assert GiasImporter(staged=False).staged is False


@on_postgresql
def test_the_real_2018_layout_row_gives_the_same_preview_and_register_by_both_paths():
    data = (FIXTURES / "example_one_school_2018_layout.csv").read_bytes()
    preview, after = assert_same_by_both_paths(data, la_codes=())
    assert preview["counts"] == (1, 0, 1, 0, 0, 0)
    assert [s["name"] for s in after["schools"]] == ["Penistone Grammar School"]


@on_postgresql
def test_a_file_of_new_changed_unchanged_bad_and_skipped_rows_gives_the_same_result_by_both_paths(admin_user, adviser):
    run(
        current_file(
            gias_row(
                urn=874201, name="Wren Primary School", type_code=1, phase="Primary", ward=("E05000001", "Old Ward")
            ),
            gias_row(urn=874202, name="Teal Academy", type_code=34, phase="Primary", trust=("90003", "Old Trust")),
            gias_row(urn=874203, name="Kestrel Infant School", type_code=1, phase="Primary"),
            gias_row(urn=874204, name="Heron School", type_code=34, phase="Secondary", trust=("90004", "Heron Trust")),
        )
    )  # fmt: skip
    wren = School.objects.get(urn=874201)
    services.school_update_la_details(
        school=wren, actor=admin_user, link_adviser=adviser, head_start_date=date(2015, 9, 1),
        head_appointment=HeadAppointment.SUBSTANTIVE, chair_of_governors="Peter Lang",
    )  # fmt: skip
    services.school_update_la_details(
        school=School.objects.get(urn=874203), actor=admin_user, link_adviser=adviser,
        head_start_date=date(2019, 1, 1), head_appointment=HeadAppointment.SUBSTANTIVE, chair_of_governors="",
    )  # fmt: skip
    new_type = gias_row(urn=874209, name="Future School", type_code=1, phase="Primary") | {
        "TypeOfEstablishment (code)": "61",
        "TypeOfEstablishment (name)": "Academy of the future",
        "EstablishmentTypeGroup (code)": "10",
        "EstablishmentTypeGroup (name)": "Academies",
    }
    data = current_file(
        # a new head (clears the LA's start date, interim from the job title), a new ward name
        gias_row(urn=874201, name="Wren Primary School", type_code=1, phase="Primary", pupils=260,
                 head=("Mr", "Owen", "Davies"), head_job_title="Acting Headteacher", ward=("E05000001", "New Ward")),
        # the trust renamed; closed
        gias_row(urn=874202, name="Teal Academy", type_code=34, phase="Primary", trust=("90003", "New Trust"),
                 status_code="2", close_date="31-08-2026"),
        # unchanged (its LA-kept details stay)
        gias_row(urn=874203, name="Kestrel Infant School", type_code=1, phase="Primary"),
        # leaves its trust: converted back, in this file
        gias_row(urn=874204, name="Heron School", type_code=1, phase="Secondary", fsm="", pupils=0),
        # new schools: accents and curly apostrophes, a new establishment type, a new trust and ward
        gias_row(urn=874205, name="St Thérèse’s Côte School", type_code=34, phase="Primary",
                 trust=("90005", "O’Brien Learning Trust"), ward=("E05000009", "Côte Ward")),
        new_type,
        # rejected: bad URN, FSM out of range, unknown status, a code longer than its column, a duplicate
        gias_row(urn=874206, name="Bad Urn School", type_code=1, phase="Primary") | {"URN": "87420X"},
        gias_row(urn=874207, name="Bad FSM School", type_code=1, phase="Primary", fsm="120"),
        gias_row(urn=874208, name="Odd Status School", type_code=1, phase="Primary") | {
            "EstablishmentStatus (code)": "9"},
        gias_row(urn=874210, name="Long Trust", type_code=34, phase="Primary", trust=("9" * 21, "Too Long")),
        gias_row(urn=874205, name="Duplicate School", type_code=1, phase="Primary"),
        # another local authority's row: skipped
        gias_row(urn=873001, name="Elsewhere School", type_code=1, phase="Primary", la_code="873"),
    )  # fmt: skip

    preview, after = assert_same_by_both_paths(data, actor=admin_user)

    assert preview["counts"] == (12, 1, 2, 3, 1, 5)
    assert {(e["row"], e["message"]) for e in preview["errors"]} >= {
        (8, URN_INVALID),
        (9, FSM_INVALID),
        (10, STATUS_UNKNOWN),
        (12, DUPLICATE_URN.format(urn=874205, first_row=6)),
    }
    assert [c["urn"] for c in preview["changes"]] == [874201, 874202, 874204, 874205, 874209]
    by_urn = {s["urn"]: s for s in after["schools"]}
    assert (by_urn[874201]["head_start_date"], by_urn[874201]["head_appointment"]) == (None, HeadAppointment.INTERIM)
    assert by_urn[874201]["link_adviser_id"] == adviser.pk
    assert (by_urn[874203]["head_start_date"], by_urn[874203]["head_appointment"]) == (
        date(2019, 1, 1),
        HeadAppointment.SUBSTANTIVE,
    )
    assert (by_urn[874202]["status"], by_urn[874202]["trust__code"]) == ("closed", "90003")
    assert (by_urn[874204]["trust__code"], by_urn[874204]["percentage_fsm"]) == (None, None)
    assert (by_urn[874205]["name"], by_urn[874205]["percentage_fsm"]) == ("St Thérèse’s Côte School", Decimal("20.5"))
    assert ("90003", "New Trust") in after["trusts"]
    assert ("E05000001", "New Ward") in after["wards"]


@on_postgresql
def test_an_england_sized_sample_gives_the_same_result_by_both_paths_first_and_again():
    rows = synthetic_gias_rows(1500)
    first = to_csv_bytes(current_gias_header(), rows, encoding="cp1252")
    assert_same_by_both_paths(first, la_codes=())
    run(first, la_codes=())
    for row in rows[::7]:
        row["NumberOfPupils"] = str(int(row["NumberOfPupils"]) + 1)
    for row in rows[::11]:
        row["HeadLastName"] = "Newhead"
    again = to_csv_bytes(current_gias_header(), rows, encoding="cp1252")
    preview, _ = assert_same_by_both_paths(again, la_codes=())
    assert preview["counts"][3] == len({*range(0, 1500, 7), *range(0, 1500, 11)})


@on_postgresql
@pytest.mark.parametrize("chunk", [400, 500])
def test_a_staging_table_copied_a_chunk_at_a_time_gives_the_same_result_as_one_row_at_a_time(monkeypatch, chunk):
    # 1,500 rows in chunks of 400 (the last one short) and of 500 (the last one full).
    monkeypatch.setattr(gias_staging, "STAGE_CHUNK", chunk)
    rows = synthetic_gias_rows(1500)
    first = to_csv_bytes(current_gias_header(), rows, encoding="cp1252")
    preview, after = assert_same_by_both_paths(first, la_codes=())
    assert preview["counts"][2] == len(after["schools"]) == 1500
    run(first, la_codes=())
    for row in rows[::3]:
        row["NumberOfPupils"] = str(int(row["NumberOfPupils"]) + 1)
    preview, _ = assert_same_by_both_paths(to_csv_bytes(current_gias_header(), rows, encoding="cp1252"), la_codes=())
    assert preview["counts"][3:5] == (500, 1000)


def test_the_column_at_a_time_checks_accept_and_refuse_exactly_what_the_row_by_row_checks_do():
    """On any database: the staged path's validation (schools.importers.gias._check) against the
    row-by-row path's, on a file of good, bad, duplicate and skipped rows, into an empty register."""
    from schools.importers.base import Columns, Plan
    from schools.importers.gias import COLUMNS, OTHER_COLUMNS, REQUIRED_COLUMNS, _check

    rows = synthetic_gias_rows(300, la_codes=3)
    rows[5]["URN"] = "12345"
    rows[6]["PercentageFSM"] = "1e30"
    rows[7]["EstablishmentStatus (code)"] = ""
    rows[7]["EstablishmentStatus (name)"] = "Shut"
    rows[8]["URN"] = rows[9]["URN"]
    rows[10]["URN"] = rows[5]["URN"]
    rows[11]["OpenDate"] = "31-02-2020"
    rows[12]["Trusts (code)"] = "x" * 30
    rows[13]["TypeOfEstablishment (code)"] = ""
    rows[14]["StatutoryHighAge"] = "120"
    rows[15]["EstablishmentName"] = " \u00a0 "
    rows[16]["URN"] = rows[17]["URN"]
    rows[16]["SchoolCapacity"] = "lots"
    data = to_csv_bytes(current_gias_header(), rows, encoding="cp1252")
    importer = GiasImporter(staged=False)
    table = read_table(data, "edubasealldata.csv", keep=importer.keep_column, header_hint=importer.header_hint)
    columns = Columns(table)
    required = columns.require(REQUIRED_COLUMNS)
    other = {name: columns.find(*headers) for name, headers in OTHER_COLUMNS.items()}
    specs = [(c, columns.find(*c.headers)) for c in COLUMNS if columns.find(*c.headers)]
    la_codes = {"800", "801"}

    by_rows = Plan(rows_total=len(table))
    references = importer._plan_row_by_row(
        table, by_rows, required=required, other=other, specs=specs, la_codes=la_codes, progress=lambda *a: None
    )
    by_columns = Plan(rows_total=len(table))
    checked = _check(table, required=required, other=other, specs=specs, la_codes=la_codes, plan=by_columns)

    assert by_columns.errors == by_rows.errors
    assert len(by_rows.errors) >= 6  # rows of LA 802 are skipped before they are checked
    assert by_columns.rows_skipped == by_rows.rows_skipped == 100
    assert checked.references() == references
    appointments = checked.new_head_appointments()
    assert [
        (urn, {**checked.values(i), "head_appointment": appointments[i]}) for i, urn in enumerate(checked.urns)
    ] == by_rows.payload["creates"]


@on_postgresql
def test_an_import_whose_staging_tables_are_not_on_its_connection_stages_again_and_writes_the_same():
    run(current_file(gias_row(urn=874301, name="Linnet School", type_code=1, phase="Primary")))
    data = current_file(
        gias_row(urn=874301, name="Linnet Primary School", type_code=1, phase="Primary"),
        gias_row(urn=874302, name="Siskin School", type_code=34, phase="Primary", trust=("90009", "Siskin Trust")),
    )
    assert outcome(data, staged=True, lose_stage=True) == outcome(data, staged=False)


def index_definitions(*tables: str) -> list[tuple[str, str]]:
    """The tables' indexes and constraints (foreign keys among them), as PostgreSQL defines them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = ANY(SELECT to_regclass(t) FROM unnest(%s::text[]) t) ORDER BY 1, 2",
            [list(tables), list(tables)],
        )
        return cursor.fetchall()


def without_condition(index: tuple[str, str]) -> tuple[str, str]:
    name, definition = index
    return name, definition.split(" WHERE ")[0]


def look_inside(tables) -> tuple[list, list, tuple]:
    """The tables' indexes and constraints, (name, plan, condition) of the partial index the
    dashboard's open maintained schools read, and how many schools have a state row (and a stale one)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT count(*) FROM schools_school s JOIN schools_establishmenttype t "
            "ON s.establishment_type_id = t.code WHERE t.governance = 'maintained' "
            "AND NOT (s.status IN ('closed', 'proposed_to_open'))"
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT pg_get_expr(indpred, indrelid) FROM pg_index WHERE indexrelid = to_regclass(%s)",
                       ["school_entitled_by_type"])  # fmt: skip
        condition = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE t.stale) FROM schools_school s "
            "JOIN letters_storedsuggestionstate t ON t.school_id = s.id"
        )
        states = cursor.fetchone()
    return index_definitions(*tables), [("school_entitled_by_type", plan, condition)], states


@on_postgresql
def test_a_first_import_builds_the_registers_indexes_after_its_rows_with_the_same_definitions_and_result(
    monkeypatch,
):
    """core.bulk.built_after_load: a load that at least doubles the table drops the secondary
    indexes and builds them again from their own definitions (here from 200 rows, not 10,000); the
    foreign keys to trusts, wards and types are dropped and added again (one check of every row),
    the link adviser's stays (adding it again would lock the users table). The new schools'
    suggestion-state rows are loaded the same way, their check of the school done once after."""
    import core.bulk

    state = StoredSuggestionState._meta.db_table
    tables = (School._meta.db_table, School.history.model._meta.db_table, state)
    before = index_definitions(*tables)
    assert any("gin_trgm_ops" in definition for _, definition in before)  # the name search's index is among them
    data = to_csv_bytes(current_gias_header(), synthetic_gias_rows(300), encoding="cp1252")
    monkeypatch.setattr(core.bulk, "BULK_LOAD_MIN_ROWS", 200)
    row_by_row = outcome(data, staged=False, la_codes=())
    after_the_load = []
    with CaptureQueriesContext(connection) as queries:
        staged = outcome(data, staged=True, la_codes=(), inside=lambda: after_the_load.extend(look_inside(tables)))
        states = after_the_load.pop()
    statements = [q["sql"] for q in queries.captured_queries]
    dropped = {sql.split()[-1].strip('"') for sql in statements if sql.startswith("DROP INDEX")}
    assert staged == row_by_row
    assert {"school_name_upper_trgm", "schools_sch_name_5d0cfd_idx", "school_entitled_by_type"} <= dropped
    altered = [sql.split(" FOREIGN KEY")[0] for sql in statements if sql.startswith("ALTER TABLE")]
    foreign_keys = [name for name, definition in before if definition.startswith("FOREIGN KEY")]
    to_references = sorted(n for n in foreign_keys if "_fk_schools_" in n and n.startswith("schools_school_"))
    assert len(to_references) == 3  # trust, ward, establishment type
    assert [sql for sql in altered if sql.startswith('ALTER TABLE "schools_school"')] == [
        f'ALTER TABLE "schools_school" DROP CONSTRAINT "{n}"' for n in to_references
    ] + [f'ALTER TABLE "schools_school" ADD CONSTRAINT "{n}"' for n in to_references]
    (to_school,) = [n for n, definition in before if n.startswith("letters_") and definition.startswith("FOREIGN KEY")]
    assert [sql for sql in altered if not sql.startswith('ALTER TABLE "schools_school"')] == [
        f'ALTER TABLE "{state}" DROP CONSTRAINT "{to_school}"',
        f'ALTER TABLE "{state}" ADD CONSTRAINT "{to_school}"',
    ]
    # Read in the import's transaction, before its rollback. A partial index's condition is printed
    # differently once PostgreSQL has parsed its own output (the same condition): compared apart.
    assert [without_condition(index) for index in after_the_load[0]] == [without_condition(i) for i in before]
    assert [bool(condition) for _, _, condition in after_the_load[1]] == [True]
    assert states == (300, 300)  # every new school has its state row, stale
    assert "school_entitled_by_type" in after_the_load[1][0][1]  # the planner still proves and uses it


@on_postgresql
@pytest.mark.parametrize("read_table", ["schools_school", "schools_trust"])
def test_a_first_import_keeps_the_indexes_in_place_when_someone_is_reading_the_register(monkeypatch, read_table):
    """The register's lock (and the trusts', wards' and types', whose foreign keys a first import
    checks after its rows) is asked for with a short wait; a reader holding one means the import
    loads into the indexes as any import does, and waits for nobody."""
    import psycopg

    import core.bulk

    monkeypatch.setattr(core.bulk, "BULK_LOAD_MIN_ROWS", 200)
    monkeypatch.setattr(core.bulk, "BULK_LOAD_LOCK_WAIT_MS", 50)
    settings_dict = connection.settings_dict
    reader = psycopg.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        host=settings_dict["HOST"],
        port=settings_dict["PORT"] or 5432,
        password=settings_dict["PASSWORD"] or None,
    )
    try:
        reader.execute(f"SELECT count(*) FROM {read_table}")  # holds ACCESS SHARE until it ends
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '10s'")  # an import that queued for a lock fails, not hangs
        with CaptureQueriesContext(connection) as queries:
            run(to_csv_bytes(current_gias_header(), synthetic_gias_rows(300), encoding="cp1252"), la_codes=())
    finally:
        reader.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert School.objects.count() == 300
    dropped = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("DROP INDEX")]
    # Only the history's (nobody reads it) and, when the register itself was free, the new schools'
    # suggestion-state rows' (core.bulk.built_after_load asks for each table's lock in turn).
    assert all("historicalschool" in sql or "stored_suggestions_" in sql for sql in dropped)
    altered = {q["sql"].split()[2] for q in queries.captured_queries if q["sql"].startswith("ALTER TABLE")}
    assert altered <= {'"letters_storedsuggestionstate"'}
    assert [q for q in queries.captured_queries if q["sql"].startswith("LOCK TABLE")]  # it did ask


@on_postgresql
def test_an_import_that_does_not_double_the_register_keeps_its_indexes_in_place(monkeypatch):
    import core.bulk

    monkeypatch.setattr(core.bulk, "BULK_LOAD_MIN_ROWS", 200)
    run(to_csv_bytes(current_gias_header(), synthetic_gias_rows(300), encoding="cp1252"), la_codes=())
    rows = synthetic_gias_rows(200, start_urn=100300)  # 200 new schools beside 300: not double
    with CaptureQueriesContext(connection) as queries:
        run(to_csv_bytes(current_gias_header(), rows, encoding="cp1252"), la_codes=())
    assert School.objects.count() == 500
    assert not [q for q in queries.captured_queries if q["sql"].startswith(("DROP INDEX", "LOCK TABLE"))]
