"""The visits lists' FilterSets (visits/filters.py) keep the hand-written filters' behaviour: the
filters apply together or not at all, the actions list shows open actions by default, and the MSP
groups list open groups unless the address asks otherwise."""

from datetime import timedelta

import pytest
from django.http import QueryDict

from tests.visits.factories import ActionFactory, MspGroupFactory, VisitFactory
from visits.filters import filtered_actions, filtered_msp_groups, filtered_visits
from visits.models import ActionStatus, MspGroupStatus, VisitStatus

pytestmark = pytest.mark.django_db

TOO_LONG = "x" * 5000


def test_a_refused_filter_leaves_the_visits_list_unfiltered_and_says_why(officer):
    planned, completed = VisitFactory(), VisitFactory(completed=True)
    visit_filter, visits = filtered_visits(user=officer, params=QueryDict(f"status={VisitStatus.COMPLETED}"))
    assert list(visits) == [completed]
    visit_filter, visits = filtered_visits(
        user=officer, params=QueryDict(f"status={VisitStatus.COMPLETED}&q={TOO_LONG}")
    )
    assert "q" in visit_filter.form.errors
    assert set(visits) == {planned, completed}


def test_an_adviser_starts_with_their_own_visits(adviser, officer):
    mine, theirs = VisitFactory(adviser=adviser), VisitFactory()
    assert list(filtered_visits(user=adviser, params=QueryDict())[1]) == [mine]
    assert set(filtered_visits(user=officer, params=QueryDict())[1]) == {mine, theirs}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"open", "overdue"}),
        ("status=", {"open", "overdue"}),
        ("status=bogus", {"open", "overdue"}),
        (f"status=closed&q={TOO_LONG}", {"open", "overdue"}),
        ("status=open", {"open", "overdue"}),
        ("status=overdue", {"overdue"}),
        ("status=closed", {"closed"}),
        ("status=all", {"open", "overdue", "closed"}),
    ],
)
def test_the_actions_list_shows_open_actions_unless_another_status_is_chosen(officer, today, query, expected):
    actions = {
        "open": ActionFactory(due_on=today + timedelta(days=1)),
        "overdue": ActionFactory(due_on=today - timedelta(days=1)),
        "closed": ActionFactory(status=ActionStatus.CLOSED),
    }
    _, kept = filtered_actions(user=officer, params=QueryDict(query), today=today)
    assert set(kept) == {actions[name] for name in expected}


@pytest.mark.parametrize(
    ("query", "expected"),
    [("", {"open"}), ("status=open", {"open"}), ("status=closed", {"closed"}), ("status=", {"open", "closed"})],
)
def test_the_msp_groups_list_shows_open_groups_unless_the_address_asks_otherwise(officer, query, expected):
    groups = {"open": MspGroupFactory(), "closed": MspGroupFactory(status=MspGroupStatus.CLOSED)}
    group_filter = filtered_msp_groups(user=officer, params=QueryDict(query))
    assert set(group_filter.qs) == {groups[name] for name in expected}
    assert group_filter.chosen_status == QueryDict(query).get("status", "open")
