"""Review due at the edges of terms: a categorisation is for a term, and a school is due for review
once a term starts for which it has no approved categorisation. Holidays belong to the term before
them, so nobody is chased over Christmas or the summer. England default term dates for 2026/27:
autumn 1 September - 18 December 2026, spring from 4 January 2027, summer from 19 April 2027,
autumn 2027 from 1 September 2027."""

from datetime import date

import pytest

from categorisation.models import SupportLevel
from categorisation.selectors import review_due
from schools.terms import term_on
from tests.factories import SchoolFactory

from .factories import ApprovedCategorisationFactory, aware

pytestmark = pytest.mark.django_db


def is_due(school, day: date) -> bool:
    return review_due(day).filter(pk=school.pk).exists()


@pytest.mark.parametrize(
    ("day", "due"),
    [
        (date(2026, 12, 18), False),  # the autumn term's last day
        (date(2026, 12, 24), False),  # Christmas holiday: still the autumn term
        (date(2026, 12, 31), False),
        (date(2027, 1, 1), False),  # New Year's Day, in the holiday
        (date(2027, 1, 3), False),  # the Sunday before the spring term
        (date(2027, 1, 4), True),  # the spring term's first day
        (date(2027, 2, 17), True),  # February half-term
    ],
)
def test_a_school_categorised_for_the_autumn_term_is_due_when_the_spring_term_starts(day, due):
    school = SchoolFactory()
    ApprovedCategorisationFactory(
        school=school, level=SupportLevel.MEDIUM, academic_year=2026, term="autumn", approved_at=aware(2026, 10, 5)
    )
    assert is_due(school, day) is due


@pytest.mark.parametrize(
    ("day", "due"),
    [
        (date(2027, 7, 23), False),  # after the summer term's last teaching day
        (date(2027, 8, 31), False),  # the summer holiday still counts as the summer term
        (date(2027, 9, 1), True),  # a new academic year, a new autumn term
    ],
)
def test_a_school_categorised_for_the_summer_term_is_due_in_the_new_academic_year(day, due):
    school = SchoolFactory()
    ApprovedCategorisationFactory(
        school=school, level=SupportLevel.LOW, academic_year=2026, term="summer", approved_at=aware(2027, 5, 10)
    )
    assert is_due(school, day) is due


def test_an_approval_late_in_the_holiday_counts_for_the_term_it_is_for_not_the_day_it_was_given():
    school = SchoolFactory()
    ApprovedCategorisationFactory(
        school=school, level=SupportLevel.HIGH, academic_year=2026, term="autumn", approved_at=aware(2027, 1, 2)
    )
    assert term_on(date(2027, 1, 2)).term == "autumn"
    assert not is_due(school, date(2027, 1, 2))
    assert is_due(school, date(2027, 1, 4))
