"""A GIAS extract older than the register is refused whole (schools.importers.gias_compare.
refuse_older_file): GIAS's LastChangedDate only moves forward, so a row that says its school last
changed before the change the register holds comes from an older download, and importing it would
put back what GIAS has changed since. Both comparison paths (row by row, and staged on PostgreSQL)."""

from datetime import date

import pytest
from django.db import transaction

from core.tabular import FileRefused, read_table
from schools import services
from schools.demo_files import current_gias_header, gias_row, to_csv_bytes
from schools.importers.gias import GiasImporter
from schools.importers.gias_compare import FILE_OLDER_THAN_REGISTER
from schools.models import ImportStatus, School
from tests.schools.gias_paths import LA, PATHS

pytestmark = pytest.mark.django_db


def row(urn: int, name: str, changed: str) -> dict:
    return gias_row(urn=urn, name=name, type_code=1, phase="Primary") | {"LastChangedDate": changed}


def extract(*rows: dict) -> bytes:
    return to_csv_bytes(current_gias_header(), list(rows), encoding="cp1252")


def imported(*rows: dict):
    return services.import_run(kind="gias", data=extract(*rows), filename="e.csv", actor=None, options=LA)


def plan_with(staged: bool, data: bytes):
    importer = GiasImporter(staged=staged)
    with transaction.atomic():
        table = read_table(data, "e.csv", keep=importer.keep_column, header_hint=importer.header_hint)
        return importer.plan(table, options=LA)


@pytest.fixture
def register():
    """Three schools as GIAS had them on 20 November 2026."""
    record = imported(
        row(874001, "Kingfisher Primary School", "20-11-2026"),
        row(874002, "Heron Primary School", "20-11-2026"),
        row(874003, "Wren Primary School", "20-11-2026"),
    )
    assert record.status == ImportStatus.COMMITTED


@pytest.mark.parametrize("staged", PATHS)
def test_a_file_older_than_the_register_is_refused_naming_its_first_older_row(register, staged):
    older = extract(
        row(874001, "Kingfisher Primary School", "20-11-2026"),  # as the register has it
        row(874002, "Heron Junior School", "10-11-2026"),
        row(874003, "Wren Junior School", "09-11-2026"),
    )

    with pytest.raises(FileRefused) as refused:
        plan_with(staged, older)

    assert refused.value.message == FILE_OLDER_THAN_REGISTER.format(
        row=3, urn=874002, file_date=date(2026, 11, 10), register_date=date(2026, 11, 20),
        others=" (1 other row is older too)",
    )  # fmt: skip
    assert "10 November 2026" in refused.value.message


@pytest.mark.parametrize("staged", PATHS)
def test_rows_as_new_as_the_register_or_newer_are_imported(register, staged):
    plan = plan_with(
        staged,
        extract(
            row(874001, "Kingfisher Primary School", "20-11-2026"),
            row(874002, "Heron Junior School", "27-11-2026"),
            row(874004, "Lark Primary School", "01-09-2026"),  # new to the register: nothing to undo
        ),
    )

    assert (plan.created, plan.updated, plan.unchanged, plan.rejected) == (1, 1, 1, 0)


def test_an_older_file_imported_by_a_command_is_refused_and_changes_nothing(register):
    record = imported(row(874002, "Heron Junior School", "10-11-2026"))

    assert record.status == ImportStatus.REFUSED
    assert record.message.startswith("This file is older than the register: row 2 (URN 874002)")
    assert School.objects.get(urn=874002).name == "Heron Primary School"


def test_a_preview_confirmed_after_a_newer_import_undoes_nothing(register, admin_user):
    monday = services.import_preview(
        kind="gias",
        data=extract(row(874002, "Heron Junior School", "23-11-2026")),
        filename="monday.csv",
        actor=admin_user,
        options=LA,
    )
    assert monday.status == ImportStatus.PREVIEWED
    tuesday = imported(row(874002, "Heron Church of England Junior School", "24-11-2026"))
    assert tuesday.status == ImportStatus.COMMITTED

    confirmed = services.import_confirm(record=monday, actor=admin_user)

    assert confirmed.status == ImportStatus.REFUSED  # the file's answer, not an error of the import
    assert confirmed.message.startswith("This file is older than the register: row 2 (URN 874002)")
    assert School.objects.get(urn=874002).name == "Heron Church of England Junior School"


def test_the_confirm_of_a_preview_a_newer_import_overtook_says_nothing_was_imported_and_why(
    register, client_as, caplog
):
    from django.urls import reverse

    from schools.views_imports import IMPORT_REFUSED

    client = client_as("admin")
    monday = services.import_preview(
        kind="gias", data=extract(row(874002, "Heron Junior School", "23-11-2026")), filename="monday.csv",
        actor=None, options=LA,
    )  # fmt: skip
    imported(row(874002, "Heron Church of England Junior School", "24-11-2026"))

    response = client.post(reverse("schools:import_confirm", kwargs={"pk": monday.pk}), follow=True)

    page = response.content.decode()
    assert [str(m) for m in response.context["messages"]] == [IMPORT_REFUSED]
    assert "This file is older than the register" in page
    assert "What changed" not in page  # nothing did
    assert not [r for r in caplog.records if r.levelname == "ERROR"]  # a refusal, not a failure to look into
