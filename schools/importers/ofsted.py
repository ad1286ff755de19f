"""Ofsted management information importer ("State-funded schools inspections and outcomes").

One row per school, with up to three inspections in it, depending on the release:
- graded era (to August 2025): the latest graded inspection and the previous one (grades 1-4),
  plus the latest ungraded inspection;
- report-card era (from November 2025): the latest report card (five-point grades per area,
  safeguarding met / not met), the last graded inspection under the old framework ("Latest OEIF"),
  plus the latest ungraded inspection.
Each inspection is created or updated by its inspection number. Rows for schools that are not in
the register (the file covers all of England) are skipped, not rejected. Both scales are stored as
they are: they are not comparable. A school's second row, one number for two of a row's
inspections, an inspection starting after the import's day and a report published before its
inspection started are refused, naming the row and the column."""

from datetime import date
from typing import NamedTuple

from django.utils import timezone

from core.cells import clean_text, is_missing
from core.tabular import FileRefused, Table
from core.text import count_of, is_number

from ..models import OfstedInspection, School
from ..signals import inspections_changed
from .base import Columns, Importer, Plan, Progress, RowError, display, no_progress
from .ofsted_layout import COMPARED, Block, _inspection_date, blocks_for

NO_URN_COLUMN = 'The file has no "URN" column. Check that it is Ofsted\'s management information CSV.'
NO_INSPECTION_COLUMNS = (
    'The file has no inspection columns Ofsted uses (for example "Inspection number of latest graded inspection" '
    'or "Inspection number of latest full inspection"). Check that it is Ofsted\'s management information CSV.'
)
START_DATE_REQUIRED = "is required when the inspection has a number"
URN_INVALID = "must be a 6-digit number"
NUMBER_ON_TWO_SCHOOLS = "is also the inspection number of URN {urn} on row {row}: an inspection is of one school"
NUMBER_OF_ANOTHER_SCHOOL = (
    "is already the inspection number of URN {urn} in the register: an inspection is of one school"
)
DUPLICATE_URN = "{urn} appears more than once in the file (first on row {first_row}): the file has one row per school"
NUMBER_TWICE_ON_ROW = 'is the same as "{column}" on this row: one inspection cannot be two of a school\'s inspections'
START_DATE_AFTER_TODAY = "is after the day of the import ({today}): the file lists inspections that have started"
PUBLICATION_BEFORE_START = 'is before "{column}" ({start}) on this row: a report is published after its inspection'
NUMBER_MAX_LENGTH = OfstedInspection._meta.get_field("inspection_number").max_length


class Found(NamedTuple):
    """An inspection read from the file, and where."""

    number: str
    urn: int
    values: dict
    row: int
    column: str


class OfstedImporter(Importer):
    kind = "ofsted"
    header_hint = "URN"

    def plan(self, table: Table, *, options: dict, progress: Progress = no_progress) -> Plan:
        """Parse and check every row, keep each inspection number once, then compare with the register."""
        columns = Columns(table)
        urn_column = columns.find("URN")
        if urn_column is None:
            raise FileRefused(NO_URN_COLUMN)
        layout = _layout(columns)
        school_ids = dict(School.objects.values_list("urn", "id"))
        today = timezone.localdate()
        plan = Plan(rows_total=len(table))
        found: dict[str, Found] = {}
        clashes: dict[int, list[RowError]] = {}  # rows rejected after they were read
        first_row_of: dict[int, int] = {}  # a URN's first row without errors: the school's row
        for row_number, record in table.records():
            raw_urn = record[urn_column].strip()
            if not is_number(raw_urn) or len(raw_urn) != 6:
                plan.errors.append(RowError(row_number, urn_column, raw_urn, URN_INVALID))
                continue
            school_id = school_ids.get(int(raw_urn))
            if school_id is None:
                plan.rows_skipped += 1
                continue
            row_errors, inspections = _read_row(layout, record, row_number, school_id, int(raw_urn), today=today)
            row_errors += _numbers_on_two_schools(inspections, found, clashes)
            first_row = first_row_of.get(int(raw_urn))
            if first_row is not None:  # as GIAS's: the later row is refused, naming the first
                message = DUPLICATE_URN.format(urn=raw_urn, first_row=first_row)
                row_errors.insert(0, RowError(row_number, urn_column, raw_urn, message))
            if row_errors:
                plan.errors.extend(row_errors)
                continue
            first_row_of[int(raw_urn)] = row_number
            for inspection in inspections:
                found[inspection.number] = inspection
        if plan.rows_skipped:
            skipped = count_of(plan.rows_skipped, "row is", "rows are")
            plan.skipped_note = f"{skipped} for schools that are not in the register."

        existing = {
            row["inspection_number"]: row
            for row in OfstedInspection.objects.filter(inspection_number__in=list(found)).values(
                "id", "inspection_number", "school__urn", *COMPARED
            )
        }
        _numbers_of_another_school(found, existing, clashes)
        for row_errors in clashes.values():
            plan.errors.extend(row_errors)
        plan.errors.sort(key=lambda error: error.row)
        creates, updates = _compare(found, existing, clashes, plan)
        plan.created, plan.updated = len(creates), len(updates)
        plan.payload = {"creates": creates, "updates": updates}
        progress(f"{plan.created:,} new inspections, {plan.updated:,} changed, {plan.unchanged:,} same.")
        return plan

    def apply(self, plan: Plan, *, actor, record, progress: Progress = no_progress) -> None:
        creates = plan.payload["creates"]
        OfstedInspection.objects.bulk_create(
            [OfstedInspection(inspection_number=number, **values) for number, values in creates], batch_size=2000
        )
        updates = plan.payload["updates"]
        schools = {values["school_id"] for _number, values in creates}
        if updates:
            objects = OfstedInspection.objects.in_bulk([pk for pk, _ in updates])
            fields = set()
            for pk, changed in updates:
                for name, value in changed.items():
                    setattr(objects[pk], name, value)
                    fields.add(name)
            OfstedInspection.objects.bulk_update(list(objects.values()), sorted(fields), batch_size=2000)
            schools.update(inspection.school_id for inspection in objects.values())
        if schools:  # set-wise writes send no model signals: figures kept per school listen to this
            inspections_changed.send(sender=type(self), school_ids=sorted(schools))


class BlockColumns(NamedTuple):
    """Where one block of a release's columns stands in this file."""

    block: Block
    number: str
    start: str
    publication: str | None
    fields: dict


def _layout(columns: Columns) -> list[BlockColumns]:
    """The blocks of inspection columns this file has (a block without its number or start date is
    absent); refuses a file with none."""
    layout = []
    for block in blocks_for(columns):
        number = columns.find(*block.number)
        start = columns.find(*block.start_date)
        if number is None or start is None:
            continue
        publication = columns.find(*block.publication_date) if block.publication_date else None
        fields = {
            name: (columns.find(*headers), parse)
            for name, (headers, parse) in block.fields.items()
            if columns.find(*headers)
        }
        layout.append(BlockColumns(block, number, start, publication, fields))
    if not layout:
        raise FileRefused(NO_INSPECTION_COLUMNS)
    return layout


def _read_row(
    layout: list[BlockColumns], record, row_number: int, school_id: int, urn: int, *, today: date
) -> tuple[list[RowError], list[Found]]:
    """The inspections one row holds (one per block with a number), and every error in them. Its
    blocks are different inspections (latest and previous): a number on two of them is refused, or
    the later block's values would silently replace the earlier's."""
    row_errors: list[RowError] = []
    inspections: list[Found] = []
    for columns in layout:
        if is_missing(record[columns.number]):
            continue
        try:  # never cut short: a number cut to the column could be another inspection's
            number = clean_text(record[columns.number], max_length=NUMBER_MAX_LENGTH)
        except ValueError as exc:
            row_errors.append(RowError(row_number, columns.number, record[columns.number], str(exc)))
            continue
        values, errors = _read_inspection(columns, record, row_number, today)
        values.update(school_id=school_id, framework=columns.block.framework)
        row_errors += errors
        earlier = next((inspection for inspection in inspections if inspection.number == number), None)
        if earlier is not None:
            message = NUMBER_TWICE_ON_ROW.format(column=earlier.column)
            row_errors.append(RowError(row_number, columns.number, record[columns.number], message))
            continue
        inspections.append(Found(number, urn, values, row_number, columns.number))
    return row_errors, inspections


def _read_inspection(columns: BlockColumns, record, row_number: int, today: date) -> tuple[dict, list[RowError]]:
    """One block's values, each parsed by its column's rule; a start date is required, on or before
    the import's day, and a publication date is not before it."""
    values: dict = {}
    errors = []
    parsers = [
        ("start_date", columns.start, _inspection_date),
        ("publication_date", columns.publication, _inspection_date),
    ]
    parsers += [(name, column, parse) for name, (column, parse) in columns.fields.items()]
    for name, column, parse in parsers:
        if column is None:
            values[name] = None
            continue
        try:
            values[name] = parse(record[column])
        except ValueError as exc:
            errors.append(RowError(row_number, column, record[column], str(exc)))
    start, published = values.get("start_date"), values.get("publication_date")
    if start is None and not any(e.column == columns.start for e in errors):
        errors.append(RowError(row_number, columns.start, record[columns.start], START_DATE_REQUIRED))
    elif start is not None and start > today:
        message = START_DATE_AFTER_TODAY.format(today=display(today))
        errors.append(RowError(row_number, columns.start, record[columns.start], message))
    if start is not None and published is not None and published < start and columns.publication is not None:
        message = PUBLICATION_BEFORE_START.format(column=columns.start, start=display(start))
        errors.append(RowError(row_number, columns.publication, record[columns.publication], message))
    return values, errors


def _numbers_on_two_schools(
    inspections: list[Found], found: dict[str, Found], clashes: dict[int, list[RowError]]
) -> list[RowError]:
    """An inspection number already read for another school: which school's it is, the file cannot
    say, so both rows are rejected (the earlier one through `clashes`)."""
    errors = []
    for inspection in inspections:
        first = found.get(inspection.number)
        if first is None or first.values["school_id"] == inspection.values["school_id"]:
            continue
        message = NUMBER_ON_TWO_SCHOOLS.format(urn=first.urn, row=first.row)
        errors.append(RowError(inspection.row, inspection.column, inspection.number, message))
        message = NUMBER_ON_TWO_SCHOOLS.format(urn=inspection.urn, row=inspection.row)
        clashes.setdefault(first.row, []).append(RowError(first.row, first.column, inspection.number, message))
    return errors


def _numbers_of_another_school(found: dict[str, Found], existing: dict, clashes: dict[int, list[RowError]]) -> None:
    """A number the register holds for another school rejects its row, with every inspection in it."""
    for number, inspection in found.items():
        current = existing.get(number)
        if current is not None and current["school_id"] != inspection.values["school_id"]:
            message = NUMBER_OF_ANOTHER_SCHOOL.format(urn=current["school__urn"])
            clashes.setdefault(inspection.row, []).append(RowError(inspection.row, inspection.column, number, message))


def _compare(found: dict[str, Found], existing: dict, clashes: dict[int, list[RowError]], plan: Plan):
    """Inspections to create and to change (only the fields that differ), noted on the plan's preview."""
    creates, updates = [], []
    for number, urn, values, row_number, _ in found.values():
        if row_number in clashes:
            continue
        full = {name: values.get(name, _blank(name)) for name in COMPARED}
        current = existing.get(number)
        if current is None:
            creates.append((number, full))
            plan.note_change({"action": "create", "urn": urn, "name": f"Inspection {number}", "fields": []})
            continue
        changed = {name: value for name, value in full.items() if current[name] != value}
        if not changed:
            plan.unchanged += 1
            continue
        updates.append((current["id"], changed))
        fields = [[name.replace("_", " "), display(current[name]), display(v)] for name, v in changed.items()]
        plan.note_change({"action": "update", "urn": urn, "name": f"Inspection {number}", "fields": fields})
    return creates, updates


def _blank(name: str):
    return "" if name in {"inspection_type", "category_of_concern", "outcome"} else None
