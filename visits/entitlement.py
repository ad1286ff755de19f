"""Entitlement and compliance: which visits (and MSP meetings) a school is due, and whether it
has had them. Pure functions of a school's category, the term dates and its visits; they read
nothing from the database (visits.compliance gathers the inputs in a fixed number of queries).

The rules, from the School Improvement Strategy ("Categorisation of LA maintained schools",
"Support - overview"), and the decisions where it is silent:

* minimum_entitlement: high support - at least one visit each half-term, plus an MSP group;
  medium, low and not yet categorised - one half-day visit each term; academies and other
  schools - no entitlement (not applicable).
* category_for_period: a period is judged by the category in effect on its last day, or today for
  the period under way. A school approved as high mid-term is held to half-termly visits from the
  half-term in which it was approved; one moved down is held to one visit in the term.
* visit_counts_towards_entitlement: a completed core-entitlement or monitoring visit dated within
  the period (enhanced-offer visits are bought on top; external reviews and other visits are not
  the link adviser's entitlement visit).
* assessed_periods: a term or half-term that ended before the school opened (School.open_date) is
  not held against it; a school that has not opened yet has no entitlement yet.
* compliance_status: met when the period under way has its visit; otherwise overdue when an
  earlier period of this academic year ended without one, or when the period under way ends within
  ABOUT_TO_END_SCHOOL_DAYS school days with nothing completed or planned; otherwise due.
* msp_meets_half_termly: an open MSP group holds a meeting each half-term; the half-term in which
  it was set up is due but never overdue.
* enhanced_offer_use: half-days of completed enhanced-offer visits in the academic year (a full
  day is two), against the half-days bought.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import models

from categorisation.models import SupportLevel
from core.text import count_of
from schools.terms import Period

from .models import MspMeetingStatus, VisitStatus, VisitType

ABOUT_TO_END_SCHOOL_DAYS = 10
ENTITLEMENT_VISIT_TYPES = frozenset({VisitType.CORE.value, VisitType.MONITORING.value})
HALF_TERMLY = "half_term"
TERMLY = "term"

LevelOn = Callable[[date], str | None]  # the school's category level on a day (None: not categorised)


class ComplianceStatus(models.TextChoices):
    MET = "met", "Met"
    DUE = "due", "Due"
    OVERDUE = "overdue", "Overdue"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


# ---- the year's periods ---------------------------------------------------------------------


def school_days_between(first: date, last: date) -> int:
    """Weekdays from `first` to `last`, both included (0 when last is before first)."""
    if last < first:
        return 0
    days = (last - first).days + 1
    weeks, extra = divmod(days, 7)
    count = weeks * 5
    for offset in range(extra):
        if (first + timedelta(days=weeks * 7 + offset)).weekday() < 5:
            count += 1
    return count


@dataclass(frozen=True)
class YearCalendar:
    """The terms and half-terms of the academic year a day falls in, as seen on that day.

    `teaching_ends` maps each period to its last teaching day (a period runs on through the holiday
    that follows it, see schools.terms)."""

    today: date
    terms: tuple[Period, ...]
    half_terms: tuple[Period, ...]
    teaching_ends: dict = field(default_factory=dict)

    @property
    def academic_year(self) -> int:
        return self.terms[0].academic_year

    @property
    def starts_on(self) -> date:
        return self.terms[0].starts_on

    @property
    def ends_on(self) -> date:
        return self.terms[-1].ends_on

    @property
    def current_term(self) -> Period:
        return _containing(self.terms, self.today)

    @property
    def current_half_term(self) -> Period:
        return _containing(self.half_terms, self.today)

    def started(self, periods: Iterable[Period]) -> list[Period]:
        return [p for p in periods if p.starts_on <= self.today]

    def assess_day(self, period: Period) -> date:
        """The day whose category a period is judged by (category_for_period)."""
        return min(period.ends_on, self.today)

    def school_days_left(self, period: Period) -> int:
        """Weekdays from today to the period's last teaching day, both included."""
        return school_days_between(self.today, self.teaching_ends.get(period, period.ends_on))


def _containing(periods: Iterable[Period], day: date) -> Period:
    periods = list(periods)
    for period in periods:
        if day in period:
            return period
    return periods[0] if day < periods[0].starts_on else periods[-1]


def build_year_calendar(*, today: date, terms, half_terms, term_records) -> YearCalendar:
    """A YearCalendar from schools.terms' periods of one year and its Term records (for the last
    teaching day of each period)."""
    teaching_ends = {}
    by_name = {t.name: t for t in term_records}
    for term in terms:
        record = by_name.get(term.term)
        if record is not None:
            teaching_ends[term] = record.ends_on
    for half in half_terms:
        record = by_name.get(half.term)
        if record is not None:
            teaching_ends[half] = record.half_term_starts_on - timedelta(days=1) if half.half == 1 else record.ends_on
    return YearCalendar(today=today, terms=tuple(terms), half_terms=tuple(half_terms), teaching_ends=teaching_ends)


# ---- entitlement ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entitlement:
    cadence: str | None  # HALF_TERMLY, TERMLY, or None when the school has no entitlement
    visits_per_period: int
    msp_group: bool

    @property
    def applies(self) -> bool:
        return self.cadence is not None

    @property
    def label(self) -> str:
        if self.cadence == HALF_TERMLY:
            return "At least one visit each half-term, and an MSP group"
        if self.cadence == TERMLY:
            return "One half-day visit each term"
        return "No entitlement (not LA maintained)"


NO_ENTITLEMENT = Entitlement(cadence=None, visits_per_period=0, msp_group=False)


def minimum_entitlement(*, maintained: bool, level: str | None) -> Entitlement:
    """ "All LA maintained schools will receive a minimum entitlement of at least one half-day visit
    per term from a named School Improvement Adviser." High support schools "will be visited at
    least half-termly (as a minimum)" and their progress "will be evaluated through a Monitoring
    Support Partnership (MSP) group"; medium and low support schools "will receive a half-day
    visit from a link School Improvement Adviser each term".

    A maintained school not categorised yet has the minimum (one visit a term); academies and
    other schools are not the LA's to visit, so they have no entitlement."""
    if not maintained:
        return NO_ENTITLEMENT
    if level == SupportLevel.HIGH:
        return Entitlement(cadence=HALF_TERMLY, visits_per_period=1, msp_group=True)
    return Entitlement(cadence=TERMLY, visits_per_period=1, msp_group=False)


def category_for_period(*, period: Period, today: date, level_on: LevelOn) -> str | None:
    """The category a period is judged by: the one in effect on the period's last day, or today's
    for the period under way ("School ratings may change during the year, so direction of travel
    is monitored carefully on at least a termly basis")."""
    return level_on(min(period.ends_on, today))


def visit_counts_towards_entitlement(visit, period: Period) -> bool:
    """A visit done: completed (not planned, not cancelled), dated within the period, and a core
    entitlement or monitoring visit (enhanced-offer visits are bought on top of the entitlement)."""
    return (
        visit.status == VisitStatus.COMPLETED
        and visit.visit_type in ENTITLEMENT_VISIT_TYPES
        and visit.visit_date in period
    )


def visit_planned_in(visit, period: Period, today: date) -> bool:
    """A planned entitlement visit still to come within the period."""
    return (
        visit.status == VisitStatus.PLANNED
        and visit.visit_type in ENTITLEMENT_VISIT_TYPES
        and today <= visit.visit_date <= period.ends_on
        and visit.visit_date >= period.starts_on
    )


# ---- compliance -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodResult:
    period: Period
    level: str | None
    required: int
    completed: int
    planned: int

    @property
    def met(self) -> bool:
        return self.completed >= self.required


def assessed_periods(
    *, calendar: YearCalendar, level_on: LevelOn, opened_on: date | None = None
) -> list[tuple[Period, str | None]]:
    """The periods of the academic year so far that the school is held to, each with the category
    it is judged by: every half-term judged high, and every term judged anything else. A period
    that ended before the school opened is not held against it."""
    found = []
    for half in calendar.started(calendar.half_terms):
        level = category_for_period(period=half, today=calendar.today, level_on=level_on)
        if level == SupportLevel.HIGH:
            found.append((half, level))
    for term in calendar.started(calendar.terms):
        level = category_for_period(period=term, today=calendar.today, level_on=level_on)
        if level != SupportLevel.HIGH:
            found.append((term, level))
    if opened_on is not None:
        found = [(period, level) for period, level in found if period.ends_on >= opened_on]
    return sorted(found, key=lambda pair: (pair[0].ends_on, pair[0].starts_on))


def compliance_status(*, current_met: bool, missed_earlier: bool, school_days_left: int, planned: int) -> str:
    """Met when the period under way has had its visit. Otherwise overdue when an earlier period of
    this academic year ended without its visit, or when the period under way ends within
    ABOUT_TO_END_SCHOOL_DAYS school days and no visit is completed or planned. Otherwise due."""
    if current_met:
        return ComplianceStatus.MET
    if missed_earlier:
        return ComplianceStatus.OVERDUE
    if school_days_left <= ABOUT_TO_END_SCHOOL_DAYS and planned == 0:
        return ComplianceStatus.OVERDUE
    return ComplianceStatus.DUE


@dataclass(frozen=True)
class VisitCompliance:
    entitlement: Entitlement
    level: str | None
    current: PeriodResult | None
    missed: tuple[PeriodResult, ...]
    school_days_left: int
    status: str

    @property
    def status_label(self) -> str:
        return ComplianceStatus(self.status).label


def visit_compliance(
    *, calendar: YearCalendar, maintained: bool, level_on: LevelOn, visits, opened_on: date | None = None
) -> VisitCompliance:
    """How a school stands against its entitlement today (see the module docstring). `opened_on`:
    the school's opening date, when known (a new school is not held to periods before it opened)."""
    level_today = level_on(calendar.today)
    entitlement = minimum_entitlement(maintained=maintained, level=level_today)
    if not entitlement.applies or (opened_on is not None and opened_on > calendar.today):
        return VisitCompliance(entitlement, level_today, None, (), 0, ComplianceStatus.NOT_APPLICABLE)
    visits = list(visits)
    results = []
    for period, level in assessed_periods(calendar=calendar, level_on=level_on, opened_on=opened_on):
        results.append(
            PeriodResult(
                period=period,
                level=level,
                required=minimum_entitlement(maintained=True, level=level).visits_per_period,
                completed=sum(1 for v in visits if visit_counts_towards_entitlement(v, period)),
                planned=sum(1 for v in visits if visit_planned_in(v, period, calendar.today)),
            )
        )
    current = next((r for r in results if calendar.today in r.period), None)
    missed = tuple(r for r in results if r.period.ends_on < calendar.today and not r.met)
    days_left = calendar.school_days_left(current.period) if current else 0
    status = compliance_status(
        current_met=current is not None and current.met,
        missed_earlier=bool(missed),
        school_days_left=days_left,
        planned=current.planned if current else 0,
    )
    return VisitCompliance(entitlement, level_today, current, missed, days_left, status)


# ---- MSP meetings -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MspCompliance:
    current: PeriodResult
    missed: tuple[PeriodResult, ...]
    status: str
    last_held_on: date | None

    @property
    def status_label(self) -> str:
        return ComplianceStatus(self.status).label


def msp_meets_half_termly(*, calendar: YearCalendar, set_up_on: date, meetings) -> MspCompliance:
    """ "This group will meet at least half-termly in the first instance."

    Each half-term of this academic year that starts on or after the group's set-up date needs a
    meeting held within it; in the half-term the group is set up in, a meeting is due but never
    overdue. Overdue also when the half-term under way ends within ABOUT_TO_END_SCHOOL_DAYS school
    days with no meeting held or planned."""
    meetings = [m for m in meetings if m.status != MspMeetingStatus.CANCELLED]
    held = [m for m in meetings if m.status == MspMeetingStatus.HELD]

    def result(period: Period) -> PeriodResult:
        return PeriodResult(
            period=period,
            level=SupportLevel.HIGH,
            required=1,
            completed=sum(1 for m in held if m.held_on in period),
            planned=sum(
                1
                for m in meetings
                if m.status == MspMeetingStatus.PLANNED and calendar.today <= m.held_on <= period.ends_on
            ),
        )

    current_period = calendar.current_half_term
    current = result(current_period)
    assessed = [h for h in calendar.started(calendar.half_terms) if h.starts_on >= set_up_on]
    missed = tuple(r for r in map(result, assessed) if r.period.ends_on < calendar.today and not r.met)
    if current.met:
        status = ComplianceStatus.MET
    elif missed or (
        current_period.starts_on >= set_up_on
        and calendar.school_days_left(current_period) <= ABOUT_TO_END_SCHOOL_DAYS
        and current.planned == 0
    ):
        status = ComplianceStatus.OVERDUE
    else:
        status = ComplianceStatus.DUE
    last = max((m.held_on for m in held), default=None)
    return MspCompliance(current=current, missed=missed, status=status, last_held_on=last)


def msp_group_to_set_up(*, maintained: bool, level: str | None, has_open_group: bool) -> bool:
    """High support schools are "evaluated through a Monitoring Support Partnership (MSP) group":
    a maintained high-support school with no open group is flagged until one is set up."""
    return maintained and level == SupportLevel.HIGH and not has_open_group


# ---- enhanced offer ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EnhancedUse:
    bought: int
    used: int
    by_link_adviser: int

    @property
    def remaining(self) -> int:
        return max(0, self.bought - self.used)

    @property
    def label(self) -> str:
        return f"{self.used} of {count_of(self.bought, 'half-day')} used"


def enhanced_offer_use(*, bought: int, visits, calendar: YearCalendar, link_adviser_id: int | None) -> EnhancedUse:
    """ "All schools can also access an enhanced offer of up to six half-day visits - at least three
    of which are from the named School Improvement Adviser."

    Used: half-days of completed enhanced-offer visits dated in the academic year (half day 1, full
    day 2); by_link_adviser: those led by the school's link adviser."""
    done = [
        v
        for v in visits
        if v.status == VisitStatus.COMPLETED
        and v.visit_type == VisitType.ENHANCED
        and calendar.starts_on <= v.visit_date <= calendar.ends_on
    ]
    return EnhancedUse(
        bought=bought,
        used=sum(v.half_days for v in done),
        by_link_adviser=sum(v.half_days for v in done if link_adviser_id and v.adviser_id == link_adviser_id),
    )
