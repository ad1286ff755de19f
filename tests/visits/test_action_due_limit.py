"""An action agreed at a visit or an MSP meeting, or its due date changed since, is due no more than
two years from today, as a school's action plan's actions are (docs/adr/0065): the rule, the visit
record's and the meeting record's rows (each message naming its row), the action's own page and
the services. Dated from `today`."""

from datetime import timedelta
from html import escape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.dates import add_months
from tests.visits.conftest import date_fields
from tests.visits.factories import ActionFactory, MspGroupFactory, VisitFactory
from tests.visits.test_pages import action_row, meeting_data, record_data
from visits import services
from visits.models import Action, MspMeeting
from visits.rules import PLANNED_TOO_FAR_AHEAD
from visits.services_actions import NewActionRefused

pytestmark = pytest.mark.django_db


def _too_far(today, label: str) -> str:
    return PLANNED_TOO_FAR_AHEAD.format(label=label, limit=add_months(today, 24))


def test_an_action_falls_due_no_more_than_two_years_ahead(today):
    from visits.rules import an_action_falls_due_no_more_than_two_years_ahead

    limit = add_months(today, 24)
    assert an_action_falls_due_no_more_than_two_years_ahead(due_on=limit, today=today) == []
    assert an_action_falls_due_no_more_than_two_years_ahead(due_on=limit + timedelta(days=1), today=today) == [
        _too_far(today, "The due date")
    ]
    named = an_action_falls_due_no_more_than_two_years_ahead(
        due_on=limit + timedelta(days=1), today=today, label="Due date of new action 2"
    )
    assert named == [_too_far(today, "Due date of new action 2")]


def test_a_visits_new_action_due_in_2099_is_refused_on_its_row_naming_it(client_as, linked, adviser, today):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    far = today.replace(year=2099, month=1, day=1)
    data = record_data(today, **action_row(1, "Review attendance", "la", far))  # after a blank row
    page = client_as("adviser").post(reverse("visits:record", kwargs={"pk": visit.pk}), data).content.decode()
    assert page.count(_too_far(today, "Due date of new action 2")) == 2  # the summary and the row
    assert 'href="#id_actions-1-due_on' in page
    assert not Action.objects.exists()


def test_a_visits_new_action_due_on_the_limit_is_saved_and_the_day_after_is_not(client_as, linked, adviser, today):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    limit = add_months(today, 24)
    url = reverse("visits:record", kwargs={"pk": visit.pk})
    refused = client_as("adviser").post(url, record_data(today, **action_row(0, "Late", "la", limit + timedelta(1))))
    assert _too_far(today, "Due date of new action 1") in refused.content.decode()
    saved = client_as("adviser").post(url, record_data(today, **action_row(0, "On the day", "la", limit)))
    assert saved.status_code == 302
    assert list(Action.objects.values_list("due_on", flat=True)) == [limit]


def test_an_msp_meetings_new_action_due_in_2099_is_refused_on_its_row_naming_it(client_as, linked, officer, today):
    group = MspGroupFactory(school=linked, chair=officer)
    far = today.replace(year=2099, month=1, day=1)
    data = meeting_data(today, **action_row(0, "Raise attendance to 95%", "school", far))
    url = reverse("visits:msp_meeting_new", kwargs={"pk": group.pk})
    page = client_as("officer").post(url, data).content.decode()
    assert page.count(_too_far(today, "Due date of new action 1")) == 2
    assert not MspMeeting.objects.exists()
    assert not Action.objects.exists()


def test_changing_an_actions_due_date_to_more_than_two_years_ahead_is_refused_with_its_other_errors(
    client_as, linked, today
):
    action = ActionFactory(school=linked)
    url = reverse("visits:action_detail", kwargs={"pk": action.pk})
    far = add_months(today, 24) + timedelta(days=1)
    posted = {"update": "1", "description": "Revised", "owner": "la", **date_fields("due_on", far), "note": ""}
    page = client_as("adviser").post(url, posted).content.decode()
    assert page.count(escape(_too_far(today, "The due date"))) == 2
    assert "Enter a note saying what changed" in page  # the service's, in the same round
    action.refresh_from_db()
    assert action.due_on != far


def test_an_actions_due_date_stored_beyond_the_limit_is_left_alone_when_its_other_parts_change(
    client_as, linked, today
):
    """The rule is on a date typed (docs/adr/0065); the service refuses a changed one too."""
    far = add_months(today, 30)
    action = ActionFactory(school=linked, due_on=far)
    url = reverse("visits:action_detail", kwargs={"pk": action.pk})
    posted = {"update": "1", "description": "Revised", "owner": "la", **date_fields("due_on", far), "note": "Why"}
    assert client_as("adviser").post(url, posted).status_code == 302
    with pytest.raises(ValidationError) as raised:
        services.action_update(
            action=action,
            description="Revised",
            owner="la",
            due_on=far + timedelta(days=1),
            note="Later",
            actor=action.created_by,
            today=today,
        )
    assert raised.value.message_dict == {"due_on": [_too_far(today, "The due date")]}


def test_the_services_refuse_a_new_action_beyond_the_limit_by_its_place(linked, adviser, today):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    new = [
        services.NewAction("Soon", "la", today),
        services.NewAction("Far", "la", add_months(today, 24) + timedelta(days=1)),
    ]
    with pytest.raises(NewActionRefused) as raised:
        services.visit_record(
            visit=visit,
            adviser=adviser,
            visit_date=today,
            start_time=None,
            length="half_day",
            visit_type="core",
            focus_areas=[],
            purpose="",
            activities=[],
            strengths="",
            areas_for_development="",
            notes="",
            new_actions=new,
            actor=adviser,
            today=today,
        )
    assert (raised.value.index, raised.value.field) == (1, "due_on")
    assert raised.value.message == _too_far(today, "Due date of new action 2")
    assert not Action.objects.exists()
