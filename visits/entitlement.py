"""Entitlement and compliance: which visits (and MSP meetings) a school is due, and whether it
has had them. Pure functions of a school's category, the term dates and its visits; they read
nothing from the database (visits.compliance gathers the inputs in a fixed number of queries).
This module says what is due and which visits count; visits.entitlement_status says whether the
school has had them (compliance_status, msp_meets_half_termly, enhanced_offer_use and their parts).

The rules, from the School Improvement Strategy ("Categorisation of LA maintained schools",
"Support - overview"), and the decisions where it is silent (docs/adr/0006-which-visits-count.md):

* minimum_entitlement: high support - at least one visit each half-term, plus an MSP group;
  medium, low and not yet categorised - one half-day visit each term; academies and other
  schools - no entitlement (not applicable).
* category_for_period: a period is judged by the category in effect on its last day, or today for
  the period under way. A school approved as high mid-term is held to half-termly visits from the
  half-term in which it was approved; one moved down is held to one visit in the term.
* Which visits count (visit_counts_towards_entitlement), one function per clause:
  completed_visits_count (completed only), visit_dated_within_the_period (the period runs on
  through the holiday after it), core_and_monitoring_visits_count (not enhanced-offer, external
  review or other visits), at_least_a_half_day_visit (a half or a full day, each one visit) and
  led_by_any_la_adviser_or_officer (the link adviser or any other LA adviser or officer).
* assessed_periods: a term or half-term that ended before the school opened (School.open_date) is
  not held against it; a school that has not opened yet has no entitlement yet.
* compliance_status: met only when every period due in the term so far has had its visit (the
  term's record); overdue when a period of this term ended without one, or when an earlier term of
  this academic year did and the period under way has not had its visit yet, or when the period
  under way ends within ABOUT_TO_END_SCHOOL_DAYS school days with nothing completed or planned;
  otherwise due. A period of an earlier term missed stays visible as "missed earlier" (never last
  academic year's).
* msp_meets_half_termly: an open MSP group holds a meeting each half-term; the half-term in which
  it was set up is due but never overdue. Its status reads as compliance_status does: a half-term of
  this term without a meeting keeps it overdue until the term ends; an earlier term's stays listed
  as missed (docs/adr/0060).
* enhanced_offer_use: half-days of completed enhanced-offer visits in the academic year (a full
  day is two), against the half-days bought.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import models

from accounts.roles import Role
from categorisation.models import SupportLevel
from schools.terms import Period

from .models import VisitLength, VisitStatus, VisitType

ABOUT_TO_END_SCHOOL_DAYS = 10
ENTITLEMENT_VISIT_TYPES = frozenset({VisitType.CORE.value, VisitType.MONITORING.value})
ENTITLEMENT_VISIT_LENGTHS = frozenset({VisitLength.HALF_DAY.value, VisitLength.FULL_DAY.value})
VISIT_LEAD_ROLES = frozenset({Role.ADVISER.value, Role.OFFICER.value})
HALF_TERMLY = "half_term"
TERMLY = "term"

LevelOn = Callable[[date], str | None]  # the school's category level on a day (None: not categorised)


class ComplianceStatus(models.TextChoices):
    MET = "met", "Met"
    DUE = "due", "Due"
    OVERDUE = "overdue", "Overdue"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class PeriodState(models.TextChoices):
    """Where one term or half-term of the term's record stands."""

    VISITED = "visited", "Visited"
    MISSED = "missed", "Missed"
    DUE = "due", "Due"


@dataclass(frozen=True, slots=True)
class VisitFacts:
    """What the entitlement rules read of a visit: a plain row, much lighter than a model instance
    when every school's visits of the year are read. `lead_role`: the role of the user who leads
    it (accounts.roles.Role value), None when they have none."""

    school_id: int
    adviser_id: int
    visit_date: date
    status: str
    visit_type: str
    length: str
    lead_role: str | None

    @property
    def half_days(self) -> int:
        return 2 if self.length == VisitLength.FULL_DAY else 1


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


def _weekday_before(day: date) -> date:
    """The last weekday before a day: the last teaching day before a half-term holiday that starts
    on a Monday is the Friday, not the Sunday."""
    day -= timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


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
            teaching_ends[half] = _weekday_before(record.half_term_starts_on) if half.half == 1 else record.ends_on
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


# ---- which visits count --------------------------------------------------------------------------
# One function per clause of the rule (docs/adr/0006-which-visits-count.md); each has a test of the
# same name in tests/visits/test_entitlement.py.


def completed_visits_count(*, status: str) -> bool:
    """Only a visit that has happened counts: completed, not planned (a plan is shown as planned and
    keeps the period from turning overdue near its end, but is not a visit) and never cancelled."""
    return status == VisitStatus.COMPLETED


def visit_dated_within_the_period(*, visit_date: date, period: Period) -> bool:
    """A visit counts for the term or half-term its date falls in, first and last day included. A
    period runs on through the holiday after it (schools.terms), so a visit in a holiday counts for
    the period before it; last academic year's visits never count for this year's periods."""
    return visit_date in period


def core_and_monitoring_visits_count(*, visit_type: str) -> bool:
    """The entitlement is "a half-day visit from a link School Improvement Adviser each term" (at
    least half-termly for high support): a core-entitlement or a monitoring visit counts. An
    enhanced-offer visit is bought by the school on top of its entitlement (it counts against the
    half-days bought, enhanced_offer_use); an external review is a review of the school by others,
    and an "other" visit (a meeting, training) is not the entitlement visit: neither counts."""
    return visit_type in ENTITLEMENT_VISIT_TYPES


def at_least_a_half_day_visit(*, length: str) -> bool:
    """ "At least one half-day visit per term": a half-day or a full-day visit counts, and each is one
    visit (a full day is not two entitlement visits: it cannot stand for the next half-term's)."""
    return length in ENTITLEMENT_VISIT_LENGTHS


def led_by_any_la_adviser_or_officer(*, lead_role: str | None) -> bool:
    """The visit is the LA's, "from a named School Improvement Adviser": it counts when an LA adviser
    or officer leads it, whether or not they are the school's link adviser (cover for absence, a
    change of link adviser during the year, or a senior adviser's visit). Judged by the lead's role
    (an account keeps its role when deactivated, so a departed adviser's visits still count); a
    lead with no LA role (say a governor's account, in data not entered through the visit forms,
    which only offer advisers and officers) does not count."""
    return lead_role in VISIT_LEAD_ROLES


def _would_count(visit) -> bool:
    """The clauses other than status and date: the kind of visit that counts once done."""
    return (
        core_and_monitoring_visits_count(visit_type=visit.visit_type)
        and at_least_a_half_day_visit(length=visit.length)
        and led_by_any_la_adviser_or_officer(lead_role=visit.lead_role)
    )


def visit_counts_towards_entitlement(visit, period: Period) -> bool:
    """A visit counts towards a period's entitlement when every clause holds: completed, dated
    within the period, a core-entitlement or monitoring visit, at least a half day, and led by an LA
    adviser or officer."""
    return (
        completed_visits_count(status=visit.status)
        and visit_dated_within_the_period(visit_date=visit.visit_date, period=period)
        and _would_count(visit)
    )


def visit_planned_in(visit, period: Period, today: date) -> bool:
    """A planned visit still to come within the period, of a kind that will count once completed."""
    return (
        visit.status == VisitStatus.PLANNED
        and visit_dated_within_the_period(visit_date=visit.visit_date, period=period)
        and visit.visit_date >= today
        and _would_count(visit)
    )
