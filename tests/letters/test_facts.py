"""Issued concerns letters and warning notices are evidence for high support in categorisation."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from categorisation.facts import FactKey, facts_for
from letters import services
from tests.factories import SchoolFactory

from .factories import draft, issued

pytestmark = pytest.mark.django_db
ON = date(2026, 11, 22)


def letter_facts(school, on=ON):
    return [
        f for f in facts_for([school.pk], on).get(school.pk, []) if f.key == FactKey.WARNING_NOTICE_OR_CONCERNS_LETTER
    ]


@pytest.mark.parametrize("code", ["significant_concerns", "significant_concerns_top", "warning_notice"])
def test_an_issued_concerns_letter_or_warning_notice_is_a_fact_with_its_source(officer, school, code, second_officer):
    issued(school, code, drafter=second_officer, officer=officer, issued_on=date(2026, 3, 3), today=ON,
           compliance_end_date=date(2026, 5, 1))  # fmt: skip
    facts = letter_facts(school)
    assert len(facts) == 1
    assert facts[0].source.endswith("issued 3 March 2026")


def test_drafts_and_congratulations_are_not_evidence(officer, school):
    draft(school, "warning_notice", actor=officer)
    issued(school, "congratulations", drafter=officer, officer=officer)
    assert letter_facts(school) == []


def test_a_letter_counts_for_a_year_and_an_open_warning_notice_for_as_long_as_it_is_open(
    officer, school, other_school, second_officer
):
    issued(school, "significant_concerns", drafter=officer, officer=officer, issued_on=date(2025, 11, 1), today=ON)
    assert letter_facts(school) == []
    notice = issued(other_school, "warning_notice", drafter=second_officer, officer=officer, issued_on=date(2025, 6, 1),
                    today=ON, compliance_end_date=date(2025, 9, 1))  # fmt: skip
    assert len(letter_facts(other_school)) == 1
    services.warning_notice_outcome_record(letter=notice, actor=officer, outcome="complied", today=date(2025, 9, 2))
    assert letter_facts(other_school) == []
    assert len(letter_facts(other_school, on=date(2026, 5, 1))) == 1  # within the year after issue


def test_a_letter_issued_after_the_day_asked_about_is_not_evidence_yet(officer, school):
    issued(school, "significant_concerns", drafter=officer, officer=officer, issued_on=ON, today=ON)
    assert letter_facts(school, on=ON - timedelta(days=1)) == []


def test_the_facts_of_many_schools_take_one_query(officer):
    from letters.facts import warning_notice_or_concerns_letter_facts

    schools = SchoolFactory.create_batch(5)
    for school in schools:
        issued(school, "significant_concerns", drafter=officer, officer=officer, issued_on=ON, today=ON)
    with CaptureQueriesContext(connection) as queries:
        found = warning_notice_or_concerns_letter_facts([s.pk for s in schools], ON + timedelta(days=1))
    assert len(found) == 5
    assert len(queries) == 1
