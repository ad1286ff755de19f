"""Entitlement and compliance rules (visits.entitlement), on England default term dates for 2026/27
(schools.terms.default_terms; each period runs on through the holiday after it):

    Autumn 2026/27   1 Sep 2026 - 3 Jan 2027 (teaching ends Fri 18 Dec)
      Autumn 1       1 Sep - 30 Oct   (teaching ends Fri 23 Oct; half-term holiday 26-30 Oct)
      Autumn 2       31 Oct - 3 Jan   (teaching 2 Nov - 18 Dec; Christmas holiday 19 Dec - 3 Jan)
    Spring 2026/27   4 Jan - 11 Apr 2027 (teaching ends Thu 25 Mar)
      Spring 1       4 Jan - 19 Feb   (teaching ends Fri 12 Feb; half-term holiday 15-19 Feb)
      Spring 2       20 Feb - 11 Apr  (teaching ends Thu 25 Mar; Easter holiday 26 Mar - 11 Apr)
    Summer 2026/27   12 Apr - 31 Aug 2027 (teaching ends Fri 16 Jul)
      Summer 1       12 Apr - 4 Jun   (teaching ends Fri 28 May; half-term holiday 31 May - 4 Jun)
      Summer 2       5 Jun - 31 Aug   (summer holiday 17 Jul - 31 Aug)
    Autumn 2027/28   from Wed 1 Sep 2027

The pure rules take "today" as an argument; tests of pages that read the clock freeze it with
`on_day` (tests/visits/test_compliance_pages.py)."""

from datetime import date

import pytest

from accounts.roles import Role
from categorisation.models import SupportLevel
from schools.models import Term
from tests.categorisation.factories import ApprovedCategorisationFactory, aware
from tests.factories import SchoolFactory, UserFactory
from tests.visits.factories import (
    AdviserFactory,
    EnhancedOfferFactory,
    MspGroupFactory,
    MspMeetingFactory,
    VisitFactory,
)
from visits.compliance import compliance_rows, year_calendar
from visits.entitlement import (
    ABOUT_TO_END_SCHOOL_DAYS,
    HALF_TERMLY,
    TERMLY,
    ComplianceStatus,
    VisitFacts,
    at_least_a_half_day_visit,
    category_for_period,
    completed_visits_count,
    core_and_monitoring_visits_count,
    led_by_any_la_adviser_or_officer,
    minimum_entitlement,
    school_days_between,
    visit_counts_towards_entitlement,
    visit_dated_within_the_period,
)
from visits.entitlement_status import (
    compliance_status,
    enhanced_offer_use,
    msp_group_to_set_up,
    msp_meets_half_termly,
    visit_compliance,
)
from visits.models import MspMeeting, MspMeetingStatus, VisitLength, VisitStatus, VisitType

pytestmark = pytest.mark.django_db

HIGH, MEDIUM, LOW = SupportLevel.HIGH.value, SupportLevel.MEDIUM.value, SupportLevel.LOW.value
MET, DUE, OVERDUE = ComplianceStatus.MET.value, ComplianceStatus.DUE.value, ComplianceStatus.OVERDUE.value
NOV_22 = date(2026, 11, 22)
SEPT = date(2026, 9, 15)
OCT_30 = date(2026, 10, 30)  # last day of autumn 1 (half-term holiday)
OCT_31 = date(2026, 10, 31)  # first day of autumn 2
NOV_10 = date(2026, 11, 10)
JAN_12 = date(2027, 1, 12)


def levels(*changes):
    """level_on for a school whose category changes on the given days: levels((d1, "medium"), ...)."""

    def level_on(day):
        found = None
        for since, level in changes:
            if since <= day:
                found = level
        return found

    return level_on


HIGH_ALL_YEAR = levels((date(2025, 6, 1), HIGH))
MEDIUM_ALL_YEAR = levels((date(2025, 6, 1), MEDIUM))
NO_CATEGORY = levels()


def visit(
    day,
    status=VisitStatus.COMPLETED,
    visit_type=VisitType.CORE,
    length=VisitLength.HALF_DAY,
    adviser_id=1,
    lead_role=Role.ADVISER.value,
):
    return VisitFacts(
        school_id=1,
        adviser_id=adviser_id,
        visit_date=day,
        status=status,
        visit_type=visit_type,
        length=length,
        lead_role=lead_role,
    )


def planned(day):
    return visit(day, VisitStatus.PLANNED)


def meeting(day, status=MspMeetingStatus.HELD):
    return MspMeeting(held_on=day, status=status)


def compliance(today, level_on, visits, maintained=True, opened_on=None):
    return visit_compliance(
        calendar=year_calendar(today), maintained=maintained, level_on=level_on, visits=visits, opened_on=opened_on
    )


# ---- the entitlement ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("maintained", "level", "cadence", "msp_group"),
    [
        (True, HIGH, HALF_TERMLY, True),
        (True, MEDIUM, TERMLY, False),
        (True, LOW, TERMLY, False),
        (True, None, TERMLY, False),  # not categorised yet: the minimum entitlement
        (False, HIGH, None, False),  # academies: not the LA's to visit
        (False, None, None, False),
    ],
)
def test_minimum_entitlement(maintained, level, cadence, msp_group):
    entitlement = minimum_entitlement(maintained=maintained, level=level)
    assert (entitlement.cadence, entitlement.msp_group) == (cadence, msp_group)
    assert entitlement.visits_per_period == (1 if maintained else 0)


def test_category_for_period():
    calendar = year_calendar(NOV_22)
    autumn_1, autumn_2 = calendar.half_terms[:2]
    level_on = levels((date(2026, 9, 1), MEDIUM), (date(2026, 10, 20), HIGH), (date(2026, 11, 20), LOW))
    # an ended period: the category on its last day; the period under way: today's
    assert category_for_period(period=autumn_1, today=NOV_22, level_on=level_on) == HIGH
    assert category_for_period(period=autumn_2, today=NOV_22, level_on=level_on) == LOW
    assert category_for_period(period=autumn_2, today=date(2026, 11, 19), level_on=level_on) == HIGH


# ---- which visits count: one test per clause --------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "counts"),
    [(VisitStatus.COMPLETED, True), (VisitStatus.PLANNED, False), (VisitStatus.CANCELLED, False)],
)
def test_completed_visits_count(status, counts):
    assert completed_visits_count(status=status) is counts


@pytest.mark.parametrize(
    ("period_index", "day", "within"),
    [
        # the autumn term (index 0 of the terms)
        ("term 0", date(2026, 8, 31), False),  # the day before: last year's summer holiday
        ("term 0", date(2026, 9, 1), True),  # first day
        ("term 0", date(2026, 10, 28), True),  # October half-term holiday
        ("term 0", date(2026, 12, 18), True),  # last teaching day
        ("term 0", date(2026, 12, 25), True),  # Christmas holiday
        ("term 0", date(2026, 12, 31), True),  # New Year's Eve
        ("term 0", date(2027, 1, 1), True),  # New Year's Day: still the autumn term's holiday
        ("term 0", date(2027, 1, 3), True),  # the last day of the holiday
        ("term 0", date(2027, 1, 4), False),  # first day of spring
        # autumn 1 and autumn 2 (half-terms 0 and 1)
        ("half 0", date(2026, 10, 23), True),  # last teaching day of autumn 1
        ("half 0", date(2026, 10, 30), True),  # last day of its half-term holiday
        ("half 0", date(2026, 10, 31), False),
        ("half 1", date(2026, 10, 30), False),
        ("half 1", date(2026, 10, 31), True),  # first day of autumn 2
        ("half 1", date(2027, 1, 1), True),
        # spring 1 and 2, and the February half-term
        ("half 2", date(2027, 1, 4), True),
        ("half 2", date(2027, 2, 12), True),  # last teaching day before the February half-term
        ("half 2", date(2027, 2, 17), True),  # February half-term holiday
        ("half 2", date(2027, 2, 20), False),
        ("half 3", date(2027, 2, 20), True),  # first day of spring 2
        ("half 3", date(2027, 3, 25), True),  # last teaching day
        ("half 3", date(2027, 4, 5), True),  # Easter holiday
        ("half 3", date(2027, 4, 12), False),  # first day of summer
        # summer 1 and 2, the May half-term and the summer holiday
        ("half 4", date(2027, 4, 12), True),
        ("half 4", date(2027, 6, 2), True),  # May half-term holiday
        ("half 4", date(2027, 6, 5), False),
        ("half 5", date(2027, 6, 5), True),
        ("half 5", date(2027, 7, 16), True),  # last teaching day of the year
        ("half 5", date(2027, 8, 20), True),  # summer holiday
        ("half 5", date(2027, 8, 31), True),  # the last day of the academic year
        ("half 5", date(2027, 9, 1), False),  # next year's autumn term
    ],
)
def test_visit_dated_within_the_period(period_index, day, within):
    calendar = year_calendar(NOV_22)
    kind, index = period_index.split()
    period = (calendar.terms if kind == "term" else calendar.half_terms)[int(index)]
    assert visit_dated_within_the_period(visit_date=day, period=period) is within


@pytest.mark.parametrize(
    ("visit_type", "counts"),
    [
        (VisitType.CORE, True),
        (VisitType.MONITORING, True),
        (VisitType.ENHANCED, False),  # bought on top: counts against the half-days bought
        (VisitType.EXTERNAL_REVIEW, False),
        (VisitType.OTHER, False),
    ],
)
def test_core_and_monitoring_visits_count(visit_type, counts):
    assert core_and_monitoring_visits_count(visit_type=visit_type) is counts


@pytest.mark.parametrize(
    ("length", "counts"), [(VisitLength.HALF_DAY, True), (VisitLength.FULL_DAY, True), ("", False), ("hour", False)]
)
def test_at_least_a_half_day_visit(length, counts):
    assert at_least_a_half_day_visit(length=length) is counts


@pytest.mark.parametrize(
    ("lead_role", "counts"),
    [
        (Role.ADVISER.value, True),  # the link adviser or any other adviser
        (Role.OFFICER.value, True),  # a senior officer's visit
        (Role.ADMIN.value, False),
        (Role.GOVERNOR.value, False),
        (None, False),  # an account with no role
    ],
)
def test_led_by_any_la_adviser_or_officer(lead_role, counts):
    assert led_by_any_la_adviser_or_officer(lead_role=lead_role) is counts


@pytest.mark.parametrize(
    ("day", "status", "visit_type", "length", "lead_role", "counts"),
    [
        (date(2026, 9, 1), VisitStatus.COMPLETED, VisitType.CORE, VisitLength.HALF_DAY, "adviser", True),
        (date(2026, 12, 18), VisitStatus.COMPLETED, VisitType.CORE, VisitLength.HALF_DAY, "adviser", True),
        (date(2027, 1, 3), VisitStatus.COMPLETED, VisitType.CORE, VisitLength.HALF_DAY, "adviser", True),
        (date(2027, 1, 4), VisitStatus.COMPLETED, VisitType.CORE, VisitLength.HALF_DAY, "adviser", False),
        (date(2026, 8, 31), VisitStatus.COMPLETED, VisitType.CORE, VisitLength.HALF_DAY, "adviser", False),
        (date(2026, 10, 1), VisitStatus.COMPLETED, VisitType.MONITORING, VisitLength.FULL_DAY, "officer", True),
        (date(2026, 10, 1), VisitStatus.PLANNED, VisitType.CORE, VisitLength.HALF_DAY, "adviser", False),
        (date(2026, 10, 1), VisitStatus.CANCELLED, VisitType.CORE, VisitLength.HALF_DAY, "adviser", False),
        (date(2026, 10, 1), VisitStatus.COMPLETED, VisitType.ENHANCED, VisitLength.HALF_DAY, "adviser", False),
        (date(2026, 10, 1), VisitStatus.COMPLETED, VisitType.EXTERNAL_REVIEW, VisitLength.FULL_DAY, "adviser", False),
        (date(2026, 10, 1), VisitStatus.COMPLETED, VisitType.OTHER, VisitLength.HALF_DAY, "adviser", False),
        (date(2026, 10, 1), VisitStatus.COMPLETED, VisitType.CORE, VisitLength.HALF_DAY, "governor", False),
        (date(2026, 10, 1), VisitStatus.COMPLETED, VisitType.CORE, VisitLength.HALF_DAY, None, False),
    ],
)  # fmt: skip
def test_visit_counts_towards_entitlement(day, status, visit_type, length, lead_role, counts):
    autumn = year_calendar(NOV_22).terms[0]
    assert (
        visit_counts_towards_entitlement(visit(day, status, visit_type, length, lead_role=lead_role), autumn) is counts
    )


def test_a_full_day_visit_is_one_visit_and_cannot_stand_for_the_next_half_term():
    result = compliance(NOV_22, HIGH_ALL_YEAR, [visit(SEPT, length=VisitLength.FULL_DAY)])
    assert result.term_record[0].completed == 1
    assert result.record_text == "Autumn 1: visited 15 Sep; Autumn 2: due"
    assert result.status == DUE


def test_a_planned_visit_of_a_kind_that_does_not_count_does_not_stop_the_period_turning_overdue():
    end_of_term = date(2026, 12, 10)
    assert compliance(end_of_term, MEDIUM_ALL_YEAR, [planned(date(2026, 12, 15))]).status == DUE
    enhanced = visit(date(2026, 12, 15), VisitStatus.PLANNED, VisitType.ENHANCED)
    assert compliance(end_of_term, MEDIUM_ALL_YEAR, [enhanced]).status == OVERDUE


# ---- school days ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "days"),
    [
        (date(2026, 11, 23), date(2026, 11, 27), 5),  # Monday to Friday
        (date(2026, 11, 22), date(2026, 11, 22), 0),  # a Sunday
        (date(2026, 11, 23), date(2026, 12, 18), 20),
        (date(2026, 12, 19), date(2026, 12, 18), 0),  # after the last teaching day
        (date(2026, 12, 31), date(2027, 1, 8), 7),  # across New Year (bank holidays are not known)
        (date(2028, 2, 28), date(2028, 3, 1), 3),  # across 29 February in a leap year
    ],
)
def test_school_days_between(first, last, days):
    assert school_days_between(first, last) == days


# ---- the status -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("missed_this_term", "current_met", "missed_earlier", "days_left", "planned", "status"),
    [
        (False, True, False, 0, 0, MET),
        (False, True, True, 30, 0, MET),  # an earlier term's miss is shown, not held against this term
        (True, True, False, 30, 0, OVERDUE),  # a half-term of this term missed: never met this term
        (True, False, False, 30, 1, OVERDUE),
        (False, False, True, 30, 1, OVERDUE),  # missed earlier and this term's visit still to come
        (False, False, False, ABOUT_TO_END_SCHOOL_DAYS, 0, OVERDUE),
        (False, False, False, ABOUT_TO_END_SCHOOL_DAYS, 1, DUE),
        (False, False, False, ABOUT_TO_END_SCHOOL_DAYS + 1, 0, DUE),
        (False, False, False, 0, 0, OVERDUE),  # in the holiday after the period
    ],
)
def test_compliance_status(missed_this_term, current_met, missed_earlier, days_left, planned, status):
    assert (
        compliance_status(
            missed_this_term=missed_this_term,
            current_met=current_met,
            missed_earlier=missed_earlier,
            school_days_left=days_left,
            planned=planned,
        )
        == status
    )


# ---- a school's compliance ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "today", "level_on", "visits", "status", "record", "missed_earlier"),
    [
        ("not categorised, visited in September", NOV_22, NO_CATEGORY, [visit(SEPT)], MET,
         "Autumn term: visited 15 Sep", []),
        ("not categorised, no visit yet", NOV_22, NO_CATEGORY, [], DUE, "Autumn term: due", []),
        ("medium, planned visit only", NOV_22, MEDIUM_ALL_YEAR, [planned(date(2026, 11, 30))], DUE,
         "Autumn term: due, planned 30 Nov", []),
        ("medium, term ends in 8 school days, nothing planned", date(2026, 12, 9), MEDIUM_ALL_YEAR, [], OVERDUE,
         "Autumn term: due", []),
        ("medium, term ends soon, a visit planned", date(2026, 12, 10), MEDIUM_ALL_YEAR,
         [planned(date(2026, 12, 15))], DUE, "Autumn term: due, planned 15 Dec", []),
        ("medium, cancelled visit does not count", NOV_22, MEDIUM_ALL_YEAR, [visit(SEPT, VisitStatus.CANCELLED)],
         DUE, "Autumn term: due", []),
        ("high, visited in autumn 1 only", NOV_22, HIGH_ALL_YEAR, [visit(SEPT)], DUE,
         "Autumn 1: visited 15 Sep; Autumn 2: due", []),
        ("high, visited in both half-terms", NOV_22, HIGH_ALL_YEAR, [visit(SEPT), visit(NOV_10)], MET,
         "Autumn 1: visited 15 Sep; Autumn 2: visited 10 Nov", []),
        ("high, missed autumn 1", NOV_22, HIGH_ALL_YEAR, [], OVERDUE, "Autumn 1: missed; Autumn 2: due", []),
        ("the issue's case: missed autumn 1, visited this half-term: not met", NOV_22, HIGH_ALL_YEAR,
         [visit(NOV_10)], OVERDUE, "Autumn 1: missed; Autumn 2: visited 10 Nov", []),
        ("high, visit on the last day of autumn 1 counts for it", NOV_22, HIGH_ALL_YEAR, [visit(OCT_30)], DUE,
         "Autumn 1: visited 30 Oct; Autumn 2: due", []),
        ("high, visit on the first day of autumn 2 counts for it", NOV_22, HIGH_ALL_YEAR, [visit(OCT_31)], OVERDUE,
         "Autumn 1: missed; Autumn 2: visited 31 Oct", []),
        ("approved high in autumn 2: half-termly from autumn 2 only", NOV_22,
         levels((date(2025, 6, 1), MEDIUM), (date(2026, 11, 5), HIGH)), [], DUE, "Autumn 2: due", []),
        ("approved high in autumn 2, visited in September only", NOV_22,
         levels((date(2025, 6, 1), MEDIUM), (date(2026, 11, 5), HIGH)), [visit(SEPT)], DUE, "Autumn 2: due", []),
        ("high in autumn 1, medium since: autumn 1 missed, so the term is not met", NOV_22,
         levels((date(2025, 6, 1), HIGH), (date(2026, 11, 5), MEDIUM)), [visit(NOV_10)], OVERDUE,
         "Autumn 1: missed; Autumn term: visited 10 Nov", []),
        ("first categorised in autumn 2 as medium", NOV_22, levels((date(2026, 11, 5), MEDIUM)), [visit(SEPT)], MET,
         "Autumn term: visited 15 Sep", []),
        ("spring: the issue's example", date(2027, 3, 1), HIGH_ALL_YEAR,
         [visit(SEPT), visit(NOV_10), visit(JAN_12)], DUE, "Spring 1: visited 12 Jan; Spring 2: due", []),
        ("spring: autumn 1 missed earlier, this term met", date(2027, 3, 1), HIGH_ALL_YEAR,
         [visit(NOV_10), visit(JAN_12), visit(date(2027, 2, 25))], MET,
         "Spring 1: visited 12 Jan; Spring 2: visited 25 Feb", ["Autumn 1 2026/27"]),
        ("spring: autumn missed earlier, spring's visit still to come", date(2027, 1, 4), MEDIUM_ALL_YEAR, [],
         OVERDUE, "Spring term: due", ["Autumn 2026/27"]),
        ("a new year: last summer's missed visit is not held against it", date(2026, 9, 8), MEDIUM_ALL_YEAR, [], DUE,
         "Autumn term: due", []),
        ("the summer holiday still counts in the summer term", date(2027, 8, 20), MEDIUM_ALL_YEAR, [], OVERDUE,
         "Summer term: due", ["Autumn 2026/27", "Spring 2026/27"]),
        ("visits of the summer holiday count in the summer term", date(2027, 8, 20), MEDIUM_ALL_YEAR,
         [visit(SEPT), visit(date(2027, 2, 1)), visit(date(2027, 8, 19))], MET, "Summer term: visited 19 Aug", []),
        ("two visits in one half-term", NOV_22, HIGH_ALL_YEAR, [visit(SEPT), visit(NOV_10), visit(date(2026, 11, 20))],
         MET, "Autumn 1: visited 15 Sep; Autumn 2: visited 10 Nov, 20 Nov", []),
        ("a visit led by an officer counts; one by a governor's account does not", NOV_22, HIGH_ALL_YEAR,
         [visit(SEPT, lead_role="officer"), visit(NOV_10, lead_role="governor")], DUE,
         "Autumn 1: visited 15 Sep; Autumn 2: due", []),
    ],
    ids=lambda value: value if isinstance(value, str) and " " in value else None,
)  # fmt: skip
def test_visit_compliance(case, today, level_on, visits, status, record, missed_earlier):
    result = compliance(today, level_on, visits)
    assert result.status == status
    assert result.record_text == record
    assert [m.period.label for m in result.missed_earlier] == missed_earlier


def test_the_terms_record_lists_each_period_due_in_the_term_with_its_state():
    result = compliance(date(2027, 3, 1), HIGH_ALL_YEAR, [visit(JAN_12), planned(date(2027, 3, 10))])
    assert [(entry.name, entry.state, entry.text) for entry in result.record] == [
        ("Spring 1", "visited", "visited 12 Jan"),
        ("Spring 2", "due", "due, planned 10 Mar"),
    ]
    assert (result.periods_due, result.periods_met) == (2, 1)
    assert result.term.label == "Spring 2026/27"
    assert result.current.period.label == "Spring 2 2026/27"
    assert [m.period.label for m in result.missed_earlier] == ["Autumn 1 2026/27", "Autumn 2 2026/27"]
    assert result.missed_earlier_text == "Autumn 1 2026/27, Autumn 2 2026/27"


def test_an_academy_has_no_entitlement_so_compliance_is_not_applicable():
    result = compliance(NOV_22, HIGH_ALL_YEAR, [], maintained=False)
    assert result.status == ComplianceStatus.NOT_APPLICABLE
    assert result.current is None
    assert result.record == ()


def test_planned_visits_count_only_from_today_to_the_end_of_the_period():
    result = compliance(
        NOV_22, MEDIUM_ALL_YEAR, [planned(date(2026, 11, 20)), planned(date(2026, 12, 2)), planned(JAN_12)]
    )
    assert result.current.planned == 1  # not the stale one of 20 November, nor January's
    assert result.record_text == "Autumn term: due, planned 2 Dec"


# ---- the status on each day: term boundaries, holidays, New Year, across academic years -------------

# A high-support school visited once in each half-term of 2026/27 so far, except none in autumn 2.
HALF_TERMLY_VISITS = [visit(SEPT), visit(JAN_12), visit(date(2027, 3, 3)), visit(date(2027, 5, 5)),
                      visit(date(2027, 6, 16))]  # fmt: skip


@pytest.mark.parametrize(
    ("today", "status", "record", "missed_earlier"),
    [
        (date(2026, 9, 1), DUE, "Autumn 1: due", []),  # first day of the academic year
        (date(2026, 10, 23), MET, "Autumn 1: visited 15 Sep", []),  # last teaching day of autumn 1
        (date(2026, 10, 28), MET, "Autumn 1: visited 15 Sep", []),  # October half-term
        (date(2026, 10, 31), DUE, "Autumn 1: visited 15 Sep; Autumn 2: due", []),  # first day of autumn 2
        (date(2026, 12, 4), DUE, "Autumn 1: visited 15 Sep; Autumn 2: due", []),  # 11 school days left
        (date(2026, 12, 7), OVERDUE, "Autumn 1: visited 15 Sep; Autumn 2: due", []),  # 10 left, none planned
        (date(2026, 12, 25), OVERDUE, "Autumn 1: visited 15 Sep; Autumn 2: due", []),  # Christmas
        (date(2026, 12, 31), OVERDUE, "Autumn 1: visited 15 Sep; Autumn 2: due", []),  # New Year's Eve
        (date(2027, 1, 1), OVERDUE, "Autumn 1: visited 15 Sep; Autumn 2: due", []),  # New Year's Day
        (date(2027, 1, 4), OVERDUE, "Spring 1: due", ["Autumn 2 2026/27"]),  # spring begins: autumn 2 missed
        (date(2027, 1, 12), MET, "Spring 1: visited 12 Jan", ["Autumn 2 2026/27"]),
        (date(2027, 2, 17), MET, "Spring 1: visited 12 Jan", ["Autumn 2 2026/27"]),  # February half-term
        (date(2027, 2, 20), OVERDUE, "Spring 1: visited 12 Jan; Spring 2: due", ["Autumn 2 2026/27"]),
        (date(2027, 3, 3), MET, "Spring 1: visited 12 Jan; Spring 2: visited 3 Mar", ["Autumn 2 2026/27"]),
        (date(2027, 4, 5), MET, "Spring 1: visited 12 Jan; Spring 2: visited 3 Mar", ["Autumn 2 2026/27"]),  # Easter
        (date(2027, 4, 12), OVERDUE, "Summer 1: due", ["Autumn 2 2026/27"]),
        (date(2027, 6, 2), MET, "Summer 1: visited 5 May", ["Autumn 2 2026/27"]),  # May half-term
        (date(2027, 8, 10), MET, "Summer 1: visited 5 May; Summer 2: visited 16 Jun", ["Autumn 2 2026/27"]),
        (date(2027, 8, 31), MET, "Summer 1: visited 5 May; Summer 2: visited 16 Jun", ["Autumn 2 2026/27"]),
        (date(2027, 9, 1), DUE, "Autumn 1: due", []),  # a new academic year: last year's misses are gone
    ],
)  # fmt: skip
def test_a_high_support_schools_status_on_each_day_of_the_year(today, status, record, missed_earlier):
    done = [v for v in HALF_TERMLY_VISITS if v.visit_date <= today]
    result = compliance(today, HIGH_ALL_YEAR, done)
    assert (result.status, result.record_text) == (status, record)
    assert [m.period.label for m in result.missed_earlier] == missed_earlier


@pytest.mark.parametrize(
    ("today", "visits", "status"),
    [
        # autumn 1's last teaching day is Fri 23 Oct; the 10 school days before it start on Mon 12 Oct
        (date(2026, 10, 9), [], DUE),  # 11 school days left
        (date(2026, 10, 12), [], OVERDUE),  # 10
        (date(2026, 10, 12), [planned(date(2026, 10, 20))], DUE),
        (date(2026, 10, 12), [planned(date(2026, 10, 28))], DUE),  # planned in the half-term holiday: in the period
        (date(2026, 10, 12), [planned(date(2026, 11, 2))], OVERDUE),  # planned, but in the next half-term
        (date(2026, 10, 26), [], OVERDUE),  # the half-term holiday: no school day left
        # spring 1 ends Fri 12 Feb (then the February half-term)
        (date(2027, 1, 29), [], DUE),  # 11 school days left
        (date(2027, 2, 1), [], OVERDUE),
    ],
)
def test_the_ten_school_days_rule_near_a_half_terms_end(today, visits, status):
    # visited in every earlier half-term, so only the period under way decides
    earlier = [visit(SEPT), visit(NOV_10)] if today >= date(2027, 1, 4) else []
    assert compliance(today, HIGH_ALL_YEAR, earlier + visits).status == status


@pytest.mark.parametrize(
    ("case", "today", "level_on", "visits", "status", "record"),
    [
        ("medium until approved high on 10 Feb: spring 1 is held to a visit", date(2027, 2, 11),
         levels((date(2025, 6, 1), MEDIUM), (date(2027, 2, 10), HIGH)), [visit(SEPT)], OVERDUE, "Spring 1: due"),
        ("approved high on 10 Feb, visited in January: met", date(2027, 2, 11),
         levels((date(2025, 6, 1), MEDIUM), (date(2027, 2, 10), HIGH)), [visit(SEPT), visit(JAN_12)], MET,
         "Spring 1: visited 12 Jan"),
        ("approved high on 10 Feb: spring 2 adds a half-term", date(2027, 3, 1),
         levels((date(2025, 6, 1), MEDIUM), (date(2027, 2, 10), HIGH)), [visit(SEPT), visit(JAN_12)], DUE,
         "Spring 1: visited 12 Jan; Spring 2: due"),
        ("approved high in spring 2: spring 1 was judged medium", date(2027, 3, 8),
         levels((date(2025, 6, 1), MEDIUM), (date(2027, 3, 1), HIGH)), [visit(SEPT), visit(JAN_12)], DUE,
         "Spring 2: due"),
        ("moved down to medium in spring 2: the term needs one visit", date(2027, 3, 8),
         levels((date(2025, 6, 1), HIGH), (date(2027, 3, 1), MEDIUM)), [visit(SEPT), visit(NOV_10), visit(JAN_12)],
         MET, "Spring 1: visited 12 Jan; Spring term: visited 12 Jan"),
    ],
    ids=lambda value: value if isinstance(value, str) and " " in value else None,
)  # fmt: skip
def test_a_school_whose_category_changes_mid_term(case, today, level_on, visits, status, record):
    result = compliance(today, level_on, visits)
    assert (result.status, result.record_text) == (status, record)


@pytest.mark.parametrize(
    ("case", "opened_on", "today", "status", "record", "missed_earlier"),
    [
        ("open all year, missed autumn 1", date(1990, 9, 1), NOV_22, OVERDUE, "Autumn 1: missed; Autumn 2: due", []),
        ("opened on the first day of autumn 2", OCT_31, NOV_22, DUE, "Autumn 2: due", []),
        ("opened on the last day of autumn 1: held to it", OCT_30, NOV_22, OVERDUE,
         "Autumn 1: missed; Autumn 2: due", []),
        ("opens after today: no entitlement yet", date(2027, 1, 4), NOV_22, "not_applicable", "", []),
        ("no opening date known", None, NOV_22, OVERDUE, "Autumn 1: missed; Autumn 2: due", []),
        ("opened in January: the autumn term is not held against it", date(2027, 1, 4), date(2027, 3, 1), OVERDUE,
         "Spring 1: missed; Spring 2: due", []),
        ("opened in spring 2: only spring 2 so far", date(2027, 3, 1), date(2027, 3, 8), DUE, "Spring 2: due", []),
        ("opened in spring 1: summer sees spring 1 missed earlier", date(2027, 2, 1), date(2027, 4, 20), OVERDUE,
         "Summer 1: due", ["Spring 1 2026/27", "Spring 2 2026/27"]),
    ],
    ids=lambda value: value if isinstance(value, str) and " " in value else None,
)  # fmt: skip
def test_a_period_that_ended_before_the_school_opened_is_not_held_against_it(
    case, opened_on, today, status, record, missed_earlier
):
    result = compliance(today, HIGH_ALL_YEAR, [], opened_on=opened_on)
    assert (result.status, result.record_text) == (status, record)
    assert [m.period.label for m in result.missed_earlier] == missed_earlier


# ---- MSP meetings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "today", "set_up_on", "meetings", "status", "missed"),
    [
        ("met this half-term", NOV_22, date(2026, 1, 12), [meeting(SEPT), meeting(NOV_10)], "met", []),
        ("met in autumn 1, due in autumn 2", NOV_22, date(2026, 1, 12), [meeting(SEPT)], "due", []),
        ("no meeting in autumn 1", NOV_22, date(2026, 1, 12), [], "overdue", ["Autumn 1 2026/27"]),
        ("a planned meeting is not a held one", NOV_22, date(2026, 1, 12),
         [meeting(SEPT, MspMeetingStatus.PLANNED)], "overdue", ["Autumn 1 2026/27"]),
        ("set up this half-term: due, not overdue", NOV_22, date(2026, 11, 5), [], "due", []),
        ("set up this half-term, still due near its end", date(2026, 12, 14), date(2026, 11, 5), [], "due", []),
        ("set up in autumn 1: the first half-term is not held against it", NOV_22, date(2026, 9, 20), [], "due", []),
        ("half-term ends soon with nothing planned", date(2026, 12, 14), date(2026, 1, 12), [meeting(SEPT)],
         "overdue", []),
        ("half-term ends soon, a meeting planned", date(2026, 12, 14), date(2026, 1, 12),
         [meeting(SEPT), meeting(date(2026, 12, 16), MspMeetingStatus.PLANNED)], "due", []),
        ("a cancelled meeting does not count", NOV_22, date(2026, 1, 12),
         [meeting(SEPT), meeting(NOV_10, MspMeetingStatus.CANCELLED)], "due", []),
        ("a new academic year: last year's missed meetings are gone", date(2027, 9, 6), date(2026, 1, 12), [], "due",
         []),
        ("New Year's Day counts in autumn 2", date(2027, 1, 1), date(2026, 1, 12),
         [meeting(SEPT), meeting(date(2027, 1, 1))], "met", []),
        ("autumn 1 missed, autumn 2 met: overdue until the term ends", NOV_22, date(2026, 1, 12), [meeting(NOV_10)],
         "overdue", ["Autumn 1 2026/27"]),
        ("autumn 1 missed, in the Christmas holiday: still the autumn term", date(2027, 1, 2), date(2026, 1, 12),
         [meeting(NOV_10)], "overdue", ["Autumn 1 2026/27"]),
        ("autumn 1 missed, spring 1 met: met, autumn 1 still listed", date(2027, 1, 25), date(2026, 1, 12),
         [meeting(NOV_10), meeting(date(2027, 1, 20))], "met", ["Autumn 1 2026/27"]),
        ("autumn 2 missed, nothing yet in spring 1: overdue", date(2027, 1, 25), date(2026, 1, 12), [meeting(SEPT)],
         "overdue", ["Autumn 2 2026/27"]),
    ],
    ids=lambda value: value if isinstance(value, str) and " " in value else None,
)  # fmt: skip
def test_msp_meets_half_termly(case, today, set_up_on, meetings, status, missed):
    result = msp_meets_half_termly(calendar=year_calendar(today), set_up_on=set_up_on, meetings=meetings)
    assert result.status == status
    assert [m.period.label for m in result.missed] == missed


@pytest.mark.parametrize(
    ("maintained", "level", "has_group", "flagged"),
    [(True, HIGH, False, True), (True, HIGH, True, False), (True, MEDIUM, False, False), (False, HIGH, False, False)],
)
def test_msp_group_to_set_up(maintained, level, has_group, flagged):
    assert msp_group_to_set_up(maintained=maintained, level=level, has_open_group=has_group) is flagged


def test_enhanced_offer_use():
    link = 7
    visits = [
        visit(SEPT, visit_type=VisitType.ENHANCED, length=VisitLength.FULL_DAY, adviser_id=link),  # 2 half-days
        visit(NOV_10, visit_type=VisitType.ENHANCED, adviser_id=8),  # 1, by another adviser
        visit(NOV_22, VisitStatus.PLANNED, visit_type=VisitType.ENHANCED),  # not done yet
        visit(date(2026, 6, 1), visit_type=VisitType.ENHANCED),  # last academic year
        visit(SEPT, visit_type=VisitType.CORE),  # the entitlement, not the offer
    ]
    use = enhanced_offer_use(bought=6, visits=visits, calendar=year_calendar(NOV_22), link_adviser_id=link)
    assert (use.bought, use.used, use.by_link_adviser, use.remaining) == (6, 3, 2, 3)
    assert use.label == "3 of 6 half-days used"


# ---- from the database: categories through the categorisation service ----------------------------


def test_compliance_rows_judge_each_period_by_the_category_approved_at_the_time():
    school = SchoolFactory()
    ApprovedCategorisationFactory(school=school, level=MEDIUM, academic_year=2025, term="summer",
                                  approved_at=aware(2026, 5, 1))  # fmt: skip
    ApprovedCategorisationFactory(school=school, level=HIGH, academic_year=2026, term="autumn",
                                  approved_at=aware(2026, 11, 4))  # fmt: skip
    VisitFactory(school=school, visit_date=SEPT, status=VisitStatus.COMPLETED)

    [row] = compliance_rows(today=NOV_22)

    assert row.level == HIGH
    assert row.visits.current.period.label == "Autumn 2 2026/27"  # half-termly from the half-term approved in
    assert row.visits.status == ComplianceStatus.DUE  # autumn 1 was judged medium: not missed
    assert row.msp_to_set_up


def test_compliance_rows_list_open_maintained_schools_only_and_show_msp_and_enhanced_offer():
    school = SchoolFactory(name="Alder Primary School")
    SchoolFactory(name="Osprey Academy", academy=True)
    SchoolFactory(name="Old Mill Primary School", status="closed")
    ApprovedCategorisationFactory(school=school, level=HIGH, approved_at=aware(2026, 6, 1))
    group = MspGroupFactory(school=school, set_up_on=date(2026, 6, 10))
    MspMeetingFactory(group=group, held_on=SEPT)
    EnhancedOfferFactory(school=school, academic_year=2026, half_days=4)
    VisitFactory(school=school, visit_date=NOV_10, status=VisitStatus.COMPLETED, visit_type=VisitType.ENHANCED)

    rows = compliance_rows(today=NOV_22)

    assert [r.school.name for r in rows] == ["Alder Primary School"]
    row = rows[0]
    assert not row.msp_to_set_up
    assert row.msp.status == ComplianceStatus.DUE
    assert row.enhanced.label == "1 of 4 half-days used"
    assert row.visits.status == ComplianceStatus.OVERDUE  # no visit in autumn 1 (the enhanced one is extra)
    assert row.visits.record_text == "Autumn 1: missed; Autumn 2: due"


def test_compliance_rows_count_a_visit_whoever_of_the_las_advisers_and_officers_led_it(make_user):
    link, other = AdviserFactory(), AdviserFactory()
    officer = make_user(Role.OFFICER)
    admin = make_user(Role.ADMIN)
    no_role = UserFactory()
    schools = {}
    for name, lead in [("Link", link), ("Other", other), ("Officer", officer), ("Admin", admin), ("None", no_role)]:
        schools[name] = SchoolFactory(name=f"{name} Primary School", link_adviser=link)
        VisitFactory(school=schools[name], adviser=lead, visit_date=SEPT, status=VisitStatus.COMPLETED)
    # a deactivated adviser's visits still count: the account keeps its role
    gone = AdviserFactory(is_active=False)
    schools["Gone"] = SchoolFactory(name="Gone Primary School", link_adviser=link)
    VisitFactory(school=schools["Gone"], adviser=gone, visit_date=SEPT, status=VisitStatus.COMPLETED)

    rows = {r.school.name.split()[0]: r.visits.status for r in compliance_rows(today=NOV_22)}

    assert rows == {"Link": MET, "Other": MET, "Officer": MET, "Gone": MET, "Admin": DUE, "None": DUE}


def test_compliance_rows_count_a_full_day_visit_once(make_user):
    school = SchoolFactory()
    ApprovedCategorisationFactory(school=school, level=HIGH, approved_at=aware(2026, 6, 1))
    VisitFactory(school=school, visit_date=SEPT, status=VisitStatus.COMPLETED, length=VisitLength.FULL_DAY)

    [row] = compliance_rows(today=NOV_22)

    assert (row.visits.term_record[0].completed, row.visits.record_text) == (
        1,
        "Autumn 1: visited 15 Sep; Autumn 2: due",
    )


@pytest.mark.parametrize(
    "today",
    [date(2026, 9, 1), date(2026, 8, 31), NOV_22, date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 3),
     date(2027, 1, 4), date(2027, 2, 17), date(2027, 4, 5), date(2027, 6, 2), date(2027, 7, 20), date(2027, 8, 31),
     date(2027, 9, 1), date(2029, 9, 1), date(2029, 9, 3), date(2028, 2, 29)],
)  # fmt: skip
def test_the_year_calendar_has_the_periods_of_schools_terms(today):
    from schools.terms import half_term_on, half_term_periods, term_on, term_periods

    calendar = year_calendar(today)
    year = term_on(today).academic_year
    assert list(calendar.terms) == term_periods(year)
    assert list(calendar.half_terms) == half_term_periods(year)
    assert calendar.current_term == term_on(today)
    assert calendar.current_half_term == half_term_on(today)


def test_the_year_calendar_follows_the_term_dates_the_admin_entered():
    Term.objects.create(academic_year=2026, name="autumn", starts_on=date(2026, 9, 3),
                        half_term_starts_on=date(2026, 10, 19), half_term_ends_on=date(2026, 10, 30),
                        ends_on=date(2026, 12, 16))  # fmt: skip
    calendar = year_calendar(NOV_22)
    assert calendar.half_terms[0].ends_on == date(2026, 10, 30)
    assert calendar.teaching_ends[calendar.half_terms[0]] == date(2026, 10, 16)  # the Friday before, not the Sunday
    assert calendar.teaching_ends[calendar.terms[0]] == date(2026, 12, 16)
    assert year_calendar(date(2026, 9, 2)).current_term.label == "Summer 2025/26"  # before the term starts


def _autumn(year: int, starts_on: date) -> Term:
    return Term.objects.create(academic_year=year, name="autumn", starts_on=starts_on,
                               half_term_starts_on=date(year, 10, 26), half_term_ends_on=date(year, 10, 30),
                               ends_on=date(year, 12, 18))  # fmt: skip


@pytest.mark.parametrize(
    ("today", "term", "record", "missed_earlier"),
    [
        (date(2027, 9, 1), "Summer 2026/27", "Summer term: visited 2 Sep", []),  # before the LA's autumn term
        (date(2027, 9, 3), "Summer 2026/27", "Summer term: visited 2 Sep", []),  # the Friday before it
        (date(2027, 9, 6), "Autumn 2027/28", "Autumn term: due", []),  # the first day of the LA's autumn term
    ],
)
def test_a_term_that_starts_after_1_september_leaves_the_days_before_it_in_last_years_summer(
    today, term, record, missed_earlier
):
    _autumn(2027, date(2027, 9, 6))
    school = SchoolFactory()
    ApprovedCategorisationFactory(school=school, level=MEDIUM, approved_at=aware(2026, 6, 1))
    for day in (SEPT, JAN_12, date(2027, 9, 2)):  # 2 Sep 2027 is still in the summer holiday of 2026/27
        VisitFactory(school=school, visit_date=day, status=VisitStatus.COMPLETED)

    [row] = compliance_rows(today=today)

    assert (row.visits.term.label, row.visits.record_text) == (term, record)
    assert row.visits.status == (MET if term.startswith("Summer") else DUE)
    assert [m.period.label for m in row.visits.missed_earlier] == missed_earlier


@pytest.mark.parametrize(
    ("today", "term"),
    [
        (date(2027, 8, 29), "Summer 2026/27"),
        (date(2027, 8, 30), "Autumn 2027/28"),
        (date(2027, 8, 31), "Autumn 2027/28"),
    ],
)
def test_a_term_that_starts_before_1_september_begins_the_new_year_on_its_first_day(today, term):
    _autumn(2027, date(2027, 8, 30))
    school = SchoolFactory()
    VisitFactory(school=school, visit_date=date(2027, 5, 5), status=VisitStatus.COMPLETED)

    [row] = compliance_rows(today=today)

    assert row.visits.term.label == term
    assert row.visits.status == (MET if term.startswith("Summer") else DUE)
