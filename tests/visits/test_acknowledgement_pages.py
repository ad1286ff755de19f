"""The pages of a note of visit shared with the school (docs/adr/0023): the adviser shares it on the
visit page and sees the answer; the headteacher reads and answers it; LA staff see what awaits."""

from datetime import date

import pytest
from django.urls import reverse

from tests.visits.conftest import content
from tests.visits.factories import VisitFactory
from visits import acknowledgement
from visits.models import AcknowledgementStatus, NoteAcknowledgement

pytestmark = pytest.mark.django_db

VISIT_DAY = date(2026, 11, 12)


@pytest.fixture
def visit(school, adviser, headteacher, on_day):
    on_day(date(2026, 11, 13))
    school.link_adviser = adviser
    school.save()
    return VisitFactory(school=school, adviser=adviser, completed=True, visit_date=VISIT_DAY, strengths="Phonics.")


def share(client_as, visit):
    return client_as("adviser").post(reverse("visits:share_with_school", kwargs={"pk": visit.pk}), follow=True)


def test_the_adviser_shares_the_note_from_the_visit_page(client_as, visit):
    page = content(client_as("adviser").get(visit.get_absolute_url()))
    assert "Share with the school" in page
    assert "Hana Marsh" in page
    response = share(client_as, visit)
    body = content(response)
    assert "Shared the note of visit with Hana Marsh" in body
    assert "Awaiting acknowledgement" in body
    assert NoteAcknowledgement.objects.get().is_awaiting


def test_an_adviser_of_another_school_cannot_share(client_as, visit, make_user):
    from accounts.roles import Role

    client = client_as("anonymous")
    client.force_login(make_user(Role.ADVISER, username="adviser3"))
    assert client.post(reverse("visits:share_with_school", kwargs={"pk": visit.pk})).status_code == 403
    assert not NoteAcknowledgement.objects.exists()


def test_the_headteacher_sees_the_note_on_their_home_page_and_answers_not_accurate(client_as, visit):
    share(client_as, visit)
    client = client_as("headteacher")
    home = content(client.get(reverse("dashboard:home")))
    note_url = reverse("visits:shared_note", kwargs={"pk": visit.pk})
    assert note_url in home
    page = content(client.get(note_url))
    assert "Phonics." in page
    assert "Is the note accurate?" in page

    refused = client.post(note_url, {"accurate": "no", "comments": ""})
    assert refused.status_code == 200
    assert acknowledgement.COMMENTS_REQUIRED in content(refused)
    assert NoteAcknowledgement.objects.get().is_awaiting

    answered = client.post(note_url, {"accurate": "no", "comments": "We also discussed writing."}, follow=True)
    assert "Thank you: your answer was sent to" in content(answered)
    assert NoteAcknowledgement.objects.get().status == AcknowledgementStatus.NOT_ACCURATE
    assert note_url not in content(client.get(reverse("dashboard:home")))  # no longer awaiting

    again = client.post(note_url, {"accurate": "yes"}, follow=True)
    assert acknowledgement.NOT_AWAITING in content(again)


def test_a_comment_on_an_accurate_note_is_shown_as_a_comment_not_as_what_is_not_accurate(client_as, visit):
    share(client_as, visit)
    note_url = reverse("visits:shared_note", kwargs={"pk": visit.pk})
    client_as("headteacher").post(note_url, {"accurate": "yes", "comments": "Thank you for the visit."})
    for role, url in (("headteacher", note_url), ("adviser", visit.get_absolute_url())):
        page = content(client_as(role).get(url))
        assert "Thank you for the visit." in page, role
        assert "What is not accurate" not in page, role


def test_an_answer_without_a_choice_is_asked_for(client_as, visit):
    share(client_as, visit)
    response = client_as("headteacher").post(reverse("visits:shared_note", kwargs={"pk": visit.pk}), {})
    assert acknowledgement.ANSWER_REQUIRED in content(response)


def test_the_adviser_sees_the_answer_and_replies(client_as, visit, headteacher):
    share(client_as, visit)
    request = NoteAcknowledgement.objects.get()
    acknowledgement.note_acknowledge(acknowledgement=request, accurate=False, comments="Date wrong.", actor=headteacher)
    client = client_as("adviser")
    page = content(client.get(visit.get_absolute_url()))
    assert "Date wrong." in page
    assert "amend the note" in page
    reply_url = reverse("visits:acknowledgement_reply", kwargs={"pk": request.pk})
    assert reply_url in page
    assert "Enter your reply" in content(client.post(reply_url, {"reply": " "}, follow=True))
    too_long = "Corrected. " * 2_000  # 22,000 characters
    refused = client.post(reply_url, {"reply": too_long})
    assert refused.status_code == 200
    assert '<a href="#id_reply">Your reply must be 20,000 characters or fewer</a>' in content(refused)
    assert too_long.strip() in content(refused)  # the reply is kept on the visit page, not lost in a redirect
    response = client.post(reply_url, {"reply": "Corrected in the amended note."}, follow=True)
    assert "Your reply was sent to the school." in content(response)
    note = content(client_as("headteacher").get(reverse("visits:shared_note", kwargs={"pk": visit.pk})))
    assert "Corrected in the amended note." in note
    after = content(client_as("adviser").get(visit.get_absolute_url()))
    assert "Corrected in the amended note." in after
    assert reply_url not in after  # one reply per answer: no form once it is sent


def test_notes_awaiting_acknowledgement_are_on_the_advisers_home_the_list_and_the_compliance_page(client_as, visit):
    share(client_as, visit)
    client = client_as("adviser")
    home = content(client.get(reverse("dashboard:home")))
    assert "Your notes of visit awaiting the school" in home
    listed = content(client.get(reverse("visits:acknowledgements_awaiting")))
    assert visit.school.name in listed
    assert "Not yet" in listed  # no reminder yet
    compliance = content(client_as("officer").get(reverse("visits:compliance")))
    assert "Notes of visit awaiting the school" in compliance
    assert reverse("visits:acknowledgements_awaiting") in compliance


def test_the_school_page_lists_the_notes_shared_with_the_school_for_its_headteacher_only(client_as, visit, governor):
    share(client_as, visit)
    url = visit.school.get_absolute_url()
    assert "Notes of visit shared with the school" in content(client_as("headteacher").get(url))
    assert "Notes of visit shared with the school" not in content(client_as("governor").get(url))
