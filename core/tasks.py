"""Background work on Procrastinate's PostgreSQL queue (docs/adr/0014-background-work-on-procrastinate.md).

Imports, emails and scheduled jobs are Procrastinate tasks (each app's `tasks.py`, found by
Procrastinate's Django app). Code defers one with `defer(task, ...)`:

- On PostgreSQL (TASKS_INLINE false) the job is written to the `procrastinate_jobs` table through
  Django's own connection, so it is part of the caller's transaction: a change that rolls back
  leaves no job behind, and a worker (`python manage.py procrastinate worker`, its own process,
  as many as you like on as many machines) only sees it once the change is committed.
- Without PostgreSQL (SQLite development and the tests) there is no queue: TASKS_INLINE (on by
  default there) runs the task in the deferring process, once the caller's transaction commits
  (at once outside one). Procrastinate's app then gets its in-memory connector, so nothing tries
  PostgreSQL's SQL on SQLite, and its migrations are skipped (QueueRouter).

A worker writes a heartbeat every TASK_WORKER_HEARTBEAT_SECONDS; a job still "doing" whose worker
has written none for TASK_WORKER_STALLED_SECONDS died with its worker (`stalled_jobs`). An email's
job (`task(sends_email=True)`) that died so is put back to be run again (`recover_stalled_emails`);
its email's claim (core.emails.claimed) is let go, so the email is sent by that job's next attempt."""

import contextlib
import contextvars
import functools
import json
import logging
from collections.abc import Iterable

import attrs
from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import DatabaseError, connections, transaction
from procrastinate import exceptions, jobs
from procrastinate.contrib.django import app

from core import logs

log = logging.getLogger(__name__)

QUEUE_DATABASE = "default"


def queue_is_postgresql() -> bool:
    return connections[QUEUE_DATABASE].vendor == "postgresql"


class QueueRouter:
    """Procrastinate's migrations are PostgreSQL (functions, triggers): skipped elsewhere."""

    def allow_migrate(self, db, app_label, **hints):
        if app_label == "procrastinate" and connections[db].vendor != "postgresql":
            return False
        return None


def on_app_ready(procrastinate_app) -> None:
    """PROCRASTINATE_ON_APP_READY: without PostgreSQL, an in-memory connector (see the module doc)."""
    if not queue_is_postgresql():
        from procrastinate.testing import InMemoryConnector

        connector = InMemoryConnector()
        procrastinate_app.connector = connector
        procrastinate_app.job_manager.connector = connector


ORIGIN = "origin"
# The tasks that send an email (task(sends_email=True)): their stalled jobs are run again.
EMAIL_TASKS: set[str] = set()
# The id of the queue's job running here (a task with pass_context=True), None outside one.
running_job: contextvars.ContextVar[int | None] = contextvars.ContextVar("running_job", default=None)


def task(*, quiet: bool = False, sends_email: bool = False, **options):
    """`app.task(**options)` for this project's tasks: each job carries where it came from (the
    request's id and its signed-in user's id, added by `defer` as ORIGIN), and the worker's log
    lines while it runs show them as request_id and user_id, as the request's own lines do.
    `quiet`: a sweep run every few seconds, whose worker lines for starting and succeeding are at
    DEBUG (core.logs.QUIET_TASKS); the task logs what it changes, and a failure is logged as usual.
    `sends_email`: a task sending one email (through core.emails), with pass_context=True: a job of
    it whose worker died is run again (recover_stalled_emails)."""
    if quiet:
        logs.QUIET_TASKS.add(options["name"])
    if sends_email:
        EMAIL_TASKS.add(options["name"])

    def decorate(func):
        @functools.wraps(func)
        def run(*args, origin: dict | None = None, **kwargs):
            origin = origin or {}
            request_token = logs.request_id.set(origin.get("request_id") or "")
            user_token = logs.user_id.set(origin.get("user_id"))
            job = getattr(args[0], "job", None) if options.get("pass_context") and args else None
            job_token = running_job.set(job.id if job is not None else None)
            try:
                return func(*args, **kwargs)
            finally:
                logs.request_id.reset(request_token)
                logs.user_id.reset(user_token)
                running_job.reset(job_token)

        return app.task(**options)(run)

    return decorate


def defer(task, *, after_commit: bool = True, lock: str | None = None, queueing_lock: str | None = None, **kwargs):
    """Run `task(**kwargs)` in the background. `lock`: no two jobs with the same lock run at once;
    `queueing_lock`: a second job with it is not queued while one waits (it is dropped, and logged).
    `after_commit` matters only inline: False for a caller whose data is already committed."""
    kwargs[ORIGIN] = {"request_id": logs.request_id.get() or None, "user_id": logs.current_user_id()}
    if settings.TASKS_INLINE:
        run = functools.partial(run_inline, task, kwargs)
        if after_commit:
            transaction.on_commit(run)
        else:
            run()
        return
    try:
        with transaction.atomic(
            using=QUEUE_DATABASE
        ):  # a savepoint: a refused job leaves the caller's transaction usable
            task.configure(lock=lock, queueing_lock=queueing_lock).defer(**kwargs)
    except exceptions.AlreadyEnqueued:
        log.info("%s is already queued (%s): not queued again", task.name, queueing_lock)


def run_inline(task, kwargs: dict) -> None:
    """Run a task here and now, once, as a worker would (TASKS_INLINE). Its failure is logged, not raised."""
    try:
        if task.pass_context:
            task.func(None, **kwargs)
        else:
            task.func(**kwargs)
    except Exception:
        log.exception("Task %s failed (run inline)", task.name)


def is_last_attempt(context, retries: int) -> bool:
    """For a task with `pass_context=True` and `retry=retries`: no attempt follows this one if it
    fails (always true inline, where a task runs once)."""
    return context is None or context.job.attempts >= retries


def stalled_jobs(task_names: Iterable[str]) -> list[jobs.Job]:
    """Jobs of these tasks still "doing" whose worker has stopped writing its heartbeat (killed,
    out of memory, its machine gone). Empty inline (there is no queue)."""
    if settings.TASKS_INLINE:
        return []
    found = []
    for name in task_names:
        found += async_to_sync(app.job_manager.get_stalled_jobs)(
            task_name=name, seconds_since_heartbeat=settings.TASK_WORKER_STALLED_SECONDS
        )
    # Through Django's psycopg 3 connection (a web process) jsonb comes back as text: Django decodes
    # JSON in its fields, so it registers no loader. A worker's own connection gives a dict.
    return [
        attrs.evolve(job, task_kwargs=json.loads(job.task_kwargs)) if isinstance(job.task_kwargs, str) else job
        for job in found
    ]


def mark_failed(job: jobs.Job) -> None:
    """Close a stalled job as failed (its worker is gone), so it is neither run again nor found again."""
    async_to_sync(app.job_manager.finish_job_by_id_async)(job_id=job.id, status=jobs.Status.FAILED, delete_job=False)


def retry_stalled(job: jobs.Job) -> bool:
    """Put a stalled job back to be run again at once, its attempts counted as one more. False when it
    cannot be: another job with its queueing lock already waits, and does its work (it is closed as
    failed instead)."""
    try:
        with transaction.atomic(using=QUEUE_DATABASE):  # a savepoint: a refusal leaves the caller's transaction usable
            async_to_sync(app.job_manager.retry_job)(job)
        return True
    except exceptions.ConnectorException:
        # (mark_failed refused: the job is no longer "doing", another sweep closed it meanwhile)
        with contextlib.suppress(exceptions.ConnectorException), transaction.atomic(using=QUEUE_DATABASE):
            mark_failed(job)
        return False


def queue_reachable() -> bool:
    """For the readiness check: the queue's table answers (always true inline, where there is none)."""
    if settings.TASKS_INLINE:
        return True
    try:
        return app.job_manager.check_connection()
    except (DatabaseError, exceptions.ConnectorException):
        log.exception("Readiness check: the task queue did not answer")
        return False


# ---- tasks of the core itself: spreadsheet exports (core/export_jobs.py) ----------------------

EXPORT_RETRIES = 2


@task(name="core.tasks.build_export", pass_context=True, retry=EXPORT_RETRIES)
def build_export(context, *, export_id: int) -> None:
    from .export_jobs import export_build

    export_build(export_id=export_id, last_attempt=is_last_attempt(context, EXPORT_RETRIES))


@app.periodic(cron="40 3 * * *", periodic_id="purge-exports")  # daily, 03:40 (UTC)
@task(name="core.tasks.purge_exports", queueing_lock="purge-exports")
def purge_exports(timestamp: int) -> int:
    from .export_jobs import exports_purge

    deleted = exports_purge()
    log.info("Exports: deleted %s older than %s days", deleted, settings.EXPORT_RETENTION_DAYS)
    return deleted


# ---- emails whose worker died (core/emails.py) --------------------------------------------------


@app.periodic(cron="* * * * *", periodic_id="recover-stalled-emails")  # every minute
@task(name="core.tasks.recover_stalled_emails", queueing_lock="recover-stalled-emails", quiet=True)
def recover_stalled_emails(timestamp: int) -> None:
    """An email's job whose worker died is run again, its email's claim let go (logged, as an error).
    Quiet: the worker's lines for each run (1,440 a day) are only at LOG_LEVEL=DEBUG."""
    from .emails import stalled_emails_recover

    stalled_emails_recover()


@app.periodic(cron="45 3 * * *", periodic_id="purge-sent-forms")  # daily, 03:45 (UTC)
@task(name="core.tasks.purge_sent_forms", queueing_lock="purge-sent-forms")
def purge_sent_forms(timestamp: int) -> int:
    from .once import KEPT_FOR, sent_forms_purge

    deleted = sent_forms_purge()
    log.info("Sent forms: deleted %s keys older than %s", deleted, KEPT_FOR)
    return deleted
