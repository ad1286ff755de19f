"""Scheduled jobs of the audit app, run by the task queue's scheduler (core/tasks.py, docs/adr/0014)."""

import logging

from django.conf import settings
from procrastinate.contrib.django import app

from core.tasks import task

from .services import read_log_purge

log = logging.getLogger(__name__)


@app.periodic(cron="17 3 * * *", periodic_id="purge-read-log")  # daily, 03:17 (UTC), out of hours
@task(name="audit.tasks.purge_read_log", queueing_lock="purge-read-log")
def purge_read_log(timestamp: int) -> int:
    """Delete read-log entries older than READ_LOG_RETENTION_DAYS (as `manage.py purge_read_log`)."""
    deleted = read_log_purge(days=settings.READ_LOG_RETENTION_DAYS, dry_run=False)
    log.info("Read log: deleted %s entries older than %s days", deleted, settings.READ_LOG_RETENTION_DAYS)
    return deleted
