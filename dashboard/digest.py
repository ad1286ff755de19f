"""The daily digest (issue 13, docs/adr/0025): each adviser and officer is emailed what is due or
overdue for them (core.reminders, gathered from every app), on working days at DIGEST_HOUR, or on
Mondays, or never, as they choose on the reminders page. A digest is recorded per person and day
before it is queued, so a rerun that day (a second worker, the command run by hand) sends nothing
twice; an empty digest is not sent. Emails go through the task queue with retries."""

import logging
from dataclasses import asdict
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.roles import Role
from core import emails
from core.reminders import Reminder, reminders_for
from core.text import count_of
from schools.terms import is_working_day, working_day_on_or_after

from .models import Digest, DigestFrequency, DigestPreference, DigestStatus

log = logging.getLogger(__name__)

DIGEST_ROLES = (Role.ADVISER, Role.OFFICER)
NOT_SENT = "Could not send: {error}"


def frequency_of(user) -> str:
    preference = DigestPreference.objects.filter(user=user).first()
    return preference.frequency if preference else DigestFrequency.DAILY


def digest_preference_set(*, user, frequency: str) -> DigestPreference:
    preference, _ = DigestPreference.objects.update_or_create(user=user, defaults={"frequency": frequency})
    return preference


def is_digest_day(frequency: str, day: date) -> bool:
    """Daily: every working day (no weekends or bank holidays); weekly: the first working day of
    the week (Monday, or Tuesday after Easter Monday); never: no day."""
    if frequency == DigestFrequency.NONE or not is_working_day(day):
        return False
    monday = day - timedelta(days=day.weekday())
    first_of_week = working_day_on_or_after(monday)
    return frequency == DigestFrequency.DAILY or day == first_of_week


def recipients(day: date):
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[role.value for role in DIGEST_ROLES])
        .exclude(email="")
        .select_related("digest_preference")
        .distinct()
        .order_by("pk")
    )
    for user in users:
        preference = getattr(user, "digest_preference", None)
        if is_digest_day(preference.frequency if preference else DigestFrequency.DAILY, day):
            yield user


def digests_send(*, day: date | None = None) -> list[Digest]:
    """Record and queue the day's digests; returns the ones queued now (none on a rerun)."""
    from core.tasks import defer

    from .tasks import send_digest

    day = day or timezone.localdate()
    queued = []
    for user in recipients(day):
        items = reminders_for(user=user, today=day)
        if not items:
            continue
        try:
            with transaction.atomic():
                digest = Digest.objects.create(user=user, day=day, items=[_as_dict(item) for item in items])
        except IntegrityError:
            continue  # already recorded today
        defer(send_digest, queueing_lock=f"digest-{digest.pk}", digest_id=digest.pk)
        queued.append(digest)
    log.info("Digests for %s: %s queued", day, len(queued))
    return queued


def _as_dict(item: Reminder) -> dict:
    data = asdict(item)
    data["due_on"] = item.due_on.isoformat() if item.due_on else None
    return data


def digest_send(digest_id: int, *, last_attempt: bool = True) -> None:
    """Send one digest (task dashboard.tasks.send_digest), only to someone still an active adviser or
    officer (DIGEST_ROLES, as `recipients` chose them). A failure is recorded on the digest and,
    before the last attempt, raised again for the queue to retry unless refused for good. Only while
    claimed (core.emails.claimed): a digest another sender holds, or already sent, is left alone."""
    digest = Digest.objects.select_related("user").get(pk=digest_id)
    if digest.status == DigestStatus.SENT:
        return
    user = digest.user
    not_sent = emails.not_sent_to(user, entitled=user.role in DIGEST_ROLES, seat=emails.LA_STAFF)
    overdue = sum(1 for item in digest.items if item["overdue"])
    subject = f"{settings.COUNCIL_NAME}: {count_of(len(digest.items), 'thing')} due" + (
        f", {overdue} overdue" if overdue else ""
    )
    body = render_to_string(
        "dashboard/email/digest.txt",
        {"digest": digest, "site": settings.SITE_URL, "council": settings.COUNCIL_NAME},
    )
    row = Digest.objects.filter(pk=digest_id)
    with emails.claimed(row, sent_field="sent_at") as mine:
        if not mine:
            return
        if not_sent:
            log.info("Digest %s is not sent: its recipient may no longer read it", digest_id)
            row.update(status=DigestStatus.FAILED, error=not_sent[:300])
            return
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [digest.user.email])
        except Exception as exc:  # recorded on the digest; raised again for the queue to retry
            log.error("Digest %s could not be sent: %s", digest_id, emails.failure(exc))  # never the relay's text
            final = last_attempt or emails.is_permanent(exc)
            status = DigestStatus.FAILED if final else DigestStatus.WAITING
            row.update(error=NOT_SENT.format(error=exc)[:300], status=status)
            if not final:
                raise emails.EmailNotSent(emails.failure(exc)) from None
        else:
            row.update(status=DigestStatus.SENT, sent_at=timezone.now(), error="")
