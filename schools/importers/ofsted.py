"""Ofsted management information importer ("State-funded schools inspections and outcomes").

One row per school, with up to three inspections in it, depending on the release:
- graded era (to August 2025): the latest graded inspection and the previous one (grades 1-4),
  plus the latest ungraded inspection;
- report-card era (from November 2025): the latest report card (five-point grades per area,
  safeguarding met / not met), the last graded inspection under the old framework ("Latest OEIF"),
  plus the latest ungraded inspection.
Each inspection is created or updated by its inspection number. Rows for schools that are not in
the register (the file covers all of England) are skipped, not rejected. Both scales are stored as
they are: they are not comparable."""

from dataclasses import dataclass, field
from typing import NamedTuple

from core.cells import clean_text, is_missing, parse_date
from core.tabular import FileRefused, Table
from core.text import count_of

from ..models import CategoryOfConcern, OfstedFramework, OfstedInspection, ReportCardGrade, School
from ..signals import inspections_changed
from .base import Columns, Importer, Plan, Progress, RowError, display, no_progress

NO_URN_COLUMN = 'The file has no "URN" column. Check that it is Ofsted\'s management information CSV.'
NO_INSPECTION_COLUMNS = (
    'The file has no inspection columns Ofsted uses (for example "Inspection number of latest graded inspection" '
    'or "Inspection number of latest full inspection"). Check that it is Ofsted\'s management information CSV.'
)
GRADE_INVALID = "must be a grade from 1 (Outstanding) to 4 (Inadequate), 9 or NULL"
REPORT_CARD_INVALID = (
    "must be one of Exceptional, Strong standard, Expected standard, Needs attention, Urgent improvement, "
    "Not applicable or NULL"
)
YES_NO_INVALID = "must be Yes, No, 9 or NULL"
MET_INVALID = "must be Met, Not met or NULL"
CATEGORY_INVALID = "must be SM, SWK, RSI or blank"
START_DATE_REQUIRED = "is required when the inspection has a number"
URN_INVALID = "must be a 6-digit number"
NUMBER_ON_TWO_SCHOOLS = "is also the inspection number of URN {urn} on row {row}: an inspection is of one school"
NUMBER_OF_ANOTHER_SCHOOL = (
    "is already the inspection number of URN {urn} in the register: an inspection is of one school"
)
OFSTED_FIRST_YEAR = 1992  # Ofsted began inspecting schools in September 1992
NUMBER_MAX_LENGTH = OfstedInspection._meta.get_field("inspection_number").max_length

NOT_GRADED = {"9", "0", "not judged", "not applicable"}
REPORT_CARD_WORDS = {g.label.casefold(): g.value for g in ReportCardGrade}


def _grade(text: str):
    text = text.strip()
    if is_missing(text) or text.casefold() in NOT_GRADED:
        return None
    if text in {"1", "2", "3", "4"}:
        return int(text)
    raise ValueError(GRADE_INVALID)


def _report_card_grade(text: str):
    text = " ".join(text.split()).casefold()
    if is_missing(text) or text in NOT_GRADED:
        return None
    if text in REPORT_CARD_WORDS:
        return REPORT_CARD_WORDS[text]
    raise ValueError(REPORT_CARD_INVALID)


def _yes_no(text: str):
    text = text.strip().casefold()
    if is_missing(text) or text in NOT_GRADED:
        return None
    if text in {"yes", "no"}:
        return text == "yes"
    raise ValueError(YES_NO_INVALID)


def _met(text: str):
    text = " ".join(text.split()).casefold()
    if is_missing(text) or text in NOT_GRADED:
        return None
    if text in {"met", "not met"}:
        return text == "met"
    raise ValueError(MET_INVALID)


def _category(text: str):
    text = text.strip().upper()
    if is_missing(text):
        return ""
    if text in {c.value for c in CategoryOfConcern if c.value}:
        return text
    raise ValueError(CATEGORY_INVALID)


def _inspection_date(text: str):
    return parse_date(text, earliest_year=OFSTED_FIRST_YEAR)


def _outcome(text: str):
    return clean_text(text, max_length=200)


def _inspection_type(text: str):
    return clean_text(text, max_length=100)


class Found(NamedTuple):
    """An inspection read from the file, and where."""

    number: str
    urn: int
    values: dict
    row: int
    column: str


@dataclass(frozen=True)
class Block:
    """Where one inspection's cells are in a row."""

    framework: str
    number: tuple[str, ...]
    start_date: tuple[str, ...]
    publication_date: tuple[str, ...] = ()
    fields: dict[str, tuple[tuple[str, ...], object]] = field(default_factory=dict)


GRADED_LATEST = Block(
    framework=OfstedFramework.GRADED,
    number=(
        "Inspection number of latest graded inspection",
        "Inspection number of latest full inspection",
        "Inspection number",
    ),
    start_date=("Inspection start date",),
    publication_date=("Publication date",),
    fields={
        "inspection_type": (("Inspection type",), _inspection_type),
        "category_of_concern": (("Category of concern",), _category),
        "overall_effectiveness": (("Overall effectiveness",), _grade),
        "quality_of_education": (("Quality of education",), _grade),
        "behaviour_and_attitudes": (("Behaviour and attitudes",), _grade),
        "personal_development": (("Personal development",), _grade),
        "leadership_and_management": (("Effectiveness of leadership and management",), _grade),
        "safeguarding_effective": (("Safeguarding is effective?", "Safeguarding is effective"), _yes_no),
        "early_years": (("Early years provision (where applicable)",), _grade),
        "sixth_form": (("Sixth form provision (where applicable)",), _grade),
    },
)
GRADED_PREVIOUS = Block(
    framework=OfstedFramework.GRADED,
    number=("Previous graded inspection number", "Previous full inspection number", "Previous inspection number"),
    start_date=("Previous inspection start date",),
    publication_date=("Previous publication date",),
    fields={
        "category_of_concern": (("Previous category of concern",), _category),
        "overall_effectiveness": (
            (
                "Previous graded inspection overall effectiveness",
                "Previous full inspection overall effectiveness",
                "Previous overall effectiveness",
            ),
            _grade,
        ),
        "quality_of_education": (("Previous quality of education",), _grade),
        "behaviour_and_attitudes": (("Previous behaviour and attitudes",), _grade),
        "personal_development": (("Previous personal development",), _grade),
        "leadership_and_management": (("Previous effectiveness of leadership and management",), _grade),
        "safeguarding_effective": (("Previous safeguarding is effective?",), _yes_no),
        "early_years": (("Previous early years provision (where applicable)",), _grade),
        "sixth_form": (("Previous sixth form provision (where applicable)",), _grade),
    },
)
OEIF_LATEST = Block(
    framework=OfstedFramework.GRADED,
    number=("Inspection number of latest OEIF graded inspection",),
    start_date=("Inspection start date of latest OEIF graded inspection",),
    publication_date=("Publication date of latest OEIF graded inspection",),
    fields={
        "inspection_type": (("Inspection type of latest OEIF graded inspection",), _inspection_type),
        "category_of_concern": (("Latest OEIF category of concern",), _category),
        "overall_effectiveness": (("Latest OEIF overall effectiveness",), _grade),
        "quality_of_education": (("Latest OEIF quality of education",), _grade),
        "behaviour_and_attitudes": (("Latest OEIF behaviour and attitudes",), _grade),
        "personal_development": (("Latest OEIF personal development",), _grade),
        "leadership_and_management": (("Latest OEIF effectiveness of leadership and management",), _grade),
        "safeguarding_effective": (("Latest OEIF safeguarding is effective?",), _yes_no),
        "early_years": (("Latest OEIF early years provision (where applicable)",), _grade),
        "sixth_form": (("Latest OEIF sixth form provision (where applicable)",), _grade),
    },
)
REPORT_CARD_LATEST = Block(
    framework=OfstedFramework.REPORT_CARD,
    number=("Inspection number of latest full inspection", "Inspection number"),
    start_date=("Inspection start date",),
    publication_date=("Publication date",),
    fields={
        "inspection_type": (("Inspection type",), _inspection_type),
        "category_of_concern": (("Category of concern",), _category),
        "safeguarding_met": (("Safeguarding standards",), _met),
        "rc_inclusion": (("Inclusion",), _report_card_grade),
        "rc_curriculum_and_teaching": (("Curriculum and teaching",), _report_card_grade),
        "rc_achievement": (("Achievement",), _report_card_grade),
        "rc_attendance_and_behaviour": (("Attendance and behaviour",), _report_card_grade),
        "rc_personal_development": (
            ("Personal development and wellbeing", "Personal development and well-being"),
            _report_card_grade,
        ),
        "rc_leadership_and_governance": (("Leadership and governance",), _report_card_grade),
        "rc_early_years": (("Early years (where applicable)",), _report_card_grade),
        "rc_post_16": (("Post-16 provision (where applicable)",), _report_card_grade),
    },
)
UNGRADED_LATEST = Block(
    framework=OfstedFramework.UNGRADED,
    number=(
        "Latest ungraded inspection number",
        "Latest ungraded inspection number since last graded inspection",
        "Latest section 8 inspection number since last full inspection",
    ),
    start_date=("Date of latest ungraded inspection", "Date of latest section 8 inspection"),
    publication_date=("Ungraded inspection publication date", "Section 8 inspection publication date"),
    fields={"outcome": (("Ungraded inspection overall outcome", "Section 8 inspection overall outcome"), _outcome)},
)

ALL_FIELDS = sorted(
    {"inspection_type", "category_of_concern", "outcome"}
    | {name for block in (GRADED_LATEST, OEIF_LATEST, REPORT_CARD_LATEST) for name in block.fields}
)
COMPARED = ["school_id", "framework", "start_date", "publication_date", *ALL_FIELDS]


def blocks_for(columns: Columns) -> list[Block]:
    """The layout of a release, told apart by its columns (the name "Inspection number of latest
    full inspection" means a graded inspection in 2019-23 files and a report card from 2025)."""
    if columns.has("Safeguarding standards"):
        return [REPORT_CARD_LATEST, OEIF_LATEST, UNGRADED_LATEST]
    return [GRADED_LATEST, GRADED_PREVIOUS, UNGRADED_LATEST]


class OfstedImporter(Importer):
    kind = "ofsted"
    header_hint = "URN"

    def plan(self, table: Table, *, options: dict, progress: Progress = no_progress) -> Plan:
        columns = Columns(table)
        urn_column = columns.find("URN")
        if urn_column is None:
            raise FileRefused(NO_URN_COLUMN)
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
            layout.append((block, number, start, publication, fields))
        if not layout:
            raise FileRefused(NO_INSPECTION_COLUMNS)

        school_ids = dict(School.objects.values_list("urn", "id"))
        plan = Plan(rows_total=len(table))
        found: dict[str, Found] = {}
        clashes: dict[int, list[RowError]] = {}  # rows rejected after they were read
        for row_number, record in table.records():
            raw_urn = record[urn_column].strip()
            if not raw_urn.isdigit() or len(raw_urn) != 6:
                plan.errors.append(RowError(row_number, urn_column, raw_urn, URN_INVALID))
                continue
            school_id = school_ids.get(int(raw_urn))
            if school_id is None:
                plan.rows_skipped += 1
                continue
            row_errors, inspections = [], []
            for block, number_col, start_col, publication_col, fields in layout:
                if is_missing(record[number_col]):
                    continue
                try:  # never cut short: a number cut to the column could be another inspection's
                    number = clean_text(record[number_col], max_length=NUMBER_MAX_LENGTH)
                except ValueError as exc:
                    row_errors.append(RowError(row_number, number_col, record[number_col], str(exc)))
                    continue
                values = {"school_id": school_id, "framework": block.framework}
                for name, column, parse in (
                    ("start_date", start_col, _inspection_date),
                    ("publication_date", publication_col, _inspection_date),
                ):
                    if column is None:
                        values[name] = None
                        continue
                    try:
                        values[name] = parse(record[column])
                    except ValueError as exc:
                        row_errors.append(RowError(row_number, column, record[column], str(exc)))
                for name, (column, parse) in fields.items():
                    try:
                        values[name] = parse(record[column])
                    except ValueError as exc:
                        row_errors.append(RowError(row_number, column, record[column], str(exc)))
                if values.get("start_date") is None and not any(e.column == start_col for e in row_errors):
                    row_errors.append(RowError(row_number, start_col, record[start_col], START_DATE_REQUIRED))
                first = found.get(number)
                if first is not None and first.values["school_id"] != school_id:
                    # Which school's it is, the file cannot say: both rows are rejected.
                    message = NUMBER_ON_TWO_SCHOOLS.format(urn=first.urn, row=first.row)
                    row_errors.append(RowError(row_number, number_col, number, message))
                    message = NUMBER_ON_TWO_SCHOOLS.format(urn=raw_urn, row=row_number)
                    clashes.setdefault(first.row, []).append(RowError(first.row, first.column, number, message))
                inspections.append(Found(number, int(raw_urn), values, row_number, number_col))
            if row_errors:
                plan.errors.extend(row_errors)
                continue
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
        # A number the register holds for another school rejects its row, with every inspection in it.
        for number, inspection in found.items():
            current = existing.get(number)
            if current is not None and current["school_id"] != inspection.values["school_id"]:
                message = NUMBER_OF_ANOTHER_SCHOOL.format(urn=current["school__urn"])
                clashes.setdefault(inspection.row, []).append(
                    RowError(inspection.row, inspection.column, number, message)
                )
        for row_errors in clashes.values():
            plan.errors.extend(row_errors)
        plan.errors.sort(key=lambda error: error.row)
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
            plan.note_change(
                {
                    "action": "update",
                    "urn": urn,
                    "name": f"Inspection {number}",
                    "fields": [
                        [name.replace("_", " "), display(current[name]), display(v)] for name, v in changed.items()
                    ],
                }
            )
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


def _blank(name: str):
    return "" if name in {"inspection_type", "category_of_concern", "outcome"} else None
