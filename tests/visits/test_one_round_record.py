"""A visit's record and the record that its note was shared name every problem in one round
(docs/adr/0070): the form and the action rows ask the visit's rules of what is sound, with the
fields' own errors, and nothing is saved. Through the real views, dated from `today`."""

from datetime import date, timedelta
from html import escape

import pytest
from django.urls import reverse

from core.dates import add_months
from tests.visits.factories import MspGroupFactory, VisitFactory
from tests.visits.test_pages import action_row, record_data
from visits.forms_actions import ACTION_ROW_INCOMPLETE
from visits.models import Action, VisitStatus
from visits.rules import PLANNED_TOO_FAR_AHEAD, VISIT_IN_FUTURE
from visits.services import ACTION_DUE_BEFORE_AGREED, SHARED_WITH_REQUIRED

pytestmark = pytest.mark.django_db


def _post(client, visit, data) -> str:
    return client.post(reverse("visits:record", kwargs={"pk": visit.pk}), data).content.decode()


def test_the_testers_visit_record_names_its_five_problems_in_one_round_and_saves_nothing(
    client_as, linked, adviser, today
):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    early = today - timedelta(days=2)
    data = record_data(
        today,
        strengths="x" * 20_001,
        **{"actions-TOTAL_FORMS": "3", "actions-0-description": "Review attendance"},  # half-filled
        **action_row(1, "Publish the reading plan", "school", early),  # before the visit
        **{"actions-2-description": "Train governors", "actions-2-owner": "la"},
        **{"actions-2-due_on_0": "31", "actions-2-due_on_1": "2", "actions-2-due_on_2": str(today.year + 1)},
    )
    page = _post(client_as("adviser"), visit, data)
    before = ACTION_DUE_BEFORE_AGREED.format(
        action="Publish the reading plan", due_on=early, occasion="visit", agreed_on=today
    )
    for message in (
        "Strengths must be 20,000 characters or fewer",
        ACTION_ROW_INCOMPLETE.format(missing="owner", number=1),
        ACTION_ROW_INCOMPLETE.format(missing="due date", number=1),
        "Due date of new action 3 must be a real date",
        escape(before),
    ):
        assert page.count(message) == 2, message  # in the summary and on its field
    assert 'href="#id_actions-1-due_on' in page  # the summary links to the row's date
    visit.refresh_from_db()
    assert visit.strengths == ""
    assert not Action.objects.exists()


def test_an_action_far_ahead_is_named_with_a_visit_completed_before_its_day_in_one_round(
    client_as, linked, adviser, today
):
    """The visit's own date rule and a row's two-year limit, with a row's date that is not real."""
    tomorrow = today + timedelta(days=1)
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=tomorrow)
    far = add_months(today, 24) + timedelta(days=1)
    data = record_data(
        tomorrow,
        complete="1",
        **action_row(0, "Review attendance", "la", far),
        **{"actions-1-description": "Train governors", "actions-1-owner": "la"},
        **{"actions-1-due_on_0": "31", "actions-1-due_on_1": "2", "actions-1-due_on_2": str(today.year + 1)},
    )
    page = _post(client_as("adviser"), visit, data)
    too_far = PLANNED_TOO_FAR_AHEAD.format(label="Due date of new action 1", limit=add_months(today, 24))
    assert escape(VISIT_IN_FUTURE) in page
    assert page.count(too_far) == 2
    assert "Due date of new action 2 must be a real date" in page
    visit.refresh_from_db()
    assert visit.status == "planned"
    assert not Action.objects.exists()


def test_recording_the_shared_note_with_everything_blank_names_the_date_and_who_in_one_round(
    client_as, linked, adviser, today
):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today - timedelta(days=5), completed=True)
    url = reverse("visits:share", kwargs={"pk": visit.pk})
    blank = {"shared_on_0": "", "shared_on_1": "", "shared_on_2": "", "shared_with": ""}
    page = client_as("adviser").post(url, blank).content.decode()
    assert "Enter the date the note was shared" in page
    assert SHARED_WITH_REQUIRED in page
    visit.refresh_from_db()
    assert visit.shared_on is None


def test_a_shared_note_dated_on_a_day_that_is_not_real_is_named_with_who_it_went_to_in_one_round(
    client_as, linked, adviser, today
):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today - timedelta(days=5), completed=True)
    url = reverse("visits:share", kwargs={"pk": visit.pk})
    data = {"shared_on_0": "31", "shared_on_1": "2", "shared_on_2": str(today.year), "shared_with": " "}
    page = client_as("adviser").post(url, data).content.decode()
    assert page.count("Date the note was shared must be a real date") == 2
    assert page.count(SHARED_WITH_REQUIRED) == 2
    visit.refresh_from_db()
    assert visit.shared_on is None


def test_the_share_pages_example_date_is_one_the_page_takes(client_as, linked, adviser, today):
    """ADR 0059: an example the field refuses (a fixed "27 11 2026" before a December visit) misleads."""
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today, status=VisitStatus.COMPLETED)
    page = client_as("adviser").get(reverse("visits:share", kwargs={"pk": visit.pk})).content.decode()
    assert f"For example, {today.day} {today.month} {today.year}" in page


@pytest.mark.parametrize("day", [date(2026, 11, 27), date(2027, 2, 28), date(2027, 12, 31)])
def test_the_plan_pages_example_dates_are_still_to_come(client_as, linked, adviser, officer, on_day, day):
    """ADR 0059: a visit or an MSP meeting planned is still to come, so its example is too (a fixed
    "27 11 2026" and "9 12 2026" went out of date)."""
    on_day(day)
    example = day + timedelta(days=14)
    hint = f"For example, {example.day} {example.month} {example.year}"
    plan_page = client_as("adviser").get(reverse("visits:plan")).content.decode()
    assert hint in plan_page
    assert "The school does not see this before the visit. It is part of the note of visit" in plan_page
    group = MspGroupFactory(school=linked, chair=officer)
    assert hint in client_as("officer").get(reverse("visits:msp_group", kwargs={"pk": group.pk})).content.decode()
