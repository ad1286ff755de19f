"""The emails of a visit's pre-visit section (docs/adr/0028, 0084): each a PreVisitEmail row, queued
in the caller's transaction and sent by visits.tasks.send_pre_visit_email. The request to prepare
and the reminder are visits.pre_visit's; here, telling the headteachers who were asked that the
visit was cancelled or moved to another day or time, and the sending of every kind."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.headships import headteachers_of
from accounts.permissions import is_headteacher_of_school
from core.emails import A_HEADTEACHER, not_sent_to, send_and_record

from .models import PreVisitEmail, PreVisitEmailKind, Visit, VisitStatus
from .pre_visit import due_on, queue_emails

CHANGES = (PreVisitEmailKind.CANCELLED, PreVisitEmailKind.MOVED)


def pre_visit_tell_of_change(*, visit: Visit, kind: PreVisitEmailKind) -> list[PreVisitEmail]:
    """Tell the headteachers who were emailed the request to prepare a visit, and still lead the
    school, that it was cancelled or moved (kind CANCELLED or MOVED), in the caller's transaction
    (visits.services.visit_cancel and visit_record). A request not sent yet goes with the visit as
    it is then, or not at all (_overtaken), so it needs no other email. Each move is told; an
    earlier move's email not yet sent then is not sent (_overtaken)."""
    assert kind in CHANGES
    requests = PreVisitEmail.objects.filter(visit=visit, kind=PreVisitEmailKind.REQUESTED, emailed_at__isnull=False)
    asked = set(requests.values_list("recipient_id", flat=True))
    recipients = [head for head in headteachers_of(visit.school) if head.pk in asked]
    return queue_emails(visit, kind, recipients, already=None if kind == PreVisitEmailKind.CANCELLED else set())


def _linked_page(email: PreVisitEmail) -> str:
    if email.kind in HOME_LINKED:
        return reverse("dashboard:home")
    return reverse("visits:pre_visit", kwargs={"pk": email.visit_id})


SUBJECTS = {
    PreVisitEmailKind.REQUESTED: "prepare for a visit",
    PreVisitEmailKind.REMINDER: "reminder: prepare for a visit",
    PreVisitEmailKind.CANCELLED: "visit cancelled",
    PreVisitEmailKind.MOVED: "visit moved",
}
# Where each email's link goes: a cancelled visit's pre-visit page is closed, so the home page.
HOME_LINKED = (PreVisitEmailKind.CANCELLED,)


def pre_visit_email_send(email_id: int, *, last_attempt: bool = True) -> None:
    """Send one PreVisitEmail (task visits.tasks.send_pre_visit_email): which visit, by when and
    where, nothing else; only to a recipient still a headteacher of the school (as queue_emails chose
    them). A failure is recorded on the row and, before the last attempt, raised again for the queue
    to retry unless the mail server refused it for good."""
    email = PreVisitEmail.objects.select_related("visit__school", "visit__adviser", "recipient").get(pk=email_id)
    if email.emailed_at or not email.address:
        return
    visit = email.visit
    entitled = is_headteacher_of_school(email.recipient, visit.school)
    body = render_to_string(
        "visits/email/pre_visit.txt",
        {
            "email": email,
            "visit": visit,
            "kind": email.kind,
            "due_on": due_on(visit),
            "url": settings.SITE_URL.rstrip("/") + _linked_page(email),
            "service": settings.SERVICE_NAME,
            "council": settings.COUNCIL_NAME,
        },
    )
    subject = f"{settings.SERVICE_NAME}: {SUBJECTS[PreVisitEmailKind(email.kind)]}, {visit.school.name}"
    send_and_record(
        PreVisitEmail.objects.filter(pk=email_id),
        subject=subject,
        body=body,
        address=email.address,
        last_attempt=last_attempt,
        what="pre-visit",
        not_sent=not_sent_to(email.recipient, entitled=entitled, seat=A_HEADTEACHER) or _overtaken(email),
    )


VISIT_CANCELLED_SINCE = "Not sent: the visit was cancelled before it could be"
VISIT_DONE_SINCE = "Not sent: the visit took place before it could be"
VISIT_MOVED_SINCE = "Not sent: the visit moved again before it could be (a later email gives the new day)"


def _overtaken(email: PreVisitEmail) -> str:
    """Why an email about a planned visit is not sent after all: the visit was cancelled (its own
    email says so) or completed since it was queued, or it moved again (the later email says where)."""
    if email.kind == PreVisitEmailKind.CANCELLED:
        return ""
    if email.visit.status == VisitStatus.CANCELLED:
        return VISIT_CANCELLED_SINCE
    if email.visit.status != VisitStatus.PLANNED:
        return VISIT_DONE_SINCE
    later = PreVisitEmail.objects.filter(
        visit=email.visit_id, kind=PreVisitEmailKind.MOVED, recipient=email.recipient_id, pk__gt=email.pk
    )
    if email.kind == PreVisitEmailKind.MOVED and later.exists():
        return VISIT_MOVED_SINCE
    return ""
