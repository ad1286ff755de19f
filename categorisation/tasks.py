"""Background tasks of categorisation (core/tasks.py, docs/adr/0014): the emails telling a school its
approved category and the decision on its challenge (categorisation.notices, docs/adr/0027)."""

from django.conf import settings
from procrastinate import RetryStrategy

from core.tasks import is_last_attempt, task


@task(
    name="categorisation.tasks.send_category_notice_email",
    sends_email=True,
    pass_context=True,
    retry=RetryStrategy(max_attempts=settings.EMAIL_RETRIES, exponential_wait=4),
)
def send_category_notice_email(context, *, email_id: int) -> None:
    """Email a headteacher or chair of governors the school's category (or the decision on its
    challenge); a failure is tried again, then recorded as not sent."""
    from .notices import category_email_send

    category_email_send(email_id, last_attempt=is_last_attempt(context, settings.EMAIL_RETRIES))
