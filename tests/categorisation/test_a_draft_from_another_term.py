"""A draft left open from an earlier term is not this term's review: the lists of schools due say
which term the open categorisation is for (found on 1 September 2027 by the other-days journey:
"draft in progress" beside a school whose only draft was for the summer term before)."""

from datetime import date

import pytest
from django.urls import reverse

from categorisation import selectors
from categorisation.exports import _rows
from categorisation.models import Status
from schools.terms import term_on

from .factories import CategorisationFactory

pytestmark = pytest.mark.django_db

SUMMER_DAY, NEW_YEAR_DAY = date(2027, 7, 14), date(2027, 9, 1)  # summer 2026/27; autumn 2027/28's first day


@pytest.fixture
def summer_draft(school, adviser, on_day):
    school.link_adviser = adviser
    school.save()
    on_day(SUMMER_DAY)
    draft = CategorisationFactory(school=school, created_by=adviser, status=Status.DRAFT)
    assert draft.term_label == "Summer 2026/27"
    return draft


def page(client_as, role: str, name: str) -> str:
    return " ".join(client_as(role).get(reverse(name)).content.decode().split())


def test_on_the_new_terms_first_day_the_review_list_says_the_draft_is_for_last_term(summer_draft, on_day, client_as):
    on_day(NEW_YEAR_DAY)
    html = page(client_as, "officer", "categorisation:review_due")
    assert "Draft in progress" in html
    assert "for Summer 2026/27, not this term" in html


def test_the_advisers_home_says_the_draft_is_for_last_term(summer_draft, on_day, client_as):
    on_day(NEW_YEAR_DAY)
    html = page(client_as, "adviser", "dashboard:home")
    assert "no approved categorisation for Autumn 2027/28" in html
    assert "(draft in progress for Summer 2026/27, not this term)" in html


def test_a_draft_for_this_term_is_shown_without_a_term(summer_draft, on_day, client_as):
    on_day(SUMMER_DAY)
    assert "not this term" not in page(client_as, "officer", "categorisation:review_due")
    assert "(draft in progress)" in page(client_as, "adviser", "dashboard:home")


def test_the_review_due_export_says_so_too(summer_draft, on_day, officer):
    on_day(NEW_YEAR_DAY)
    [row] = list(_rows(user=officer, params=None))
    assert "Draft in progress (for Summer 2026/27, not this term)" in row


def test_the_categories_list_gives_the_open_categorisations_term(summer_draft, on_day, client_as):
    on_day(NEW_YEAR_DAY)
    assert "Draft" in page(client_as, "officer", "categorisation:list")
    assert "Summer 2026/27" in page(client_as, "officer", "categorisation:list")


def test_open_for_another_term_compares_year_and_term(summer_draft, on_day):
    [school] = selectors.schools_by_category()
    assert selectors.open_for_another_term(school, term_on(SUMMER_DAY)) == ""
    assert selectors.open_for_another_term(school, term_on(NEW_YEAR_DAY)) == "Summer 2026/27"
    assert selectors.open_for_another_term(school, term_on(date(2028, 5, 1))) == "Summer 2026/27"  # a year on
