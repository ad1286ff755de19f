"""Entitlement and compliance: which visits (and MSP meetings) a school is due, and whether it
has had them. Pure functions of a school's category, the term dates and its visits; they read
nothing from the database (visits.compliance gathers the inputs in a fixed number of queries).

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
  it was set up is due but never overdue.
* enhanced_offer_use: half-days of completed enhanced-offer visits in the academic year (a full
  day is two), against the half-days bought.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import models

from accounts.roles import Role
from categorisation.models import SupportLevel
from core.text import count_of
from schools.terms import Period

from .models import MspMeetingStatus, VisitLength, VisitStatus, VisitType

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


# ---- compliance -------------------------------------------------------------------------------


def _day_month(day: date) -> str:
    return f"{day.day} {day:%b}"


@dataclass(frozen=True)
class PeriodResult:
    period: Period
    level: str | None
    required: int
    completed: int
    planned: int
    visited_on: tuple[date, ...] = ()
    planned_on: tuple[date, ...] = ()

    @property
    def met(self) -> bool:
        return self.completed >= self.required

    def state(self, today: date) -> str:
        if self.met:
            return PeriodState.VISITED
        return PeriodState.MISSED if self.period.ends_on < today else PeriodState.DUE


def period_result(*, period: Period, level: str | None, visits, today: date) -> PeriodResult:
    """A period's visits: those that count towards it, and those planned in it from today on."""
    done = sorted(v.visit_date for v in visits if visit_counts_towards_entitlement(v, period))
    planned = sorted(v.visit_date for v in visits if visit_planned_in(v, period, today))
    return PeriodResult(
        period=period,
        level=level,
        required=minimum_entitlement(maintained=True, level=level).visits_per_period,
        completed=len(done),  # visits, whatever their length (at_least_a_half_day_visit)
        planned=len(planned),
        visited_on=tuple(done),
        planned_on=tuple(planned),
    )


@dataclass(frozen=True)
class RecordEntry:
    """One line of the term's record: "Spring 1: visited 12 Jan"."""

    period: Period
    state: str
    text: str

    @property
    def name(self) -> str:
        return self.period.short_label

    def __str__(self) -> str:
        return f"{self.name}: {self.text}"


def record_entry(result: PeriodResult, today: date) -> RecordEntry:
    state = result.state(today)
    if state == PeriodState.VISITED:
        text = "visited " + ", ".join(_day_month(d) for d in result.visited_on)
    elif state == PeriodState.MISSED:
        text = "missed"
    else:
        text = "due"
        if result.planned_on:
            text += ", planned " + ", ".join(_day_month(d) for d in result.planned_on)
    return RecordEntry(period=result.period, state=state, text=text)


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


def compliance_status(
    *, missed_this_term: bool, current_met: bool, missed_earlier: bool, school_days_left: int, planned: int
) -> str:
    """Met only when every term or half-term due in the term so far has had its visit: a school
    that missed Spring 1 is not met in Spring 2 once Spring 2's visit is done, but overdue until the
    term ends. Otherwise overdue when an earlier term of this academic year ended without its visit
    and the period under way has not had its visit yet, or when the period under way ends within
    ABOUT_TO_END_SCHOOL_DAYS school days and no visit is completed or planned. Otherwise due.

    An earlier term's miss does not stop this term being met: the status says whether the school
    has had what it is owed this term, and the miss, which no visit now can mend, stays shown as
    "missed earlier" for the rest of the academic year (VisitCompliance.missed_earlier)."""
    if missed_this_term:
        return ComplianceStatus.OVERDUE
    if current_met:
        return ComplianceStatus.MET
    if missed_earlier:
        return ComplianceStatus.OVERDUE
    if school_days_left <= ABOUT_TO_END_SCHOOL_DAYS and planned == 0:
        return ComplianceStatus.OVERDUE
    return ComplianceStatus.DUE


@dataclass(frozen=True)
class VisitCompliance:
    """A school against its entitlement today. `term_record`: every period due in the current term
    so far (the one under way last); `missed_earlier`: periods of earlier terms of this academic
    year that ended without their visit."""

    entitlement: Entitlement
    level: str | None
    today: date
    term: Period | None
    current: PeriodResult | None
    term_record: tuple[PeriodResult, ...]
    missed_earlier: tuple[PeriodResult, ...]
    school_days_left: int
    status: str

    @property
    def status_label(self) -> str:
        return ComplianceStatus(self.status).label

    @property
    def missed_this_term(self) -> tuple[PeriodResult, ...]:
        return tuple(r for r in self.term_record if r.state(self.today) == PeriodState.MISSED)

    @property
    def missed(self) -> tuple[PeriodResult, ...]:
        """Every period of this academic year so far that ended without its visit."""
        return self.missed_earlier + self.missed_this_term

    @property
    def periods_due(self) -> int:
        return len(self.term_record)

    @property
    def periods_met(self) -> int:
        return sum(1 for r in self.term_record if r.met)

    @property
    def record(self) -> tuple[RecordEntry, ...]:
        return tuple(record_entry(r, self.today) for r in self.term_record)

    @property
    def record_text(self) -> str:
        """ "Spring 1: visited 12 Jan; Spring 2: due" """
        return "; ".join(str(entry) for entry in self.record)

    @property
    def missed_earlier_text(self) -> str:
        """ "Autumn 1 2026/27, Autumn 2 2026/27" (for exports)."""
        return ", ".join(r.period.label for r in self.missed_earlier)

    @property
    def missed_earlier_names(self) -> str:
        """ "Autumn 1, Autumn 2": within the academic year, as the pages show them."""
        return ", ".join(r.period.short_label for r in self.missed_earlier)


def visit_compliance(
    *, calendar: YearCalendar, maintained: bool, level_on: LevelOn, visits, opened_on: date | None = None
) -> VisitCompliance:
    """How a school stands against its entitlement today (see the module docstring). `opened_on`:
    the school's opening date, when known (a new school is not held to periods before it opened)."""
    today, term = calendar.today, calendar.current_term
    level_today = level_on(today)
    entitlement = minimum_entitlement(maintained=maintained, level=level_today)
    if not entitlement.applies or (opened_on is not None and opened_on > today):
        return VisitCompliance(entitlement, level_today, today, term, None, (), (), 0, ComplianceStatus.NOT_APPLICABLE)
    visits = list(visits)
    results = [
        period_result(period=period, level=level, visits=visits, today=today)
        for period, level in assessed_periods(calendar=calendar, level_on=level_on, opened_on=opened_on)
    ]
    current = next((r for r in results if today in r.period), None)
    term_record = tuple(r for r in results if r.period.term == term.term and r.period.starts_on >= term.starts_on)
    earlier = tuple(r for r in results if r.period.ends_on < term.starts_on and not r.met)
    missed_this_term = any(r.period.ends_on < today and not r.met for r in term_record)
    days_left = calendar.school_days_left(current.period) if current else 0
    status = compliance_status(
        missed_this_term=missed_this_term,
        current_met=current is not None and current.met,
        missed_earlier=bool(earlier),
        school_days_left=days_left,
        planned=current.planned if current else 0,
    )
    return VisitCompliance(entitlement, level_today, today, term, current, term_record, earlier, days_left, status)


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
