"""Background tasks of the letters app (core/tasks.py, docs/adr/0014): producing the PDF and Word
files of an issued letter or notice of intention, the emails about a school's action plan, and the
nightly recomputation of the stored suggestions (docs/adr/0036)."""

from django.conf import settings
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from core.tasks import is_last_attempt, task

RENDER_RETRIES = 3


@task(
    name="letters.tasks.render_issued_documents",
    pass_context=True,
    retry=RetryStrategy(max_attempts=RENDER_RETRIES, exponential_wait=4),
)
def render_issued_documents(context, *, letter_id: int, document: str) -> None:
    from .issued_documents import documents_render

    documents_render(letter_id=letter_id, document=document, last_attempt=is_last_attempt(context, RENDER_RETRIES))


@task(
    name="letters.tasks.send_action_plan_email",
    sends_email=True,
    pass_context=True,
    retry=RetryStrategy(max_attempts=settings.EMAIL_RETRIES, exponential_wait=4),
)
def send_action_plan_email(context, *, email_id: int) -> None:
    """Email about a school's action plan (docs/adr/0033); a failure is tried again, then recorded."""
    from .action_plans import action_plan_email_send

    action_plan_email_send(email_id, last_attempt=is_last_attempt(context, settings.EMAIL_RETRIES))


@app.periodic(cron="9 0 * * *", periodic_id="refresh-stored-suggestions")  # daily, 00:09 (UTC)
@task(name="letters.tasks.refresh_stored_suggestions", queueing_lock="refresh-stored-suggestions")
def refresh_stored_suggestions(timestamp: int) -> int:
    """Recompute every school's open letter suggestions for the new day (facts leave the look-back
    by date) before the first officer asks (letters.stored_suggestions); a school without a state
    row (written past the models) gets one."""
    from django.utils import timezone

    from .stored_suggestions import ensure_rows, refresh

    ensure_rows()
    return refresh(today=timezone.localdate())
