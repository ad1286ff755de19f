"""Background tasks of the letters app (core/tasks.py, docs/adr/0014): producing the PDF and Word
files of an issued letter or notice of intention, and the emails about a school's action plan."""

from django.conf import settings
from procrastinate import RetryStrategy

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
    pass_context=True,
    retry=RetryStrategy(max_attempts=settings.EMAIL_RETRIES, exponential_wait=4),
)
def send_action_plan_email(context, *, email_id: int) -> None:
    """Email about a school's action plan (docs/adr/0033); a failure is tried again, then recorded."""
    from .action_plans import action_plan_email_send

    action_plan_email_send(email_id, last_attempt=is_last_attempt(context, settings.EMAIL_RETRIES))
