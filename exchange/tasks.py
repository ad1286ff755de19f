"""Background tasks of exchange (core/tasks.py, docs/adr/0014): the email telling a headteacher
the LA shared a document with the school (docs/adr/0034)."""

from django.conf import settings
from procrastinate import RetryStrategy

from core.tasks import is_last_attempt, task


@task(
    name="exchange.tasks.send_document_email",
    sends_email=True,
    pass_context=True,
    retry=RetryStrategy(max_attempts=settings.EMAIL_RETRIES, exponential_wait=4),
)
def send_document_email(context, *, email_id: int) -> None:
    """Email a headteacher (or a governor, for the governing body) that the LA shared a document; a
    failure is tried again, then recorded as not sent."""
    from .services import document_email_send

    document_email_send(email_id, last_attempt=is_last_attempt(context, settings.EMAIL_RETRIES))
