"""The GIAS import, validating the rows: one row at a time (read_row, with References for the
trusts, wards and types the accepted rows name), or, on PostgreSQL, a column at a time
(check_table, giving the Checked rows), with the same parsers (gias_columns) and messages. A row
with any error is rejected whole."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from core.cells import parse_int
from core.tabular import Table

from ..models import SchoolStatus
from .base import Plan, RowError
from .gias_columns import (
    REFERENCE_CELLS,
    REQUIRED_VALUE,
    appointment_from_job_title,
    parse_type_code,
    parse_urn,
    status_of,
)

# Shown after its column's name, as every cell's problem is: "URN 100001 appears more than once...".
DUPLICATE_URN = "{urn} appears more than once in the file (first on row {first_row})"
STATUS_UNKNOWN = (
    "is not a GIAS establishment status (1 Open, 2 Closed, 3 Open but proposed to close, 4 Proposed to open)"
)


def frame_cells(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A column's text cells (the last, if a header is repeated: as a row's dict would have it)."""
    series = frame[column]
    if isinstance(series, pd.DataFrame):
        series = series.iloc[:, -1]
    return series.to_numpy(dtype=object)


def objects(values: list) -> np.ndarray:
    """The values as a numpy array of Python objects (numpy would make a list of tuples 2-D)."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def parse_cells(cells: np.ndarray, parse: Callable[[str], object]) -> tuple[np.ndarray, dict[int, str]]:
    """Each distinct cell parsed once (a column of 50,000 cells holds a few hundred distinct
    values, or is read once per value): the parsed values by position, and the positions whose
    cell was refused with why."""
    codes, uniques = pd.factorize(cells, use_na_sentinel=False)
    parse_all = getattr(parse, "parse_all", None)  # a parser that can vouch for a whole column at once
    if parse_all is not None and (parsed_all := parse_all(uniques.tolist())) is not None:
        return objects(parsed_all)[codes], {}
    parsed, messages = [], {}
    for index, value in enumerate(uniques):
        try:
            parsed.append(parse(value))
        except ValueError as exc:
            parsed.append(None)
            messages[index] = str(exc)
    if not messages:
        return objects(parsed)[codes], {}
    refused = np.isin(codes, list(messages))
    return objects(parsed)[codes], {int(p): messages[codes[p]] for p in np.flatnonzero(refused)}


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
            return objects([appointment_from_job_title("")] * len(self))
        return parse_cells(titles, appointment_from_job_title)[0]

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


Check = tuple[str, np.ndarray | dict, dict[int, str]]  # a column, its cells, and the refused positions with why


@dataclass
class KeptCells:
    """The text cells of a column on the rows the import keeps (`kept` None: every row)."""

    frame: pd.DataFrame
    kept: np.ndarray | None

    def __call__(self, column: str) -> np.ndarray:
        values = frame_cells(self.frame, column)
        return values if self.kept is None else values[self.kept]


def check_table(table: Table, *, required: dict, other: dict, specs: list, la_codes: set, plan: Plan) -> Checked:
    """Validate every row, a column at a time: the same parsers and messages as one row at a time,
    with each row's errors in the order of its columns (URN, the register's columns, type, status,
    duplicate URN, trust, ward and type names). A row with any error is rejected whole."""
    urn_column = required["URN"]
    cells, row_numbers = _rows_kept(table, la_column=required["LA (code)"], la_codes=la_codes, plan=plan)
    count = len(row_numbers)
    checks: list[Check] = []
    urns, fields = _check_register_columns(
        cells, urn_column=urn_column, type_column=required["TypeOfEstablishment (code)"], specs=specs, checks=checks
    )
    fields["status"], status_check = _check_statuses(cells, other, count)
    if status_check:
        checks.append(status_check)
    duplicate_check = len(checks)
    checks.append((urn_column, {}, {}))  # filled below, once the other checks are known
    reference = _check_reference_cells(cells, other, count, checks)

    failed = set().union(*(refused for _, _, refused in checks))
    values, duplicates = _duplicate_urns(urns, row_numbers, failed)
    checks[duplicate_check] = (urn_column, values, duplicates)
    failed |= duplicates.keys()
    _note_errors(plan, checks, failed, row_numbers)
    if failed:
        good = np.ones(count, dtype=bool)
        good[list(failed)] = False
        row_numbers = [n for n, ok in zip(row_numbers, good, strict=True) if ok]
        urns = urns[good]
        fields = {name: column[good] for name, column in fields.items()}
        reference = {name: column[good] for name, column in reference.items()}
    fields["trust_code"] = objects([code or None for code in reference["trust_code"]])
    fields["ward_code"] = objects([code or None for code in reference["ward_code"]])
    return Checked(row_numbers=row_numbers, urns=urns.tolist(), fields=fields, reference=reference)


def _rows_kept(table: Table, *, la_column: str, la_codes: set, plan: Plan) -> tuple[KeptCells, list[int]]:
    """The rows of the import's local authorities (every row if it names none; the others counted as
    skipped): their cells, and their row numbers in the file. A row with no LA code is kept, so that
    it is rejected for it ("is required"), not skipped as another LA's."""
    frame = table.frame
    positions = np.arange(len(frame))
    if la_codes:
        kept = np.fromiter(
            (code in la_codes or not code for code in map(str.strip, frame_cells(frame, la_column))),
            dtype=bool,
            count=len(frame),
        )
        plan.rows_skipped = int(len(frame) - kept.sum())
        positions = positions[kept]
    else:
        kept = None
    row_numbers = (frame.index.to_numpy()[positions] + table.header_row + 1).tolist()
    return KeptCells(frame, kept), row_numbers


def _check_register_columns(
    cells: KeptCells, *, urn_column: str, type_column: str, specs: list, checks: list[Check]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The URNs, and the register's fields with the establishment type, each column's check added
    to `checks` in that order."""
    urn_cells = cells(urn_column)
    urns, refused = parse_cells(urn_cells, parse_urn)
    checks.append((urn_column, urn_cells, refused))
    fields: dict[str, np.ndarray] = {}
    for col, actual in specs:
        column_cells = cells(actual)
        fields[col.field], refused = parse_cells(column_cells, col.parse)
        checks.append((actual, column_cells, refused))
    type_cells = cells(type_column)
    fields["establishment_type_id"], refused = parse_cells(type_cells, parse_type_code)
    checks.append((type_column, type_cells, refused))
    return urns, fields


def _check_statuses(cells: KeptCells, other: dict, count: int) -> tuple[np.ndarray, Check | None]:
    """The rows' statuses, from the status code and name columns (an unknown one read as open, and
    refused), and the check of the status column (None if the file has neither column)."""
    status_column = other["status_code"] or other["status_name"]
    blank = objects([""] * count)
    codes = [v.strip() for v in cells(other["status_code"])] if other["status_code"] else blank
    names = [v.strip() for v in cells(other["status_name"])] if other["status_name"] else blank
    keys = objects([f"{c}\x00{n}" for c, n in zip(codes, names, strict=True)])
    statuses, _ = parse_cells(keys, lambda key: status_of(*key.split("\x00")))
    refused = {position: STATUS_UNKNOWN for position, status in enumerate(statuses) if status is None}
    values = objects([status or SchoolStatus.OPEN for status in statuses])
    return values, ((status_column, cells(status_column), refused) if status_column else None)


def _check_reference_cells(cells: KeptCells, other: dict, count: int, checks: list[Check]) -> dict[str, np.ndarray]:
    """The trust, ward and type name cells (an absent column read as blank), each present column's
    check added to `checks`."""
    reference: dict[str, np.ndarray] = {}
    for name, parse in REFERENCE_CELLS.items():
        if other[name]:
            column_cells = cells(other[name])
            reference[name], refused = parse_cells(column_cells, parse)
            checks.append((other[name], column_cells, refused))
        else:
            reference[name] = objects([parse("")] * count)
    return reference


def _duplicate_urns(urns: np.ndarray, row_numbers: list[int], failed: set) -> tuple[dict[int, str], dict[int, str]]:
    """A URN is a duplicate on any row after the first row that passed every other check: the
    duplicates' URNs and their messages, by position."""
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
    return values, duplicates


def _note_errors(plan: Plan, checks: list[Check], failed: set, row_numbers: list[int]) -> None:
    """The refused rows' errors, in file order, each row's in the order of its columns."""
    for position in sorted(failed):
        for column, column_values, refused in checks:
            if position in refused:
                plan.errors.append(RowError(row_numbers[position], column, column_values[position], refused[position]))


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


def read_row(record, row_number: int, required: dict, other: dict, specs: list):
    """One row's URN, register values and reference cells; the errors of all but the reference cells
    (which carry their own), in column order."""
    errors = []
    urn_column, type_column = required["URN"], required["TypeOfEstablishment (code)"]
    try:
        urn = parse_urn(record[urn_column])
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
    status = status_of(_cell(record, other, "status_code"), _cell(record, other, "status_name"))
    if status is None:
        column = other["status_code"] or other["status_name"]
        errors.append(RowError(row_number, column, record[column], STATUS_UNKNOWN))
    values["status"] = status or SchoolStatus.OPEN
    reference = _read_reference_cells(record, row_number, other)
    return errors, urn, values, reference
