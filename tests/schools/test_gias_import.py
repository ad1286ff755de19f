"""The GIAS establishment import: real layouts, encodings, refusals, idempotence, LA-kept fields."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from openpyxl import Workbook

from core.cells import NO_SUCH_DATE
from core.tabular import EMPTY_FILE, NO_DATA_ROWS
from schools import services
from schools.demo_files import current_gias_header, gias_row, to_csv_bytes
from schools.importers.gias import DUPLICATE_URN, NO_URN_COLUMN, URN_INVALID
from schools.models import (
    EstablishmentType,
    Governance,
    HeadAppointment,
    ImportRecord,
    ImportStatus,
    School,
    Trust,
    Ward,
)
from tests.factories import UserFactory

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "gias"
pytestmark = pytest.mark.django_db


def run(data: bytes, *, filename="edubasealldata.csv", la_codes=("874",), **kwargs) -> ImportRecord:
    return services.import_run(
        kind="gias",
        data=data,
        filename=filename,
        actor=kwargs.pop("actor", None),
        options={"la_codes": list(la_codes)},
        **kwargs,
    )


def current_file(*rows: dict, encoding="cp1252", bom=False) -> bytes:
    return to_csv_bytes(current_gias_header(), list(rows), encoding=encoding, bom=bom)


def database_state():
    return (
        list(School.objects.order_by("urn").values()),
        list(Trust.objects.values()),
        list(Ward.objects.values()),
        list(EstablishmentType.objects.values()),
        School.history.count(),
    )


def test_the_current_layout_header_has_139_columns():
    assert len(current_gias_header()) == 139


def test_imports_the_real_2018_layout_row_when_its_la_is_managed():
    data = (FIXTURES / "example_one_school_2018_layout.csv").read_bytes()
    record = run(data, la_codes=["370"])

    assert (record.status, record.created, record.rejected) == (ImportStatus.COMMITTED, 1, 0)
    school = School.objects.get(urn=106653)
    assert school.name == "Penistone Grammar School"
    assert school.la_code == "370"
    assert school.establishment_number == "4027"
    assert school.laestab == "3704027"
    assert school.establishment_type.name == "Community school"
    assert school.establishment_type.governance == Governance.MAINTAINED
    assert school.phase == "Secondary"
    assert (school.low_age, school.high_age) == (11, 18)


def test_skips_rows_of_other_local_authorities_and_says_so():
    data = (FIXTURES / "example_one_school_2018_layout.csv").read_bytes()
    record = run(data)  # LA 874 only; the row is Barnsley (370)

    assert (record.created, record.rows_skipped) == (0, 1)
    assert "1 row is for other local authorities" in record.message
    assert not School.objects.exists()


def test_imports_a_file_in_the_current_139_column_layout_with_trust_and_ward():
    data = current_file(
        gias_row(
            urn=874101,
            name="Kingfisher Academy",
            type_code=34,
            phase="Primary",
            trust=("90001", "Nene Valley Learning Trust"),
            ward=("E05099001", "Bretton"),
            pupils=321,
            fsm="23.4",
            open_date="01-09-2012",
        )
    )
    record = run(data)

    assert (record.status, record.created) == (ImportStatus.COMMITTED, 1)
    school = School.objects.select_related("trust", "ward").get(urn=874101)
    assert school.establishment_type.governance == Governance.ACADEMY
    assert (school.trust.code, school.trust.name) == ("90001", "Nene Valley Learning Trust")
    assert (school.ward.code, school.ward.name) == ("E05099001", "Bretton")
    assert school.number_on_roll == 321
    assert school.percentage_fsm == Decimal("23.4")
    assert school.open_date == date(2012, 9, 1)
    assert record.sha256
    assert record.original_filename == "edubasealldata.csv"


def test_reads_windows_1252_names_with_accents_and_curly_apostrophes():
    data = current_file(
        gias_row(urn=874102, name="St Thérèse’s Catholic Primary School", type_code=2, phase="Primary",
                 head=("Mme", "Chloé", "Dürand")),
    )  # fmt: skip
    assert b"Th\xe9r\xe8se\x92s" in data  # really Windows-1252 on disk
    run(data)
    school = School.objects.get(urn=874102)
    assert school.name == "St Thérèse’s Catholic Primary School"
    assert school.headteacher == "Mme Chloé Dürand"


def test_reads_a_utf8_file_with_a_byte_order_mark():
    run(
        current_file(
            gias_row(urn=874103, name="Côte Primary School", type_code=1, phase="Primary"), encoding="utf-8", bom=True
        )
    )
    assert School.objects.get(urn=874103).name == "Côte Primary School"


def test_reads_an_xlsx_workbook():
    header = current_gias_header()
    row = gias_row(urn=874104, name="Ærø Primary School", type_code=1, phase="Primary")
    workbook = Workbook()
    workbook.active.append(header)
    workbook.active.append([int(row[h]) if h == "URN" else row.get(h, "") for h in header])
    buffer = io.BytesIO()
    workbook.save(buffer)

    record = run(buffer.getvalue(), filename="edubase.xlsx")

    assert record.created == 1
    assert School.objects.get(urn=874104).name == "Ærø Primary School"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", EMPTY_FILE),
        (b'"LA (code)","EstablishmentName"\n"874","No URN School"\n', NO_URN_COLUMN),
        (b'"URN","LA (code)","EstablishmentName","TypeOfEstablishment (code)"\n', NO_DATA_ROWS),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None),
    ],
    ids=["empty", "no-urn-column", "header-only", "binary"],
)
def test_refuses_a_file_it_cannot_use_and_leaves_the_database_untouched(data, message):
    run(current_file(gias_row(urn=874105, name="Existing School", type_code=1, phase="Primary")))
    before = database_state()

    record = run(data)

    assert record.status == ImportStatus.REFUSED
    if message:
        assert record.message == message
    else:
        assert record.message.startswith("The file could not be read")
    assert database_state() == before


def test_refuses_a_file_missing_other_required_columns_naming_them():
    record = run(b'"URN","LA (code)"\n"874001","874"\n')
    assert record.status == ImportStatus.REFUSED
    assert record.message == (
        'The file is missing required columns: "EstablishmentName", "TypeOfEstablishment (code)".'
    )


def test_reimporting_the_same_file_changes_nothing():
    data = current_file(
        gias_row(urn=874106, name="Heron Primary School", type_code=1, phase="Primary", ward=("E05099002", "Central")),
        gias_row(urn=874107, name="Osprey Academy", type_code=34, phase="Secondary", trust=("90002", "Fen Trust")),
    )
    run(data)
    before = database_state()

    again = run(data)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert database_state() == before


def test_an_update_changes_only_what_differs_and_the_preview_lists_it():
    run(current_file(gias_row(urn=874108, name="Linnet Primary School", type_code=1, phase="Primary", pupils=200)))
    school = School.objects.get(urn=874108)

    record = run(
        current_file(gias_row(urn=874108, name="Linnet Primary School", type_code=1, phase="Primary", pupils=230))
    )

    assert (record.updated, record.unchanged) == (1, 0)
    assert record.changes[0]["fields"] == [["capacity", "220", "253"], ["number on roll", "200", "230"]]
    school.refresh_from_db()
    assert school.number_on_roll == 230
    assert school.history.count() == 2


def test_rejects_bad_rows_naming_row_column_value_and_reason_and_imports_the_rest():
    good = gias_row(urn=874109, name="Good Row School", type_code=1, phase="Primary")
    bad_urn = gias_row(urn=874110, name="Bad URN School", type_code=1, phase="Primary") | {"URN": "87411X"}
    bad_date = gias_row(urn=874111, name="Bad Date School", type_code=1, phase="Primary", open_date="31-02-2020")
    duplicate = gias_row(urn=874109, name="Duplicate School", type_code=1, phase="Primary")

    record = run(current_file(good, bad_urn, bad_date, duplicate))

    assert (record.created, record.rejected) == (1, 3)
    assert record.errors == [
        {"row": 3, "column": "URN", "value": "87411X", "message": URN_INVALID},
        {"row": 4, "column": "OpenDate", "value": "31-02-2020", "message": NO_SUCH_DATE},
        {"row": 5, "column": "URN", "value": "874109", "message": DUPLICATE_URN.format(urn=874109, first_row=2)},
    ]
    assert list(School.objects.values_list("urn", flat=True)) == [874109]


def test_a_malformed_row_is_reported_in_file_order_among_the_other_errors():
    good = gias_row(urn=874109, name="Good Row School", type_code=1, phase="Primary")
    bad_urn = gias_row(urn=874110, name="Bad URN School", type_code=1, phase="Primary") | {"URN": "87411X"}
    later = gias_row(urn=874112, name="Later School", type_code=1, phase="Primary")
    lines = current_file(good, bad_urn, later, later | {"URN": "874113"}).split(b"\r\n")
    lines[4] += b",an extra value"  # row 5 of the spreadsheet

    record = run(b"\r\n".join(lines))

    assert [(error["row"], error["column"]) for error in record.errors] == [(3, "URN"), (5, "(whole row)")]
    assert record.created == 2


def test_the_preview_counts_new_trusts_and_wards_in_words_that_agree():
    record = run(
        current_file(
            gias_row(
                urn=874120,
                name="Linnet School",
                type_code=28,
                phase="Primary",
                trust=("90001", "Linnet Trust"),
                ward=("E05000001", "North"),
            ),
            gias_row(urn=874121, name="Siskin School", type_code=28, phase="Primary", ward=("E05000002", "South")),
        ),
        dry_run=True,
    )
    assert "Reference data: 1 new trust, 2 new wards." in record.message


def test_a_strict_import_refuses_the_whole_file_if_any_row_is_bad():
    good = gias_row(urn=874112, name="Good Row School", type_code=1, phase="Primary")
    bad = gias_row(urn=874113, name="", type_code=1, phase="Primary")

    record = run(current_file(good, bad), strict=True)

    assert record.status == ImportStatus.REFUSED
    assert "nothing was imported" in record.message
    assert not School.objects.exists()


def test_never_overwrites_la_kept_details_but_a_new_head_clears_start_date_and_appointment(admin_user, adviser):
    run(current_file(gias_row(urn=874114, name="Wren Primary School", type_code=1, phase="Primary")))
    school = School.objects.get(urn=874114)
    services.school_update_la_details(
        school=school,
        actor=admin_user,
        link_adviser=adviser,
        head_start_date=date(2015, 9, 1),
        head_appointment=HeadAppointment.SUBSTANTIVE,
        chair_of_governors="Peter Lang",
    )

    run(current_file(gias_row(urn=874114, name="Wren Primary School", type_code=1, phase="Primary", pupils=260)))
    school.refresh_from_db()
    assert (school.link_adviser, school.head_start_date, school.chair_of_governors) == (
        adviser,
        date(2015, 9, 1),
        "Peter Lang",
    )

    run(
        current_file(
            gias_row(urn=874114, name="Wren Primary School", type_code=1, phase="Primary", pupils=260,
                     head=("Mr", "Owen", "Davies"), head_job_title="Acting Headteacher")
        )
    )  # fmt: skip
    school.refresh_from_db()
    assert school.headteacher == "Mr Owen Davies"
    assert school.head_start_date is None
    assert school.head_appointment == HeadAppointment.INTERIM
    assert (school.link_adviser, school.chair_of_governors) == (adviser, "Peter Lang")


def test_a_new_establishment_type_in_gias_is_created_with_its_group():
    row = gias_row(urn=874115, name="Future School", type_code=1, phase="Primary") | {
        "TypeOfEstablishment (code)": "61",
        "TypeOfEstablishment (name)": "Academy of the future",
        "EstablishmentTypeGroup (code)": "10",
        "EstablishmentTypeGroup (name)": "Academies",
    }
    record = run(current_file(row))
    assert record.created == 1
    new_type = EstablishmentType.objects.get(code=61)
    assert (new_type.name, new_type.governance) == ("Academy of the future", Governance.ACADEMY)


def test_renamed_trust_is_renamed_and_a_school_leaving_its_trust_is_unlinked():
    run(
        current_file(
            gias_row(urn=874116, name="Teal Academy", type_code=34, phase="Primary", trust=("90003", "Old Name"))
        )
    )
    record = run(
        current_file(
            gias_row(urn=874116, name="Teal Academy", type_code=34, phase="Primary", trust=("90003", "New Name"))
        )
    )
    assert Trust.objects.get(code="90003").name == "New Name"
    assert "1 renamed trust." in record.message

    run(current_file(gias_row(urn=874116, name="Teal Academy", type_code=1, phase="Primary")))
    assert School.objects.get(urn=874116).trust is None


def test_preview_writes_no_school_data_and_confirm_applies_exactly_what_was_previewed(admin_user):
    data = current_file(gias_row(urn=874117, name="Swallow Primary School", type_code=1, phase="Primary"))

    record = services.import_preview(
        kind="gias", data=data, filename="e.csv", actor=admin_user, options={"la_codes": ["874"]}
    )
    assert (record.status, record.created) == (ImportStatus.PREVIEWED, 1)
    assert not School.objects.exists()

    confirmed = services.import_confirm(record=record, actor=admin_user)
    assert (confirmed.status, confirmed.created, confirmed.committed_by) == (ImportStatus.COMMITTED, 1, admin_user)
    assert School.objects.get(urn=874117).history.first().history_user == admin_user


def test_a_preview_cannot_be_confirmed_twice(admin_user):
    from django.core.exceptions import ValidationError

    data = current_file(gias_row(urn=874118, name="Plover Primary School", type_code=1, phase="Primary"))
    record = services.import_preview(
        kind="gias", data=data, filename="e.csv", actor=admin_user, options={"la_codes": ["874"]}
    )
    services.import_confirm(record=record, actor=admin_user)

    with pytest.raises(ValidationError, match="not waiting for confirmation"):
        services.import_confirm(record=record, actor=admin_user)
    assert School.objects.count() == 1


def test_the_import_gias_command_imports_a_file_and_its_dry_run_changes_nothing(tmp_path):
    UserFactory(username="loader")
    path = tmp_path / "edubasealldata20261101.csv"
    path.write_bytes(current_file(gias_row(urn=874119, name="Curlew Primary School", type_code=1, phase="Primary")))
    out = io.StringIO()

    call_command("import_gias", str(path), "--dry-run", stdout=out, stderr=io.StringIO())
    assert "(dry run, nothing changed): 1 row, 1 to create" in out.getvalue()
    assert not School.objects.exists()

    out = io.StringIO()
    call_command("import_gias", str(path), "--user", "loader", stdout=out, stderr=io.StringIO())
    assert "(applied): 1 row, 1 created" in out.getvalue()
    assert School.objects.filter(urn=874119).exists()
    assert ImportRecord.objects.filter(status=ImportStatus.COMMITTED, uploaded_by__username="loader").count() == 1


def test_the_import_gias_command_filters_to_the_las_given_or_none(tmp_path):
    path = tmp_path / "all.csv"
    path.write_bytes(
        current_file(
            gias_row(urn=874120, name="Ours", type_code=1, phase="Primary"),
            gias_row(urn=873120, name="Theirs", type_code=1, phase="Primary", la_code="873"),
        )
    )
    call_command("import_gias", str(path), "--la", "873", stdout=io.StringIO(), stderr=io.StringIO())
    assert list(School.objects.values_list("urn", flat=True)) == [873120]

    call_command("import_gias", str(path), "--all-las", stdout=io.StringIO(), stderr=io.StringIO())
    assert School.objects.count() == 2


def test_the_import_gias_command_fails_loudly_on_a_refused_file(tmp_path):
    from django.core.management import CommandError

    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="The file is empty"):
        call_command("import_gias", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def test_every_field_a_gias_preview_names_has_a_label_in_words_not_its_column_name():
    from schools.importers.gias_compare import FIELD_LABELS

    for field, label in FIELD_LABELS.items():
        assert "_" not in label, field
        assert not label.lower().startswith("gias"), field
        assert label != "address3", field
    assert FIELD_LABELS["gias_last_changed"] == "last changed in GIAS"


def test_one_line_of_something_else_is_refused_for_the_urn_column_it_lacks():
    record = run(b"hello\n", filename="bad.csv")
    assert (record.status, record.message) == (ImportStatus.REFUSED, NO_URN_COLUMN)
