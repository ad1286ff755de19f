"""Emails kept as rows and sent by a task (docs/adr/0014): one row per recipient records where it
went, when it was sent, or why not, so that every notification is visible in the app and a failure
is tried again by the queue. The apps' email tasks send through `send_and_record`.

Two things are decided when the task runs, not when the email was queued (it may run hours later,
at a retry): whether the mail server's refusal is worth another try (`is_permanent`: the one
definition, used by every sender), and whether the recipient may still read what the email says
(`not_sent_to`).

An email is sent at most once per claim (`claimed`, used by every sender): a queueing lock only
stops a second job while the first waits, and the same email's job run again while the first runs
(a retry, a resend, a recovered job, two workers) would send it again. The sender claims the email's
row first (an EmailClaim, committed at once: no lock is held through the send), sends, records the
outcome on the row, then lets the claim go; another sender meanwhile sends nothing. The claim of a
sender that died is taken over: by its own job run again (core.tasks.recover_stalled_emails, once
its worker's heartbeat stopped), by anyone once its job no longer runs, or, for a send outside the
queue, once older than a send can last (`unqueued_claim_abandoned_after`). The pages read the row,
which a claim leaves as it was: "not sent yet (queued)" while it is sent."""

import logging
import smtplib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from core import tasks as queue
from core.models import EmailClaim

log = logging.getLogger(__name__)

NO_EMAIL_ADDRESS = "Not sent: the account has no email address."
COULD_NOT_SEND = "Could not send: {error}"
# A recipient who may no longer read what the email says by the time it is sent (not_sent_to).
NO_LONGER_ACTIVE = "Not sent: {name}'s account is no longer active."
NO_LONGER_ENTITLED = "Not sent: {name} is no longer {seat}."
# The places that make someone a recipient, as NO_LONGER_ENTITLED names them.
A_HEADTEACHER = "a headteacher of the school"
A_GOVERNOR = "a governor of the school"
THE_CHAIR = "the chair of the school's governors"
A_REVIEWER = "the school's link adviser or an officer"
LA_STAFF = "an adviser or officer"


class EmailNotSent(Exception):
    """Raised for the queue to try a failed email again. Its text is `failure()`'s and it carries no
    chained exception: the worker logs it with its traceback at every retry, and the mail server's
    own text names the recipient."""


TRYING_AGAIN = "Not sent yet (trying again): {error}"


# ---- the claim -----------------------------------------------------------------------------------


CLAIMS_FORGOTTEN_AFTER = timedelta(days=1)  # far longer than any send, or any sender's recovery, lasts


def unqueued_claim_abandoned_after() -> timedelta:
    """When a claim taken outside the queue (inline, a command: no job, no heartbeat) is abandoned:
    after longer than a send can last (each of its ten-odd exchanges with the mail server waits up
    to EMAIL_TIMEOUT), and the stall interval on top."""
    return timedelta(seconds=10 * (settings.EMAIL_TIMEOUT or 30) + settings.TASK_WORKER_STALLED_SECONDS)


def _abandoned(job_id: int | None, now: datetime) -> Q:
    """The claims a sender (of job `job_id`) may take over: its own job's (an earlier attempt that
    died before it let go), one taken outside the queue long ago, and, with the queue, one whose job
    no longer runs (finished, closed, put back to wait by the recovery, deleted)."""
    abandoned = Q(job_id__isnull=True, claimed_at__lt=now - unqueued_claim_abandoned_after())
    if job_id is not None:
        abandoned |= Q(job_id=job_id)
    if not settings.TASKS_INLINE:
        from procrastinate.contrib.django.models import ProcrastinateJob

        running = ProcrastinateJob.objects.filter(id=OuterRef("job_id"), status="doing")
        abandoned |= Q(~Exists(running), job_id__isnull=False)
    return abandoned


def _claim(email: str, token: uuid.UUID) -> bool:
    now, job_id = timezone.now(), queue.running_job.get()
    try:
        # Committed at once: every sender runs outside a transaction (a task, or inline after the commit).
        with transaction.atomic():
            EmailClaim.objects.create(email=email, token=token, job_id=job_id, claimed_at=now)
        return True
    except IntegrityError:  # held: by a sender at work, or left by one that died
        pass
    taken = EmailClaim.objects.filter(_abandoned(job_id, now), email=email).update(
        token=token, job_id=job_id, claimed_at=now
    )
    if taken:
        log.warning("The email (%s) was held by a sender that stopped: its claim is taken over", email)
    return taken == 1


@contextmanager
def claimed(row: QuerySet, *, sent_field: str = "emailed_at") -> Iterator[bool]:
    """Hold the email of `row` (its queryset, filtered by pk) while it is sent, and let it go on
    leaving: record the outcome inside. True: this sender holds it and it is not sent (its
    `sent_field` is empty); False: send nothing, as another sender holds it now (it sends it, or its
    job tries again), or it was sent meanwhile, or its row is gone."""
    pk = row.values_list("pk", flat=True).first()
    if pk is None:
        yield False
        return
    email, token = f"{row.model._meta.label_lower} {pk}", uuid.uuid4()
    if not _claim(email, token):
        log.info("The email (%s) is being sent by another sender: not sent again", email)
        yield False
        return
    try:
        yield not row.filter(**{f"{sent_field}__isnull": False}).exists()
    finally:
        EmailClaim.objects.filter(email=email, token=token).delete()


def stalled_emails_recover() -> list[int]:
    """Run again every email's job whose worker died (its heartbeat stopped: core.tasks.stalled_jobs),
    its email's claim let go: the job's next attempt sends it (again, if the mail server had taken it
    before the worker died: nobody can tell); and delete the claims older than a day. Run every minute by the worker
    (core.tasks.recover_stalled_emails). The ids of the jobs run again."""
    # A claim no sender came back for (its email's row deleted since its sender died) is let go.
    EmailClaim.objects.filter(claimed_at__lt=timezone.now() - CLAIMS_FORGOTTEN_AFTER).delete()
    again = []
    for job in queue.stalled_jobs(sorted(queue.EMAIL_TASKS)):
        EmailClaim.objects.filter(job_id=job.id).delete()  # first: the job run again claims it anew
        retried = queue.retry_stalled(job)
        outcome = "run again" if retried else "closed, as another job of its email waits"
        log.error("Job %s (%s): its worker stopped while it ran; %s", job.id, job.task_name, outcome)
        if retried and job.id is not None:  # (a job read from the queue always has its id)
            again.append(job.id)
    return again


# ---- sending -------------------------------------------------------------------------------------


def send_and_record(
    row: QuerySet,
    *,
    subject: str,
    body: str,
    address: str,
    last_attempt: bool,
    what: str,
    error_field: str = "error",
    not_sent: str = "",
) -> None:
    """Send one email and record the outcome on its row (`row`: the row's queryset, filtered by pk):
    sent, with the time; or the error, never raised at the person whose action queued it, except
    before the queue's last attempt, when a failure worth another try (not `is_permanent`) is raised
    again for the queue to retry. `not_sent` (`not_sent_to`'s answer): the recipient may no longer
    read it, so it is recorded and nothing is sent or retried. Only while `claimed`: an email
    another sender holds, or already sent, is left alone."""
    with claimed(row) as mine:
        if not mine:
            return
        if not_sent:
            log.info("The %s email (%s) is not sent: its recipient may no longer read it", what, _record(row))
            row.update(**{error_field: not_sent[:300]})
            return
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        except Exception as exc:
            log.error("The %s email (%s) could not be sent: %s", what, _record(row), failure(exc))
            final = last_attempt or is_permanent(exc)
            message = COULD_NOT_SEND.format(error=exc) if final else TRYING_AGAIN.format(error=exc)
            row.update(**{error_field: message[:300]})
            if not final:
                raise EmailNotSent(failure(exc)) from None
        else:
            row.update(emailed_at=timezone.now(), **{error_field: ""})


def _record(row: QuerySet) -> str:
    return f"{row.model._meta.label_lower} {row.values_list('pk', flat=True).first()}"


def emails_queue(model, recipients, *, task, lock: str, unique: bool = False, **fields) -> list:
    """Record one email row of `model` (with `fields`) per recipient account, with its address, or
    NO_EMAIL_ADDRESS when it has none, and queue `task(email_id=...)` for each addressed one (after
    the commit; queueing lock f"{lock}-{pk}"). `unique`: a row the model's unique constraint refuses,
    recorded by another run at the same moment, is skipped. The rows queued."""
    queued = []
    for recipient in recipients:
        row = fields | {"recipient": recipient, "address": recipient.email, "queued_at": timezone.now()}
        row["error"] = "" if recipient.email else NO_EMAIL_ADDRESS
        if unique:  # a savepoint only where a refused row is skipped (two queries a row)
            try:
                with transaction.atomic():
                    email = model.objects.create(**row)
            except IntegrityError:
                continue
        else:
            email = model.objects.create(**row)
        if recipient.email:
            queue.defer(task, queueing_lock=f"{lock}-{email.pk}", email_id=email.pk)
        queued.append(email)
    return queued


def not_sent_to(recipient: Any, *, entitled: bool = True, seat: str = "") -> str:
    """Why a queued email is not sent to `recipient` (an account) after all, or "" when it is sent:
    their account was deactivated since it was queued, or they no longer hold `seat`, the place that
    made them a recipient (`entitled`: whether they still do, asked as the queue asked it, by the
    app's own rule: accounts.permissions.is_headteacher_of_school, ...). None (an address with no
    account): "" (sent as queued)."""
    if recipient is None:
        return ""
    if not recipient.is_active:
        return NO_LONGER_ACTIVE.format(name=recipient)
    if not entitled:
        return NO_LONGER_ENTITLED.format(name=recipient, seat=seat)
    return ""


def _codes(exc: BaseException) -> list[int]:
    """The mail server's reply codes in a failure: every refused recipient's, or the one reply's."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return [code for code, _ in exc.recipients.values()]
    code = getattr(exc, "smtp_code", None)
    return [code] if isinstance(code, int) else []


# A recipient refused for good: mailbox unavailable, not local, full, its name not allowed. A 554
# "relay access denied" or a 530 "authentication required" is the service's own set-up: retried.
RECIPIENT_REFUSED_FOR_GOOD = range(550, 554)


def is_permanent(exc: BaseException) -> bool:
    """The mail server refused this email for good (RFC 5321 4.2.1: "do not repeat the exact
    request"): every recipient refused with 550-553, or the message itself refused (a 5xx reply
    to its data). Sent again it is refused again, so it is recorded as not sent at once and never
    retried. A 4xx reply, a dropped connection, a timeout, and a refusal of the service's own
    set-up (its sign-in, its sender address, STARTTLS, relaying), which an administrator puts
    right and which would fail every email alike, are retried."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = _codes(exc)
        return bool(codes) and all(code in RECIPIENT_REFUSED_FOR_GOOD for code in codes)
    return isinstance(exc, smtplib.SMTPDataError) and 500 <= exc.smtp_code <= 599


def failure(exc: BaseException) -> str:
    """What a log line says of a failed send: the exception's type and the mail server's code, never
    its text or traceback, which name the recipient ("<jane@example.org>: Recipient address
    rejected"); the full text is recorded on the email's row, which the app shows."""
    shown = sorted({str(code) for code in _codes(exc)})
    return type(exc).__name__ + (f" ({', '.join(shown)})" if shown else "")
