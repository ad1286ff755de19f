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
from dataclasses import dataclass

from django.db.models import F
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.bulk import bulk_insert_with_history
from core.cells import clean_text, parse_date, parse_decimal, parse_int
from core.tabular import FileRefused, Table
from core.text import count_of

from ..models import EstablishmentType, HeadAppointment, School, SchoolStatus, Trust, Ward, governance_for
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


class GiasImporter(Importer):
    kind = "gias"
    header_hint = "URN"

    def keep_column(self, name: str) -> bool:
        return " ".join(name.split()).casefold() in WANTED_HEADERS

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
        parsed: dict[int, dict] = {}
        first_row_of: dict[int, int] = {}
        trusts: dict[str, str] = {}
        wards: dict[str, str] = {}
        types: dict[int, tuple[str, int | None, str]] = {}
        urn_column, la_column, type_column = (
            required["URN"],
            required["LA (code)"],
            required["TypeOfEstablishment (code)"],
        )

        def cell(record, name):
            column = other[name]
            return record[column].strip() if column else ""

        for position, (row_number, record) in enumerate(table.records()):
            if position and position % 10000 == 0:
                progress(
                    f"Checked {position:,} of {count_of(plan.rows_total, 'row')}.", 0.4 * position / plan.rows_total
                )
            if la_codes and record[la_column].strip() not in la_codes:
                plan.rows_skipped += 1
                continue
            errors = []
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
                type_code = None
            status = self._status(cell(record, "status_code"), cell(record, "status_name"))
            if status is None:
                column = other["status_code"] or other["status_name"]
                errors.append(RowError(row_number, column, record[column], STATUS_UNKNOWN))
            values["status"] = status or SchoolStatus.OPEN
            if urn is not None and urn in first_row_of:
                errors.append(
                    RowError(
                        row_number,
                        urn_column,
                        str(urn),
                        DUPLICATE_URN.format(urn=urn, first_row=first_row_of[urn]),
                    )
                )
            reference = {}
            for name, parse in REFERENCE_CELLS.items():
                if other[name]:
                    try:
                        reference[name] = parse(record[other[name]])
                    except ValueError as exc:
                        errors.append(RowError(row_number, other[name], record[other[name]], str(exc)))
                else:
                    reference[name] = parse("")
            if errors:
                plan.errors.extend(errors)
                continue
            first_row_of[urn] = row_number
            trust_code = reference["trust_code"]
            values["trust_code"] = trust_code or None
            if trust_code:
                trusts[trust_code] = reference["trust_name"] or trust_code
            ward_code = reference["ward_code"]
            values["ward_code"] = ward_code or None
            if ward_code:
                wards[ward_code] = reference["ward_name"] or ward_code
            if type_code not in types:
                types[type_code] = (
                    reference["type_name"] or f"Type {type_code}",
                    reference["group_code"],
                    reference["group_name"],
                )
            parsed[urn] = values
        progress(
            f"Validated {count_of(plan.rows_total, 'row')}: {len(parsed):,} to compare, {plan.rejected:,} rejected."
        )

        creates, updates = [], []
        existing = self._existing(list(parsed))
        for urn, values in parsed.items():
            current = existing.get(urn)
            if current is None:
                values["head_appointment"] = appointment_from_job_title(values.get("head_job_title", ""))
                creates.append((urn, values))
                plan.note_change({"action": "create", "urn": urn, "name": values["name"], "fields": []})
                continue
            changed = {f: values[f] for f in COMPARED_FIELDS if f in values and values[f] != current[f]}
            if {"head_first_name", "head_last_name"} & changed.keys():
                changed["head_start_date"] = None
                changed["head_appointment"] = appointment_from_job_title(values.get("head_job_title", ""))
                changed = {f: v for f, v in changed.items() if v != current[f]}
            if not changed:
                plan.unchanged += 1
                continue
            updates.append((current["id"], changed))
            plan.note_change(
                {
                    "action": "update",
                    "urn": urn,
                    "name": values["name"],
                    "fields": [[FIELD_LABELS[f], display(current[f]), display(v)] for f, v in changed.items()],
                }
            )
        plan.created, plan.updated = len(creates), len(updates)
        plan.payload = {"creates": creates, "updates": updates, "trusts": trusts, "wards": wards, "types": types}
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
        payload = plan.payload
        reason = f"GIAS import #{record.pk}"
        self._apply_types(payload["types"])
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
