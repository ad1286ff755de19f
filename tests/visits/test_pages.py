"""The visits pages through the test client: plan, record (with action rows, no JavaScript),
complete, cancel, the note of visit and its PDF, sharing, actions, compliance and its export,
MSP groups and meetings, the governor's view and the calendar with its iCalendar feed."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from openpyxl import load_workbook

from accounts.roles import Role
from categorisation.models import SupportLevel
from tests.categorisation.factories import ApprovedCategorisationFactory, aware
from tests.factories import SchoolFactory
from tests.visits.conftest import content, date_fields
from tests.visits.factories import ActionFactory, MspGroupFactory, MspMeetingFactory, MspMemberFactory, VisitFactory
from visits import services
from visits.forms_actions import ACTION_ROW_INCOMPLETE
from visits.forms_visits import TIME_INVALID
from visits.models import (
    Action,
    ActionStatus,
    MspGroup,
    MspMeeting,
    MspMeetingStatus,
    MspMemberRole,
    Visit,
    VisitStatus,
)
from visits.rules import AUTUMN_CORE_AGENDA, VISIT_IN_FUTURE
from visits.services_actions import ACTION_DESCRIPTION_REQUIRED

pytestmark = pytest.mark.django_db

AUTUMN_AGENDA = [area.value for area in AUTUMN_CORE_AGENDA]


def record_data(day, **extra) -> dict:
    data = {
        **date_fields("visit_date", day),
        "start_time": "9:30",
        "length": "half_day",
        "visit_type": "core",
        "focus_areas": ["quality_of_education", "outcomes"],
        "activities": ["lesson_observation", "discussion_governors"],
        "strengths": "Reading is taught well.",
        "areas_for_development": "Writing at key stage 2.",
        "notes": "",
        "purpose": "",
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "20",
    }
    data.update(extra)
    return data


def action_row(n: int, description: str, owner: str, due) -> dict:
    return {
        f"actions-{n}-description": description,
        f"actions-{n}-owner": owner,
        **date_fields(f"actions-{n}-due_on", due),
    }


# ---- planning ---------------------------------------------------------------------------------


def test_an_adviser_plans_a_visit_to_a_link_school(client_as, linked, adviser, today):
    day = today + timedelta(days=7)
    response = client_as("adviser").post(
        reverse("visits:plan"),
        {"school": linked.pk, **date_fields("visit_date", day), "start_time": "13:15", "length": "full_day",
         "visit_type": "monitoring", "focus_areas": ["safeguarding"], "purpose": "Follow-up"},
    )  # fmt: skip
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == visit.get_absolute_url()
    assert (visit.school, visit.adviser, visit.visit_date, visit.length, visit.status) == (
        linked, adviser, day, "full_day", VisitStatus.PLANNED
    )  # fmt: skip
    assert visit.start_time.strftime("%H:%M") == "13:15"


@pytest.mark.parametrize(
    ("planned_on", "visit_day", "agenda"),
    [
        (date(2026, 12, 24), date(2027, 1, 7), []),  # in the Christmas holiday, for the spring term
        (date(2026, 12, 24), date(2027, 1, 3), AUTUMN_AGENDA),  # the holiday counts in the autumn term
        (date(2027, 8, 20), date(2027, 9, 3), AUTUMN_AGENDA),  # in the summer holiday, for the autumn term
        (date(2027, 10, 4), date(2028, 1, 10), []),  # in the autumn term, for the spring term
    ],
)
def test_a_core_visit_is_given_the_autumn_agenda_by_its_own_date_not_the_day_it_is_planned(
    client_as, linked, on_day, planned_on, visit_day, agenda
):
    on_day(planned_on)
    client = client_as("adviser")
    page = client.get(reverse("visits:plan"), {"school": linked.urn}).content.decode()
    assert not re.search(r'name="focus_areas"[^>]*checked', page)  # nothing ticked before the date is known
    client.post(
        reverse("visits:plan"),
        {"school": linked.pk, **date_fields("visit_date", visit_day), "length": "half_day", "visit_type": "core"},
    )
    assert Visit.objects.get().focus_areas == agenda


def test_the_plan_form_offers_an_adviser_only_their_link_schools(client_as, linked, other_school):
    page = client_as("adviser").get(reverse("visits:plan")).content.decode()
    assert linked.name in page
    assert other_school.name not in page
    response = client_as("adviser").get(reverse("visits:plan"), {"school": other_school.urn})
    assert response.status_code == 403


def test_the_plan_form_pre_selects_the_school_from_the_school_page(client_as, linked):
    response = client_as("adviser").get(reverse("visits:plan"), {"school": linked.urn})
    assert response.context["form"].initial["school"] == linked


def test_an_adviser_without_link_schools_is_told_why_they_cannot_plan(client_as, adviser):
    assert "not the link adviser of any school" in client_as("adviser").get(reverse("visits:plan")).content.decode()


def test_an_officer_plans_a_visit_for_any_school_led_by_an_adviser(client_as, school, adviser, today):
    response = client_as("officer").post(
        reverse("visits:plan"),
        {"school": school.urn, "adviser": adviser.pk, **date_fields("visit_date", today), "length": "half_day",
         "visit_type": "core"},
    )  # fmt: skip
    assert response.status_code == 302
    assert (Visit.objects.get().school, Visit.objects.get().adviser) == (school, adviser)


def test_an_officer_chooses_the_school_with_the_picker_not_from_a_list_of_every_school(
    client_as, school, other_school, adviser, today
):
    client = client_as("officer")
    url = reverse("visits:plan")
    first = client.get(url).content.decode()
    assert 'role="search"' in first
    assert "Date of the visit" not in first  # the school first
    found = client.get(url, {"q": "heron"}).content.decode()
    assert other_school.name in found
    assert school.name not in found
    assert f'href="?q=heron&amp;school={other_school.urn}"' in found
    assert other_school.name in client.get(url, {"q": str(other_school.urn)}).content.decode()

    chosen = client.get(url, {"q": "heron", "school": other_school.urn}).content.decode()
    assert f'<input type="hidden" name="school" value="{other_school.urn}"' in chosen
    assert "Date of the visit" in chosen
    assert 'href="/visits/new/?q=heron"' in chosen  # change the school
    response = client.post(
        f"{url}?school={other_school.urn}",
        {"school": other_school.urn, "adviser": adviser.pk, **date_fields("visit_date", today),
         "length": "half_day", "visit_type": "core"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Visit.objects.get().school == other_school


def test_a_planned_visits_school_must_be_an_open_school_whatever_is_posted(client_as, officer, school, today):
    from visits.forms_visits import SCHOOL_URN_UNKNOWN

    closed = SchoolFactory(status="closed")
    for bad in ("999999", "abc", "99999999999999999999", str(closed.urn)):
        response = client_as("officer").post(
            f"{reverse('visits:plan')}?school={school.urn}",
            {"school": bad, **date_fields("visit_date", today), "length": "half_day", "visit_type": "core"},
        )
        assert SCHOOL_URN_UNKNOWN in response.content.decode()
    assert not Visit.objects.exists()


@pytest.mark.parametrize(("role", "any_open_school"), [("officer", 200), ("adviser", 403)])
def test_choosing_a_school_to_visit_is_scoped_per_role(client_as, officer, adviser, school, role, any_open_school):
    """`school` is nobody's link school: an officer may plan for it, an adviser not; nobody for a
    closed school (403: they can read it) or an unknown URN (404)."""
    closed = SchoolFactory(status="closed")
    client = client_as(role)
    assert client.get(reverse("visits:plan"), {"school": school.urn}).status_code == any_open_school
    assert client.get(reverse("visits:plan"), {"school": closed.urn}).status_code == 403
    assert client.get(reverse("visits:plan"), {"school": "999999"}).status_code == 404
    for role_without_visits in ("governor", "admin"):
        assert client_as(role_without_visits).get(reverse("visits:plan")).status_code == 403


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"visit_date_0": "31", "visit_date_1": "2"}, "Date of the visit must be a real date"),
        ({"visit_date_2": "26"}, "Date of the visit must include a year with 4 numbers, like 2027"),
        ({"visit_date_2": "0999"}, "Date of the visit must be in a year from 2000 to 2100"),
        ({"visit_date_0": "", "visit_date_1": "", "visit_date_2": ""}, "Enter the date of the visit"),
        ({"start_time": "half past nine"}, TIME_INVALID),
        ({"school": ""}, "Choose the school"),
    ],
)
def test_bad_plan_input_shows_the_error_summary_and_saves_nothing(client_as, linked, today, changes, message):
    data = {"school": linked.pk, **date_fields("visit_date", today), "length": "half_day", "visit_type": "core"}
    response = client_as("adviser").post(reverse("visits:plan"), {**data, **changes})
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert message in page
    assert "<title>Error: " in page
    assert not Visit.objects.exists()


# ---- recording --------------------------------------------------------------------------------


def test_an_adviser_records_and_completes_a_visit_with_its_actions(client_as, linked, adviser, today):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    data = record_data(
        today, complete="1", **action_row(0, "Write a plan for writing", "school", today + timedelta(30))
    )
    response = client_as("adviser").post(reverse("visits:record", kwargs={"pk": visit.pk}), data)
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.COMPLETED
    assert visit.activities == ["lesson_observation", "discussion_governors"]
    assert [(a.description, a.owner) for a in visit.actions.all()] == [("Write a plan for writing", "school")]


def test_a_completed_visits_record_page_is_titled_as_a_change_of_the_record(client_as, linked, adviser, today):
    planned = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    completed = VisitFactory(school=linked, adviser=adviser, visit_date=today, completed=True)
    planned_page = client_as("adviser").get(reverse("visits:record", kwargs={"pk": planned.pk})).content.decode()
    completed_page = client_as("adviser").get(reverse("visits:record", kwargs={"pk": completed.pk})).content.decode()
    assert '<h1 class="govuk-heading-l">Record the visit</h1>' in planned_page
    assert '<h1 class="govuk-heading-l">Change the record of the visit</h1>' in completed_page
    assert f"<title>Change the record of the visit to {linked.name}" in completed_page


def test_add_another_action_redisplays_the_rows_without_saving_or_errors(client_as, linked, adviser, today):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    data = record_data(today, add_action="1", **action_row(0, "Typed before adding a row", "la", today))
    response = client_as("adviser").post(reverse("visits:record", kwargs={"pk": visit.pk}), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 3
    assert "Typed before adding a row" in page
    assert "govuk-error-summary" not in page
    assert not Action.objects.exists()
    visit.refresh_from_db()
    assert visit.strengths == ""


def test_add_another_action_focuses_the_new_row(client_as, linked, adviser, today):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    data = record_data(today, add_action="1")
    page = client_as("adviser").post(reverse("visits:record", kwargs={"pk": visit.pk}), data).content.decode()
    new_row = re.search(r"<textarea[^>]*>", page[page.index('name="actions-2-description"') - 300 :]).group(0)
    assert "autofocus" in new_row
    assert page.count("autofocus") == 1


@pytest.mark.parametrize("view", ["visits:record", "visits:msp_meeting_record"])
def test_enter_in_a_text_box_saves_the_record_rather_than_adding_an_action_row(client_as, linked, officer, view, today):
    """Implicit submission uses the form's first submit button: it must be a save, not "Add another action"."""
    if view == "visits:record":
        pk = VisitFactory(school=linked, adviser=officer, visit_date=today).pk
    else:
        pk = MspMeetingFactory(group=MspGroupFactory(school=linked, chair=officer), held_on=today).pk
    page = client_as("officer").get(reverse(view, kwargs={"pk": pk})).content.decode()
    form = page[page.index('<form method="post" novalidate>') :]
    first_button = re.search(r"<button[^>]*>", form).group(0)
    assert 'type="submit"' in first_button
    assert 'name="save"' in first_button
    assert 'tabindex="-1"' in first_button


def test_a_partly_filled_action_row_is_an_error_and_nothing_is_saved(client_as, linked, adviser, today):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    data = record_data(today, **{"actions-1-description": "No owner or date"})
    response = client_as("adviser").post(reverse("visits:record", kwargs={"pk": visit.pk}), data)
    page = response.content.decode()
    assert ACTION_ROW_INCOMPLETE.format(missing="owner", number=2) in page  # the second row, "New action 2"
    assert 'href="#id_actions-1-owner_1"' in page  # the summary links to the row's first radio
    assert "<title>Error: " in page
    visit.refresh_from_db()
    assert visit.strengths == ""
    assert not Action.objects.exists()


def test_completing_a_visit_dated_in_the_future_is_refused(client_as, linked, adviser, today):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today + timedelta(days=2))
    data = record_data(today + timedelta(days=2), complete="1")
    response = client_as("adviser").post(reverse("visits:record", kwargs={"pk": visit.pk}), data)
    assert VISIT_IN_FUTURE in response.content.decode()
    response = client_as("adviser").post(reverse("visits:complete", kwargs={"pk": visit.pk}), follow=True)
    assert VISIT_IN_FUTURE in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED


def test_a_record_sent_after_the_visit_was_cancelled_elsewhere_is_shown_again_with_the_text_typed(
    client_as, linked, adviser, today
):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    url = reverse("visits:record", kwargs={"pk": visit.pk})
    client = client_as("adviser")
    assert client.get(url).status_code == 200  # the form is open in one tab...
    services.visit_cancel(visit=visit, reason="The head is ill", actor=adviser)  # ...the visit cancelled in another
    response = client.post(url, record_data(today, complete="1", strengths="Phonics is taught daily."))
    assert response.status_code == 200
    page = response.content.decode()
    assert services.VISIT_CANCELLED_NO_EDIT in page
    assert "Phonics is taught daily." in page
    visit.refresh_from_db()
    assert (visit.status, visit.strengths) == (VisitStatus.CANCELLED, "")
    assert client.get(url).status_code == 302  # opening the form of a cancelled visit goes to the visit
    adding_a_row = client.post(url, {**record_data(today, strengths="Phonics is taught daily."), "add_action": "1"})
    assert services.VISIT_CANCELLED_NO_EDIT in adding_a_row.content.decode()


def test_mark_as_completed_is_offered_from_the_day_of_the_visit_not_before(client_as, linked, adviser, today):
    tomorrow = VisitFactory(school=linked, adviser=adviser, visit_date=today + timedelta(days=1))
    on_the_day = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    client = client_as("adviser")
    assert "Mark as completed" not in client.get(tomorrow.get_absolute_url()).content.decode()
    assert "Record the visit" in client.get(tomorrow.get_absolute_url()).content.decode()
    assert "Mark as completed" in client.get(on_the_day.get_absolute_url()).content.decode()


def test_mark_as_completed_from_the_visit_page(client_as, linked, adviser, today):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    response = client_as("adviser").post(reverse("visits:complete", kwargs={"pk": visit.pk}), follow=True)
    assert "marked as completed" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.COMPLETED


def test_the_visits_history_says_who_changed_it_and_its_status_then(client_as, linked, adviser, today):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    client_as("adviser").post(reverse("visits:complete", kwargs={"pk": visit.pk}))
    page = " ".join(client_as("adviser").get(visit.get_absolute_url()).content.decode().split())
    assert f"changed by {adviser} (status: completed)" in page
    assert "changed (completed)" not in page


def test_cancelling_asks_why(client_as, linked, adviser):
    visit = VisitFactory(school=linked, adviser=adviser)
    url = reverse("visits:cancel", kwargs={"pk": visit.pk})
    assert "Enter why the visit is cancelled" in client_as("adviser").post(url, {"reason": ""}).content.decode()
    assert client_as("adviser").post(url, {"reason": "Snow day"}).status_code == 302
    visit.refresh_from_db()
    assert (visit.status, visit.cancelled_reason) == (VisitStatus.CANCELLED, "Snow day")
    page = client_as("adviser").get(visit.get_absolute_url()).content.decode()
    assert "Snow day" in page
    assert "Record the visit" not in page


# ---- the note of visit ------------------------------------------------------------------------


def test_the_note_of_visit_is_a_printable_page_and_a_pdf(client_as, linked, adviser):
    visit = VisitFactory(school=linked, adviser=adviser, completed=True, strengths="Reading is strong.")
    ActionFactory(school=linked, visit=visit, description="Publish the reading plan")
    page = client_as("officer").get(reverse("visits:note", kwargs={"pk": visit.pk})).content.decode()
    assert "Note of visit" in page
    assert "Reading is strong." in page
    assert "Publish the reading plan" in page
    assert "app-no-print" in page
    response = client_as("adviser").get(reverse("visits:note_pdf", kwargs={"pk": visit.pk}))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert f"note-of-visit-{linked.urn}-" in response["Content-Disposition"]


def test_a_note_with_a_character_no_font_has_is_made_with_a_stand_in_not_refused(client_as, linked, adviser):
    from pypdf import PdfReader

    from core import fonts

    visit = VisitFactory(school=linked, adviser=adviser, completed=True, strengths="Well done \ue000 team 👩‍👧")
    response = client_as("adviser").get(reverse("visits:note_pdf", kwargs={"pk": visit.pk}))
    assert response.status_code == 200  # WeasyPrint warned, and the page was a 500 in development
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Well done" in text
    assert "\ue000" not in text
    stand_in = next((c for c in fonts.STAND_INS if not fonts.missing(c)), "?")
    assert f"Well done {stand_in} team" in " ".join(text.split())


def test_the_pdf_contains_the_note(client_as, linked, adviser):
    from pypdf import PdfReader

    visit = VisitFactory(school=linked, adviser=adviser, completed=True, strengths="Phonics teaching is consistent.")
    response = client_as("adviser").get(reverse("visits:note_pdf", kwargs={"pk": visit.pk}))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Phonics teaching is consistent." in text
    assert linked.name in text


def test_the_note_of_visit_says_agreed_actions_once_in_the_pdf_and_on_the_page(client_as, linked, adviser):
    """The table's visually hidden caption was printed by WeasyPrint under the visible heading."""
    from pypdf import PdfReader

    visit = VisitFactory(school=linked, adviser=adviser, completed=True)
    ActionFactory(school=linked, visit=visit, description="Publish the reading plan")
    response = client_as("adviser").get(reverse("visits:note_pdf", kwargs={"pk": visit.pk}))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Publish the reading plan" in text
    assert text.count("Agreed actions") == 1
    page = client_as("adviser").get(reverse("visits:note", kwargs={"pk": visit.pk})).content.decode()
    assert page.count("Agreed actions") == 1
    assert 'aria-labelledby="agreed-actions"' in page


def test_sharing_the_note_is_recorded_on_the_visit(client_as, linked, adviser, today):
    visit = VisitFactory(school=linked, adviser=adviser, completed=True, visit_date=today)
    url = reverse("visits:share", kwargs={"pk": visit.pk})
    response = client_as("adviser").post(url, {**date_fields("shared_on", today), "shared_with": "Headteacher"})
    assert response.status_code == 302
    page = client_as("adviser").get(visit.get_absolute_url()).content.decode()
    assert "Shared on" in page
    assert "with Headteacher" in page


# ---- actions ----------------------------------------------------------------------------------


def test_the_actions_list_shows_open_actions_with_overdue_ones_marked_in_words(client_as, linked, today):
    ActionFactory(school=linked, description="Late action", due_on=today - timedelta(days=1))
    ActionFactory(school=linked, description="Later action", due_on=today + timedelta(days=10))
    ActionFactory(school=linked, description="Finished action", status=ActionStatus.CLOSED)
    response = client_as("adviser").get(reverse("visits:actions"))
    page = response.content.decode()
    assert [a.description for a in response.context["pagination"].page.object_list] == ["Late action", "Later action"]
    assert ">Overdue</strong>" in page
    overdue = client_as("adviser").get(reverse("visits:actions"), {"status": "overdue"})
    assert [a.description for a in overdue.context["pagination"].page.object_list] == ["Late action"]
    closed = client_as("adviser").get(reverse("visits:actions"), {"status": "closed", "owner": "school"})
    assert [a.description for a in closed.context["pagination"].page.object_list] == ["Finished action"]


def test_an_action_update_with_no_text_and_a_wrong_date_shows_both_errors_at_once(client_as, linked):
    action = ActionFactory(school=linked)
    url = reverse("visits:action_detail", kwargs={"pk": action.pk})
    posted = {"update": "1", "description": "  ", "owner": "la", "due_on_0": "40", "due_on_1": "1", "due_on_2": "2027"}
    page = client_as("adviser").post(url, posted).content.decode()
    assert ACTION_DESCRIPTION_REQUIRED in page
    assert "Due date must be a real date" in page
    action.refresh_from_db()
    assert action.description != ""


def test_an_action_is_updated_then_closed_from_its_page(client_as, linked, today):
    action = ActionFactory(school=linked)
    url = reverse("visits:action_detail", kwargs={"pk": action.pk})
    assert (
        f"<title>Action for {linked.name}, due {action.due_on:%-d %B %Y}"
        in client_as("adviser").get(url).content.decode()
    )
    response = client_as("adviser").post(
        url, {"update": "1", "description": "Revised", "owner": "la", **date_fields("due_on", today), "note": "Agreed"}
    )
    assert response.status_code == 302
    missing = client_as("adviser").post(url, {"close": "1", "close-note": ""})
    assert "Enter a note saying why the action is closed" in missing.content.decode()
    client_as("adviser").post(url, {"close": "1", "close-note": "Done"})
    action.refresh_from_db()
    assert (action.description, action.owner, action.status) == ("Revised", "la", "closed")
    closed_page = client_as("adviser").get(url).content.decode()
    assert "Done" in closed_page
    assert "Why is the action reopened?" in closed_page  # the same form reopens it, asking why
    assert "Closing note" not in closed_page
    client_as("adviser").post(url, {"close": "1", "close-note": "Not done after all"})
    action.refresh_from_db()
    assert action.status == "open"


# ---- compliance -------------------------------------------------------------------------------


# A day early in the autumn term, when a school with no visit yet is due (not overdue).
EARLY_AUTUMN = date(2026, 9, 21)


def test_compliance_moves_from_due_to_met_when_a_visit_is_completed(client_as, on_day, linked, adviser):
    today = on_day(EARLY_AUTUMN)
    url = reverse("visits:compliance")
    [row] = client_as("officer").get(url).context["rows"]
    assert row.visits.status == "due"
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    services.visit_complete(visit=visit, actor=adviser)
    [row] = client_as("officer").get(url).context["rows"]
    assert row.visits.status == "met"


def test_compliance_filters_by_adviser_category_phase_and_status(client_as, on_day, linked, adviser):
    on_day(EARLY_AUTUMN)
    secondary = SchoolFactory(name="Upland Secondary School", phase="Secondary")
    ApprovedCategorisationFactory(school=secondary, level=SupportLevel.HIGH, approved_at=aware(2026, 5, 1))
    SchoolFactory(name="Osprey Academy", academy=True)
    client = client_as("adviser")

    def names(**params):
        return [r.school.name for r in client.get(reverse("visits:compliance"), params).context["rows"]]

    assert names() == [linked.name]  # an adviser starts with their link schools
    assert names(adviser="") == [linked.name, "Upland Secondary School"]  # never the academy
    assert names(adviser="", category="high") == ["Upland Secondary School"]
    assert names(adviser="", category="none") == [linked.name]
    assert names(adviser="", phase="Secondary") == ["Upland Secondary School"]
    assert names(adviser=str(adviser.pk), status="due") == [linked.name]
    assert names(adviser="", status="attention") == ["Upland Secondary School"]  # MSP group to set up
    page = client.get(reverse("visits:compliance"), {"adviser": ""}).content.decode()
    assert "MSP group to set up" in page
    assert "High support" in page
    assert "Not categorised" in page


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_compliance_exports_the_filtered_rows(client_as, on_day, linked, fmt):
    on_day(EARLY_AUTUMN)
    SchoolFactory(name='=HYPERLINK("http://evil.example")')
    response = client_as("officer").get(reverse("visits:compliance_export", kwargs={"fmt": fmt}), {"phase": "Primary"})
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(content(response).lstrip("\ufeff"))))
    else:
        rows = [list(r) for r in load_workbook(io.BytesIO(response.content)).active.values]
    header = rows[0]
    assert header[:3] == ["URN", "School", "Phase"]
    by_name = {r[1]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert by_name[linked.name]["Status"] == "Due"
    assert by_name[linked.name]["This term's record"] == "Autumn term: due"
    assert '\'=HYPERLINK("http://evil.example")' in by_name


def test_an_officer_records_the_enhanced_offer_bought(client_as, school, today):
    from schools.terms import academic_year_of

    year = academic_year_of(today)
    url = reverse("visits:enhanced_offer", kwargs={"urn": school.urn})
    bad = client_as("officer").post(url, {"academic_year": year, "half_days": "7"})
    assert "Enter a number of half-days from 0 to 6" in bad.content.decode()
    assert client_as("officer").post(url, {"academic_year": year, "half_days": "4"}).status_code == 302
    assert school.enhanced_offers.get().half_days == 4


# ---- MSP --------------------------------------------------------------------------------------


def test_setting_up_an_msp_group_proposes_chair_and_members_from_the_school_record(client_as, linked, officer, today):
    linked.chair_of_governors = "Grace Holt"
    linked.save()
    url = reverse("visits:msp_set_up", kwargs={"urn": linked.urn})
    form = client_as("officer").get(url).context["form"]
    assert form.initial["chair"] == officer
    assert (form.initial["headteacher"], form.initial["governor_name"]) == ("Mrs Jane Smith", "Grace Holt")
    assert form.initial["link_adviser"] == linked.link_adviser
    response = client_as("officer").post(
        url,
        {"chair": officer.pk, **date_fields("set_up_on", today), "headteacher": "Mrs Jane Smith",
         "governor_name": "Grace Holt", "governor_role": "chair_of_governors", "link_adviser": linked.link_adviser.pk,
         "other_members": ""},
    )  # fmt: skip
    group = MspGroup.objects.get()
    assert response["Location"] == group.get_absolute_url()
    assert group.members.count() == 3
    again = client_as("officer").get(url)
    assert again.status_code == 302
    assert again["Location"] == group.get_absolute_url()


def test_a_high_support_school_without_a_group_is_flagged_on_the_officer_home_until_set_up(
    client_as, linked, officer, today
):
    ApprovedCategorisationFactory(school=linked, level=SupportLevel.HIGH, approved_at=aware(2026, 5, 1))
    home = client_as("officer").get(reverse("dashboard:home")).content.decode()
    assert "MSP group to set up" in home
    assert reverse("visits:msp_set_up", kwargs={"urn": linked.urn}) in home
    MspGroupFactory(school=linked, chair=officer, set_up_on=today)
    home = client_as("officer").get(reverse("dashboard:home")).content.decode()
    assert "Every high-support school has an MSP group" in home


def test_the_officer_home_lists_the_first_schools_without_a_group_and_links_to_them_all(client_as, monkeypatch):
    from visits import panels

    monkeypatch.setattr(panels, "HOME_LIST_LENGTH", 1)
    for name in ("Birch", "Ash"):
        school = SchoolFactory(name=f"{name} Primary School")
        ApprovedCategorisationFactory(school=school, level=SupportLevel.HIGH, approved_at=aware(2026, 5, 1))
    home = client_as("officer").get(reverse("dashboard:home")).content.decode()
    assert "Ash Primary School" in home
    assert "Birch Primary School" not in home
    assert "The first 1 of 2 by name." in home
    assert 'href="/visits/msp/?to_set_up=all"' in home


def meeting_data(day, **extra):
    data = {
        **date_fields("held_on", day),
        "start_time": "",
        "attendees": "Chair, head, chair of governors, link adviser",
        "impact_of_support": "Writing improving",
        "support_refocused": "no",
        "refocus_details": "",
        "minutes": "The minutes",
        "summary_key_points": "The key points",
        "recommendation": "continue",
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "20",
    }
    data.update(extra)
    return data


def test_an_msp_meeting_is_recorded_with_rag_ratings_and_published_by_the_chair(client_as, linked, officer, today):
    group = MspGroupFactory(school=linked, chair=officer)
    action = ActionFactory(school=linked, description="Improve attendance")
    url = reverse("visits:msp_meeting_new", kwargs={"pk": group.pk})
    form_page = client_as("officer").get(url).content.decode()
    assert "Improve attendance" in form_page
    assert "Red: not on track" in form_page
    response = client_as("officer").post(
        url, meeting_data(today, **{f"rating_{action.pk}": "red", f"comment_{action.pk}": "No change"})
    )
    meeting = MspMeeting.objects.get()
    assert response["Location"] == meeting.get_absolute_url()
    page = client_as("officer").get(meeting.get_absolute_url()).content.decode()
    assert "Red: not on track" in page
    assert "Confidential minutes" in page
    client_as("officer").post(reverse("visits:msp_meeting_publish", kwargs={"pk": meeting.pk}))
    meeting.refresh_from_db()
    assert meeting.is_published


def test_refocused_support_must_say_how(client_as, linked, officer, today):
    group = MspGroupFactory(school=linked, chair=officer)
    response = client_as("officer").post(
        reverse("visits:msp_meeting_new", kwargs={"pk": group.pk}), meeting_data(today, support_refocused="yes")
    )
    assert "Say how the support is refocused" in response.content.decode()
    assert not MspMeeting.objects.exists()


def test_a_planned_meeting_is_planned_then_recorded_and_a_member_can_record_it(client_as, linked, officer, adviser):
    group = MspGroupFactory(school=linked, chair=officer)
    MspMemberFactory(group=group, name="Adam Reid", role=MspMemberRole.LINK_ADVISER, user=adviser)
    day = timezone.localdate()
    client_as("officer").post(group.get_absolute_url(), {"plan": "1", **date_fields("plan-held_on", day)})
    meeting = MspMeeting.objects.get()
    assert meeting.status == MspMeetingStatus.PLANNED
    response = client_as("adviser").post(
        reverse("visits:msp_meeting_record", kwargs={"pk": meeting.pk}), meeting_data(day)
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MspMeetingStatus.HELD
    assert meeting.recorded_by == officer


def test_the_governor_reads_published_summaries_and_school_actions_on_the_school_page(
    client_as, linked, governor, officer
):
    group = MspGroupFactory(school=linked, chair=officer)
    MspMeetingFactory(group=group, summary_key_points="Published points", summary_published_at=timezone.now())
    MspMeetingFactory(group=group, held_on=date(2026, 10, 1), summary_key_points="Draft points")
    ActionFactory(school=linked, description="School-owned action")
    ActionFactory(school=linked, description="LA-owned action", owner="la")
    ActionFactory(school=linked, description="Closed school action", status=ActionStatus.CLOSED)
    page = client_as("governor").get(linked.get_absolute_url()).content.decode()
    assert "Published points" in page
    assert "School-owned action" in page
    for hidden in ("Draft points", "LA-owned action", "Closed school action", "Visits and support"):
        assert hidden not in page


def test_an_msp_group_is_closed_with_a_reason(client_as, linked, officer, today):
    group = MspGroupFactory(school=linked, chair=officer)
    url = group.get_absolute_url()
    response = client_as("officer").post(url, {"close": "1", **date_fields("close-closed_on", today)})
    assert "Enter why the MSP group is closed" in response.content.decode()
    client_as("officer").post(url, {"close": "1", **date_fields("close-closed_on", today), "close-reason": "Exit"})
    group.refresh_from_db()
    assert group.status == "closed"


# ---- calendar ---------------------------------------------------------------------------------


def test_the_calendar_lists_the_advisers_visits_and_msp_meetings(client_as, linked, adviser, officer, today):
    VisitFactory(school=linked, adviser=adviser, visit_date=today + timedelta(days=3))
    VisitFactory(school=SchoolFactory(name="Someone Else's School"), visit_date=today + timedelta(days=3))
    group = MspGroupFactory(school=linked, chair=officer)
    MspMemberFactory(group=group, name="Adam Reid", role=MspMemberRole.LINK_ADVISER, user=adviser)
    MspMeetingFactory(group=group, planned=True, held_on=today + timedelta(days=5))
    page = client_as("adviser").get(reverse("visits:calendar")).content.decode()
    assert page.count(linked.name) == 2
    assert "Someone Else" not in page
    assert "MSP meeting" in page


def test_a_subscription_link_is_shown_once_and_a_new_one_replaces_it(client_as, adviser, client):
    client_as("adviser")
    client.post(reverse("visits:calendar_token"), {"make": "1"})
    page = client.get(reverse("visits:calendar"))
    url = page.context["feed_url"]
    assert url.startswith("http://testserver/visits/calendar/feed/")
    assert client.get(reverse("visits:calendar")).context["feed_url"] == ""  # shown only once
    client.post(reverse("visits:calendar_token"), {"make": "1"})
    client.logout()
    assert client.get(url).status_code == 404  # the old link no longer works


def test_the_ical_feed_has_times_school_and_type_only(client, linked, adviser, officer, today):
    VisitFactory(school=linked, adviser=adviser, visit_date=today + timedelta(days=3), strengths="Private strengths",
                 purpose="Private purpose", start_time=timezone.datetime(2026, 1, 1, 9, 30).time())  # fmt: skip
    VisitFactory(school=linked, adviser=adviser, visit_date=today - timedelta(days=3), completed=True)
    group = MspGroupFactory(school=linked, chair=adviser)
    MspMeetingFactory(group=group, held_on=today, minutes="Private minutes", summary_key_points="Private summary")
    token = services.calendar_token_regenerate(user=adviser, actor=adviser)

    response = client.get(reverse("visits:calendar_feed", kwargs={"token": token}))

    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    for private in ("Private strengths", "Private purpose", "Private minutes", "Private summary"):
        assert private not in body
    events = Calendar.from_ical(response.content).walk("VEVENT")
    summaries = sorted(str(e["SUMMARY"]) for e in events)
    assert summaries == [
        f"Core entitlement visit (half day): {linked.name}",
        f"Core entitlement visit (half day): {linked.name}",
        f"MSP meeting: {linked.name}",
    ]
    timed = [e for e in events if "T" in e["DTSTART"].to_ical().decode()]
    assert len(timed) == 1
    assert (timed[0].decoded("DTEND") - timed[0].decoded("DTSTART")) == timedelta(hours=3.5)


def test_the_feed_of_a_user_who_is_no_longer_la_staff_is_gone(client, adviser):
    from accounts.services import user_set_role

    token = services.calendar_token_regenerate(user=adviser, actor=adviser)
    user_set_role(user=adviser, role=Role.GOVERNOR, actor=None)
    assert client.get(reverse("visits:calendar_feed", kwargs={"token": token})).status_code == 404


# ---- home panels ------------------------------------------------------------------------------


def test_the_adviser_home_shows_upcoming_visits_due_schools_and_overdue_actions(client_as, linked, adviser, today):
    VisitFactory(school=linked, adviser=adviser, visit_date=today + timedelta(days=2))
    ActionFactory(school=linked, description="An overdue action", due_on=today - timedelta(days=3))
    page = client_as("adviser").get(reverse("dashboard:home")).content.decode()
    assert "Your upcoming visits and MSP meetings" in page
    assert "Your link schools due a visit or MSP meeting" in page
    assert "An overdue action" in page


def test_the_officer_home_summarises_compliance(client_as, linked):
    page = client_as("officer").get(reverse("dashboard:home")).content.decode()
    assert "Visits and MSP this term" in page
    assert "?status=due" in page


# ---- review: scale, bad input -------------------------------------------------------------------


def test_the_compliance_table_is_paginated_while_the_counts_cover_every_school(client_as):
    from visits.views_compliance import COMPLIANCE_PAGE_SIZE

    for n in range(COMPLIANCE_PAGE_SIZE + 3):
        SchoolFactory(name=f"School {n:03d}")
    client = client_as("officer")
    first = client.get(reverse("visits:compliance"))
    page = first.content.decode()
    assert first.context["summary"].total == COMPLIANCE_PAGE_SIZE + 3
    assert len(re.findall(r'href="/schools/\d+/"', page)) == COMPLIANCE_PAGE_SIZE
    assert "School 000" in page
    assert f"School {COMPLIANCE_PAGE_SIZE:03d}" not in page
    assert 'class="govuk-pagination"' in page
    second = client.get(reverse("visits:compliance"), {"page": "2"}).content.decode()
    assert len(re.findall(r'href="/schools/\d+/"', second)) == 3
    assert f"School {COMPLIANCE_PAGE_SIZE + 2:03d}" in second
    assert client.get(reverse("visits:compliance"), {"page": "x"}).status_code == 200


def test_the_msp_groups_list_is_paginated_fifty_to_a_page_keeping_the_status(client_as, officer):
    for n in range(53):
        MspGroupFactory(school=SchoolFactory(name=f"School {n:03d}"), chair=officer)
    client = client_as("officer")
    first = client.get(reverse("visits:msp_list"))
    assert len(first.context["groups"]) == 50
    assert "School 000" in content(first)
    assert "School 050" not in content(first)
    second = client.get(reverse("visits:msp_list"), {"page": "2"})
    assert [g.school.name for g in second.context["groups"]] == ["School 050", "School 051", "School 052"]
    assert all(g.compliance is not None for g in second.context["groups"])
    assert client.get(reverse("visits:msp_list"), {"status": "closed"}).context["groups"] == []
    assert first.context["pagination"].next_href == "?page=2"
    open_groups = client.get(reverse("visits:msp_list"), {"status": "open"})
    assert open_groups.context["pagination"].next_href == "?status=open&page=2"


def test_the_msp_pages_show_high_support_schools_to_set_up_and_open_groups_with_their_meetings(client_as, officer):
    high = SchoolFactory(name="High Primary School")
    ApprovedCategorisationFactory(school=high, level=SupportLevel.HIGH, approved_at=aware(2026, 5, 1))
    grouped = SchoolFactory(name="Grouped Primary School")
    ApprovedCategorisationFactory(school=grouped, level=SupportLevel.HIGH, approved_at=aware(2025, 5, 1))
    ApprovedCategorisationFactory(school=grouped, level=SupportLevel.MEDIUM, approved_at=aware(2026, 5, 1))
    MspGroupFactory(school=grouped, chair=officer)
    SchoolFactory(name="Medium Primary School")
    SchoolFactory(name="Uncategorised Primary School")

    response = client_as("officer").get(reverse("visits:msp_list"))
    assert [r.school.name for r in response.context["to_set_up"]] == ["High Primary School"]
    assert response.context["to_set_up"][0].category.approved_at == aware(2026, 5, 1)
    assert "1 May 2026" in response.content.decode()
    assert response.context["groups"][0].compliance is not None


def test_high_support_since_is_the_start_of_the_schools_unbroken_run_of_high_support(client_as, officer):
    school = SchoolFactory(name="High Primary School")
    for level, approved in (
        (SupportLevel.HIGH, aware(2025, 1, 20)),  # an earlier run, broken by the medium below
        (SupportLevel.MEDIUM, aware(2025, 5, 1)),
        (SupportLevel.HIGH, aware(2025, 10, 6)),  # the run starts here
        (SupportLevel.HIGH, aware(2026, 2, 2)),
        (SupportLevel.HIGH, aware(2026, 5, 1)),  # the latest approval
    ):
        ApprovedCategorisationFactory(school=school, level=level, approved_at=approved)

    page = client_as("officer").get(reverse("visits:msp_list"))
    [row] = page.context["to_set_up"]
    assert (row.category.approved_at, row.high_support_since) == (aware(2026, 5, 1), aware(2025, 10, 6))
    assert "6 Oct 2025" in page.content.decode()
    assert "high support since 6 Oct 2025" in client_as("officer").get(reverse("dashboard:home")).content.decode()


def test_the_msp_list_reads_the_schools_without_a_group_in_the_same_queries_for_one_or_many(client_as):
    def high_school(n):
        school = SchoolFactory(name=f"High {n} Primary School")
        ApprovedCategorisationFactory(school=school, level=SupportLevel.HIGH, approved_at=aware(2026, 5, 1))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("visits:msp_list"))
        return len(captured), len(response.context["to_set_up"])

    client = client_as("officer")
    high_school(0)
    client.get(reverse("visits:msp_list"))  # the stored status computed once
    one = queries()
    for n in range(1, 6):
        high_school(n)
    client.get(reverse("visits:msp_list"))
    assert queries() == (one[0], 6)
    assert one[1] == 1


def test_an_msp_group_dated_tomorrow_is_refused_on_its_date_field(client_as, linked, officer, today):
    response = client_as("officer").post(
        reverse("visits:msp_set_up", kwargs={"urn": linked.urn}),
        {"chair": officer.pk, **date_fields("set_up_on", today + timedelta(days=1)), "headteacher": "Mrs Jane Smith",
         "governor_name": "Grace Holt", "governor_role": "chair_of_governors", "link_adviser": linked.link_adviser.pk,
         "other_members": ""},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors["set_up_on"] == [services.MSP_GROUP_SET_UP_IN_FUTURE]
    assert not MspGroup.objects.exists()


def test_closing_an_msp_group_on_a_day_to_come_is_refused_on_its_date_field(client_as, linked, officer, today):
    group = MspGroupFactory(school=linked, chair=officer, set_up_on=today - timedelta(days=100))
    response = client_as("officer").post(
        reverse("visits:msp_group", kwargs={"pk": group.pk}),
        {"close": "1", **date_fields("close-closed_on", today + timedelta(days=1)), "close-reason": "Exit"},
    )
    assert response.status_code == 200
    assert response.context["close_form"].errors["closed_on"] == [services.MSP_GROUP_CLOSED_IN_FUTURE]
    group.refresh_from_db()
    assert group.is_open


def test_an_msp_member_name_longer_than_a_member_can_hold_is_an_error_not_a_crash(client_as, linked, officer, today):
    from visits.forms_msp import OTHER_MEMBER_TOO_LONG

    response = client_as("officer").post(
        reverse("visits:msp_set_up", kwargs={"urn": linked.urn}),
        {"chair": officer.pk, **date_fields("set_up_on", today), "headteacher": "Mrs Jane Smith",
         "governor_name": "Grace Holt", "governor_role": "chair_of_governors", "link_adviser": linked.link_adviser.pk,
         "other_members": "Jo Bloggs, SENCo\n" + "x" * 201},
    )  # fmt: skip
    assert response.status_code == 200
    assert OTHER_MEMBER_TOO_LONG.format(line=2) in response.content.decode()
    assert not MspGroup.objects.exists()


def test_an_action_due_before_its_visit_is_refused_on_the_record_page_naming_the_action(
    client_as, linked, adviser, today
):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    data = record_data(today, **action_row(0, "LA to broker support.", "la", today - timedelta(days=1)))
    response = client_as("adviser").post(reverse("visits:record", kwargs={"pk": visit.pk}), data)
    assert response.status_code == 200
    assert "LA to broker support.\u201d is due by" in content(response)
    assert not Action.objects.exists()


@pytest.mark.parametrize("total", ["abc", "", "-5"])
def test_a_tampered_action_row_count_is_not_a_crash(client_as, linked, adviser, today, total):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    data = record_data(today, add_action="1", **{"actions-TOTAL_FORMS": total})
    response = client_as("adviser").post(reverse("visits:record", kwargs={"pk": visit.pk}), data)
    assert response.status_code == 200
    assert len(response.context["formset"].forms) >= 1


def test_double_clicking_save_agrees_each_action_once(client_as, linked, adviser, today):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    data = record_data(today, **action_row(0, "Write a plan for writing", "school", today + timedelta(30)))
    client = client_as("adviser")
    for _ in range(2):
        assert client.post(reverse("visits:record", kwargs={"pk": visit.pk}), data).status_code == 302
    assert list(visit.actions.values_list("description", flat=True)) == ["Write a plan for writing"]


def test_a_published_summary_cannot_be_changed_through_the_record_form(client_as, linked, officer, today):
    group = MspGroupFactory(school=linked, chair=officer)
    meeting = MspMeetingFactory(group=group, held_on=today, summary_key_points="As published")
    services.msp_meeting_publish_summary(meeting=meeting, actor=officer)
    url = reverse("visits:msp_meeting_record", kwargs={"pk": meeting.pk})
    assert "it can no longer be changed" in client_as("officer").get(url).content.decode()
    data = meeting_data(today, summary_key_points="Rewritten after publishing", minutes="Corrected minutes")
    assert client_as("officer").post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.summary_key_points, meeting.minutes) == ("As published", "Corrected minutes")


def test_the_msp_list_shows_the_first_schools_without_a_group_and_links_to_them_all(client_as, monkeypatch):
    from visits import views_msp

    monkeypatch.setattr(views_msp, "TO_SET_UP_SHOWN", 2)
    for name in ("Cedar", "Ash", "Birch"):
        school = SchoolFactory(name=f"{name} Primary School")
        ApprovedCategorisationFactory(school=school, level=SupportLevel.HIGH, approved_at=aware(2026, 5, 1))
    client = client_as("officer")

    first = client.get(reverse("visits:msp_list"))
    assert [r.school.name for r in first.context["to_set_up"]] == ["Ash Primary School", "Birch Primary School"]
    assert "The first 2 of 3 by name." in first.content.decode()
    assert 'href="/visits/msp/?to_set_up=all"' in first.content.decode()

    every = client.get(reverse("visits:msp_list"), {"to_set_up": "all"})
    assert len(every.context["to_set_up"]) == 3
    assert "The first" not in every.content.decode()


def test_a_visits_and_a_meetings_titles_give_their_dates_in_words(client_as, linked, adviser, officer):
    """A page title is read aloud: "11 September 2026", never "11/09/2026"."""
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=date(2026, 9, 11))
    page = client_as("adviser").get(reverse("visits:detail", kwargs={"pk": visit.pk})).content.decode()
    assert re.search(r"<title>[^<]*visit to [^<]*, 11 September 2026", page)
    meeting = MspMeetingFactory(group=MspGroupFactory(school=linked, chair=officer), held_on=date(2026, 9, 11))
    assert str(meeting) == f"MSP meeting, {linked.name}, 11 September 2026"
