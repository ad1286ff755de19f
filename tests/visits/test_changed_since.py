"""A page's copy of a visit's record, an MSP meeting's record or an action is checked when it is
saved (core.versions, docs/adr/0069): a save made since the page was opened, by the same person in
another tab or by another person (an officer), refuses the later one, which names who saved, keeps
what was typed (the new action rows too) and overwrites nothing; saving again then replaces the
change knowingly. A write with no page behind it passes no version and is not checked."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from core.versions import ChangedSince, version_of
from tests.visits.conftest import date_fields
from tests.visits.factories import ActionFactory, MspGroupFactory, MspMeetingFactory, VisitFactory
from tests.visits.test_pages import action_row, meeting_data, record_data
from visits import services
from visits.models import Action, ActionOwner, MspMeeting, Visit

pytestmark = pytest.mark.django_db


def _version(page: str) -> str:
    return re.search(r'<input type="hidden" name="version" value="(\d*)"', page)[1]


@pytest.fixture
def page(client_as) -> Client:
    """The adviser's browser, where the page is opened first and saved last."""
    return client_as("adviser")


@pytest.fixture(params=["in_another_tab", "by_an_officer"])
def other_save(request, page, officer) -> tuple[Client, str]:
    """Where the save in between is made, and how the refusal names who made it."""
    if request.param == "in_another_tab":
        return page, "You"
    browser = Client()
    browser.force_login(officer)
    return browser, officer.get_full_name()


def test_a_visit_record_saved_since_its_page_opened_is_named_kept_and_saved_on_the_second_press(
    page, other_save, linked, adviser, today
):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    url = reverse("visits:record", kwargs={"pk": visit.pk})
    other, who = other_save
    opened, other_opened = _version(page.get(url).content.decode()), _version(other.get(url).content.decode())
    assert opened == other_opened != ""

    first = record_data(today, strengths="Phonics is taught daily.", adviser=adviser.pk, version=other_opened)
    assert other.post(url, first).status_code == 302
    due = today + timedelta(days=30)
    typed = record_data(
        today, strengths="Reading for pleasure is strong.", version=opened, **action_row(0, "Audit phonics", "la", due)
    )
    stale = page.post(url, typed)
    shown = stale.content.decode()
    assert stale.status_code == 200
    assert f"{who} saved a change to this visit at" in shown
    assert "Reading for pleasure is strong." in shown  # what was typed is still there
    assert "Audit phonics" in shown  # and so is the new action's row
    visit.refresh_from_db()
    assert visit.strengths == "Phonics is taught daily."  # not overwritten
    assert not visit.actions.exists()

    again = page.post(url, {**typed, "version": _version(shown)})
    assert again.status_code == 302  # saving again, knowingly, replaces the change
    visit.refresh_from_db()
    assert visit.strengths == "Reading for pleasure is strong."
    assert [a.description for a in visit.actions.all()] == ["Audit phonics"]


def test_an_msp_meeting_record_saved_since_its_page_opened_is_named_kept_and_saved_on_the_second_press(
    page, other_save, linked, officer, today
):
    meeting = MspMeetingFactory(group=MspGroupFactory(school=linked, chair=officer), minutes="The minutes as held.")
    url = reverse("visits:msp_meeting_record", kwargs={"pk": meeting.pk})
    other, who = other_save
    opened, other_opened = _version(page.get(url).content.decode()), _version(other.get(url).content.decode())
    assert opened == other_opened != ""

    first = meeting_data(today, minutes="The minutes corrected.", version=other_opened)
    assert other.post(url, first).status_code == 302
    due = today + timedelta(days=30)
    typed = meeting_data(
        today,
        minutes="An older draft of the minutes.",
        version=opened,
        **action_row(0, "Review attendance", "school", due),
    )
    stale = page.post(url, typed)
    shown = stale.content.decode()
    assert stale.status_code == 200
    assert f"{who} saved a change to this MSP meeting at" in shown
    assert "An older draft of the minutes." in shown  # what was typed is still there
    assert "Review attendance" in shown  # and so is the new action's row
    meeting.refresh_from_db()
    assert meeting.minutes == "The minutes corrected."  # not overwritten
    assert not meeting.actions.exists()

    again = page.post(url, {**typed, "version": _version(shown)})
    assert again.status_code == 302  # saving again, knowingly, replaces the change
    meeting.refresh_from_db()
    assert meeting.minutes == "An older draft of the minutes."
    assert [a.description for a in meeting.actions.all()] == ["Review attendance"]


def test_an_action_updated_since_its_page_opened_is_named_kept_and_saved_on_the_second_press(
    page, other_save, linked, today
):
    action = ActionFactory(school=linked, description="Improve writing")
    url = reverse("visits:action_detail", kwargs={"pk": action.pk})
    other, who = other_save
    opened, other_opened = _version(page.get(url).content.decode()), _version(other.get(url).content.decode())
    assert opened == other_opened != ""

    def update(description: str, version: str) -> dict:
        due = date_fields("due_on", action.due_on)
        return {
            "update": "1",
            "description": description,
            "owner": "school",
            **due,
            "note": "Agreed",
            "version": version,
        }

    assert other.post(url, update("Improve writing in year 6", other_opened)).status_code == 302
    stale = page.post(url, update("Improve handwriting", opened))
    shown = stale.content.decode()
    assert stale.status_code == 200
    assert f"{who} saved a change to this action at" in shown
    assert "Improve handwriting" in shown  # what was typed is still there
    action.refresh_from_db()
    assert action.description == "Improve writing in year 6"  # not overwritten
    assert action.updates.count() == 1

    again = page.post(url, update("Improve handwriting", _version(shown)))
    assert again.status_code == 302  # saving again, knowingly, replaces the change
    action.refresh_from_db()
    assert action.description == "Improve handwriting"


def test_a_write_with_no_page_behind_it_passes_no_version_and_is_not_checked(linked, adviser, officer, today):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    meeting = MspMeetingFactory(group=MspGroupFactory(school=linked, chair=officer))
    action = ActionFactory(school=linked)
    opened = {"visit": version_of(visit), "meeting": version_of(meeting), "action": version_of(action)}
    # Each record changed since those versions, by another person.
    services.visit_complete(visit=visit, actor=officer)
    services.msp_meeting_publish_summary(meeting=meeting, actor=officer)
    services.action_close(action=action, note="Done", actor=officer)
    services.action_reopen(action=action, note="Not done after all", actor=officer)

    visit_record = {**_visit_record(visit), "strengths": "Written with no page"}
    meeting_record = {**_meeting_record(meeting), "minutes": "Written with no page"}
    action_record = {"description": "Written with no page", "owner": ActionOwner.SCHOOL, "due_on": action.due_on}
    services.visit_record(visit=visit, actor=adviser, **visit_record)
    services.msp_meeting_record(meeting=meeting, actor=adviser, **meeting_record)
    services.action_update(action=action, actor=adviser, note="Reworded", **action_record)
    assert Visit.objects.get(pk=visit.pk).strengths == "Written with no page"
    assert MspMeeting.objects.get(pk=meeting.pk).minutes == "Written with no page"
    assert Action.objects.get(pk=action.pk).description == "Written with no page"

    # The same writes from a page opened before those changes are refused.
    with pytest.raises(ChangedSince):
        services.visit_record(visit=visit, actor=adviser, version=opened["visit"], **visit_record)
    with pytest.raises(ChangedSince):
        services.msp_meeting_record(meeting=meeting, actor=adviser, version=opened["meeting"], **meeting_record)
    with pytest.raises(ChangedSince):
        services.action_update(action=action, actor=adviser, note="Again", version=opened["action"], **action_record)


def _visit_record(visit: Visit) -> dict:
    """The visit's record as visits.services.visit_record takes it."""
    names = ["adviser", "visit_date", "start_time", "length", "visit_type", "focus_areas", "purpose", "activities"]
    return {name: getattr(visit, name) for name in [*names, "strengths", "areas_for_development", "notes"]}


def _meeting_record(meeting: MspMeeting) -> dict:
    """The meeting's record as visits.services.msp_meeting_record takes it."""
    names = ["held_on", "start_time", "attendees", "impact_of_support", "minutes", "summary_key_points"]
    fields = {name: getattr(meeting, name) for name in names}
    return {**fields, "reviews": [], "support_refocused": False, "refocus_details": "", "recommendation": "continue"}
