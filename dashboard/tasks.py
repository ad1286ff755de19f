"""The dashboard's background work (core/tasks.py): the daily digest (dashboard.digest), reporting packs,
and the nightly refresh of the stored levels (dashboard.stored_levels)."""

from django.conf import settings
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from core.tasks import is_last_attempt, task


@app.periodic(cron=f"0 {settings.DIGEST_HOUR} * * 1-5", periodic_id="daily-digest")  # working days
@task(name="dashboard.tasks.send_digests", queueing_lock="daily-digest")
def send_digests(timestamp: int) -> int:
    from .digest import digests_send

    return len(digests_send())


@task(
    name="dashboard.tasks.send_digest",
    sends_email=True,
    pass_context=True,
    retry=RetryStrategy(max_attempts=settings.EMAIL_RETRIES, exponential_wait=4),
)
def send_digest(context, *, digest_id: int) -> None:
    from .digest import digest_send

    digest_send(digest_id, last_attempt=is_last_attempt(context, settings.EMAIL_RETRIES))


PACK_RETRIES = 2


@task(name="dashboard.tasks.build_pack", pass_context=True, retry=PACK_RETRIES)
def build_pack(context, *, pack_id: int) -> None:
    from .packs import pack_build

    pack_build(pack_id=pack_id, last_attempt=is_last_attempt(context, PACK_RETRIES))


@app.periodic(cron="7 0 * * *", periodic_id="refresh-stored-levels")  # daily, 00:07 (UTC)
@task(name="dashboard.tasks.refresh_stored_levels", queueing_lock="refresh-stored-levels")
def refresh_stored_levels(timestamp: int) -> int:
    """Store every open maintained school's levels over the last six terms for the new day (a new
    term moves the window) before the first officer asks (dashboard.stored_levels); and mark the
    stored Ofsted counts for a recount, so a write past the model signals (SQL, `update()`) is
    counted within a day (dashboard.stored_ofsted)."""
    from django.utils import timezone

    from visits.compliance import compliance_schools

    from . import stored_ofsted
    from .history import last_terms, window_days
    from .stored_levels import refresh_invalid

    today = timezone.localdate()
    refreshed = refresh_invalid(window_days(today, last_terms(today)), compliance_schools())
    stored_ofsted.mark_stale()
    return refreshed
