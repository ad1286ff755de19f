"""An MSP meeting's record names every problem in one round (docs/adr/0070): the form asks the
meeting's rules of the fields that are sound, with their own errors; each open action's comment is
named by its action. Through the real views, dated from `today`."""

from datetime import timedelta
from html import escape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.visits.factories import ActionFactory, MspGroupFactory, MspMeetingFactory
from tests.visits.test_pages import action_row, meeting_data
from visits import services
from visits.models import Action, MspMeeting

ACTION_DUE_BEFORE_AGREED = services.ACTION_DUE_BEFORE_AGREED
MSP_MEETING_BEFORE_SET_UP = services.MSP_MEETING_BEFORE_SET_UP
MSP_MEETING_IN_FUTURE = services.MSP_MEETING_IN_FUTURE
MSP_REFOCUS_DETAILS_REQUIRED = services.MSP_REFOCUS_DETAILS_REQUIRED

pytestmark = pytest.mark.django_db

COMMENT_TOO_LONG = "The comment on \u201cImprove attendance\u201d must be 200 characters or fewer"


@pytest.fixture
def group(linked, officer, today):
    return MspGroupFactory(school=linked, chair=officer, set_up_on=today - timedelta(days=60))


def _post(client, group, data) -> str:
    return client.post(reverse("visits:msp_meeting_new", kwargs={"pk": group.pk}), data).content.decode()


def test_the_testers_meeting_record_names_a_future_date_the_missing_refocus_and_the_long_comment_in_one_round(
    client_as, group, linked, today
):
    action = ActionFactory(school=linked, description="Improve attendance")
    data = meeting_data(
        today + timedelta(days=3),
        support_refocused="yes",
        refocus_details="",
        **{f"rating_{action.pk}": "amber", f"comment_{action.pk}": "x" * 600},
    )
    page = _post(client_as("officer"), group, data)
    for message in (escape(MSP_MEETING_IN_FUTURE), MSP_REFOCUS_DETAILS_REQUIRED, escape(COMMENT_TOO_LONG)):
        assert page.count(message) == 2, message  # in the summary and on its field
    assert "Comment must be" not in page  # every comment is named by its action
    assert not MspMeeting.objects.exists()


def test_a_meeting_dated_before_its_group_was_set_up_is_named_with_the_refocus_in_one_round(
    client_as, group, linked, today
):
    before = group.set_up_on - timedelta(days=1)
    data = meeting_data(before, support_refocused="yes", refocus_details=" ")
    page = _post(client_as("officer"), group, data)
    assert escape(MSP_MEETING_BEFORE_SET_UP.format(set_up_on=group.set_up_on)) in page
    assert MSP_REFOCUS_DETAILS_REQUIRED in page
    assert not MspMeeting.objects.exists()


def test_a_meeting_record_dated_in_the_future_with_no_refocus_names_both_in_one_round(client_as, group, today):
    data = meeting_data(today + timedelta(days=1), support_refocused="yes", refocus_details="")
    page = _post(client_as("officer"), group, data)
    assert escape(MSP_MEETING_IN_FUTURE) in page
    assert MSP_REFOCUS_DETAILS_REQUIRED in page
    assert not MspMeeting.objects.exists()


def test_a_meeting_actions_due_before_it_is_named_with_a_refocus_left_unsaid_in_one_round(client_as, group, today):
    early = today - timedelta(days=7)
    data = meeting_data(
        today,
        support_refocused="yes",
        refocus_details="",
        **action_row(0, "Raise attendance to 95%", "school", early),
        **{"actions-1-description": "Governors visit", "actions-1-owner": "la"},  # no due date
    )
    page = _post(client_as("officer"), group, data)
    message = ACTION_DUE_BEFORE_AGREED.format(
        action="Raise attendance to 95%", due_on=early, occasion="meeting", agreed_on=today
    )
    assert page.count(escape(message)) == 2
    assert MSP_REFOCUS_DETAILS_REQUIRED in page
    assert "Enter the due date of new action 2, or clear the row" in page
    assert not MspMeeting.objects.exists()
    assert Action.objects.count() == 0


def test_a_long_comment_on_a_planned_meetings_record_names_its_action(client_as, group, linked, today):
    action = ActionFactory(school=linked, description="Improve attendance")
    meeting = MspMeetingFactory(group=group, held_on=today, planned=True)
    url = reverse("visits:msp_meeting_record", kwargs={"pk": meeting.pk})
    data = meeting_data(today, **{f"rating_{action.pk}": "green", f"comment_{action.pk}": "y" * 201})
    page = client_as("officer").post(url, data).content.decode()
    assert page.count(escape(COMMENT_TOO_LONG)) == 2
    meeting.refresh_from_db()
    assert meeting.status == "planned"


def test_the_service_names_a_future_date_and_a_missing_refocus_together_before_planning(group, officer, today):
    record = {
        "attendees": "",
        "reviews": [],
        "impact_of_support": "",
        "support_refocused": True,
        "refocus_details": "",
        "minutes": "",
        "summary_key_points": "",
        "recommendation": "continue",
    }
    with pytest.raises(ValidationError) as raised:
        services.msp_meeting_record_new(
            group=group, held_on=today + timedelta(days=1), start_time=None, actor=officer, today=today, **record
        )
    assert raised.value.message_dict == {
        "held_on": [MSP_MEETING_IN_FUTURE],
        "refocus_details": [MSP_REFOCUS_DETAILS_REQUIRED],
    }
    assert not MspMeeting.objects.exists()
