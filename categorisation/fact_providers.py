"""This app's fact providers (see categorisation.facts): the school register, Ofsted and the
performance data. Each runs one query for any number of schools.

Performance thresholds (the "See data" statements), documented in docs/categorisation.md:

- Data years: academic years that ended before the day of the categorisation (the data for a
  year is published after it ends); the latest three with data are used.
- Each measure's gap to national is signed so that positive is better for pupils (for measures
  where lower is better, such as persistent absence, the sign is flipped).
- A school is *in line* on a measure when the gap is within the measure's tolerance
  (MEASURE_TOLERANCE, else UNIT_TOLERANCE: 3 percentage points for percentages, 1 for scores),
  *below* when worse by more, *above* when better by more. In a year, a school is below (or
  above) national when more than half of its measures that year are; otherwise in line.
- Attainment measures are those marked `is_attainment`; attendance ones `is_attendance`.

Floor standards were abolished in 2019: nothing here uses them."""

import itertools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber

from core.dates import add_months
from schools.models import REPORT_CARD_AREAS as RC_AREAS
from schools.models import (
    CategoryOfConcern,
    HeadAppointment,
    OfstedFramework,
    OfstedGrade,
    OfstedInspection,
    PerformanceResult,
    ReportCardGrade,
    School,
    academic_year_label,
)
from schools.terms import academic_year_of

from .facts import Fact, FactKey, register_fact_provider

# ---- school register --------------------------------------------------------------------------

FIRST_YEAR_OF_HEADSHIP_MONTHS = 12


def a_new_or_interim_headteacher_in_the_first_year_of_headship(
    *, head_appointment: str, head_start_date: date | None, on: date
) -> bool:
    """Prioritisation criteria, leadership and management, medium support: "A new or interim
    Headteacher in the first year of Headship". True when the LA records the head as interim or
    acting, or their start date is within the 12 months before the day (and not after it)."""
    if head_appointment == HeadAppointment.INTERIM:
        return True
    return head_start_date is not None and add_months(on, -FIRST_YEAR_OF_HEADSHIP_MONTHS) < head_start_date <= on


def register_facts(school_ids: list[int], on: date) -> dict[int, list[Fact]]:
    found: dict[int, list[Fact]] = {}
    rows = School.objects.filter(pk__in=school_ids).values("id", "head_appointment", "head_start_date")
    for row in rows:
        if not a_new_or_interim_headteacher_in_the_first_year_of_headship(
            head_appointment=row["head_appointment"], head_start_date=row["head_start_date"], on=on
        ):
            continue
        start = row["head_start_date"]
        if row["head_appointment"] == HeadAppointment.INTERIM:
            source = "School register: interim or acting headteacher"
            if start:
                source += f" since {start:%-d %B %Y}"
        else:
            source = f"School register: headteacher started {start:%-d %B %Y}, first year of headship"
        found[row["id"]] = [Fact(FactKey.HEAD_NEW_OR_INTERIM, source)]
    return found


# ---- Ofsted -----------------------------------------------------------------------------------

GRADED_FRAMEWORKS = [OfstedFramework.GRADED, OfstedFramework.REPORT_CARD]
CONCERN_CATEGORIES = {
    CategoryOfConcern.SPECIAL_MEASURES,
    CategoryOfConcern.SERIOUS_WEAKNESSES,
    CategoryOfConcern.SIGNIFICANT_IMPROVEMENT,
}


def ofsted_facts_of(inspection: OfstedInspection) -> list[Fact]:
    """The facts one graded or report-card inspection gives (docs/categorisation.md, "Facts that pre-tick statements"):

    Graded inspection: a category of concern (SM, SWK, RSI) or overall inadequate -> the high
    statement; requires improvement -> the medium one; good or outstanding -> the low one;
    safeguarding not effective -> the high safeguarding statement.
    Report card: safeguarding standards not met -> the high safeguarding statement; a category of
    concern or any area "urgent improvement" -> the high statement; otherwise any area "needs
    attention" -> the medium one; every graded area "expected standard" or better, with
    safeguarding met -> the low one."""
    when = f"{inspection.start_date:%-d %B %Y}"
    facts = []
    if inspection.framework == OfstedFramework.GRADED:
        grade = inspection.overall_effectiveness
        if inspection.category_of_concern in CONCERN_CATEGORIES:
            label = CategoryOfConcern(inspection.category_of_concern).label.lower()
            facts.append(Fact(FactKey.OFSTED_INADEQUATE_OR_CATEGORY, f"Ofsted: {label} ({when})"))
        elif grade == OfstedGrade.INADEQUATE:
            facts.append(Fact(FactKey.OFSTED_INADEQUATE_OR_CATEGORY, f"Ofsted: inadequate ({when})"))
        elif grade == OfstedGrade.REQUIRES_IMPROVEMENT:
            facts.append(Fact(FactKey.OFSTED_REQUIRES_IMPROVEMENT, f"Ofsted: requires improvement ({when})"))
        elif grade in (OfstedGrade.GOOD, OfstedGrade.OUTSTANDING):
            label = OfstedGrade(grade).label.lower()
            facts.append(Fact(FactKey.OFSTED_GOOD_OR_BETTER, f"Ofsted: {label} ({when})"))
        if inspection.safeguarding_effective is False:
            facts.append(Fact(FactKey.SAFEGUARDING_NOT_MET, f"Ofsted: safeguarding not effective ({when})"))
        return facts

    grades = {label: getattr(inspection, name) for name, label in RC_AREAS if getattr(inspection, name)}
    urgent = [label.lower() for label, g in grades.items() if g == ReportCardGrade.URGENT_IMPROVEMENT]
    attention = [label.lower() for label, g in grades.items() if g == ReportCardGrade.NEEDS_ATTENTION]
    if inspection.safeguarding_met is False:
        facts.append(Fact(FactKey.SAFEGUARDING_NOT_MET, f"Ofsted report card: safeguarding standards not met ({when})"))
    if inspection.category_of_concern in CONCERN_CATEGORIES:
        label = CategoryOfConcern(inspection.category_of_concern).label.lower()
        facts.append(Fact(FactKey.OFSTED_INADEQUATE_OR_CATEGORY, f"Ofsted report card: {label} ({when})"))
    elif urgent:
        facts.append(
            Fact(
                FactKey.OFSTED_INADEQUATE_OR_CATEGORY,
                f"Ofsted report card: urgent improvement in {', '.join(urgent)} ({when})",
            )
        )
    elif attention:
        facts.append(
            Fact(
                FactKey.OFSTED_REQUIRES_IMPROVEMENT,
                f"Ofsted report card: needs attention in {', '.join(attention)} ({when})",
            )
        )
    elif grades and inspection.safeguarding_met is not False:
        facts.append(
            Fact(
                FactKey.OFSTED_GOOD_OR_BETTER, f"Ofsted report card: expected standard or better in every area ({when})"
            )
        )
    return facts


def ofsted_facts(school_ids: list[int], on: date) -> dict[int, list[Fact]]:
    """Facts from each school's latest graded or report-card inspection started on or before the day."""
    latest = (
        OfstedInspection.objects.filter(school_id__in=school_ids, framework__in=GRADED_FRAMEWORKS, start_date__lte=on)
        .annotate(
            position=Window(
                RowNumber(), partition_by=[F("school_id")], order_by=[F("start_date").desc(), F("id").desc()]
            )
        )
        .filter(position=1)
    )
    found = {}
    for inspection in latest:
        facts = ofsted_facts_of(inspection)
        if facts:
            found[inspection.school_id] = facts
    return found


# ---- performance data -------------------------------------------------------------------------

UNIT_TOLERANCE = {"percent": Decimal("3"), "points": Decimal("3"), "score": Decimal("1"), "rate": Decimal("1")}
MEASURE_TOLERANCE = {
    "ks4_progress8": Decimal("0.1"),
    "ks4_attainment8": Decimal("2"),
    "attendance": Decimal("0.5"),
    "persistent_absence": Decimal("2"),
}
YEARS_USED = 3
BELOW, IN_LINE, ABOVE = "below", "in line", "above"


@dataclass(frozen=True)
class Gap:
    """A school's value of a measure in a year against national, signed so that positive is better."""

    measure_code: str
    measure_name: str
    year: int
    value: Decimal
    national: Decimal
    gap: Decimal
    tolerance: Decimal

    @property
    def position(self) -> str:
        if self.gap < -self.tolerance:
            return BELOW
        if self.gap > self.tolerance:
            return ABOVE
        return IN_LINE


def tolerance_of(code: str, unit: str) -> Decimal:
    return MEASURE_TOLERANCE.get(code, UNIT_TOLERANCE.get(unit, Decimal("1")))


def year_position(gaps: list[Gap]) -> str:
    """Below (or above) national when more than half of the year's measures are; else in line."""
    below = sum(g.position == BELOW for g in gaps)
    above = sum(g.position == ABOVE for g in gaps)
    if below * 2 > len(gaps):
        return BELOW
    if above * 2 > len(gaps):
        return ABOVE
    return IN_LINE


def _by_year(gaps: list[Gap]) -> dict[int, list[Gap]]:
    years: dict[int, list[Gap]] = defaultdict(list)
    for gap in gaps:
        years[gap.year].append(gap)
    return {year: years[year] for year in sorted(years)[-YEARS_USED:]}


def _declining_measures(gaps: list[Gap], years: list[int]) -> tuple[int, int]:
    """(measures whose gap fell in each of the years, measures with data in all of them)."""
    series: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for gap in gaps:
        series[gap.measure_code][gap.year] = gap.gap
    complete = [s for s in series.values() if all(y in s for y in years)]
    falling = sum(all(s[a] > s[b] for a, b in itertools.pairwise(years)) for s in complete)
    return falling, len(complete)


def _years_text(years) -> str:
    labels = [academic_year_label(y) for y in years]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _headline(gaps: list[Gap]) -> str:
    first = sorted(gaps, key=lambda g: g.measure_code)[0]
    return f"{first.measure_name} {first.value.normalize():f} against {first.national.normalize():f} nationally"


def attainment_facts_of(gaps: list[Gap]) -> list[Fact]:
    """Quality of education "See data" statements, from the attainment measures:

    - below national in every one of the latest years with data (at least two) -> the high
      "Attainment is consistently below national averages at the end of each Key Stage";
    - in line in the latest year -> the medium "Attainment is broadly in line with national
      averages at the end of each key stage [See data]";
    - the gap to national fell in each of the latest three years for more than half of the
      measures -> declining: the high "Attainment is declining [See data]" if the latest year is
      below national, else the medium "Attainment is declining over time. [See data]"."""
    years = _by_year(gaps)
    if not years:
        return []
    ordered = list(years)
    latest = ordered[-1]
    positions = {year: year_position(items) for year, items in years.items()}
    detail = _headline(years[latest]) + f" in {academic_year_label(latest)}"
    facts = []
    if len(ordered) >= 2 and all(p == BELOW for p in positions.values()):
        facts.append(
            Fact(
                FactKey.ATTAINMENT_BELOW_NATIONAL,
                f"Performance data: attainment below national in {_years_text(ordered)}",
                detail,
            )
        )
    if positions[latest] == IN_LINE:
        facts.append(
            Fact(
                FactKey.ATTAINMENT_IN_LINE,
                f"Performance data: attainment broadly in line with national in {academic_year_label(latest)}",
                detail,
            )
        )
    if len(ordered) == YEARS_USED:
        falling, complete = _declining_measures(gaps, ordered)
        if complete and falling * 2 > complete:
            key = FactKey.ATTAINMENT_DECLINING_AND_BELOW if positions[latest] == BELOW else FactKey.ATTAINMENT_DECLINING
            below = " and below national" if positions[latest] == BELOW else ""
            facts.append(
                Fact(
                    key,
                    f"Performance data: attainment against national fell each year {_years_text(ordered)}{below}",
                    detail,
                )
            )
    return facts


def attendance_facts_of(gaps: list[Gap]) -> list[Fact]:
    """Behaviour and attitudes "See data" statements, from the attendance measures (attendance
    and persistent absence), exactly one of:

    - in line with or better than national in the latest year, or rapidly improving (the gap
      improved by more than twice the tolerance on the year before, for more than half of the
      measures) -> the low "Attendance is high or, where it is not, it is rapidly improving";
    - below national in every one of the latest years with data (at least two) -> the high
      "Attendance is consistently low ...";
    - otherwise, below national in the latest year -> the medium "Attendance is low and not
      showing sustained improvement ..."."""
    years = _by_year(gaps)
    if not years:
        return []
    ordered = list(years)
    latest = ordered[-1]
    positions = {year: year_position(items) for year, items in years.items()}
    label = academic_year_label(latest)
    detail = _headline(years[latest]) + f" in {label}"
    if positions[latest] != BELOW:
        wording = "in line with" if positions[latest] == IN_LINE else "above"
        return [
            Fact(
                FactKey.ATTENDANCE_HIGH_OR_IMPROVING,
                f"Performance data: attendance {wording} national in {label}",
                detail,
            )
        ]
    if len(ordered) >= 2:
        before = {g.measure_code: g.gap for g in years[ordered[-2]]}
        now = [g for g in years[latest] if g.measure_code in before]
        rapid = sum(g.gap - before[g.measure_code] > 2 * g.tolerance for g in now)
        if now and rapid * 2 > len(now):
            return [
                Fact(
                    FactKey.ATTENDANCE_HIGH_OR_IMPROVING,
                    f"Performance data: attendance below national but rapidly improving in {label}",
                    detail,
                )
            ]
        if all(p == BELOW for p in positions.values()):
            return [
                Fact(
                    FactKey.ATTENDANCE_CONSISTENTLY_LOW,
                    f"Performance data: attendance below national in {_years_text(ordered)}",
                    detail,
                )
            ]
    return [Fact(FactKey.ATTENDANCE_LOW, f"Performance data: attendance below national in {label}", detail)]


def performance_facts(school_ids: list[int], on: date) -> dict[int, list[Fact]]:
    results = (
        PerformanceResult.objects.filter(
            school_id__in=school_ids,
            academic_year__lt=academic_year_of(on),
            national_value__isnull=False,
        )
        .filter(Q(measure__is_attainment=True) | Q(measure__is_attendance=True))
        .values_list(
            "school_id",
            "academic_year",
            "value",
            "national_value",
            "measure__code",
            "measure__name",
            "measure__unit",
            "measure__higher_is_better",
            "measure__is_attainment",
        )
    )
    attainment: dict[int, list[Gap]] = defaultdict(list)
    attendance: dict[int, list[Gap]] = defaultdict(list)
    for school_id, year, value, national, code, name, unit, higher_is_better, is_attainment in results:
        gap = (value - national) if higher_is_better else (national - value)
        item = Gap(code, name, year, value, national, gap, tolerance_of(code, unit))
        (attainment if is_attainment else attendance)[school_id].append(item)
    found: dict[int, list[Fact]] = {}
    for school_id in set(attainment) | set(attendance):
        facts = attainment_facts_of(attainment.get(school_id, [])) + attendance_facts_of(attendance.get(school_id, []))
        if facts:
            found[school_id] = facts
    return found


def register_all() -> None:
    register_fact_provider("school_register", register_facts)
    register_fact_provider("ofsted", ofsted_facts)
    register_fact_provider("performance", performance_facts)
