"""Whether a school has had the visits (and MSP meetings) visits.entitlement says it is due: the
term's compliance status and record, an MSP group's half-termly meetings, and the enhanced offer's
use. Pure functions, as in visits.entitlement (whose docstring states the rules)."""

from dataclasses import dataclass
from datetime import date

from categorisation.models import SupportLevel
from core.text import count_of
from schools.terms import Period

from .entitlement import (
    ABOUT_TO_END_SCHOOL_DAYS,
    ComplianceStatus,
    Entitlement,
    LevelOn,
    PeriodState,
    YearCalendar,
    category_for_period,
    minimum_entitlement,
    visit_counts_towards_entitlement,
    visit_planned_in,
)
from .models import MspMeetingStatus, VisitStatus, VisitType

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
    missed: tuple[PeriodResult, ...]  # half-terms of this academic year that ended without a meeting
    status: str
    last_held_on: date | None

    @property
    def status_label(self) -> str:
        return ComplianceStatus(self.status).label

    @property
    def missed_names(self) -> str:
        """ "Autumn 1, Spring 1": within the academic year, as the pages show them."""
        return ", ".join(r.period.short_label for r in self.missed)

    @property
    def missed_text(self) -> str:
        """ "Autumn 1 2026/27, Spring 1 2026/27" (for exports)."""
        return ", ".join(r.period.label for r in self.missed)


def msp_meets_half_termly(*, calendar: YearCalendar, set_up_on: date, meetings) -> MspCompliance:
    """ "This group will meet at least half-termly in the first instance."

    Each half-term of this academic year that starts on or after the group's set-up date needs a
    meeting held within it; in the half-term the group is set up in, a meeting is due but never
    overdue. The status reads as a school's visits do (compliance_status, docs/adr/0006): a
    half-term of this term that ended without a meeting keeps the group overdue until the term
    ends, even once the next meeting is held; one of an earlier term does not stop this half-term
    being met, and stays listed as missed for the rest of the academic year (docs/adr/0060)."""
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

    current_period, term = calendar.current_half_term, calendar.current_term
    current = result(current_period)
    assessed = [h for h in calendar.started(calendar.half_terms) if h.starts_on >= set_up_on]
    missed = tuple(r for r in map(result, assessed) if r.period.ends_on < calendar.today and not r.met)
    set_up_this_half_term = current_period.starts_on < set_up_on
    status = compliance_status(
        missed_this_term=any(r.period.starts_on >= term.starts_on for r in missed),
        current_met=current.met,
        missed_earlier=bool(missed),
        # The half-term a group is set up in is never overdue for want of a meeting.
        school_days_left=ABOUT_TO_END_SCHOOL_DAYS + 1
        if set_up_this_half_term
        else calendar.school_days_left(current_period),
        planned=current.planned,
    )
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
