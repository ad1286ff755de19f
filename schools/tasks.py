"""Background tasks of the schools register (core/tasks.py, docs/adr/0014): a browser import's check
and its commit, councillor alerts, and the sweep that marks failed an import whose worker died."""

from django.conf import settings
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from core.tasks import is_last_attempt, task

# No two jobs of one import (its check, its commit) ever run at once: lock=import_lock(record_id).
IMPORT_TASKS = ("schools.tasks.check_import", "schools.tasks.commit_import")


def import_lock(record_id: int) -> str:
    return f"import-{record_id}"


@task(name="schools.tasks.check_import")
def check_import(*, record_id: int) -> None:
    """Validate a stored upload against the register, writing no school data (the preview)."""
    from . import services

    services.import_check_stored(record_id)


@task(name="schools.tasks.commit_import")
def commit_import(*, record_id: int) -> None:
    """Apply a previewed import in one transaction. Never retried: a second try could only fail the
    same way, and the record says what happened."""
    from . import services

    services.import_commit_stored(record_id)


EMAIL_RETRY = RetryStrategy(max_attempts=settings.EMAIL_RETRIES, exponential_wait=4)


@task(name="schools.tasks.send_alert", sends_email=True, pass_context=True, retry=EMAIL_RETRY)
def send_alert(context, *, alert_id: int) -> None:
    """Email an elected-member alert; a failure is tried again, and recorded as not sent after the last try."""
    from . import services

    services.alert_send(alert_id, last_attempt=is_last_attempt(context, settings.EMAIL_RETRIES))


@app.periodic(cron="* * * * * */20", periodic_id="recover-stalled-imports")
@task(name="schools.tasks.recover_stalled_imports", queueing_lock="recover-stalled-imports", quiet=True)
def recover_stalled_imports(timestamp: int) -> None:
    """Every 20 seconds: an import whose worker died is marked failed, saying so (and logged, as an
    error). Quiet: the worker's lines for each run (~8,600 a day) are only at LOG_LEVEL=DEBUG."""
    from . import services

    services.imports_recover_stalled()


@task(name="schools.tasks.scheduled_gias_import", queueing_lock="scheduled-gias-import")
def scheduled_gias_import(timestamp: int) -> None:
    """The weekly GIAS import (schools.scheduled_import), when GIAS_SCHEDULED_URL is set."""
    from django.utils import timezone

    from .scheduled_import import gias_scheduled_import

    gias_scheduled_import(url_template=settings.GIAS_SCHEDULED_URL, day=timezone.localdate())


if settings.GIAS_SCHEDULED_URL:  # scheduled only where a council configures it
    app.periodic(cron=settings.GIAS_SCHEDULED_CRON, periodic_id="scheduled-gias-import")(scheduled_gias_import)
