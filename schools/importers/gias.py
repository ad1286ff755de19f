"""GIAS establishment extract ("edubasealldata") importer.

Columns are matched by name, so the 2018 133-column layout, the current 139-column layout and
re-saved Excel copies all work; only URN, LA (code), EstablishmentName and
TypeOfEstablishment (code) are required. Schools are created or updated by URN, with their trust,
ward and (if GIAS has a new one) establishment type. Fields the LA keeps (link adviser, chair of
governors, headteacher's start date and appointment) are never overwritten, except that a change
of headteacher clears the start date and resets the appointment, which no longer describe the new
head."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import F
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.bulk import bulk_insert_with_history
from core.cells import clean_text, parse_date, parse_decimal, parse_int
from core.tabular import FileRefused, Table
from core.text import count_of
from schools.signals import register_changed

from ..models import EstablishmentType, HeadAppointment, School, SchoolStatus, Trust, Ward, governance_for
from . import gias_staging as staging
from .base import Columns, Importer, Plan, Progress, RowError, display, no_progress

NO_URN_COLUMN = (
    'The file has no "URN" column, so its rows cannot be matched to schools. '
    "Check that it is a GIAS establishment extract (edubasealldata CSV)."
)
URN_INVALID = "must be a 6-digit number"
LA_CODE_INVALID = "must be a 3-digit local authority code"
REQUIRED_VALUE = "is required"
FSM_INVALID = "must be a percentage between 0 and 100"
DUPLICATE_URN = "URN {urn} appears more than once in the file (first on row {first_row})"
STATUS_UNKNOWN = (
    "is not a GIAS establishment status (1 Open, 2 Closed, 3 Open but proposed to close, 4 Proposed to open)"
)

STATUS_BY_CODE = {
    "1": SchoolStatus.OPEN,
    "2": SchoolStatus.CLOSED,
    "3": SchoolStatus.PROPOSED_TO_CLOSE,
    "4": SchoolStatus.PROPOSED_TO_OPEN,
}
STATUS_BY_NAME = {
    "open": SchoolStatus.OPEN,
    "closed": SchoolStatus.CLOSED,
    "open, but proposed to close": SchoolStatus.PROPOSED_TO_CLOSE,
    "proposed to open": SchoolStatus.PROPOSED_TO_OPEN,
}
NOT_APPLICABLE = {"not applicable", "does not apply"}
INTERIM_WORDS = re.compile(r"\b(interim|acting)\b", re.IGNORECASE)
BATCH = 2000


@dataclass(frozen=True)
class Col:
    field: str
    headers: tuple[str, ...]
    parse: Callable[[str], object]


def _text(field: str, *headers: str, blank_not_applicable: bool = False) -> Col:
    max_length = School._meta.get_field(field).max_length

    def parse(value: str):
        text = clean_text(value, max_length=max_length)
        if blank_not_applicable and text.casefold() in NOT_APPLICABLE:
            return ""
        return text

    return Col(field, headers, parse)


def _int(field: str, *headers: str, maximum: int) -> Col:
    return Col(field, headers, lambda v: parse_int(v, minimum=0, maximum=maximum))


def _date(field: str, *headers: str) -> Col:
    return Col(field, headers, parse_date)


def _urn(value: str) -> int:
    value = value.strip()
    if not re.fullmatch(r"\d{6}(\.0+)?", value):
        raise ValueError(URN_INVALID if value else REQUIRED_VALUE)
    return int(value.split(".")[0])


def _la_code(value: str) -> str:
    value = value.strip()
    if not re.fullmatch(r"\d{3}", value):
        raise ValueError(LA_CODE_INVALID if value else REQUIRED_VALUE)
    return value


def _required_text(field: str):
    max_length = School._meta.get_field(field).max_length

    def parse(value: str) -> str:
        text = clean_text(value, max_length=max_length)
        if not text:
            raise ValueError(REQUIRED_VALUE)
        return text

    return parse


def _establishment_number(value: str) -> str:
    value = clean_text(value, max_length=4)
    return value.zfill(4) if value.isdigit() else value


def _fsm(value: str):
    result = parse_decimal(value)  # checked before it is rounded: 1e30 cannot be rounded
    if result is not None and not 0 <= result <= 100:
        raise ValueError(FSM_INVALID)
    return None if result is None else parse_decimal(value, places=1)


# Register fields written from the file (the school's FK columns are handled separately).
COLUMNS = [
    Col("la_code", ("LA (code)",), _la_code),
    _text("la_name", "LA (name)"),
    Col("establishment_number", ("EstablishmentNumber",), _establishment_number),
    Col("name", ("EstablishmentName",), _required_text("name")),
    _text("phase", "PhaseOfEducation (name)"),
    _date("open_date", "OpenDate"),
    _date("close_date", "CloseDate"),
    _int("low_age", "StatutoryLowAge", maximum=99),
    _int("high_age", "StatutoryHighAge", maximum=99),
    _text("gender", "Gender (name)"),
    _text("religious_character", "ReligiousCharacter (name)"),
    _int("capacity", "SchoolCapacity", maximum=100000),
    _int("number_on_roll", "NumberOfPupils", maximum=100000),
    Col("percentage_fsm", ("PercentageFSM",), _fsm),
    _text("street", "Street"),
    _text("locality", "Locality"),
    _text("address3", "Address3"),
    _text("town", "Town"),
    _text("county", "County (name)", blank_not_applicable=True),
    _text("postcode", "Postcode"),
    _text("website", "SchoolWebsite"),
    _text("telephone", "TelephoneNum"),
    _text("head_title", "HeadTitle (name)", blank_not_applicable=True),
    _text("head_first_name", "HeadFirstName"),
    _text("head_last_name", "HeadLastName"),
    _text("head_job_title", "HeadPreferredJobTitle"),
    _text("gias_ofsted_rating", "OfstedRating (name)"),
    _date("gias_ofsted_last_inspection", "OfstedLastInsp"),
    _date("gias_last_changed", "LastChangedDate"),
]
REQUIRED_COLUMNS = {
    "URN": ("URN",),
    "LA (code)": ("LA (code)",),
    "EstablishmentName": ("EstablishmentName",),
    "TypeOfEstablishment (code)": ("TypeOfEstablishment (code)",),
}
OTHER_COLUMNS = {
    "status_code": ("EstablishmentStatus (code)",),
    "status_name": ("EstablishmentStatus (name)",),
    "type_name": ("TypeOfEstablishment (name)",),
    "group_code": ("EstablishmentTypeGroup (code)",),
    "group_name": ("EstablishmentTypeGroup (name)",),
    "trust_code": ("Trusts (code)",),
    "trust_name": ("Trusts (name)",),
    "ward_code": ("AdministrativeWard (code)",),
    "ward_name": ("AdministrativeWard (name)",),
}


def _reference_text(model, field: str):
    max_length = model._meta.get_field(field).max_length
    return lambda value: clean_text(value, max_length=max_length)


def _group_code(value: str):
    return parse_int(value, minimum=0, maximum=999) if value.strip() else None


# The trust, ward and establishment type of a row: checked with the row, so that a code longer than
# its column is the row's error, not the database's when the import is applied (docs/adr/0011).
REFERENCE_CELLS = {
    "trust_code": _reference_text(Trust, "code"),
    "trust_name": _reference_text(Trust, "name"),
    "ward_code": _reference_text(Ward, "code"),
    "ward_name": _reference_text(Ward, "name"),
    "type_name": _reference_text(EstablishmentType, "name"),
    "group_code": _group_code,
    "group_name": _reference_text(EstablishmentType, "group_name"),
}
REGISTER_FIELDS = [c.field for c in COLUMNS] + ["status", "establishment_type_id"]
KEPT_BY_LA_ON_HEAD_CHANGE = ["head_start_date", "head_appointment"]
COMPARED_FIELDS = [*REGISTER_FIELDS, "trust_code", "ward_code"]

FIELD_LABELS = {
    "trust_code": "trust",
    "ward_code": "ward",
    "establishment_type_id": "establishment type",
    **{f: str(School._meta.get_field(f).verbose_name) for f in REGISTER_FIELDS if f != "establishment_type_id"},
    **{f: str(School._meta.get_field(f).verbose_name) for f in KEPT_BY_LA_ON_HEAD_CHANGE},
}
WANTED_HEADERS = {h.casefold() for c in COLUMNS for h in c.headers} | {
    h.casefold() for headers in (*REQUIRED_COLUMNS.values(), *OTHER_COLUMNS.values()) for h in headers
}


def appointment_from_job_title(job_title: str) -> str:
    return HeadAppointment.INTERIM if INTERIM_WORDS.search(job_title or "") else HeadAppointment.UNKNOWN


def _chunks(items: list, size: int = BATCH):
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
        "fields": [[FIELD_LABELS[f], display(current[f]), display(v)] for f, v in changed.items()],
    }


def _cells(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A column's text cells (the last, if a header is repeated: as a row's dict would have it)."""
    series = frame[column]
    if isinstance(series, pd.DataFrame):
        series = series.iloc[:, -1]
    return series.to_numpy(dtype=object)


def _objects(values: list) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _parse_cells(cells: np.ndarray, parse: Callable[[str], object]) -> tuple[np.ndarray, dict[int, str]]:
    """Each distinct cell parsed once (a column of 50,000 cells holds a few hundred distinct
    values, or is read once per value): the parsed values by position, and the positions whose
    cell was refused with why."""
    codes, uniques = pd.factorize(cells, use_na_sentinel=False)
    parsed, messages = [], {}
    for index, value in enumerate(uniques):
        try:
            parsed.append(parse(value))
        except ValueError as exc:
            parsed.append(None)
            messages[index] = str(exc)
    if not messages:
        return _objects(parsed)[codes], {}
    refused = np.isin(codes, list(messages))
    return _objects(parsed)[codes], {int(p): messages[codes[p]] for p in np.flatnonzero(refused)}


@dataclass
class Checked:
    """The rows of a file that passed every check, column by column: `fields` maps each register
    field (and trust_code, ward_code, and the reference names) to its values, in file order."""

    row_numbers: list[int]
    urns: list[int]
    fields: dict[str, np.ndarray]
    reference: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.urns)

    def values(self, index: int) -> dict:
        return {name: column[index] for name, column in self.fields.items()}

    def new_head_appointments(self) -> np.ndarray:
        """The appointment a created school's head gets from their job title (also what a new
        head's appointment is reset to)."""
        titles = self.fields.get("head_job_title")
        if titles is None:
            return _objects([appointment_from_job_title("")] * len(self))
        return _parse_cells(titles, appointment_from_job_title)[0]

    def references(self) -> tuple[dict, dict, dict]:
        """Trusts and wards by code (the last row's name wins) and establishment types by code (the
        first row's names win), in order of first appearance, as the rows give them."""
        trusts: dict[str, str] = {}
        wards: dict[str, str] = {}
        types: dict[int, tuple[str, int | None, str]] = {}
        reference = self.reference
        for trust_code, trust_name in zip(reference["trust_code"], reference["trust_name"], strict=True):
            if trust_code:
                trusts[trust_code] = trust_name or trust_code
        for ward_code, ward_name in zip(reference["ward_code"], reference["ward_name"], strict=True):
            if ward_code:
                wards[ward_code] = ward_name or ward_code
        for type_code, type_name, group_code, group_name in zip(
            self.fields["establishment_type_id"],
            reference["type_name"],
            reference["group_code"],
            reference["group_name"],
            strict=True,
        ):
            if type_code not in types:
                types[type_code] = (type_name or f"Type {type_code}", group_code, group_name)
        return trusts, wards, types


def _required_type(value: str) -> int:
    type_code = parse_int(value, minimum=1, maximum=999)
    if type_code is None:
        raise ValueError(REQUIRED_VALUE)
    return type_code


def _check(table: Table, required: dict, other: dict, specs: list, la_codes: set, plan: Plan) -> Checked:
    """Validate every row, a column at a time: the same parsers and messages as one row at a time,
    with each row's errors in the order of its columns (URN, the register's columns, type, status,
    duplicate URN, trust, ward and type names). A row with any error is rejected whole."""
    frame = table.frame
    urn_column, la_column, type_column = (
        required["URN"],
        required["LA (code)"],
        required["TypeOfEstablishment (code)"],
    )
    positions = np.arange(len(frame))
    if la_codes:
        kept = np.fromiter((v.strip() in la_codes for v in _cells(frame, la_column)), dtype=bool, count=len(frame))
        plan.rows_skipped = int(len(frame) - kept.sum())
        positions = positions[kept]
    else:
        kept = None
    row_numbers = (frame.index.to_numpy()[positions] + table.header_row + 1).tolist()

    def cells(column: str) -> np.ndarray:
        values = _cells(frame, column)
        return values if kept is None else values[kept]

    checks: list[tuple[str, np.ndarray | dict, dict[int, str]]] = []  # (column, values, refused)
    fields: dict[str, np.ndarray] = {}

    urn_cells = cells(urn_column)
    urns, refused = _parse_cells(urn_cells, _urn)
    checks.append((urn_column, urn_cells, refused))
    for col, actual in specs:
        column_cells = cells(actual)
        fields[col.field], refused = _parse_cells(column_cells, col.parse)
        checks.append((actual, column_cells, refused))
    type_cells = cells(type_column)
    fields["establishment_type_id"], refused = _parse_cells(type_cells, _required_type)
    checks.append((type_column, type_cells, refused))

    status_column = other["status_code"] or other["status_name"]
    blank = _objects([""] * len(positions))
    codes = [v.strip() for v in cells(other["status_code"])] if other["status_code"] else blank
    names = [v.strip() for v in cells(other["status_name"])] if other["status_name"] else blank
    keys = _objects([f"{c}\x00{n}" for c, n in zip(codes, names, strict=True)])
    statuses, _ = _parse_cells(keys, lambda key: GiasImporter._status(*key.split("\x00")))
    refused = {position: STATUS_UNKNOWN for position, status in enumerate(statuses) if status is None}
    fields["status"] = _objects([status or SchoolStatus.OPEN for status in statuses])
    if status_column:
        checks.append((status_column, cells(status_column), refused))

    duplicate_check = len(checks)
    checks.append((urn_column, {}, {}))  # filled below, once the other checks are known

    reference: dict[str, np.ndarray] = {}
    for name, parse in REFERENCE_CELLS.items():
        if other[name]:
            column_cells = cells(other[name])
            reference[name], refused = _parse_cells(column_cells, parse)
            checks.append((other[name], column_cells, refused))
        else:
            reference[name] = _objects([parse("")] * len(positions))

    # A URN is a duplicate on any row after the first row that passed every other check.
    failed = set().union(*(refused for _, _, refused in checks))
    first_row_of: dict[int, int] = {}
    duplicates: dict[int, str] = {}
    values: dict[int, str] = {}
    for position, urn in enumerate(urns):
        if urn is None:
            continue
        first = first_row_of.get(urn)
        if first is not None:
            duplicates[position] = DUPLICATE_URN.format(urn=urn, first_row=row_numbers[first])
            values[position] = str(urn)
        elif position not in failed:
            first_row_of[urn] = position
    checks[duplicate_check] = (urn_column, values, duplicates)

    failed |= duplicates.keys()
    for position in sorted(failed):
        for column, column_values, refused in checks:
            if position in refused:
                plan.errors.append(RowError(row_numbers[position], column, column_values[position], refused[position]))
    if failed:
        good = np.ones(len(positions), dtype=bool)
        good[list(failed)] = False
        row_numbers = [n for n, ok in zip(row_numbers, good, strict=True) if ok]
        urns = urns[good]
        fields = {name: column[good] for name, column in fields.items()}
        reference = {name: column[good] for name, column in reference.items()}
    fields["trust_code"] = _objects([code or None for code in reference["trust_code"]])
    fields["ward_code"] = _objects([code or None for code in reference["ward_code"]])
    return Checked(row_numbers=row_numbers, urns=urns.tolist(), fields=fields, reference=reference)


def _cell(record, other: dict, name: str) -> str:
    column = other[name]
    return record[column].strip() if column else ""


class ReferenceCells(NamedTuple):
    values: dict
    errors: list[RowError]


def _read_reference_cells(record, row_number: int, other: dict) -> ReferenceCells:
    """The trust, ward and establishment type cells of a row (absent columns read as blank)."""
    values, errors = {}, []
    for name, parse in REFERENCE_CELLS.items():
        if other[name]:
            try:
                values[name] = parse(record[other[name]])
            except ValueError as exc:
                errors.append(RowError(row_number, other[name], record[other[name]], str(exc)))
        else:
            values[name] = parse("")
    return ReferenceCells(values, errors)


@dataclass
class References:
    """The trusts, wards and establishment types the accepted rows name, by code."""

    trusts: dict[str, str] = field(default_factory=dict)
    wards: dict[str, str] = field(default_factory=dict)
    types: dict[int, tuple[str, int | None, str]] = field(default_factory=dict)

    def add(self, values: dict, reference: dict) -> None:
        """Note a row's references, and set its trust and ward codes on its values."""
        trust_code = reference["trust_code"]
        values["trust_code"] = trust_code or None
        if trust_code:
            self.trusts[trust_code] = reference["trust_name"] or trust_code
        ward_code = reference["ward_code"]
        values["ward_code"] = ward_code or None
        if ward_code:
            self.wards[ward_code] = reference["ward_name"] or ward_code
        type_code = values["establishment_type_id"]
        if type_code not in self.types:
            self.types[type_code] = (
                reference["type_name"] or f"Type {type_code}",
                reference["group_code"],
                reference["group_name"],
            )


class GiasImporter(Importer):
    kind = "gias"
    header_hint = "URN"

    def keep_column(self, name: str) -> bool:
        return " ".join(name.split()).casefold() in WANTED_HEADERS

    def __init__(self, *, staged: bool | None = None):
        # PostgreSQL checks a column at a time, then compares and writes through a staging table
        # (docs/adr/0020); elsewhere, or with staged=False (the tests that prove both paths equal),
        # the original row-by-row Python path.
        self.staged = connection.vendor == "postgresql" if staged is None else staged

    def plan(self, table: Table, *, options: dict, progress: Progress = no_progress) -> Plan:
        columns = Columns(table)
        if not columns.has("URN"):
            raise FileRefused(NO_URN_COLUMN)
        required = columns.require(REQUIRED_COLUMNS)
        other = {name: columns.find(*headers) for name, headers in OTHER_COLUMNS.items()}
        specs = [(c, columns.find(*c.headers)) for c in COLUMNS]
        specs = [(c, actual) for c, actual in specs if actual is not None]
        la_codes = set(options.get("la_codes") or [])

        plan = Plan(rows_total=len(table))
        if self.staged:
            checked = _check(table, required, other, specs, la_codes, plan)
            progress(
                f"Validated {count_of(plan.rows_total, 'row')}: {len(checked):,} to compare, "
                f"{plan.rejected:,} rejected."
            )
            trusts, wards, types = checked.references()
            staging.compare(plan, checked)
        else:
            trusts, wards, types = self._plan_row_by_row(table, plan, required, other, specs, la_codes, progress)
        plan.payload.update({"trusts": trusts, "wards": wards, "types": types, "staged": self.staged})
        self._note_reference_changes(plan, trusts, wards, types)
        if la_codes and plan.rows_skipped:
            plan.skipped_note = (
                f"{count_of(plan.rows_skipped, 'row is', 'rows are')} for other local authorities "
                f"(this import keeps LA {', '.join(sorted(la_codes))})."
            )
        progress(
            f"Compared with the register: {plan.created:,} new, {plan.updated:,} changed, {plan.unchanged:,} same."
        )
        return plan

    def _plan_row_by_row(self, table, plan, required, other, specs, la_codes, progress) -> tuple[dict, dict, dict]:
        """One row at a time in Python: check it, then compare it with the school of its URN."""
        parsed: dict[int, dict] = {}
        first_row_of: dict[int, int] = {}
        references = References()
        la_column = required["LA (code)"]
        for position, (row_number, record) in enumerate(table.records()):
            if position and position % 10000 == 0:
                progress(
                    f"Checked {position:,} of {count_of(plan.rows_total, 'row')}.", 0.4 * position / plan.rows_total
                )
            if la_codes and record[la_column].strip() not in la_codes:
                plan.rows_skipped += 1
                continue
            errors, urn, values, reference = self._read_row(record, row_number, required, other, specs)
            if urn is not None and urn in first_row_of:
                message = DUPLICATE_URN.format(urn=urn, first_row=first_row_of[urn])
                errors.append(RowError(row_number, required["URN"], str(urn), message))
            errors += reference.errors
            if errors:
                plan.errors.extend(errors)
                continue
            first_row_of[urn] = row_number
            references.add(values, reference.values)
            parsed[urn] = values
        progress(
            f"Validated {count_of(plan.rows_total, 'row')}: {len(parsed):,} to compare, {plan.rejected:,} rejected."
        )
        self._compare_row_by_row(parsed, plan)
        return references.trusts, references.wards, references.types

    def _read_row(self, record, row_number, required, other, specs):
        """One row's URN, register values and reference cells; the errors of all but the reference cells
        (which carry their own), in column order."""
        errors = []
        urn_column, type_column = required["URN"], required["TypeOfEstablishment (code)"]
        try:
            urn = _urn(record[urn_column])
        except ValueError as exc:
            errors.append(RowError(row_number, urn_column, record[urn_column], str(exc)))
            urn = None
        values = {}
        for col, actual in specs:
            try:
                values[col.field] = col.parse(record[actual])
            except ValueError as exc:
                errors.append(RowError(row_number, actual, record[actual], str(exc)))
        try:
            type_code = parse_int(record[type_column], minimum=1, maximum=999)
            if type_code is None:
                raise ValueError(REQUIRED_VALUE)
            values["establishment_type_id"] = type_code
        except ValueError as exc:
            errors.append(RowError(row_number, type_column, record[type_column], str(exc)))
        status = self._status(_cell(record, other, "status_code"), _cell(record, other, "status_name"))
        if status is None:
            column = other["status_code"] or other["status_name"]
            errors.append(RowError(row_number, column, record[column], STATUS_UNKNOWN))
        values["status"] = status or SchoolStatus.OPEN
        reference = _read_reference_cells(record, row_number, other)
        return errors, urn, values, reference

    def _compare_row_by_row(self, parsed: dict[int, dict], plan: Plan) -> None:
        """Schools to create and to change (only the fields that differ), noted on the plan's preview."""
        creates, updates = [], []
        existing = self._existing(list(parsed))
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
            updates.append((current["id"], changed))
            plan.note_change(change_of(urn, values, current, changed))
        plan.created, plan.updated = len(creates), len(updates)
        plan.payload = {"creates": creates, "updates": updates}

    @staticmethod
    def _status(code: str, name: str):
        if code:
            return STATUS_BY_CODE.get(code)
        if name:
            return STATUS_BY_NAME.get(name.casefold())
        return SchoolStatus.OPEN

    @staticmethod
    def _existing(urns: list[int]) -> dict[int, dict]:
        fields = ["id", "urn", *REGISTER_FIELDS, *KEPT_BY_LA_ON_HEAD_CHANGE]
        found = {}
        for chunk in _chunks(urns):
            for row in School.objects.filter(urn__in=chunk).values(
                *fields, trust_code=F("trust__code"), ward_code=F("ward__code")
            ):
                found[row["urn"]] = row
        return found

    @staticmethod
    def _note_reference_changes(plan: Plan, trusts: dict, wards: dict, types: dict) -> None:
        known_trusts = _existing_names(Trust, list(trusts))
        known_wards = _existing_names(Ward, list(wards))
        new_types = set(types) - set(
            EstablishmentType.objects.filter(code__in=list(types)).values_list("code", flat=True)
        )
        notes = {
            "new trusts": sum(1 for c in trusts if c not in known_trusts),
            "renamed trusts": sum(1 for c, n in trusts.items() if c in known_trusts and known_trusts[c] != n),
            "new wards": sum(1 for c in wards if c not in known_wards),
            "renamed wards": sum(1 for c, n in wards.items() if c in known_wards and known_wards[c] != n),
            "new establishment types": len(new_types),
        }
        plan.payload["reference_counts"] = notes
        plan.other_changes = sum(notes.values())
        summary = ", ".join(f"{count:,} {label}" for label, count in notes.items() if count)
        if summary:
            plan.notes.append(f"Reference data: {summary}.")

    def apply(self, plan: Plan, *, actor, record, progress: Progress = no_progress) -> None:
        self._apply_register(plan, actor=actor, reason=f"GIAS import #{record.pk}", progress=progress)
        register_changed.send(sender=type(self))

    def _apply_register(self, plan: Plan, *, actor, reason: str, progress: Progress) -> None:
        payload = plan.payload
        self._apply_types(payload["types"])
        if payload["staged"]:
            staging.upsert_named(Trust, payload["trusts"], actor=actor)
            staging.upsert_named(Ward, payload["wards"], actor=actor)
            staging.apply(plan, actor=actor, reason=reason, progress=progress)
            return
        trust_ids = _upsert_named(Trust, payload["trusts"], actor)
        ward_ids = _upsert_named(Ward, payload["wards"], actor)

        def resolved(values: dict) -> dict:
            values = dict(values)
            if "trust_code" in values:
                code = values.pop("trust_code")
                values["trust_id"] = trust_ids[code] if code else None
            if "ward_code" in values:
                code = values.pop("ward_code")
                values["ward_id"] = ward_ids[code] if code else None
            return values

        creates = [{"urn": urn, **resolved(values)} for urn, values in payload["creates"]]
        updates = payload["updates"]
        for done, chunk in enumerate(_chunks(creates, 10 * BATCH), start=1):
            bulk_insert_with_history(School, chunk, user=actor, reason=reason)
            written = min(done * 10 * BATCH, len(creates))
            progress(
                f"Created {written:,} of {count_of(len(creates), 'school')}.",
                0.5 + 0.5 * written / (len(creates) + len(updates)),
            )

        for done, chunk in enumerate(_chunks(updates), start=1):
            objects = School.objects.in_bulk([school_id for school_id, _ in chunk])
            fields = set()
            for school_id, changed in chunk:
                school = objects[school_id]
                for name, value in resolved(changed).items():
                    setattr(school, name, value)
                    fields.add(name)
            bulk_update_with_history(
                list(objects.values()),
                School,
                sorted(fields),
                batch_size=BATCH,
                default_user=actor,
                default_change_reason=reason,
            )
            written = min(done * BATCH, len(updates))
            progress(
                f"Updated {written:,} of {count_of(len(updates), 'school')}.",
                0.5 + 0.5 * (len(creates) + written) / (len(creates) + len(updates)),
            )

    @staticmethod
    def _apply_types(types: dict) -> None:
        known = set(EstablishmentType.objects.filter(code__in=list(types)).values_list("code", flat=True))
        EstablishmentType.objects.bulk_create(
            EstablishmentType(
                code=code,
                name=name,
                group_code=group_code,
                group_name=group_name,
                governance=governance_for(code, group_code),
            )
            for code, (name, group_code, group_name) in types.items()
            if code not in known
        )


def _existing_names(model, codes: list[str]) -> dict[str, str]:
    found = {}
    for chunk in _chunks(codes):
        found.update(model.objects.filter(code__in=chunk).values_list("code", "name"))
    return found


def _upsert_named(model, names: dict[str, str], actor) -> dict[str, int]:
    """Create or rename trusts/wards by code; return code -> id for every code given."""
    existing = {}
    for chunk in _chunks(list(names)):
        existing.update({obj.code: obj for obj in model.objects.filter(code__in=chunk)})
    audited = hasattr(model, "history")
    renamed = [obj for code, obj in existing.items() if obj.name != names[code]]
    for obj in renamed:
        obj.name = names[obj.code]
    if renamed:
        if audited:
            bulk_update_with_history(renamed, model, ["name"], batch_size=BATCH, default_user=actor)
        else:
            model.objects.bulk_update(renamed, ["name"], batch_size=BATCH)
    new = [model(code=code, name=name) for code, name in names.items() if code not in existing]
    if audited:
        bulk_create_with_history(new, model, batch_size=BATCH, default_user=actor)
    else:
        model.objects.bulk_create(new, batch_size=BATCH)
    ids = {code: obj.id for code, obj in existing.items()}
    for chunk in _chunks([obj.code for obj in new]):
        ids.update(model.objects.filter(code__in=chunk).values_list("code", "id"))
    return ids
