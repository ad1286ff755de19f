"""A new action the service refuses is shown on its own row of the form, as well as in the error
summary, and nothing is saved (the GOV.UK error pattern: the summary links to the field at fault)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from core.limits import LONG_TEXT
from tests.visits.factories import MspGroupFactory, VisitFactory
from tests.visits.test_pages import action_row, meeting_data, record_data
from visits.forms_actions import ACTION_ROW_INCOMPLETE
from visits.models import Action, MspMeeting
from visits.services_actions import ACTION_DUE_BEFORE_AGREED

pytestmark = pytest.mark.django_db


def _row_error(page: str, row: int, field: str) -> str:
    """The inline error of one row's field ("id_actions-1-due_on_1_error" for a date), or ""."""
    found = re.search(
        rf'<span id="id_actions-{row}-{field}(_\d)?_error" class="govuk-error-message">(.*?)<div', page, re.S
    )
    return found[2] if found else ""


def test_an_action_due_before_the_visit_is_shown_on_its_row_and_nothing_is_saved(client_as, linked, adviser, today):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    early = today - timedelta(days=3)
    data = record_data(
        today,
        **action_row(0, "Publish the reading plan", "school", today + timedelta(days=30)),
        **action_row(1, "Review attendance", "la", early),
    )
    page = client_as("adviser").post(reverse("visits:record", kwargs={"pk": visit.pk}), data).content.decode()
    message = ACTION_DUE_BEFORE_AGREED.format(
        action="Review attendance", due_on=early, occasion="visit", agreed_on=today
    )
    assert "Review attendance" in _row_error(page, 1, "due_on")
    assert 'href="#id_actions-1-due_on' in page  # the summary links to the row's date
    assert page.count(message) == 2  # in the summary and on the row
    assert _row_error(page, 0, "due_on") == ""
    visit.refresh_from_db()
    assert visit.strengths == ""
    assert not Action.objects.exists()


def test_a_row_left_blank_does_not_move_the_error_off_the_row_at_fault(client_as, linked, adviser, today):
    """The refusal counts only the filled rows; the blank first row must not shift it."""
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    data = record_data(today, **action_row(1, "Review attendance", "la", today - timedelta(days=1)))
    page = client_as("adviser").post(reverse("visits:record", kwargs={"pk": visit.pk}), data).content.decode()
    assert "Review attendance" in _row_error(page, 1, "due_on")
    assert _row_error(page, 0, "due_on") == ""


def test_an_msp_action_due_before_the_meeting_is_shown_on_its_row(client_as, linked, officer, today):
    group = MspGroupFactory(school=linked, chair=officer)
    url = reverse("visits:msp_meeting_new", kwargs={"pk": group.pk})
    data = meeting_data(today, **action_row(0, "Raise attendance to 95%", "school", today - timedelta(days=7)))
    page = client_as("officer").post(url, data).content.decode()
    assert "Raise attendance to 95%" in _row_error(page, 0, "due_on")
    assert not MspMeeting.objects.exists()


def test_a_rows_impossible_due_date_is_named_by_its_row_with_the_rows_other_gaps_in_the_same_round(
    client_as, linked, adviser, today
):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    data = record_data(
        today,
        **action_row(0, "Publish the reading plan", "school", today + timedelta(days=30)),
        **{"actions-1-due_on_0": "31", "actions-1-due_on_1": "2", "actions-1-due_on_2": "2027"},  # no text, no owner
    )
    page = client_as("adviser").post(reverse("visits:record", kwargs={"pk": visit.pk}), data).content.decode()
    assert "Due date of new action 2 must be a real date" in _row_error(page, 1, "due_on")
    assert ACTION_ROW_INCOMPLETE.format(missing="description", number=2) in _row_error(page, 1, "description")
    assert ACTION_ROW_INCOMPLETE.format(missing="owner", number=2) in _row_error(page, 1, "owner")
    assert "Due date must be" not in page  # every date message says which row
    assert not Action.objects.exists()


def test_a_rows_half_typed_due_date_counts_as_started_and_names_the_part_missing(client_as, linked, adviser, today):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    data = record_data(today, **{"actions-0-description": "Review attendance", "actions-0-due_on_0": "12"})
    page = client_as("adviser").post(reverse("visits:record", kwargs={"pk": visit.pk}), data).content.decode()
    assert "Due date of new action 1 must include a month" in _row_error(page, 0, "due_on")
    assert ACTION_ROW_INCOMPLETE.format(missing="owner", number=1) in _row_error(page, 0, "owner")
    assert not Action.objects.exists()


def test_a_rows_too_long_action_is_named_by_its_row(client_as, linked, adviser, today):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    limit = LONG_TEXT  # a textarea's
    data = record_data(today, **action_row(1, "x" * (limit + 1), "la", today + timedelta(days=30)))
    page = client_as("adviser").post(reverse("visits:record", kwargs={"pk": visit.pk}), data).content.decode()
    assert f"New action 2 must be {limit:,} characters or fewer" in _row_error(page, 1, "description")
    assert not Action.objects.exists()
