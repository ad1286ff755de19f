"""The interface other apps use: current_categories / current_category / category_history, the
facts registry, and the factories."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from categorisation.facts import Fact, FactKey, facts_for, register_fact_provider, registered_providers
from categorisation.models import SUPPORT_ORDER, Categorisation, Status, SupportLevel, more_support
from categorisation.selectors import (
    CurrentCategory,
    category_history,
    current_categories,
    current_category,
    levels_on,
)
from tests.categorisation.factories import ApprovedCategorisationFactory, CategorisationFactory, aware
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def test_support_levels_are_ordered_low_medium_high():
    assert [level.value for level in SupportLevel] == ["low", "medium", "high"]
    assert SUPPORT_ORDER["low"] < SUPPORT_ORDER["medium"] < SUPPORT_ORDER["high"]
    assert more_support("low", "high") == "high"
    assert SupportLevel.HIGH.label == "High support"


def test_a_school_without_an_approved_categorisation_has_no_current_category(school):
    CategorisationFactory(school=school)  # a draft does not count
    assert current_categories([school.pk]) == {}
    assert current_category(school) is None


def test_the_current_category_is_the_latest_approved_with_its_direction_of_travel(school, officer):
    ApprovedCategorisationFactory(school=school, level="medium", academic_year=2025, term="summer",
                                  approved_at=aware(2026, 5, 20))  # fmt: skip
    latest = ApprovedCategorisationFactory(
        school=school,
        level="high",
        academic_year=2026,
        term="autumn",
        approved_at=aware(2026, 10, 9),
        approved_by=officer,
    )
    current = current_category(school)
    assert current == CurrentCategory(
        school_id=school.pk,
        level="high",
        academic_year=2026,
        term="autumn",
        approved_at=aware(2026, 10, 9),
        approved_by="Olivia Okafor",
        categorisation_id=latest.pk,
        direction="declining",
    )


@pytest.mark.parametrize(
    ("previous", "latest", "direction"),
    [
        (None, "medium", None),
        ("high", "medium", "improving"),
        ("low", "low", "stable"),
        ("medium", "high", "declining"),
        ("high", "low", "improving"),
    ],
)
def test_direction_of_travel_compares_with_the_previous_approved_category(school, previous, latest, direction):
    if previous:
        ApprovedCategorisationFactory(school=school, level=previous, term="spring", approved_at=aware(2026, 2, 1))
    ApprovedCategorisationFactory(school=school, level=latest, term="summer", approved_at=aware(2026, 5, 1))
    assert current_category(school).direction == direction


def test_only_approved_categorisations_change_the_current_category(school):
    ApprovedCategorisationFactory(school=school, level="low", approved_at=aware(2026, 2, 1), term="spring")
    for status in (Status.SUBMITTED, Status.RETURNED, Status.WITHDRAWN):
        Categorisation.objects.filter(school=school, status__in=[Status.SUBMITTED, Status.RETURNED]).update(
            status=Status.WITHDRAWN
        )
        CategorisationFactory(school=school, status=status, level="high", suggested_level="high")
    assert current_category(school).level == "low"


def test_on_a_day_gives_the_category_as_it_stood_at_the_end_of_that_day(school):
    ApprovedCategorisationFactory(school=school, level="low", term="spring", approved_at=aware(2026, 2, 3, 9))
    ApprovedCategorisationFactory(school=school, level="high", term="autumn", approved_at=aware(2026, 10, 9, 23))
    assert current_category(school, on=date(2026, 2, 2)) is None
    assert current_category(school, on=date(2026, 2, 3)).level == "low"
    assert current_category(school, on=date(2026, 10, 8)).level == "low"
    as_of_day = current_category(school, on=date(2026, 10, 9))
    assert (as_of_day.level, as_of_day.direction) == ("high", "declining")


def test_current_categories_covers_many_schools_and_leaves_out_uncategorised_ones(school, other_school):
    third = SchoolFactory()
    ApprovedCategorisationFactory(school=school, level="high")
    ApprovedCategorisationFactory(school=other_school, level="low")
    found = current_categories([school.pk, other_school.pk, third.pk])
    assert {k: v.level for k, v in found.items()} == {school.pk: "high", other_school.pk: "low"}
    assert set(current_categories()) >= {school.pk, other_school.pk}
    assert current_categories([]) == {}


def test_current_categories_runs_one_query_however_many_schools_and_terms():
    def run(ids):
        with CaptureQueriesContext(connection) as captured:
            current_categories(ids)
        return len(captured)

    few = [SchoolFactory() for _ in range(3)]
    for school in few:
        ApprovedCategorisationFactory(school=school)
    small = run([s.pk for s in few])
    many = [SchoolFactory() for _ in range(30)]
    for n, school in enumerate(many):
        for term, month in (("autumn", 10), ("spring", 2), ("summer", 5)):
            ApprovedCategorisationFactory(
                school=school, term=term, level=["low", "medium", "high"][n % 3], approved_at=aware(2026, month, 1)
            )
    assert run([s.pk for s in few + many]) == small == 1


def test_category_history_lists_approved_categorisations_newest_first_with_directions(school):
    ApprovedCategorisationFactory(school=school, level="high", term="autumn", academic_year=2025,
                                  approved_at=aware(2025, 10, 10))  # fmt: skip
    ApprovedCategorisationFactory(school=school, level="medium", term="spring", academic_year=2025,
                                  approved_at=aware(2026, 2, 6))  # fmt: skip
    ApprovedCategorisationFactory(school=school, level="medium", term="summer", academic_year=2025,
                                  approved_at=aware(2026, 5, 15))  # fmt: skip
    CategorisationFactory(school=school)
    history = category_history(school)
    assert [(h.term_label, h.level, h.direction) for h in history] == [
        ("Summer 2025/26", "medium", "stable"),
        ("Spring 2025/26", "medium", "improving"),
        ("Autumn 2025/26", "high", None),
    ]


def test_the_approved_factory_ticks_a_statement_at_its_level(school):
    categorisation = ApprovedCategorisationFactory(school=school, level=SupportLevel.HIGH)
    tick = categorisation.ticks.get()
    assert tick.criterion.level == "high"
    assert categorisation.approved_at is not None


def test_another_app_registers_a_fact_provider_that_facts_for_gathers(school, other_school):
    calls = []

    def letters(school_ids, on):
        calls.append((sorted(school_ids), on))
        return {school.pk: [Fact(FactKey.WARNING_NOTICE_OR_CONCERNS_LETTER, "Warning notice issued 3 March 2026")]}

    register_fact_provider("test_letters", letters)
    try:
        found = facts_for([school.pk, other_school.pk], date(2026, 11, 22))
    finally:
        from categorisation import facts

        facts._providers.pop("test_letters")
    assert calls == [(sorted([school.pk, other_school.pk]), date(2026, 11, 22))]
    assert Fact(FactKey.WARNING_NOTICE_OR_CONCERNS_LETTER, "Warning notice issued 3 March 2026") in found[school.pk]
    assert other_school.pk not in found or all(
        f.key != FactKey.WARNING_NOTICE_OR_CONCERNS_LETTER for f in found[other_school.pk]
    )


def test_this_app_registers_its_own_fact_providers():
    assert {"school_register", "ofsted", "performance"} <= set(registered_providers())
    assert FactKey.WARNING_NOTICE_OR_CONCERNS_LETTER == "warning_notice_or_concerns_letter"


def test_levels_on_gives_each_days_level_as_current_categories_does_in_two_queries(school, other_school):
    third = SchoolFactory()
    for target, level, approved in [
        (school, "low", aware(2026, 1, 10)),
        (school, "high", aware(2026, 4, 20)),
        (school, "medium", aware(2026, 9, 15)),
        (other_school, "medium", aware(2026, 4, 20)),
        (other_school, "low", aware(2026, 4, 20)),  # same instant: the later id wins
        (third, "high", aware(2026, 10, 1)),
    ]:
        ApprovedCategorisationFactory(school=target, level=level, approved_at=approved)
    days = [date(2025, 12, 1), date(2026, 1, 10), date(2026, 4, 19), date(2026, 4, 20), date(2026, 9, 30)]
    ids = [school.pk, other_school.pk, third.pk]
    with CaptureQueriesContext(connection) as queries:
        found = levels_on(days, ids)
    assert len(queries) == 2
    expected = {day: {pk: c.level for pk, c in current_categories(ids, on=day).items()} for day in days}
    assert found == expected
    assert found[date(2026, 4, 20)] == {school.pk: "high", other_school.pk: "low"}
    assert found[date(2025, 12, 1)] == {}
    assert levels_on([], ids) == {}


def test_level_counts_count_each_school_at_its_current_level_and_the_uncategorised(school, other_school):
    from categorisation.selectors import level_counts
    from schools.models import School

    SchoolFactory()  # not categorised
    ApprovedCategorisationFactory(school=school, level="high", approved_at=aware(2025, 5, 1))
    ApprovedCategorisationFactory(school=school, level="medium", approved_at=aware(2026, 5, 1))
    ApprovedCategorisationFactory(school=other_school, level="medium", approved_at=aware(2026, 1, 5))
    CategorisationFactory(school=other_school)  # a draft does not count
    with CaptureQueriesContext(connection) as queries:
        counts = level_counts(School.objects.all())
    assert len(queries) == 1
    assert counts == {"low": 0, "medium": 2, "high": 0, "none": School.objects.count() - 2}


def test_a_category_approved_by_a_deleted_account_names_no_approver(school):
    from tests.factories import UserFactory

    approver = UserFactory(first_name="", last_name="")
    ApprovedCategorisationFactory(school=school, level="low", approved_at=aware(2026, 5, 1), approved_by=approver)
    assert current_category(school).approved_by == approver.username
    approver.delete()
    assert current_category(school).approved_by == ""
    assert category_history(school)[0].approved_by == ""
