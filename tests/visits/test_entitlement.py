"""Entitlement and compliance rules (visits.entitlement), on England default term dates for 2026/27:

    Autumn 2026/27   1 Sep 2026 - 3 Jan 2027 (teaching ends Fri 18 Dec)
      Autumn 1       1 Sep - 30 Oct (half-term holiday 26-30 Oct)
      Autumn 2       31 Oct - 3 Jan (teaching ends 18 Dec)
    Spring 2026/27   4 Jan - 18 Apr 2027

Each period runs on through the holiday after it (schools.terms)."""

from datetime import date

import pytest

from categorisation.models import SupportLevel
from tests.categorisation.factories import ApprovedCategorisationFactory, aware
from tests.factories import SchoolFactory
from tests.visits.factories import EnhancedOfferFactory, MspGroupFactory, MspMeetingFactory, VisitFactory
from visits.compliance import compliance_rows, year_calendar
from visits.entitlement import (
    ABOUT_TO_END_SCHOOL_DAYS,
    HALF_TERMLY,
    TERMLY,
    ComplianceStatus,
    category_for_period,
    compliance_status,
    enhanced_offer_use,
    minimum_entitlement,
    msp_group_to_set_up,
    msp_meets_half_termly,
    school_days_between,
    visit_compliance,
    visit_counts_towards_entitlement,
)
from visits.models import MspMeeting, MspMeetingStatus, Visit, VisitLength, VisitStatus, VisitType

pytestmark = pytest.mark.django_db

HIGH, MEDIUM, LOW = SupportLevel.HIGH.value, SupportLevel.MEDIUM.value, SupportLevel.LOW.value
NOV_22 = date(2026, 11, 22)


def levels(*changes):
    """level_on for a school whose category changes on the given days: levels((d1, "medium"), ...)."""

    def level_on(day):
        found = None
        for since, level in changes:
            if since <= day:
                found = level
        return found

    return level_on


def visit(day, status=VisitStatus.COMPLETED, visit_type=VisitType.CORE, length=VisitLength.HALF_DAY, adviser_id=1):
    return Visit(visit_date=day, status=status, visit_type=visit_type, length=length, adviser_id=adviser_id)


def meeting(day, status=MspMeetingStatus.HELD):
    return MspMeeting(held_on=day, status=status)


def compliance(today, level_on, visits, maintained=True):
    return visit_compliance(calendar=year_calendar(today), maintained=maintained, level_on=level_on, visits=visits)


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


@pytest.mark.parametrize(
    ("day", "status", "visit_type", "counts"),
    [
        (date(2026, 9, 1), VisitStatus.COMPLETED, VisitType.CORE, True),  # first day of the term
        (date(2026, 12, 18), VisitStatus.COMPLETED, VisitType.CORE, True),  # last teaching day
        (date(2027, 1, 3), VisitStatus.COMPLETED, VisitType.CORE, True),  # the holiday counts in the term before it
        (date(2027, 1, 4), VisitStatus.COMPLETED, VisitType.CORE, False),  # first day of spring
        (date(2026, 8, 31), VisitStatus.COMPLETED, VisitType.CORE, False),  # last year's summer
        (date(2026, 10, 1), VisitStatus.COMPLETED, VisitType.MONITORING, True),
        (date(2026, 10, 1), VisitStatus.PLANNED, VisitType.CORE, False),
        (date(2026, 10, 1), VisitStatus.CANCELLED, VisitType.CORE, False),
        (date(2026, 10, 1), VisitStatus.COMPLETED, VisitType.ENHANCED, False),  # bought on top
        (date(2026, 10, 1), VisitStatus.COMPLETED, VisitType.EXTERNAL_REVIEW, False),
        (date(2026, 10, 1), VisitStatus.COMPLETED, VisitType.OTHER, False),
    ],
)
def test_visit_counts_towards_entitlement(day, status, visit_type, counts):
    autumn = year_calendar(NOV_22).terms[0]
    assert visit_counts_towards_entitlement(visit(day, status, visit_type), autumn) is counts


@pytest.mark.parametrize(
    ("first", "last", "days"),
    [
        (date(2026, 11, 23), date(2026, 11, 27), 5),  # Monday to Friday
        (date(2026, 11, 22), date(2026, 11, 22), 0),  # a Sunday
        (date(2026, 11, 23), date(2026, 12, 18), 20),
        (date(2026, 12, 19), date(2026, 12, 18), 0),  # after the last teaching day
    ],
)
def test_school_days_between(first, last, days):
    assert school_days_between(first, last) == days


@pytest.mark.parametrize(
    ("current_met", "missed_earlier", "days_left", "planned", "status"),
    [
        (True, True, 0, 0, ComplianceStatus.MET),
        (False, True, 30, 1, ComplianceStatus.OVERDUE),
        (False, False, ABOUT_TO_END_SCHOOL_DAYS, 0, ComplianceStatus.OVERDUE),
        (False, False, ABOUT_TO_END_SCHOOL_DAYS, 1, ComplianceStatus.DUE),
        (False, False, ABOUT_TO_END_SCHOOL_DAYS + 1, 0, ComplianceStatus.DUE),
    ],
)
def test_compliance_status(current_met, missed_earlier, days_left, planned, status):
    assert (
        compliance_status(
            current_met=current_met, missed_earlier=missed_earlier, school_days_left=days_left, planned=planned
        )
        == status
    )


# ---- a school's compliance ------------------------------------------------------------------------

SEPT = date(2026, 9, 15)
OCT_30 = date(2026, 10, 30)  # last day of autumn 1 (half-term holiday)
OCT_31 = date(2026, 10, 31)  # first day of autumn 2
NOV_10 = date(2026, 11, 10)
HIGH_ALL_YEAR = levels((date(2025, 6, 1), HIGH))
MEDIUM_ALL_YEAR = levels((date(2025, 6, 1), MEDIUM))
NO_CATEGORY = levels()


@pytest.mark.parametrize(
    ("case", "today", "level_on", "visits", "status", "period", "missed"),
    [
        ("not categorised, visited in September", NOV_22, NO_CATEGORY, [visit(SEPT)], "met", "Autumn 2026/27", []),
        ("not categorised, no visit yet", NOV_22, NO_CATEGORY, [], "due", "Autumn 2026/27", []),
        ("medium, planned visit only", NOV_22, MEDIUM_ALL_YEAR, [visit(NOV_22, VisitStatus.PLANNED)], "due",
         "Autumn 2026/27", []),
        ("medium, term ends in 7 school days, nothing planned", date(2026, 12, 10), MEDIUM_ALL_YEAR, [], "overdue",
         "Autumn 2026/27", []),
        ("medium, term ends soon, a visit planned", date(2026, 12, 10), MEDIUM_ALL_YEAR,
         [visit(date(2026, 12, 15), VisitStatus.PLANNED)], "due", "Autumn 2026/27", []),
        ("medium, cancelled visit does not count", NOV_22, MEDIUM_ALL_YEAR, [visit(SEPT, VisitStatus.CANCELLED)],
         "due", "Autumn 2026/27", []),
        ("high, visited in autumn 1 only", NOV_22, HIGH_ALL_YEAR, [visit(SEPT)], "due", "Autumn 2 2026/27", []),
        ("high, visited in both half-terms", NOV_22, HIGH_ALL_YEAR, [visit(SEPT), visit(NOV_10)], "met",
         "Autumn 2 2026/27", []),
        ("high, missed autumn 1", NOV_22, HIGH_ALL_YEAR, [], "overdue", "Autumn 2 2026/27", ["Autumn 1 2026/27"]),
        ("high, missed autumn 1 but visited this half-term", NOV_22, HIGH_ALL_YEAR, [visit(NOV_10)], "met",
         "Autumn 2 2026/27", ["Autumn 1 2026/27"]),
        ("high, visit on the last day of autumn 1 counts for it", NOV_22, HIGH_ALL_YEAR, [visit(OCT_30)], "due",
         "Autumn 2 2026/27", []),
        ("high, visit on the first day of autumn 2 counts for it", NOV_22, HIGH_ALL_YEAR, [visit(OCT_31)], "met",
         "Autumn 2 2026/27", ["Autumn 1 2026/27"]),
        ("approved high in autumn 2: half-termly from autumn 2 only", NOV_22,
         levels((date(2025, 6, 1), MEDIUM), (date(2026, 11, 5), HIGH)), [], "due", "Autumn 2 2026/27", []),
        ("approved high in autumn 2, visited in September only", NOV_22,
         levels((date(2025, 6, 1), MEDIUM), (date(2026, 11, 5), HIGH)), [visit(SEPT)], "due", "Autumn 2 2026/27", []),
        ("high in autumn 1, medium since: autumn 1 missed, the term met", NOV_22,
         levels((date(2025, 6, 1), HIGH), (date(2026, 11, 5), MEDIUM)), [visit(NOV_10)], "met", "Autumn 2026/27",
         ["Autumn 1 2026/27"]),
        ("first categorised in autumn 2 as medium", NOV_22, levels((date(2026, 11, 5), MEDIUM)), [visit(SEPT)], "met",
         "Autumn 2026/27", []),
        ("a new year: last summer's missed visit is not held against it", date(2026, 9, 8), MEDIUM_ALL_YEAR, [], "due",
         "Autumn 2026/27", []),
        ("the summer holiday still counts in the summer term", date(2027, 8, 20), MEDIUM_ALL_YEAR, [], "overdue",
         "Summer 2026/27", ["Autumn 2026/27", "Spring 2026/27"]),
        ("visits of the summer holiday count in the summer term", date(2027, 8, 20), MEDIUM_ALL_YEAR,
         [visit(SEPT), visit(date(2027, 2, 1)), visit(date(2027, 8, 19))], "met", "Summer 2026/27", []),
    ],
    ids=lambda value: value if isinstance(value, str) and " " in value else None,
)  # fmt: skip
def test_visit_compliance(case, today, level_on, visits, status, period, missed):
    result = compliance(today, level_on, visits)
    assert result.status == status
    assert result.current.period.label == period
    assert [m.period.label for m in result.missed] == missed


def test_an_academy_has_no_entitlement_so_compliance_is_not_applicable():
    result = compliance(NOV_22, HIGH_ALL_YEAR, [], maintained=False)
    assert result.status == ComplianceStatus.NOT_APPLICABLE
    assert result.current is None


def test_planned_visits_count_only_from_today_to_the_end_of_the_period():
    result = compliance(
        NOV_22,
        MEDIUM_ALL_YEAR,
        [visit(date(2026, 11, 20), VisitStatus.PLANNED), visit(date(2026, 12, 2), VisitStatus.PLANNED),
         visit(date(2027, 1, 12), VisitStatus.PLANNED)],
    )  # fmt: skip
    assert result.current.planned == 1  # not the stale one of 20 November, nor January's


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
    EnhancedOfferFactory(school=school, half_days=4)
    VisitFactory(school=school, visit_date=NOV_10, status=VisitStatus.COMPLETED, visit_type=VisitType.ENHANCED)

    rows = compliance_rows(today=NOV_22)

    assert [r.school.name for r in rows] == ["Alder Primary School"]
    row = rows[0]
    assert not row.msp_to_set_up
    assert row.msp.status == ComplianceStatus.DUE
    assert row.enhanced.label == "1 of 4 half-days used"
    assert row.visits.status == ComplianceStatus.OVERDUE  # no visit in autumn 1 (the enhanced one is extra)


@pytest.mark.parametrize(
    "today",
    [date(2026, 9, 1), date(2026, 8, 31), NOV_22, date(2027, 1, 3), date(2027, 1, 4), date(2027, 7, 20),
     date(2027, 8, 31), date(2027, 9, 1)],
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
    from schools.models import Term

    Term.objects.create(academic_year=2026, name="autumn", starts_on=date(2026, 9, 3),
                        half_term_starts_on=date(2026, 10, 19), half_term_ends_on=date(2026, 10, 30),
                        ends_on=date(2026, 12, 16))  # fmt: skip
    calendar = year_calendar(NOV_22)
    assert calendar.half_terms[0].ends_on == date(2026, 10, 30)
    assert calendar.teaching_ends[calendar.half_terms[0]] == date(2026, 10, 18)
    assert calendar.teaching_ends[calendar.terms[0]] == date(2026, 12, 16)
    assert year_calendar(date(2026, 9, 2)).current_term.label == "Summer 2025/26"  # before the term starts


# ---- new schools (review): a period before the school opened is not held against it --------------


@pytest.mark.parametrize(
    ("case", "opened_on", "status", "missed"),
    [
        ("open all year, missed autumn 1", date(1990, 9, 1), "overdue", ["Autumn 1 2026/27"]),
        ("opened on the first day of autumn 2", OCT_31, "due", []),
        ("opened on the last day of autumn 1: held to it", OCT_30, "overdue", ["Autumn 1 2026/27"]),
        ("opens after today: no entitlement yet", date(2027, 1, 4), "not_applicable", []),
        ("no opening date known", None, "overdue", ["Autumn 1 2026/27"]),
    ],
    ids=lambda value: value if isinstance(value, str) and " " in value else None,
)  # fmt: skip
def test_a_period_that_ended_before_the_school_opened_is_not_held_against_it(case, opened_on, status, missed):
    result = visit_compliance(
        calendar=year_calendar(NOV_22), maintained=True, level_on=HIGH_ALL_YEAR, visits=[], opened_on=opened_on
    )
    assert result.status == status
    assert [m.period.label for m in result.missed] == missed


def test_compliance_rows_use_the_schools_opening_date_and_skip_schools_not_open_yet():
    new = SchoolFactory(name="New Primary School", open_date=date(2026, 11, 2))
    old = SchoolFactory(name="Old Primary School", open_date=date(1990, 9, 1))
    SchoolFactory(name="Future Primary School", status="proposed_to_open", open_date=date(2027, 9, 1))
    # high support since June (say, carried over from the school it replaces), opened in autumn 2
    ApprovedCategorisationFactory(school=new, level=HIGH, approved_at=aware(2026, 6, 1))
    ApprovedCategorisationFactory(school=old, level=HIGH, approved_at=aware(2026, 6, 1))

    rows = {r.school.name: r for r in compliance_rows(today=NOV_22)}

    assert sorted(rows) == ["New Primary School", "Old Primary School"]  # not the one proposed to open
    assert rows["New Primary School"].visits.status == ComplianceStatus.DUE  # autumn 1 was before it opened
    assert rows["Old Primary School"].visits.status == ComplianceStatus.OVERDUE
