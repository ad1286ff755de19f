"""A note of visit shared with the school in the app, and the headteacher's acknowledgement of it
(issue 14, docs/adr/0023). Writes are typed keyword-only functions with `actor`; each email is a
NoteEmail row queued for visits.tasks.send_note_email in the caller's transaction, so nobody is
told of a change that rolled back, and the pages say "emailed" only once the mail server took it.

- The adviser shares a completed visit's note: an awaiting acknowledgement, and an email to each
  of the school's headteachers.
- The headteacher marks it accurate, or not accurate with comments (required), answering the
  request whose note their page showed: one answered since, or replaced by an amended note, is
  refused (NOT_AWAITING, NoteAmendedSince), never recorded against a note they did not see.
- The adviser replies, or amends the note (visits.services.visit_record): the change is in the
  visit's history, the awaiting or answered request is superseded and the school is asked again.
- A reminder goes once, NOTE_ACKNOWLEDGEMENT_REMINDER_DAYS after the request (visits.tasks)."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.headships import headteachers_of
from accounts.permissions import is_headteacher_of_school
from core.emails import A_HEADTEACHER, emails_queue, not_sent_to, send_and_record
from core.history import save_as

from .models import AcknowledgementStatus, NoteAcknowledgement, NoteEmail, NoteEmailKind, Visit, VisitStatus

SHARE_NOT_COMPLETED = "Mark the visit as completed before sharing its note with the school."
NO_HEADTEACHER = (
    "{school} has no headteacher with an account in this service: share the note outside it and record "
    "when and with whom, or ask the system administrator to add the headteacher."
)
ALREADY_SHARED = "This note of visit is already shared with the school in the service."
NOT_AWAITING = "This note has already been answered, or replaced by an amended note."
AMENDED_SINCE = (
    "{who} amended this note of visit at {when:%H:%M} on {when:%-d %B %Y}, after this page was opened. "
    "Your answer has not been sent: read the amended note below, then send your answer again "
    "(what you typed is still in the form)."
)
NOT_THE_HEADTEACHER = "Only the school's headteacher can acknowledge its note of visit."
COMMENTS_REQUIRED = "Say what is not accurate"
ANSWER_REQUIRED = "Choose whether the note is accurate"
NOTHING_TO_REPLY_TO = "The school has not answered yet: there is nothing to reply to."
REPLY_REQUIRED = "Enter your reply"
ALREADY_REPLIED = "The school's answer already has a reply: it is shown on the visit and was emailed to the school."
AMENDED_REASON = "Note amended after it was shared with the school"


class NoteAmendedSince(ValidationError):
    """The answer is to a request an amended note has replaced since the page was opened;
    `request_id` is the request awaiting an answer now, for the page to take (its form answers it
    once the headteacher has read the amended note)."""

    def __init__(self, message: str, *, request_id: int):
        super().__init__(message)
        self.request_id = request_id


# ---- rules ----------------------------------------------------------------------------------------


def not_accurate_needs_comments(*, accurate: bool | None, comments: str) -> dict[str, list[str]]:
    """Issue 14: the headteacher marks the note "accurate, or not accurate with comments": an answer
    is required, and "not accurate" says what is not (the adviser cannot amend without it)."""
    if accurate is None:
        return {"accurate": [ANSWER_REQUIRED]}
    if not accurate and not comments.strip():
        return {"comments": [COMMENTS_REQUIRED]}
    return {}


def a_note_not_acknowledged_is_reminded_after_the_set_days(
    *, requested_on: date, today: date, days: int, reminded: bool
) -> bool:
    """Issue 14: "a reminder goes after a configurable number of days" (NOTE_ACKNOWLEDGEMENT_REMINDER_DAYS,
    calendar days, 10 by default): once, on or after that many days since the request, while it
    still awaits an answer."""
    return not reminded and (today - requested_on).days >= days


# ---- writes ---------------------------------------------------------------------------------------


def _queue_emails(acknowledgement: NoteAcknowledgement, kind: NoteEmailKind) -> list[NoteEmail]:
    """A NoteEmail per headteacher of the school, each queued for the task (after commit)."""
    from . import tasks

    return emails_queue(
        NoteEmail, headteachers_of(acknowledgement.visit.school), task=tasks.send_note_email, lock="note-email",
        acknowledgement=acknowledgement, kind=kind,
    )  # fmt: skip


def _request(visit: Visit, actor, kind: NoteEmailKind) -> NoteAcknowledgement:
    acknowledgement = NoteAcknowledgement(visit=visit, requested_at=timezone.now(), requested_by=actor)
    try:
        with transaction.atomic():
            save_as(acknowledgement, actor=actor)
    except IntegrityError:  # another request was made for this visit at the same moment
        raise ValidationError(ALREADY_SHARED) from None
    _queue_emails(acknowledgement, kind)
    return acknowledgement


@transaction.atomic
def note_share_with_school(*, visit: Visit, actor, today: date | None = None) -> NoteAcknowledgement:
    """Share a completed visit's note with the school's headteachers in the service and ask them to
    acknowledge it. Also records the sharing (shared on, with whom) when it was not recorded yet."""
    visit = Visit.objects.select_for_update().select_related("school").get(pk=visit.pk)
    if visit.status != VisitStatus.COMPLETED:
        raise ValidationError(SHARE_NOT_COMPLETED)
    if visit.acknowledgements.exists():
        raise ValidationError(ALREADY_SHARED)
    heads = list(headteachers_of(visit.school))
    if not heads:
        raise ValidationError(NO_HEADTEACHER.format(school=visit.school.name))
    if visit.shared_on is None:
        names = ", ".join(str(h) for h in heads)
        visit.shared_on = today or timezone.localdate()
        visit.shared_with = f"{names} (headteacher, in the service)"[:300]
        visit.shared_by = actor
        save_as(visit, actor=actor)
    return _request(visit, actor, NoteEmailKind.SHARED)


def _refuse_answered_or_amended(acknowledgement: NoteAcknowledgement) -> None:
    """The request is no longer awaiting: NoteAmendedSince when a newer request (an amended note)
    awaits the answer, else NOT_AWAITING (answered, in another tab or by another headteacher)."""
    latest = acknowledgement.visit.acknowledgements.select_related("requested_by").order_by("-requested_at", "-id")[0]
    if latest.pk != acknowledgement.pk and latest.is_awaiting:
        adviser = latest.requested_by
        who = (adviser.get_full_name() or adviser.username) if adviser else "Your adviser"
        when = timezone.localtime(latest.requested_at)
        raise NoteAmendedSince(AMENDED_SINCE.format(who=who, when=when), request_id=latest.pk)
    raise ValidationError(NOT_AWAITING)


@transaction.atomic
def note_acknowledge(
    *, acknowledgement: NoteAcknowledgement, accurate: bool | None, comments: str = "", actor
) -> NoteAcknowledgement:
    """The headteacher's answer, accurate or not accurate with comments, to `acknowledgement`: the
    request whose note their page showed. One answered since, or replaced by an amended note, is
    refused (NOT_AWAITING, NoteAmendedSince): the answer is never recorded against a note its
    writer did not see."""
    acknowledgement = (
        NoteAcknowledgement.objects.select_for_update().select_related("visit__school").get(pk=acknowledgement.pk)
    )
    if not is_headteacher_of_school(actor, acknowledgement.visit.school):
        raise ValidationError(NOT_THE_HEADTEACHER)
    if not acknowledgement.is_awaiting:
        _refuse_answered_or_amended(acknowledgement)
    if errors := not_accurate_needs_comments(accurate=accurate, comments=comments):
        raise ValidationError(errors)
    comments = comments.strip()
    acknowledgement.status = AcknowledgementStatus.ACCURATE if accurate else AcknowledgementStatus.NOT_ACCURATE
    acknowledgement.comments = comments
    acknowledgement.responded_at, acknowledgement.responded_by = timezone.now(), actor
    save_as(acknowledgement, actor=actor)
    return acknowledgement


@transaction.atomic
def note_reply(*, acknowledgement: NoteAcknowledgement, reply: str, actor) -> NoteAcknowledgement:
    """The adviser's reply to the school's answer (seen by the headteacher, and emailed)."""
    acknowledgement = NoteAcknowledgement.objects.select_for_update().get(pk=acknowledgement.pk)
    if acknowledgement.responded_at is None:
        raise ValidationError(NOTHING_TO_REPLY_TO)
    if acknowledgement.replied_at is not None:  # one reply per answer: a second would replace what the school read
        raise ValidationError(ALREADY_REPLIED)
    reply = reply.strip()
    if not reply:
        raise ValidationError({"reply": REPLY_REQUIRED})
    acknowledgement.reply, acknowledgement.replied_at, acknowledgement.replied_by = reply, timezone.now(), actor
    save_as(acknowledgement, actor=actor)
    _queue_emails(acknowledgement, NoteEmailKind.REPLY)
    return acknowledgement


def note_amended(*, visit: Visit, actor) -> NoteAcknowledgement | None:
    """Called in visits.services.visit_record's transaction when a shared note's content changed:
    the latest request is superseded (an awaiting one) or kept (an answered one) and the school is
    asked again. None when the note was never shared in the service."""
    # Locked: an answer being sent to it now is either in before the check (kept) or refused after.
    latest = visit.acknowledgements.select_for_update().order_by("-requested_at", "-id").first()
    if latest is None:
        return None
    if latest.is_awaiting:
        latest.status = AcknowledgementStatus.SUPERSEDED
        save_as(latest, actor=actor)
    return _request(visit, actor, NoteEmailKind.AMENDED)


@transaction.atomic
def reminders_send(*, today: date | None = None, days: int | None = None) -> list[NoteEmail]:
    """Remind the headteachers of every note awaiting acknowledgement for `days` or more, once
    (reminded_at is set as the reminders are queued: a rerun sends nothing twice)."""
    today = today or timezone.localdate()
    days = settings.NOTE_ACKNOWLEDGEMENT_REMINDER_DAYS if days is None else days
    sent = []
    due = (
        NoteAcknowledgement.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(status=AcknowledgementStatus.AWAITING, reminded_at__isnull=True)
        .select_related("visit__school")
    )
    for acknowledgement in due:
        requested_on = timezone.localdate(acknowledgement.requested_at)
        if not a_note_not_acknowledged_is_reminded_after_the_set_days(
            requested_on=requested_on, today=today, days=days, reminded=acknowledgement.reminded_at is not None
        ):
            continue
        acknowledgement.reminded_at = timezone.now()
        acknowledgement.save(update_fields=["reminded_at"])
        sent += _queue_emails(acknowledgement, NoteEmailKind.REMINDER)
    return sent


# ---- the email task's work ------------------------------------------------------------------------

SUBJECTS = {
    NoteEmailKind.SHARED: "a note of visit to acknowledge",
    NoteEmailKind.AMENDED: "an amended note of visit to acknowledge",
    NoteEmailKind.REMINDER: "reminder: a note of visit to acknowledge",
    NoteEmailKind.REPLY: "the adviser replied about a note of visit",
}


def note_email_send(email_id: int, *, last_attempt: bool = True) -> None:
    """Send one NoteEmail (task visits.tasks.send_note_email). It says what and where, never the
    note's content; only to a recipient still a headteacher of the school (as _queue_emails chose
    them). A failure is recorded on the row ("trying again", then not sent after the last attempt or
    a refusal for good) and, before the last attempt, raised again for the queue to retry."""
    email = NoteEmail.objects.select_related("acknowledgement__visit__school", "recipient").get(pk=email_id)
    if email.emailed_at or not email.address:
        return
    visit = email.acknowledgement.visit
    entitled = is_headteacher_of_school(email.recipient, visit.school)
    body = render_to_string(
        "visits/email/note_acknowledgement.txt",
        {
            "email": email,
            "visit": visit,
            "kind": email.kind,
            "days": settings.NOTE_ACKNOWLEDGEMENT_REMINDER_DAYS,
            "service": settings.SERVICE_NAME,
            "council": settings.COUNCIL_NAME,
            # The note's own page (signing in first, if need be): the email never holds the note.
            "url": settings.SITE_URL.rstrip("/") + reverse("visits:shared_note", kwargs={"pk": visit.pk}),
        },
    )
    subject = f"{settings.SERVICE_NAME}: {SUBJECTS[NoteEmailKind(email.kind)]}, {visit.school.name}"
    send_and_record(
        NoteEmail.objects.filter(pk=email_id),
        subject=subject,
        body=body,
        address=email.address,
        last_attempt=last_attempt,
        what="note-of-visit",
        not_sent=not_sent_to(email.recipient, entitled=entitled, seat=A_HEADTEACHER),
    )
