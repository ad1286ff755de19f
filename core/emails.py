"""Emails kept as rows and sent by a task (docs/adr/0014): one row per recipient records where it
went, when it was sent, or why not, so that every notification is visible in the app and a failure
is tried again by the queue. The apps' email tasks send through `send_and_record`."""

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import QuerySet
from django.utils import timezone

log = logging.getLogger(__name__)

NO_EMAIL_ADDRESS = "Not sent: the account has no email address."
COULD_NOT_SEND = "Could not send: {error}"


class EmailNotSent(Exception):
    """Raised for the queue to try a failed email again. Its text is `failure()`'s and it carries no
    chained exception: the worker logs it with its traceback at every retry, and the mail server's
    own text names the recipient."""


TRYING_AGAIN = "Not sent yet (trying again): {error}"


def send_and_record(
    row: QuerySet, *, subject: str, body: str, address: str, last_attempt: bool, what: str, error_field: str = "error"
) -> None:
    """Send one email and record the outcome on its row (`row`: the row's queryset, filtered by pk):
    sent, with the time; or the error, never raised at the person whose action queued it, except
    before the queue's last attempt, when it is raised again for the queue to retry."""
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    except Exception as exc:
        record = f"{row.model._meta.label_lower} {row.values_list('pk', flat=True).first()}"
        log.error("The %s email (%s) could not be sent: %s", what, record, failure(exc))
        message = COULD_NOT_SEND.format(error=exc) if last_attempt else TRYING_AGAIN.format(error=exc)
        row.update(**{error_field: message[:300]})
        if not last_attempt:
            raise EmailNotSent(failure(exc)) from None
    else:
        row.update(emailed_at=timezone.now(), **{error_field: ""})


def failure(exc: BaseException) -> str:
    """What a log line says of a failed send: the exception's type and the mail server's code, never
    its text or traceback, which name the recipient ("<jane@example.org>: Recipient address
    rejected"); the full text is recorded on the email's row, which the app shows."""
    codes = [getattr(exc, "smtp_code", None)]
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
    shown = sorted({str(code) for code in codes if code is not None})
    return type(exc).__name__ + (f" ({', '.join(shown)})" if shown else "")
