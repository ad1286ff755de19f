"""Publishing an MSP meeting's summary key points emails each governor of the school that it is
there, never the summary itself (docs/adr/0087)."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.roles import Role
from accounts.services import user_set_role
from core import emails
from schools.models import GovernorRole, Governorship
from tests.visits.factories import MspGroupFactory, MspMeetingFactory
from visits import msp_summary_emails, services
from visits.models import MspSummaryEmail

pytestmark = pytest.mark.django_db

SUMMARY = "GOVERNORS-MAY-READ summary key points"
MINUTES = "LA-ONLY minutes of the meeting"


@pytest.fixture
def meeting(school, officer):
    group = MspGroupFactory(school=school, chair=officer)
    return MspMeetingFactory(group=group, summary_key_points=SUMMARY, minutes=MINUTES)


@pytest.fixture
def vice_chair(make_user, school):
    user = make_user(Role.GOVERNOR, username="vicechair", first_name="Vic", last_name="Chen")
    Governorship.objects.create(user=user, school=school, role=GovernorRole.VICE_CHAIR)
    return user


def publish(meeting, actor, captured=None):
    if captured is None:
        return services.msp_meeting_publish_summary(meeting=meeting, actor=actor)
    with captured(execute=True):
        return services.msp_meeting_publish_summary(meeting=meeting, actor=actor)


def test_publishing_a_summary_emails_each_governor_of_the_school_a_link_to_it(
    meeting, officer, governor, vice_chair, other_governor, headteacher, mailoutbox, django_capture_on_commit_callbacks
):
    publish(meeting, officer, django_capture_on_commit_callbacks)
    assert sorted(message.to[0] for message in mailoutbox) == sorted([governor.email, vice_chair.email])
    message = next(message for message in mailoutbox if message.to == [governor.email])
    school = meeting.group.school
    assert message.subject == f"{settings.SERVICE_NAME}: the summary of an MSP meeting is published, {school.name}"
    assert f"Dear {governor}," in message.body
    assert f"meeting for {meeting.group.school.name} held on {meeting.held_on:%A %-d %B %Y}" in message.body
    url = settings.SITE_URL.rstrip("/") + reverse("visits:msp_summary", kwargs={"pk": meeting.pk})
    assert url in message.body
    assert SUMMARY not in message.body
    assert MINUTES not in message.body
    assert MspSummaryEmail.objects.filter(emailed_at__isnull=False).count() == 2


def test_a_governor_without_an_address_is_recorded_not_emailed(meeting, officer, governor, mailoutbox):
    governor.email = ""
    governor.save()
    publish(meeting, officer)
    assert MspSummaryEmail.objects.get().error == emails.NO_EMAIL_ADDRESS
    assert mailoutbox == []


def test_a_governor_who_left_before_the_email_went_is_not_sent_it(meeting, officer, governor, mailoutbox):
    publish(meeting, officer)
    Governorship.objects.filter(user=governor).delete()
    email = MspSummaryEmail.objects.get()
    msp_summary_emails.summary_email_send(email.pk)
    email.refresh_from_db()
    assert (email.error, email.emailed_at) == (
        emails.NO_LONGER_ENTITLED.format(name=governor, seat=emails.A_GOVERNOR),
        None,
    )
    assert mailoutbox == []


def test_queueing_again_emails_nobody_twice(meeting, officer, governor, mailoutbox, django_capture_on_commit_callbacks):
    publish(meeting, officer, django_capture_on_commit_callbacks)
    assert msp_summary_emails.summary_emails_queue(meeting=meeting) == []
    assert len(mailoutbox) == 1


def test_the_meeting_page_says_which_governors_were_emailed(
    client_as, meeting, officer, governor, django_capture_on_commit_callbacks
):
    url = reverse("visits:msp_meeting_publish", kwargs={"pk": meeting.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("officer").post(url, follow=True)
    page = " ".join(response.content.decode().split())
    assert escape(msp_summary_emails.PUBLISHED) in page
    assert f"Emails to the governors: {governor}, not sent yet (queued)." in page  # (sent after the commit)
    page = " ".join(client_as("officer").get(meeting.get_absolute_url()).content.decode().split())
    emailed = timezone.localtime(MspSummaryEmail.objects.get().emailed_at)
    assert f"Emails to the governors: {governor}, emailed {emailed:%-d %b %Y}." in page


def test_the_officer_is_told_when_the_school_has_no_governor_to_email(client_as, meeting, officer):
    url = reverse("visits:msp_meeting_publish", kwargs={"pk": meeting.pk})
    page = client_as("officer").post(url, follow=True).content.decode()
    assert escape(msp_summary_emails.PUBLISHED_NO_GOVERNORS) in page
    assert "No governor was emailed about it." in page


def test_a_governor_whose_role_changed_before_the_email_went_is_not_sent_it(
    meeting, officer, make_user, school, mailoutbox
):
    """A member's seat outlives a change of role (only a chair's or vice-chair's ends): the role is
    asked too, as the summary's page asks it (the review)."""
    member = make_user(Role.GOVERNOR, username="member", first_name="Mo", last_name="Ahmed")
    Governorship.objects.create(user=member, school=school)
    publish(meeting, officer)
    user_set_role(user=member, role=Role.ADVISER, actor=None)
    email = MspSummaryEmail.objects.get()
    msp_summary_emails.summary_email_send(email.pk)
    email.refresh_from_db()
    assert email.error == emails.NO_LONGER_ENTITLED.format(name=member, seat=emails.A_GOVERNOR)
    assert mailoutbox == []


def test_the_officer_is_told_when_no_governor_has_an_address(client_as, meeting, officer, governor):
    governor.email = ""
    governor.save()
    url = reverse("visits:msp_meeting_publish", kwargs={"pk": meeting.pk})
    page = client_as("officer").post(url, follow=True).content.decode()
    assert escape(msp_summary_emails.PUBLISHED_NO_ADDRESSES) in page
