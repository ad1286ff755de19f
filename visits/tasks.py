"""Background tasks of visits (core/tasks.py, docs/adr/0014): the emails about a note of visit shared
with the school, and the daily reminder of notes still awaiting acknowledgement (docs/adr/0023); the
pre-visit emails (0028, 0084); the governors told of a published MSP summary (0087)."""

from django.conf import settings
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from core.tasks import is_last_attempt, task


@task(
    name="visits.tasks.send_note_email",
    sends_email=True,
    pass_context=True,
    retry=RetryStrategy(max_attempts=settings.EMAIL_RETRIES, exponential_wait=4),
)
def send_note_email(context, *, email_id: int) -> None:
    """Email a headteacher about a note of visit; a failure is tried again, then recorded as not sent."""
    from .acknowledgement import note_email_send

    note_email_send(email_id, last_attempt=is_last_attempt(context, settings.EMAIL_RETRIES))


@app.periodic(cron="7 8 * * *", periodic_id="note-acknowledgement-reminders")  # daily, 08:07 (UTC)
@task(name="visits.tasks.send_note_reminders", queueing_lock="note-acknowledgement-reminders")
def send_note_reminders(timestamp: int) -> int:
    """Remind headteachers of notes awaiting acknowledgement for NOTE_ACKNOWLEDGEMENT_REMINDER_DAYS;
    each note once (recorded), so a rerun sends nothing twice."""
    from .acknowledgement import reminders_send

    return len(reminders_send())


@app.periodic(cron="5 0 * * *", periodic_id="refresh-stored-compliance")  # daily, 00:05 (UTC)
@task(name="visits.tasks.refresh_stored_compliance", queueing_lock="refresh-stored-compliance")
def refresh_stored_compliance(timestamp: int) -> int:
    """Recompute every school's stored compliance status for the new day (a half-term may have
    started) before the first officer asks (visits.stored_compliance)."""
    from django.utils import timezone

    from .stored_compliance import refresh

    return refresh(today=timezone.localdate(), look_for_missing=True)


@task(
    name="visits.tasks.send_pre_visit_email",
    sends_email=True,
    pass_context=True,
    retry=RetryStrategy(max_attempts=settings.EMAIL_RETRIES, exponential_wait=4),
)
def send_pre_visit_email(context, *, email_id: int) -> None:
    """Email a headteacher about a planned visit's pre-visit section (docs/adr/0028)."""
    from .pre_visit_emails import pre_visit_email_send

    pre_visit_email_send(email_id, last_attempt=is_last_attempt(context, settings.EMAIL_RETRIES))


@app.periodic(cron="12 8 * * *", periodic_id="pre-visit-emails")  # daily, 08:12 (UTC)
@task(name="visits.tasks.send_pre_visit_emails", queueing_lock="pre-visit-emails")
def send_pre_visit_emails(timestamp: int) -> int:
    """Ask headteachers not yet asked about a planned visit to their school, and remind those whose
    pre-visit section is due and not sent; each email once (recorded)."""
    from .pre_visit import pre_visit_emails_send

    return len(pre_visit_emails_send())


@task(
    name="visits.tasks.send_msp_summary_email",
    sends_email=True,
    pass_context=True,
    retry=RetryStrategy(max_attempts=settings.EMAIL_RETRIES, exponential_wait=4),
)
def send_msp_summary_email(context, *, email_id: int) -> None:
    """Email a governor that an MSP meeting's summary key points were published (docs/adr/0087)."""
    from .msp_summary_emails import summary_email_send

    summary_email_send(email_id, last_attempt=is_last_attempt(context, settings.EMAIL_RETRIES))
