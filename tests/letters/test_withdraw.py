"""Withdrawing a letter: asked first (it cannot be undone), with a reason for the timeline, and the
suggestion it was drafted from offered again (docs/adr/0068)."""

import html

import pytest
from django.urls import reverse

from accounts.roles import Role
from letters import services, stored_suggestions
from letters.models import EventAction, Letter, LetterStatus, SuggestionDecision
from letters.views_approval import WITHDRAW_INTRO, WITHDRAW_SUGGESTION_INTRO
from tests.conftest import collapsed
from visits.models import MspGroup, MspMeeting, MspMeetingStatus, MspRecommendation

from .factories import draft, issued
from .test_suggestions import OLD, RECENT, graded, suggested

pytestmark = pytest.mark.django_db


def page_text(markup: str) -> str:
    return html.unescape(collapsed(markup))


def withdraw_url(letter: Letter) -> str:
    return reverse("letters:withdraw", kwargs={"pk": letter.pk})


def test_the_withdraw_button_asks_first_and_withdraws_nothing(client_as, adviser, link_school):
    letter = draft(link_school, "significant_concerns", actor=adviser)
    client = client_as("adviser")
    detail = client.get(letter.get_absolute_url()).content.decode()
    assert f'href="{withdraw_url(letter)}"' in detail  # a link to the question, not a form that withdraws
    page = client.get(withdraw_url(letter))
    assert page.status_code == 200
    text = page_text(page.content.decode())
    assert WITHDRAW_INTRO in text
    assert WITHDRAW_SUGGESTION_INTRO.strip() not in text  # not drafted from a suggestion
    assert "govuk-button--warning" in page.content.decode()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT


def test_a_withdrawn_letter_keeps_the_reason_in_its_timeline_and_stays_in_the_register(client_as, adviser, link_school):
    letter = draft(link_school, "significant_concerns", actor=adviser)
    client = client_as("adviser")
    response = client.post(withdraw_url(letter), {"comments": "The school closed before it was sent."})
    assert response["Location"] == letter.get_absolute_url()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.WITHDRAWN
    event = letter.events.get(action=EventAction.WITHDRAWN)
    assert (event.actor, event.comments) == (adviser, "The school closed before it was sent.")
    assert letter in client.get(reverse("letters:register")).context["pagination"].page.object_list
    page = page_text(client.get(letter.get_absolute_url()).content.decode())
    assert "It was withdrawn and will not be sent." in page
    assert "As it will be sent if issued today" not in page


def test_a_letter_cannot_be_withdrawn_twice(client_as, adviser, link_school):
    letter = draft(link_school, "significant_concerns", actor=adviser)
    client = client_as("adviser")
    client.post(withdraw_url(letter))
    response = client.post(withdraw_url(letter), follow=True)
    assert services.CANNOT_WITHDRAW.format(status="withdrawn") in page_text(response.content.decode())
    assert letter.events.filter(action=EventAction.WITHDRAWN).count() == 1


def test_withdrawing_a_letter_drafted_from_a_suggestion_offers_the_suggestion_again(client_as, adviser, link_school):
    graded(link_school, OLD, 2)
    inspection = graded(link_school, RECENT, 3)
    client = client_as("adviser")
    client.post(reverse("letters:suggestion_accept", kwargs={"urn": link_school.urn, "key": f"ofsted-{inspection.pk}"}))
    letter = Letter.objects.get()
    assert suggested(link_school) == []

    assert WITHDRAW_SUGGESTION_INTRO.strip() in page_text(client.get(withdraw_url(letter)).content.decode())
    client.post(withdraw_url(letter))

    assert suggested(link_school) == [("significant_concerns", ["ofsted_drop"])]
    assert not SuggestionDecision.objects.exists()
    deleted = SuggestionDecision.history.get(history_type="-")  # the decision's end is in its history
    assert (deleted.history_user, deleted.letter_id) == (adviser, letter.pk)


def test_withdrawing_the_letter_of_one_suggestion_leaves_the_schools_dismissed_one_dismissed(
    client_as, adviser, officer, link_school
):
    graded(link_school, OLD, 2)
    dropped = graded(link_school, RECENT, 3)  # significant concerns suggested
    group = MspGroup.objects.create(school=link_school, chair=officer, set_up_on=OLD)
    MspMeeting.objects.create(group=group, held_on=RECENT, status=MspMeetingStatus.HELD,
                              recommendation=MspRecommendation.WARNING_NOTICE)  # fmt: skip
    (recommended,) = [
        s
        for s in stored_suggestions.suggestions_for(school_ids=[link_school.pk])
        if s.letter_type.code == "warning_notice"
    ]
    services.suggestion_dismiss(
        school=link_school, source_key=recommended.source_key, reason="Discussed with the chair", actor=officer
    )
    client = client_as("adviser")
    client.post(reverse("letters:suggestion_accept", kwargs={"urn": link_school.urn, "key": f"ofsted-{dropped.pk}"}))
    client.post(withdraw_url(Letter.objects.get()))
    assert SuggestionDecision.objects.get().decision == SuggestionDecision.DISMISSED  # the dismissal stays
    assert suggested(link_school) == [("significant_concerns", ["ofsted_drop"])]


def test_an_adviser_who_neither_drafted_the_letter_nor_advises_the_school_may_not_withdraw_it(
    client, make_user, officer, link_school
):
    letter = draft(link_school, "significant_concerns", actor=officer)
    client.force_login(make_user(Role.ADVISER, username="adviser2"))
    assert client.get(letter.get_absolute_url()).status_code == 200  # advisers read every letter
    assert client.get(withdraw_url(letter)).status_code == 403
    assert client.post(withdraw_url(letter)).status_code == 403
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT


def test_the_withdraw_page_of_an_issued_letter_says_why_it_cannot_be_withdrawn(client_as, officer, link_school):
    letter = issued(link_school, "congratulations", drafter=officer, officer=officer)
    response = client_as("officer").get(withdraw_url(letter), follow=True)
    assert response.redirect_chain == [(letter.get_absolute_url(), 302)]
    assert services.CANNOT_WITHDRAW.format(status="issued") in page_text(response.content.decode())
