"""Each academic year's term dates are read from the database once per request
(schools.terms.TermsReadOnceMiddleware): a page that asks for the term of several days, through
several apps, reads the same rows once; a term saved in the request is read again; a caller that
changes a term it was given changes nothing the next caller reads; outside a request every call
reads the database."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schools import services
from schools.models import Term
from schools.terms import TERM_ORDER, term_on, terms_for_year, terms_read_once

pytestmark = pytest.mark.django_db
YEAR = 2026


def _term_queries(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if 'FROM "schools_term"' in q["sql"]]


def _save_autumn(starts_on: date) -> None:
    dates = {name: (term.starts_on, term.half_term_starts_on, term.half_term_ends_on, term.ends_on)
             for name, term in zip(TERM_ORDER, terms_for_year(YEAR), strict=True)}  # fmt: skip
    dates["autumn"] = (starts_on, *dates["autumn"][1:])
    services.terms_save(academic_year=YEAR, dates=dates, actor=None)


PAGES = [("officer", "dashboard:officer"), ("officer", "dashboard:home"), ("adviser", "dashboard:home")]


@pytest.mark.parametrize(("role", "url_name"), PAGES)
def test_a_page_reads_each_years_terms_once(client_as, on_day, role, url_name):
    on_day(date(2026, 11, 23))
    client = client_as(role)
    client.get(reverse(url_name))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(url_name)).status_code == 200
    read = _term_queries(queries)
    assert read  # the page does ask for terms
    assert len(read) == len(set(read)), "a year's terms were read twice in one request"


def test_within_a_request_a_term_saved_is_read_again():
    with terms_read_once():
        assert term_on(date(YEAR, 9, 2)).label == "Autumn 2026/27"  # the default autumn term starts 1 September
        _save_autumn(date(YEAR, 9, 3))
        assert term_on(date(YEAR, 9, 2)).label == "Summer 2025/26"


def test_within_a_request_each_year_is_read_once(django_assert_num_queries):
    with terms_read_once():
        with django_assert_num_queries(2):
            term_on(date(YEAR, 11, 23))  # this year's terms and the next's
        with django_assert_num_queries(0):
            terms_for_year(YEAR)
            term_on(date(YEAR, 11, 23))  # this year's terms and the next's
        with django_assert_num_queries(1):
            terms_for_year(YEAR + 5)


def test_a_caller_changing_a_term_it_was_given_changes_nothing_the_next_caller_reads():
    _save_autumn(date(YEAR, 9, 3))
    with terms_read_once():
        given = terms_for_year(YEAR)[0]
        given.starts_on = date(YEAR, 9, 10)
        assert terms_for_year(YEAR)[0].starts_on == date(YEAR, 9, 3)
    assert Term.objects.get(academic_year=YEAR, name="autumn").starts_on == date(YEAR, 9, 3)


def test_outside_a_request_every_call_reads_the_database(django_assert_num_queries):
    with django_assert_num_queries(2):
        terms_for_year(YEAR)
        terms_for_year(YEAR)
    # A change made without the model's signals (a queryset update) is seen at once.
    _save_autumn(date(YEAR, 9, 3))
    Term.objects.filter(academic_year=YEAR, name="autumn").update(starts_on=date(YEAR, 9, 4))
    assert terms_for_year(YEAR)[0].starts_on == date(YEAR, 9, 4)
