"""The GIAS import, comparing the checked rows with the register: which schools are new and which
fields of the others a row would change (what a change of headteacher resets too), the rows of the
preview, and the trusts, wards and establishment types that are new or renamed. The set-wise
comparison on PostgreSQL is gias_staging; this is the row-by-row one, and what both share."""

from datetime import date
from typing import cast

from django.db import connection
from django.db.models import F

from core.tabular import FileRefused
from core.text import count_of

from ..models import EstablishmentType, School, Trust, Ward
from .base import Plan, display
from .gias_columns import KEPT_BY_LA_ON_HEAD_CHANGE, REGISTER_FIELDS, appointment_from_job_title, school_field

BATCH = 2000
FILE_OLDER_THAN_REGISTER = (
    "This file is older than the register: row {row} (URN {urn}) says GIAS last changed the school on "
    "{file_date:%-d %B %Y}, but the register already holds its change of {register_date:%-d %B %Y}{others}. "
    "Importing the file would undo newer changes, so nothing was imported. Download the latest extract from GIAS "
    "and upload that."
)
COMPARED_FIELDS = [*REGISTER_FIELDS, "trust_code", "ward_code"]

FIELD_LABELS = {
    "trust_code": "trust",
    "ward_code": "ward",
    "establishment_type_id": "establishment type",
    **{f: str(school_field(f).verbose_name) for f in REGISTER_FIELDS if f != "establishment_type_id"},
    **{f: str(school_field(f).verbose_name) for f in KEPT_BY_LA_ON_HEAD_CHANGE},
}


def chunks(items: list, size: int = BATCH):
    """The items in lists of `size` (a query's IN list, a bulk write)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def changed_fields(values: dict, current: dict) -> dict:
    """The register fields a checked row would change on its school (`current`): what differs,
    and, when the headteacher's name changes, the LA-kept start date and appointment that no
    longer describe the new head."""
    changed = {f: values[f] for f in COMPARED_FIELDS if f in values and values[f] != current[f]}
    if {"head_first_name", "head_last_name"} & changed.keys():
        changed["head_start_date"] = None
        changed["head_appointment"] = appointment_from_job_title(values.get("head_job_title", ""))
        changed = {f: v for f, v in changed.items() if v != current[f]}
    return changed


def change_of(urn: int, values: dict, current: dict | None, changed: dict | None = None) -> dict:
    """A row of the preview: a school to create, or the fields of one to update, old and new."""
    if current is None:
        return {"action": "create", "urn": urn, "name": values["name"], "fields": []}
    return {
        "action": "update",
        "urn": urn,
        "name": values["name"],
        "fields": [[FIELD_LABELS[f], display(current[f]), display(v)] for f, v in cast(dict, changed).items()],
    }


def is_older(values: dict, current: dict) -> bool:
    """Whether a row says GIAS last changed its school before the change the register holds."""
    file_date, register_date = values.get("gias_last_changed"), current["gias_last_changed"]
    return file_date is not None and register_date is not None and file_date < register_date


def refuse_older_file(first: tuple[int, int, date, date] | None, count: int) -> None:
    """An extract older than the register would put back what GIAS has changed since (a file left
    in Downloads, a preview confirmed after a newer import): refuse it whole when a row is older
    than its school in the register. `first` is the first such row (row, URN, its date, the register's)."""
    if first is None:
        return
    row, urn, file_date, register_date = first
    others = f" ({count_of(count - 1, 'other row is', 'other rows are')} older too)" if count > 1 else ""
    raise FileRefused(
        FILE_OLDER_THAN_REGISTER.format(
            row=row, urn=urn, file_date=file_date, register_date=register_date, others=others
        )
    )


def compare_row_by_row(parsed: dict[int, dict], plan: Plan, row_of: dict[int, int]) -> None:
    """Schools to create and to change (only the fields that differ), noted on the plan's preview;
    refused if a row that would change its school is older than the register (refuse_older_file)."""
    creates, updates = [], []
    older: list[tuple[int, int, date, date]] = []
    existing = existing_schools(list(parsed))
    for urn, values in parsed.items():
        current = existing.get(urn)
        if current is None:
            values["head_appointment"] = appointment_from_job_title(values.get("head_job_title", ""))
            creates.append((urn, values))
            plan.note_change(change_of(urn, values, None))
            continue
        changed = changed_fields(values, current)
        if not changed:
            plan.unchanged += 1
            continue
        if is_older(values, current):
            older.append((row_of[urn], urn, values["gias_last_changed"], current["gias_last_changed"]))
        updates.append((current["id"], changed))
        plan.note_change(change_of(urn, values, current, changed))
    refuse_older_file(older[0] if older else None, len(older))
    plan.created, plan.updated = len(creates), len(updates)
    plan.payload = {"creates": creates, "updates": updates}


def existing_schools(urns: list[int]) -> dict[int, dict]:
    """The register fields (and trust and ward codes) of the schools with these URNs, by URN."""
    fields = ["id", "urn", *REGISTER_FIELDS, *KEPT_BY_LA_ON_HEAD_CHANGE]
    found = {}
    for chunk in chunks(urns):
        for row in School.objects.filter(urn__in=chunk).values(
            *fields, trust_code=F("trust__code"), ward_code=F("ward__code")
        ):
            found[row["urn"]] = row
    return found


def note_reference_changes(plan: Plan, trusts: dict, wards: dict, types: dict) -> None:
    """Count on the plan the trusts and wards the rows name that are new or renamed, and the new types."""
    known_trusts = existing_names(Trust, list(trusts))
    known_wards = existing_names(Ward, list(wards))
    new_types = set(types) - set(EstablishmentType.objects.filter(code__in=list(types)).values_list("code", flat=True))
    notes = {
        "new trusts": sum(1 for c in trusts if c not in known_trusts),
        "renamed trusts": sum(1 for c, n in trusts.items() if c in known_trusts and known_trusts[c] != n),
        "new wards": sum(1 for c in wards if c not in known_wards),
        "renamed wards": sum(1 for c, n in wards.items() if c in known_wards and known_wards[c] != n),
        "new establishment types": len(new_types),
    }
    plan.payload["reference_counts"] = notes
    plan.other_changes = sum(notes.values())
    summary = ", ".join(count_of(count, label.removesuffix("s"), label) for label, count in notes.items() if count)
    if summary:
        plan.notes.append(f"Reference data: {summary}.")


def existing_names(model, codes: list[str]) -> dict[str, str]:
    if connection.vendor == "postgresql":
        # One array parameter: an IN list of 2,000 placeholders per chunk cost more to build on the
        # client than the query took (9,000 wards: 0.2 s of a re-import).
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT code, name FROM {table} WHERE code = ANY(%s)", [codes])
            return dict(cursor.fetchall())
    found = {}
    for chunk in chunks(codes):
        found.update(model.objects.filter(code__in=chunk).values_list("code", "name"))
    return found
