"""The letters app's date rules on the days where calendars go wrong: the year after a letter
(leap days included), the 24-month look-back of suggestions, the compliance period over New Year.
Each test names its own days, so none depends on when the suite runs."""

from datetime import date, timedelta

import pytest

from categorisation.facts import FactKey, facts_for
from core.dates import add_months
from letters import rules, stored_suggestions, suggestions
from tests.factories import InspectionFactory

from .factories import issued

pytestmark = pytest.mark.django_db


def counts_as_evidence(school, on: date) -> bool:
    facts = facts_for([school.pk], on).get(school.pk, [])
    return any(f.key == FactKey.WARNING_NOTICE_OR_CONCERNS_LETTER for f in facts)


@pytest.mark.parametrize(
    ("issued_on", "last_day_it_counts"),
    [
        (date(2026, 11, 30), date(2027, 11, 30)),
        (date(2026, 12, 31), date(2027, 12, 31)),  # over New Year
        (date(2027, 1, 1), date(2028, 1, 1)),
        (date(2027, 3, 1), date(2028, 3, 1)),  # a year holding 29 February 2028
        (date(2028, 2, 29), date(2029, 2, 28)),  # issued on a leap day
        (date(2027, 8, 31), date(2028, 8, 31)),  # last day of an academic year
    ],
)
def test_a_concerns_letter_is_evidence_from_its_issue_to_the_same_date_a_year_on(
    officer, school, issued_on, last_day_it_counts
):
    issued(school, "significant_concerns", drafter=officer, officer=officer, issued_on=issued_on, today=issued_on)
    assert not counts_as_evidence(school, issued_on - timedelta(days=1))
    assert counts_as_evidence(school, issued_on)
    assert counts_as_evidence(school, last_day_it_counts)
    assert not counts_as_evidence(school, last_day_it_counts + timedelta(days=1))


def test_an_open_warning_notice_is_evidence_for_as_long_as_it_is_open(officer, second_officer, school):
    issued_on = date(2026, 12, 18)
    issued(school, "warning_notice", drafter=second_officer, officer=officer, issued_on=issued_on, today=issued_on,
           compliance_end_date=date(2027, 2, 26))  # fmt: skip
    assert counts_as_evidence(school, date(2028, 6, 1))  # no outcome recorded yet: still open


def graded(school, published_on: date, grade: int):
    return InspectionFactory(
        school=school, start_date=published_on - timedelta(days=20), publication_date=published_on,
        overall_effectiveness=grade,
    )  # fmt: skip


@pytest.mark.parametrize(
    "today",
    [date(2026, 11, 30), date(2027, 1, 1), date(2026, 12, 31), date(2028, 2, 29), date(2027, 8, 31)],
)
def test_an_ofsted_outcome_is_suggested_for_24_months_after_publication_to_the_day(school, today):
    first_day = add_months(today, -suggestions.LOOKBACK_MONTHS)
    graded(school, first_day - timedelta(days=900), 3)
    graded(school, first_day, 2)
    assert [s.letter_type.code for s in stored_suggestions.suggestions_for(school_ids=[school.pk], today=today)] == [
        "congratulations"
    ]
    the_day_after = today + timedelta(days=1)
    assert add_months(the_day_after, -suggestions.LOOKBACK_MONTHS) > first_day
    assert stored_suggestions.suggestions_for(school_ids=[school.pk], today=the_day_after) == []


def test_24_months_before_a_leap_day_is_the_same_date():
    assert add_months(date(2028, 2, 29), -24) == date(2026, 2, 28)
    assert add_months(date(2027, 2, 28), 12) == date(2028, 2, 28)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)


@pytest.mark.parametrize(
    ("end", "today", "expired"),
    [
        (date(2026, 12, 31), date(2026, 12, 31), False),  # the period includes its last day
        (date(2026, 12, 31), date(2027, 1, 1), True),  # New Year's Day is the first day after it
        (date(2027, 8, 31), date(2027, 9, 1), True),  # across academic years
        (date(2028, 2, 28), date(2028, 2, 29), True),
        (date(2028, 2, 29), date(2028, 2, 29), False),
    ],
)
def test_the_outcome_of_a_compliance_period_is_recorded_from_the_day_after_it_ends(end, today, expired):
    assert (rules.compliance_period_has_expired_s60_1b(compliance_end_date=end, today=today) == []) is expired


@pytest.mark.parametrize(
    ("issued_on", "latest_end"),
    [(date(2026, 12, 31), date(2027, 12, 31)), (date(2028, 2, 29), date(2029, 2, 28))],
)
def test_a_compliance_period_may_end_up_to_a_year_after_issue_to_the_same_date(issued_on, latest_end):
    assert rules.COMPLIANCE_PERIOD_MAX_MONTHS == 12
    check = rules.compliance_period_within_a_year_of_issue
    assert check(issued_on=issued_on, compliance_end_date=latest_end) == []
    assert check(issued_on=issued_on, compliance_end_date=latest_end + timedelta(days=1)) != []
