"""An answer, a reply or a note sent from a page opened before another change is of what that page
showed: the headteacher's answer names the request whose note it showed, so one to a note amended
since is refused with the amended note shown and the answer kept to send again; an answer or a
reply that has no form left to go in (answered, replied, or the action closed since, in another tab)
is refused with what was typed shown back, to copy (not saved)."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import escape

from tests.visits.conftest import content, date_fields
from tests.visits.factories import ActionFactory, VisitFactory
from tests.visits.test_acknowledgement import amend
from visits import acknowledgement
from visits.models import AcknowledgementStatus, Action, ActionStatus, NoteAcknowledgement
from visits.services_actions import ACTION_ALREADY_CLOSED

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(school, adviser, headteacher, on_day):
    on_day(date(2026, 11, 13))
    school.link_adviser = adviser
    school.save()
    visit = VisitFactory(
        school=school, adviser=adviser, completed=True, visit_date=date(2026, 11, 12), strengths="Phonics."
    )
    acknowledgement.note_share_with_school(visit=visit, actor=adviser)
    return visit


def _shown(page: str) -> str:
    """The request whose note the headteacher's page shows, as its form posts it ("" when it names none)."""
    found = re.search(r'name="note_request" value="(\d+)"', page)
    return found[1] if found else ""


def _not_saved(page: str) -> bool:
    return 'href="#not-saved"' in page and 'id="not-saved"' in page and "What you typed (not saved)" in page


def test_an_answer_to_a_note_amended_since_the_page_was_opened_is_refused_showing_the_amended_note_with_the_answer_kept(
    client_as, visit, adviser
):
    client = client_as("headteacher")
    note_url = reverse("visits:shared_note", kwargs={"pk": visit.pk})
    shown = _shown(content(client.get(note_url)))
    amend(visit, adviser, areas_for_development="Handwriting in year 4.")

    typed = {"accurate": "yes", "comments": "All fine thanks", "note_request": shown}
    page = content(client.post(note_url, typed))

    assert "There is a problem" in page
    assert "Adam Reid amended this note of visit" in page
    assert "Handwriting in year 4." in page  # the amended note, to read before answering
    assert "All fine thanks</textarea>" in page
    assert _shown(page) != shown  # sending again answers the amended note, knowingly
    first, amended = NoteAcknowledgement.objects.order_by("requested_at", "id")
    assert (first.status, first.responded_at, first.comments) == (AcknowledgementStatus.SUPERSEDED, None, "")
    assert amended.is_awaiting

    client.post(note_url, {**typed, "note_request": _shown(page)})
    amended.refresh_from_db()
    assert (amended.status, amended.comments) == (AcknowledgementStatus.ACCURATE, "All fine thanks")


def test_a_second_answer_from_another_tab_is_refused_and_what_was_typed_is_shown_to_copy(client_as, visit):
    client = client_as("headteacher")
    note_url = reverse("visits:shared_note", kwargs={"pk": visit.pk})
    shown = _shown(content(client.get(note_url)))
    client.post(note_url, {"accurate": "yes", "note_request": shown})

    response = client.post(
        note_url, {"accurate": "no", "comments": "The date of the visit is wrong.", "note_request": shown}
    )

    page = content(response)
    assert response.status_code == 200
    assert acknowledgement.NOT_AWAITING in page
    assert _not_saved(page)
    assert "The date of the visit is wrong." in page
    assert "No, it is not accurate" in page
    assert "Send your answer" not in page
    request = NoteAcknowledgement.objects.get()
    assert (request.status, request.comments) == (AcknowledgementStatus.ACCURATE, "")


def test_an_answer_to_a_note_amended_and_answered_since_is_refused_and_what_was_typed_is_shown(
    client_as, visit, adviser, headteacher
):
    client = client_as("headteacher")
    note_url = reverse("visits:shared_note", kwargs={"pk": visit.pk})
    shown = _shown(content(client.get(note_url)))
    amend(visit, adviser, strengths="Phonics and reading.")
    amended = NoteAcknowledgement.objects.get(status=AcknowledgementStatus.AWAITING)
    acknowledgement.note_acknowledge(acknowledgement=amended, accurate=True, actor=headteacher)

    page = content(
        client.post(note_url, {"accurate": "no", "comments": "Reading was not seen.", "note_request": shown})
    )

    assert acknowledgement.NOT_AWAITING in page
    assert _not_saved(page)
    assert "Reading was not seen." in page
    assert not NoteAcknowledgement.objects.filter(status=AcknowledgementStatus.NOT_ACCURATE).exists()


def test_a_second_reply_from_another_tab_is_refused_and_what_was_typed_is_shown_to_copy(client_as, visit, headteacher):
    request = NoteAcknowledgement.objects.get()
    acknowledgement.note_acknowledge(acknowledgement=request, accurate=False, comments="Date wrong.", actor=headteacher)
    client = client_as("adviser")
    reply_url = reverse("visits:acknowledgement_reply", kwargs={"pk": request.pk})
    assert reply_url in content(client.get(visit.get_absolute_url()))
    client.post(reply_url, {"reply": "It was the 12th."})

    response = client.post(reply_url, {"reply": "Corrected in the amended note, section 2."})

    page = content(response)
    assert response.status_code == 200
    assert escape(acknowledgement.ALREADY_REPLIED) in page
    assert _not_saved(page)
    assert "Corrected in the amended note, section 2." in page
    assert f'action="{reply_url}"' not in page  # no form: the answer has its reply (the page's own path is elsewhere)
    request.refresh_from_db()
    assert request.reply == "It was the 12th."


def _version(page: str) -> str:
    return re.search(r'name="version" value="(\d*)"', page)[1]


def test_a_progress_note_sent_after_another_tab_closed_the_action_is_refused_and_what_was_typed_is_shown(
    client_as, linked, today
):
    action = ActionFactory(school=linked)
    url = reverse("visits:action_detail", kwargs={"pk": action.pk})
    client = client_as("adviser")
    version = _version(content(client.get(url)))
    client.post(url, {"close": "1", "close-note": "Done", "intent": "close"})

    typed = {
        "description": "Revised wording",
        "owner": "la",
        **date_fields("due_on", today),
        "note": "Governors agreed",
    }
    response = client.post(url, {"update": "1", **typed, "version": version})

    page = content(response)
    assert response.status_code == 200
    assert ACTION_ALREADY_CLOSED in page
    assert _not_saved(page)
    assert "Revised wording" in page
    assert "Governors agreed" in page
    action.refresh_from_db()
    assert (action.status, action.progress) == (ActionStatus.CLOSED, "Done")


def test_a_closing_note_sent_after_another_tab_closed_the_action_is_refused_never_reopening_it(client_as, linked):
    action = ActionFactory(school=linked)
    url = reverse("visits:action_detail", kwargs={"pk": action.pk})
    client = client_as("adviser")
    client.post(url, {"close": "1", "close-note": "Done", "intent": "close"})

    page = content(client.post(url, {"close": "1", "close-note": "Finished at the spring review", "intent": "close"}))

    assert ACTION_ALREADY_CLOSED in page
    assert _not_saved(page)
    assert "Finished at the spring review" in page
    assert "Finished at the spring review</textarea>" not in page  # not in the reopen form, to reopen by mistake
    action.refresh_from_db()
    assert (action.status, action.progress) == (ActionStatus.CLOSED, "Done")
    assert Action.objects.get(pk=action.pk).updates.count() == 1
    assert re.search(r'name="intent"\s+value="reopen"', page)  # the form as the action is now: it says what it does


def test_the_service_refuses_an_answer_to_a_replaced_request_naming_the_request_that_awaits(
    visit, adviser, headteacher
):
    first = NoteAcknowledgement.objects.get()
    amend(visit, adviser, notes="A paragraph added.")
    with pytest.raises(acknowledgement.NoteAmendedSince) as refused:
        acknowledgement.note_acknowledge(acknowledgement=first, accurate=True, actor=headteacher)
    amended = NoteAcknowledgement.objects.get(status=AcknowledgementStatus.AWAITING)
    assert refused.value.request_id == amended.pk
    assert refused.value.messages[0].startswith("Adam Reid amended this note of visit at ")
    first.refresh_from_db()
    assert first.status == AcknowledgementStatus.SUPERSEDED
