"""Ward councillors importer: the current councillors of each ward the file lists.

    ward_code, ward_name, name, email, party
    E05099001, Bretton, Jane Doe, jane.doe@example.gov.uk, Independent

A ward's councillors are replaced by those the file lists for it: new names are added, emails
and parties updated, and councillors no longer listed are removed (the preview says how many).
Wards not in the file are left alone. Wards are matched by code (GIAS AdministrativeWard code).
Nobody is removed by a file with a rejected row (whose ward may be miscoded), and a column the
file does not have (email, party) leaves what the register holds."""

from core.cells import clean_text
from core.tabular import Table
from core.text import count_of

from ..models import Councillor, Ward
from ..models_councillors import councillor_name
from .base import Columns, Importer, Plan, Progress, RowError, display, no_progress

REQUIRED_COLUMNS = {
    "ward_code": ("ward_code", "ward code", "AdministrativeWard (code)"),
    "name": ("name", "councillor"),
}
WARD_UNKNOWN = "is not the code of a ward of any school in the register"
EMAIL_INVALID = "is not an email address"
REQUIRED_VALUE = "is required"
LISTED_TWICE = "is listed for this ward on row {first_row} already: each councillor once"
REMOVED = "{count} no longer listed for their ward: removed by this import."
# A rejected row may be a listed councillor whose ward or name was mistyped: removing the unlisted
# would remove them. What the file adds and updates still goes in.
NONE_REMOVED = (
    "{count} not listed for their ward kept: a file with rejected rows removes nobody. "
    "Correct the rows and import the file again to remove them."
)
NAME_MAX = Councillor._meta.get_field("name").max_length
PARTY_MAX = Councillor._meta.get_field("party").max_length
EMAIL_MAX = Councillor._meta.get_field("email").max_length


def _text(record, column: str, limit: int, row_number: int, errors: list) -> str:
    """A cell's text; longer than its column, it is the row's error, never cut short (docs/adr/0011)."""
    try:
        return clean_text(record[column], max_length=limit)
    except ValueError as exc:
        errors.append(RowError(row_number, column, record[column], str(exc)))
        return ""


class CouncillorImporter(Importer):
    kind = "councillors"

    def plan(self, table: Table, *, options: dict, progress: Progress = no_progress) -> Plan:
        plan = Plan(rows_total=len(table))
        listed = _listed_by_ward(table, plan)
        creates, updates, removals = _compare_with_the_register(listed, plan)
        if removals and plan.errors:
            plan.notes.append(NONE_REMOVED.format(count=count_of(len(removals), "councillor")))
            removals = []
        elif removals:
            plan.notes.append(REMOVED.format(count=count_of(len(removals), "councillor")))
        plan.created, plan.updated = len(creates), len(updates)
        plan.payload = {"creates": creates, "updates": updates, "removals": removals}
        plan.other_changes = len(removals)
        return plan

    def apply(self, plan: Plan, *, actor, record, progress: Progress = no_progress) -> None:
        from .. import services

        for pk in plan.payload["removals"]:
            services.councillor_remove(councillor=Councillor.objects.get(pk=pk), actor=actor)
        for pk, email, party in plan.payload["updates"]:
            councillor = Councillor.objects.select_related("ward").get(pk=pk)
            services.councillor_save(
                ward=councillor.ward, name=councillor.name, email=email, party=party, actor=actor, councillor=councillor
            )
        for ward_id, name, email, party in plan.payload["creates"]:
            services.councillor_save(
                ward=Ward.objects.get(pk=ward_id), name=name, email=email, party=party, actor=actor
            )


def _listed_by_ward(table: Table, plan: Plan) -> dict[int, dict[str, tuple[str, str | None, str | None]]]:
    """The councillors the file lists, by ward id then casefolded name, as (name, email, party), the
    email or party None where the file has no such column; a row with errors is left out, its errors
    on the plan."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    columns = Columns(table)
    required = columns.require(REQUIRED_COLUMNS)
    email_column, party_column = columns.find("email", "email address"), columns.find("party")
    wards = dict(Ward.objects.values_list("code", "id"))
    listed: dict[int, dict[str, tuple[str, str | None, str | None]]] = {}
    first_row_of: dict[tuple[int, str], int] = {}  # (ward id, name casefolded): the row that listed them
    for row_number, record in table.records():
        code = record[required["ward_code"]].strip()
        email = record[email_column].strip() if email_column else None  # None: the file does not say
        errors: list[RowError] = []
        name = councillor_name(_text(record, required["name"], NAME_MAX, row_number, errors))
        party = _text(record, party_column, PARTY_MAX, row_number, errors) if party_column else None
        if code not in wards:
            errors.append(RowError(row_number, required["ward_code"], code, WARD_UNKNOWN if code else REQUIRED_VALUE))
        if not name and not any(e.column == required["name"] for e in errors):
            errors.append(RowError(row_number, required["name"], name, REQUIRED_VALUE))
        if email:
            try:
                if len(email) > EMAIL_MAX:
                    raise ValidationError(EMAIL_INVALID)
                validate_email(email)
            except ValidationError:
                errors.append(RowError(row_number, email_column, email, EMAIL_INVALID))
        if not errors and (first_row := first_row_of.get((wards[code], name.casefold()))):
            # A second row for them would replace the first unseen, and count in neither.
            errors.append(RowError(row_number, required["name"], name, LISTED_TWICE.format(first_row=first_row)))
        if errors:
            plan.errors.extend(errors)
            continue
        first_row_of[(wards[code], name.casefold())] = row_number
        listed.setdefault(wards[code], {})[name.casefold()] = (name, email, party)
    return listed


def _compare_with_the_register(listed: dict, plan: Plan) -> tuple[list, list, list]:
    """The councillors to create, to update (email or party) and to remove (no longer listed for a
    ward the file lists), each creation and update noted on the plan."""
    existing = {}
    ward_names = dict(Ward.objects.filter(pk__in=list(listed)).values_list("pk", "name"))
    for councillor in Councillor.objects.filter(ward_id__in=list(listed)).select_related("ward"):
        existing.setdefault(councillor.ward_id, {})[councillor.name.casefold()] = councillor
    creates, updates, removals = [], [], []
    for ward_id, people in listed.items():
        current = existing.get(ward_id, {})
        for key, (name, email, party) in people.items():
            found = current.get(key)
            if found is None:
                creates.append((ward_id, name, email or "", party or ""))
                plan.note_change(
                    {"action": "create", "urn": "", "name": f"Cllr {name} ({ward_names[ward_id]})", "fields": []}
                )
                continue
            email = found.email if email is None else email
            party = found.party if party is None else party
            if (found.email, found.party) != (email, party):
                updates.append((found.pk, email, party))
                plan.note_change(
                    {
                        "action": "update",
                        "urn": "",
                        "name": f"Cllr {name} ({found.ward.name})",
                        "fields": [
                            ["email", display(found.email), display(email)],
                            ["party", display(found.party), display(party)],
                        ],
                    }
                )
            else:
                plan.unchanged += 1
        removals += [c.pk for key, c in current.items() if key not in people]
    return creates, updates, removals
