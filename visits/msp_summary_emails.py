"""The governors told that an MSP meeting's summary key points were published for the governing body
(docs/adr/0087): one MspSummaryEmail per governor, recorded in the publishing transaction and sent by
the queue after the commit. The email names the school and the meeting's date and links to the
summary; the summary itself is not in it (an email leaves the service's access rules behind)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from core.emails import A_GOVERNOR, emails_queue, not_sent_to, send_and_record
from schools.governorships import governors_of, is_governor_seat_holder

from .models import MspMeeting, MspSummaryEmail

PUBLISHED = "Summary key points published to the school's governors. Each governor is being emailed."
PUBLISHED_NO_ADDRESSES = "Summary key points published. No governor has an email address here: nobody was emailed."
PUBLISHED_NO_GOVERNORS = "Summary key points published. The school has no governor accounts here: nobody was emailed."
SUBJECT = "{service}: the summary of an MSP meeting is published, {school}"


def published_message(meeting: MspMeeting) -> str:
    """What publishing says of the governors' emails: being sent, or why none is."""
    emails = MspSummaryEmail.objects.filter(meeting=meeting)
    if emails.exclude(address="").exists():
        return PUBLISHED
    return PUBLISHED_NO_ADDRESSES if emails.exists() else PUBLISHED_NO_GOVERNORS


def summary_emails_queue(*, meeting: MspMeeting) -> list[MspSummaryEmail]:
    """Record and queue one email to each governor of the meeting's school not told already."""
    from . import tasks

    already = set(MspSummaryEmail.objects.filter(meeting=meeting).values_list("recipient_id", flat=True))
    governors = [governor for governor in governors_of(meeting.group.school) if governor.pk not in already]
    return emails_queue(
        MspSummaryEmail, governors, task=tasks.send_msp_summary_email, lock="msp-summary-email", unique=True,
        meeting=meeting,
    )  # fmt: skip


def summary_email_send(email_id: int, *, last_attempt: bool = True) -> None:
    """Send one MspSummaryEmail (task visits.tasks.send_msp_summary_email), only to a recipient still a
    governor of the school. A failure is recorded on the row and, before the last attempt, raised
    again for the queue to retry unless the mail server refused it for good."""
    email = MspSummaryEmail.objects.select_related("meeting__group__school", "recipient").get(pk=email_id)
    if email.emailed_at or not email.address:
        return
    meeting = email.meeting
    school = meeting.group.school
    body = render_to_string(
        "visits/email/msp_summary_published.txt",
        {
            "email": email,
            "meeting": meeting,
            "school": school,
            "url": settings.SITE_URL.rstrip("/") + reverse("visits:msp_summary", kwargs={"pk": meeting.pk}),
            "service": settings.SERVICE_NAME,
            "council": settings.COUNCIL_NAME,
        },
    )
    send_and_record(
        MspSummaryEmail.objects.filter(pk=email_id),
        subject=SUBJECT.format(service=settings.SERVICE_NAME, school=school.name),
        body=body,
        address=email.address,
        last_attempt=last_attempt,
        what="MSP summary",
        not_sent=not_sent_to(
            email.recipient, entitled=is_governor_seat_holder(email.recipient, school), seat=A_GOVERNOR
        ),
    )
