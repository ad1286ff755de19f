"""Background tasks of the accounts app (core/tasks.py, docs/adr/0014): telling a user by email
that someone else changed how they sign in."""

from django.conf import settings
from procrastinate import RetryStrategy

from core.tasks import is_last_attempt, task


@task(
    name="accounts.tasks.send_access_email",
    sends_email=True,
    pass_context=True,
    retry=RetryStrategy(max_attempts=settings.EMAIL_RETRIES, exponential_wait=4),
)
def send_access_email(context, *, event_id: int) -> None:
    from .access import access_email_send

    access_email_send(event_id, last_attempt=is_last_attempt(context, settings.EMAIL_RETRIES))
