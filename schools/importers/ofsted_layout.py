"""The layouts of Ofsted's management information releases: which columns hold which inspection,
and how each cell is read (schools/importers/ofsted.py compares and writes what they give)."""

import re
from dataclasses import dataclass, field

from core.cells import NOT_A_DATE, clean_text, is_missing, parse_date

from ..models import CategoryOfConcern, OfstedFramework, ReportCardGrade
from .base import Columns

GRADE_INVALID = "must be a grade from 1 (Outstanding) to 4 (Inadequate), 9 or NULL"
REPORT_CARD_INVALID = (
    "must be one of Exceptional, Strong standard, Expected standard, Needs attention, Urgent improvement, "
    "Not applicable or NULL"
)
YES_NO_INVALID = "must be Yes, No, 9 or NULL"
MET_INVALID = "must be Met, Not met or NULL"
CATEGORY_INVALID = "must be SM, SWK, RSI or blank"
OFSTED_FIRST_YEAR = 1992  # Ofsted began inspecting schools in September 1992
# Ofsted's files write dates dd/mm/yyyy (dd-mm-yyyy and yyyy-mm-dd, as a spreadsheet may re-save them, are read too).
DATE_NOT_OFSTED_FORM = "is not a date in the form dd/mm/yyyy, as Ofsted writes dates (for example 10/03/2025)"
DATE_YEAR_NOT_4_DIGITS = "is not a date in the form dd/mm/yyyy: the year needs all 4 digits (for example 10/03/2025)"
# Written as a date is, but with a year of fewer than 4 digits (10/3/25): which century, the file cannot say.
_SHORT_YEAR = re.compile(r"[0-9]{1,2}([-/.])[0-9]{1,2}\1[0-9]{1,3}")

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
    """A date as Ofsted's files write it; a refusal names that form (core.cells names GIAS's dd-mm-yyyy)."""
    try:
        return parse_date(text, earliest_year=OFSTED_FIRST_YEAR)
    except ValueError as exc:
        if str(exc) != NOT_A_DATE:  # a real day's form, but not a real day or year: its own message
            raise
        raise ValueError(
            DATE_YEAR_NOT_4_DIGITS if _SHORT_YEAR.fullmatch(text.strip()) else DATE_NOT_OFSTED_FORM
        ) from None


def _outcome(text: str):
    return clean_text(text, max_length=200)


def _inspection_type(text: str):
    return clean_text(text, max_length=100)


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
