"""An overdue action has one definition (issue 15): still open, and its due date has passed.
Action.is_overdue (one action) and overdue_actions_q (a query) are the same rule; every list, count
and tag reads one of them."""

from datetime import date, timedelta

import pytest

from visits.models import Action, ActionStatus, overdue_actions_q
from visits.selectors import overdue_open_actions

from .factories import ActionFactory

pytestmark = pytest.mark.django_db

# A Monday in term, the last day of the summer term and new year's day: the rule is calendar days.
DAYS = [date(2026, 11, 30), date(2027, 7, 21), date(2027, 1, 1)]


@pytest.mark.parametrize("today", DAYS)
def test_an_action_is_overdue_when_open_and_past_its_due_date(today):
    due_yesterday = ActionFactory(due_on=today - timedelta(days=1))
    due_today = ActionFactory(due_on=today)
    due_tomorrow = ActionFactory(due_on=today + timedelta(days=1))
    closed_late = ActionFactory(due_on=today - timedelta(days=30), status=ActionStatus.CLOSED)
    expected = {due_yesterday.pk}
    assert {a.pk for a in Action.objects.all() if a.is_overdue(today)} == expected
    assert set(Action.objects.filter(overdue_actions_q(today)).values_list("pk", flat=True)) == expected
    assert set(overdue_open_actions(school_ids=None, today=today).values_list("pk", flat=True)) == expected
    assert not due_today.is_overdue(today)
    assert not due_tomorrow.is_overdue(today)
    assert not closed_late.is_overdue(today)
