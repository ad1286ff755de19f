"""The GIAS import, reading the file: the columns it reads by name (COLUMNS, REQUIRED_COLUMNS,
OTHER_COLUMNS and the trust, ward and type cells in REFERENCE_CELLS) and how each cell is parsed,
with the messages for a cell that cannot be. schools.importers.gias (the importer) validates rows
with these (gias_validate), compares them with the register (gias_compare) and writes them
(gias_write)."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from django.db import models

from core.cells import already_clean, clean_text, parse_date, parse_decimal, parse_int
from core.text import is_number

from ..models import EstablishmentType, HeadAppointment, School, SchoolStatus, Trust, Ward

NO_URN_COLUMN = (
    'The file has no "URN" column, so its rows cannot be matched to schools. '
    "Check that it is a GIAS establishment extract (edubasealldata CSV)."
)
URN_INVALID = "must be a 6-digit number"
LA_CODE_INVALID = "must be a 3-digit local authority code"
REQUIRED_VALUE = "is required"
FSM_INVALID = "must be a percentage between 0 and 100"
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


@dataclass(frozen=True)
class Col:
    field: str
    headers: tuple[str, ...]
    parse: Callable[[str], object]


def school_field(name: str) -> models.Field:
    """A field of School by name (every name here is a column of the school's own row)."""
    return cast(models.Field, School._meta.get_field(name))


@dataclass(frozen=True)
class Text:
    """A text cell: clean_text, length-checked; "not applicable" read as blank where GIAS writes it
    for "none"; refused when blank if required."""

    max_length: int | None
    blank_not_applicable: bool = False
    required: bool = False

    def __call__(self, value: str) -> str:
        text = clean_text(value, max_length=self.max_length)
        if self.blank_not_applicable and text.casefold() in NOT_APPLICABLE:
            return ""
        if self.required and not text:
            raise ValueError(REQUIRED_VALUE)
        return text

    def parse_all(self, values: list[str]) -> list[str] | None:
        """A column's distinct values at once when each is its own parsed value (nearly every cell
        of a GIAS extract); None when some need parsing one by one."""
        refused = tuple(NOT_APPLICABLE) if self.blank_not_applicable else ()
        if self.required and "" in values:
            return None
        return values if already_clean(values, max_length=self.max_length, refused=refused) else None


def _text(field: str, *headers: str, blank_not_applicable: bool = False) -> Col:
    return Col(field, headers, Text(school_field(field).max_length, blank_not_applicable=blank_not_applicable))


def _int(field: str, *headers: str, maximum: int) -> Col:
    return Col(field, headers, lambda v: parse_int(v, minimum=0, maximum=maximum))


def _date(field: str, *headers: str) -> Col:
    return Col(field, headers, parse_date)


class UrnParser:
    """A URN cell: six digits (an Excel copy may add ".0")."""

    def __call__(self, value: str) -> int:
        value = value.strip()
        if not re.fullmatch(r"[0-9]{6}(\.0+)?", value):
            raise ValueError(URN_INVALID if value else REQUIRED_VALUE)
        return int(value.split(".")[0])

    def parse_all(self, values: list[str]) -> list[int] | None:
        """Every value at once when each is plainly six digits; None when some need parse_urn."""
        if not all(type(v) is str for v in values):
            return None
        joined = "\n".join(values)
        if joined.count("\n") != len(values) - 1 or not SIX_DIGIT_LINES.fullmatch(joined):  # a cell's own line break
            return None
        return [int(v) for v in values]


SIX_DIGIT_LINES = re.compile(r"[0-9]{6}(?:\n[0-9]{6})*", re.ASCII)
parse_urn = UrnParser()


def _la_code(value: str) -> str:
    value = value.strip()
    if not re.fullmatch(r"[0-9]{3}", value):
        raise ValueError(LA_CODE_INVALID if value else REQUIRED_VALUE)
    return value


def _required_text(field: str) -> Text:
    return Text(school_field(field).max_length, required=True)


def _establishment_number(value: str) -> str:
    value = clean_text(value, max_length=4)
    return value.zfill(4) if is_number(value) else value


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
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
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


def _reference_text(model, field: str) -> Text:
    return Text(model._meta.get_field(field).max_length)


def _group_code(value: str):
    return parse_int(value, minimum=0, maximum=999) if value.strip() else None


# The trust, ward and establishment type of a row: checked with the row, so that a code longer than
# its column is the row's error, not the database's when the import is applied (docs/adr/0011).
REFERENCE_CELLS: dict[str, Callable[[str], object]] = {
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

WANTED_HEADERS = {h.casefold() for c in COLUMNS for h in c.headers} | {
    h.casefold() for headers in (*REQUIRED_COLUMNS.values(), *OTHER_COLUMNS.values()) for h in headers
}


def appointment_from_job_title(job_title: str) -> str:
    return HeadAppointment.INTERIM if INTERIM_WORDS.search(job_title or "") else HeadAppointment.UNKNOWN


def parse_type_code(value: str) -> int:
    """A row's establishment type code (TypeOfEstablishment (code)), which every row must have."""
    type_code = parse_int(value, minimum=1, maximum=999)
    if type_code is None:
        raise ValueError(REQUIRED_VALUE)
    return type_code


def status_of(code: str, name: str):
    """A row's establishment status from its code, else its name (None: neither is known); no column: open."""
    if code:
        return STATUS_BY_CODE.get(code)
    if name:
        return STATUS_BY_NAME.get(name.casefold())
    return SchoolStatus.OPEN
