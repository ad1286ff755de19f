"""Performance measures importer: a long-format CSV or XLSX with one value per row.

    URN, academic_year, measure, value, national_value
    110000, 2024/25, ks2_rwm_expected, 58.0, 62.0

`academic_year` is written 2024/25, 2024-25, 2024/2025 or 202425 (DfE's time_period);
`measure` is a measure code (see the Performance measures page); `national_value` is optional.
DfE suppression markers (c, x, z, low, SUPP, NE) in `value` skip the row. Results are created or
updated by (school, measure, year)."""

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from core.cells import header_key, parse_decimal
from core.tabular import Table
from core.text import count_of

from ..models import MeasureUnit, PerformanceMeasure, PerformanceResult, School, academic_year_label
from .base import Columns, Importer, Plan, Progress, RowError, display, no_progress

REQUIRED_COLUMNS = {
    "URN": ("URN", "school_urn"),
    "academic_year": ("academic_year", "academic year", "time_period", "year"),
    "measure": ("measure", "measure_code"),
    "value": ("value", "school_value"),
}
NATIONAL_COLUMN = ("national_value", "national value", "national")
SUPPRESSED = {"c", "x", "z", "low", "supp", "ne", "ns", ":"}

URN_UNKNOWN = "is not the URN of a school in the register"
URN_INVALID = "must be a 6-digit number"
YEAR_INVALID = "must be an academic year such as 2024/25 or 202425"
MEASURE_UNKNOWN = "is not a known measure code (known codes: {codes})"
DUPLICATE = "repeats URN {urn}, {measure}, {year} (first on row {first_row})"
REQUIRED_VALUE = "is required"
# What a value of each unit can be, beyond what the column holds (docs/adr/0011).
UNIT_RANGES = {
    MeasureUnit.PERCENT: (0, 100, "must be a percentage from 0 to 100"),
    MeasureUnit.POINTS: (-100, 100, "must be a number of percentage points from -100 to 100"),
    MeasureUnit.RATE: (0, None, "must be a rate of 0 or more"),
}
VALUE_FIELD = PerformanceResult._meta.get_field("value")


def parse_value(text: str, unit: str | None):
    """A value or national value: a number the column holds (8 digits, 2 of them decimals: not
    1,000,000, 1e30 or a 29-digit number), in its measure's range when the measure is known."""
    value = parse_decimal(text, places=VALUE_FIELD.decimal_places, max_digits=VALUE_FIELD.max_digits)
    if value is not None and unit in UNIT_RANGES:
        low, high, message = UNIT_RANGES[unit]
        if value < low or (high is not None and value > high):
            raise ValueError(message)
    return value


def parse_academic_year(text: str) -> int:
    text = text.strip()
    match = re.fullmatch(r"([0-9]{4})\s*[/-]?\s*([0-9]{2}|[0-9]{4})", text)
    if not match:
        raise ValueError(YEAR_INVALID)
    start, end = int(match.group(1)), match.group(2)
    follows = int(end) == start + 1 if len(end) == 4 else int(end) == (start + 1) % 100
    if not follows or not 1990 <= start <= 2100:
        raise ValueError(YEAR_INVALID)
    return start


class Result(NamedTuple):
    """One row of the file, read."""

    urn: str
    school_id: int | None
    measure_id: int | None
    code: str | None
    year: int | None
    value: Decimal | None
    national: Decimal | None


@dataclass
class RowReader:
    """Reads one row against the register's schools and measures (looked up once per file)."""

    required: dict[str, str]
    national_column: str | None
    schools: dict[int, int]
    measures: dict[str, int]
    units: dict[str, str]
    measure_by_key: dict[str, str]
    codes_hint: str

    @classmethod
    def for_table(cls, table: Table) -> "RowReader":
        columns = Columns(table)
        measures = dict(PerformanceMeasure.objects.values_list("code", "id"))
        return cls(
            required=columns.require(REQUIRED_COLUMNS),
            national_column=columns.find(*NATIONAL_COLUMN),
            schools=dict(School.objects.values_list("urn", "id")),
            measures=measures,
            units=dict(PerformanceMeasure.objects.values_list("code", "unit")),
            measure_by_key={header_key(code): code for code in measures},
            codes_hint=", ".join(sorted(measures)[:12]) + (", ..." if len(measures) > 12 else ""),
        )

    def error(self, row_number: int, record, column_name: str, message: str) -> RowError:
        column = self.required.get(column_name, column_name)
        return RowError(row_number, column, record.get(column, ""), message)

    def read(self, row_number: int, record) -> tuple[list[RowError], Result] | None:
        """The row's values and every error in them; None for a suppressed value (skipped, not wrong)."""
        errors: list[RowError] = []
        raw_urn = record[self.required["URN"]].strip()
        school_id = None
        if not re.fullmatch(r"[0-9]{6}(\.0+)?", raw_urn):  # as GIAS's URNs: an Excel copy may add ".0"
            errors.append(self.error(row_number, record, "URN", URN_INVALID if raw_urn else REQUIRED_VALUE))
        else:
            raw_urn = raw_urn.split(".")[0]
            school_id = self.schools.get(int(raw_urn))
            if school_id is None:
                errors.append(self.error(row_number, record, "URN", URN_UNKNOWN))
        year = None
        try:
            year = parse_academic_year(record[self.required["academic_year"]])
        except ValueError as exc:
            errors.append(self.error(row_number, record, "academic_year", str(exc)))
        code = self.measure_by_key.get(header_key(record[self.required["measure"]]))
        if code is None:
            errors.append(self.error(row_number, record, "measure", MEASURE_UNKNOWN.format(codes=self.codes_hint)))
        raw_value = record[self.required["value"]].strip()
        if raw_value.casefold() in SUPPRESSED:
            return None
        unit = self.units.get(code) if code else None
        value = national = None
        try:
            value = parse_value(raw_value, unit)
            if value is None:
                raise ValueError(REQUIRED_VALUE)
        except ValueError as exc:
            errors.append(self.error(row_number, record, "value", str(exc)))
        if self.national_column:
            raw_national = record[self.national_column].strip()
            try:
                national = None if raw_national.casefold() in SUPPRESSED else parse_value(raw_national, unit)
            except ValueError as exc:
                errors.append(RowError(row_number, self.national_column, raw_national, str(exc)))
        measure_id = self.measures[code] if code else None
        return errors, Result(raw_urn, school_id, measure_id, code, year, value, national)


def _compare(rows: list[Result], plan: Plan) -> tuple[list, list]:
    """Results to create and to change, noted on the plan's preview."""
    existing: dict[tuple, Any] = {}
    school_ids = list({row.school_id for row in rows})
    for start in range(0, len(school_ids), 2000):
        for result in PerformanceResult.objects.filter(school_id__in=school_ids[start : start + 2000]).values(
            "id", "school_id", "measure_id", "academic_year", "value", "national_value"
        ):
            existing[(result["school_id"], result["measure_id"], result["academic_year"])] = result
    creates, updates = [], []
    for row in rows:
        current = existing.get((row.school_id, row.measure_id, row.year))
        label = f"{row.code} {academic_year_label(row.year)}"
        urn = int(row.urn)
        if current is None:
            creates.append((row.school_id, row.measure_id, row.year, row.value, row.national))
            plan.note_change({"action": "create", "urn": urn, "name": label, "fields": []})
        elif current["value"] != row.value or current["national_value"] != row.national:
            updates.append((current["id"], row.value, row.national))
            fields = [
                ["value", display(current["value"]), display(row.value)],
                ["national value", display(current["national_value"]), display(row.national)],
            ]
            plan.note_change({"action": "update", "urn": urn, "name": label, "fields": fields})
        else:
            plan.unchanged += 1
    return creates, updates


class PerformanceImporter(Importer):
    kind = "performance"
    header_hint = "URN"

    def plan(self, table: Table, *, options: dict, progress: Progress = no_progress) -> Plan:
        """Parse and check every row, refuse a result given twice, then compare with the register."""
        reader = RowReader.for_table(table)
        plan = Plan(rows_total=len(table))
        seen: dict[tuple, int] = {}
        rows = []
        for row_number, record in table.records():
            result = reader.read(row_number, record)
            if result is None:
                plan.rows_skipped += 1
                continue
            errors, row = result
            key = (row.school_id, row.code, row.year)
            if not errors and key in seen:
                message = DUPLICATE.format(
                    urn=row.urn, measure=row.code, year=academic_year_label(row.year), first_row=seen[key]
                )
                errors.append(reader.error(row_number, record, "URN", message))
            if errors:
                plan.errors.extend(errors)
                continue
            seen[key] = row_number
            rows.append(row)
        if plan.rows_skipped:
            skipped = count_of(
                plan.rows_skipped,
                "row has a suppressed value (c, x, z ...) and was",
                "rows have a suppressed value (c, x, z ...) and were",
            )
            plan.skipped_note = f"{skipped} skipped."
        creates, updates = _compare(rows, plan)
        plan.created, plan.updated = len(creates), len(updates)
        plan.payload = {"creates": creates, "updates": updates}
        progress(f"{plan.created:,} new results, {plan.updated:,} changed, {plan.unchanged:,} same.")
        return plan

    def apply(self, plan: Plan, *, actor, record, progress: Progress = no_progress) -> None:
        PerformanceResult.objects.bulk_create(
            [
                PerformanceResult(
                    school_id=school_id, measure_id=measure_id, academic_year=year, value=value, national_value=national
                )
                for school_id, measure_id, year, value, national in plan.payload["creates"]
            ],
            batch_size=2000,
        )
        updates = [
            PerformanceResult(id=pk, value=value, national_value=national)
            for pk, value, national in plan.payload["updates"]
        ]
        PerformanceResult.objects.bulk_update(updates, ["value", "national_value"], batch_size=2000)
