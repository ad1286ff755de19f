"""Imports of the register's files (GIAS, Ofsted, performance tables, ward councillors): the preview
that checks a stored file in the background and says what it would change, the confirmation that
applies it in one transaction, cancelling, the sweep of imports whose worker died, a running
import's progress, and import_run, which plans and applies a file at once (commands and tests).
The public entry point is schools.services, which re-exports these."""

import hashlib
import logging
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import connection, transaction
from django.utils import timezone
from procrastinate.tasks import Task

from accounts.models import User
from core import bulk
from core import tasks as queue
from core.tabular import FileRefused, read_table
from core.text import count_of
from core.uploads import original_name, spreadsheet_kind, stored_name

from . import tasks
from .background import ProgressFile
from .importers.base import MAX_STORED_ERRORS, Importer, Plan, Progress, RowError, no_progress
from .importers.councillors import CouncillorImporter
from .importers.gias import GiasImporter
from .importers.ofsted import OfstedImporter
from .importers.performance import PerformanceImporter
from .models import ImportKind, ImportRecord, ImportRowError, ImportStatus

# The logger's name is the one these lines had before the module was split out of schools.services.
log = logging.getLogger("schools.services")

IMPORTERS: dict[str, type[Importer]] = {
    ImportKind.GIAS: GiasImporter,
    ImportKind.OFSTED: OfstedImporter,
    ImportKind.PERFORMANCE: PerformanceImporter,
    ImportKind.COUNCILLORS: CouncillorImporter,
}

IMPORT_NOT_WAITING = "This import is not waiting for confirmation (it is {status})."
IMPORT_FILE_CHANGED = "The stored file no longer matches the one that was previewed. Upload it again."
IMPORT_FAILED = "The import stopped because of an unexpected error, so nothing was changed. The error has been logged."
IMPORT_WORKER_STOPPED = (
    "The import stopped without finishing: the background worker running it stopped (it was restarted or ran "
    "out of memory). Its changes were rolled back, so nothing was changed. Upload the file again."
)
IMPORT_NOTHING_CHANGED = "Nothing to import: every row is unchanged."
IMPORT_NOTHING_USABLE = "Nothing to import: no row would create or change a record."
IMPORT_STRICT_REFUSED = "{rows} errors and a strict import accepts none, so nothing was imported."


# The first of the two keys of hold_imports_of: its own space among PostgreSQL's advisory locks
# (accounts.account_details.DETAILS_LOCK_SPACE is 6601).
IMPORTS_LOCK_SPACE = 6602


def hold_imports_of(kind: str) -> None:
    """Hold, until the transaction ends, the register for imports of this kind: a second import of
    the kind committed at the same moment (two confirmed previews, or the scheduled GIAS import and
    an officer's) waits, then plans against what the first committed. Without it both planned
    against the register without the other's changes, and the second failed on a unique constraint
    (a new school's URN). PostgreSQL's advisory locks; SQLite takes its one write lock at BEGIN."""
    if connection.vendor != "postgresql":
        return
    assert connection.in_atomic_block, "an advisory transaction lock outside a transaction is released at once"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [IMPORTS_LOCK_SPACE, kind])


def _plan(kind: str, data: bytes, filename: str, options: dict[str, Any], progress: Progress) -> Plan:
    importer = IMPORTERS[kind]()
    table = read_table(data, filename, keep=importer.keep_column, header_hint=importer.header_hint)
    progress(f"Read {count_of(len(table), 'row')} ({table.encoding}).")
    plan = importer.plan(table, options=options, progress=progress)
    if table.malformed:
        plan.rows_total += len(table.malformed)
        whole_rows = [RowError(row, "(whole row)", "", message) for row, message in table.malformed.items()]
        plan.errors = sorted(whole_rows + plan.errors, key=lambda error: error.row)  # in file order, as labelled
    return plan


def nothing_to_import_message(plan: Plan) -> str:
    """Policy: a file that would change nothing is never offered for confirmation nor applied (an
    admin who confirms it would believe something happened). Say why: every row is unchanged, or
    the rows that are not unchanged are rejected or skipped."""
    if plan.rejected or plan.rows_skipped:
        return IMPORT_NOTHING_USABLE
    return IMPORT_NOTHING_CHANGED


def _nothing_to_import(record: ImportRecord, plan: Plan) -> None:
    record.status = ImportStatus.NOTHING_TO_IMPORT
    record.message = "\n".join(filter(None, [nothing_to_import_message(plan), record.message]))


def _fill_record(record: ImportRecord, plan: Plan) -> None:
    """Write the plan's figures, notes and sample of changes on the record, saving it, and keep its
    errors, replacing any an earlier check of the file kept."""
    record.rows_total = plan.rows_total
    record.rows_skipped = plan.rows_skipped
    record.created, record.updated, record.unchanged = plan.created, plan.updated, plan.unchanged
    record.rejected = plan.rejected
    record.error_count = len(plan.errors)
    record.changes = plan.changes
    record.message = "\n".join(filter(None, [plan.skipped_note, *plan.notes]))
    with transaction.atomic():
        record.save()
        ImportRowError.objects.filter(record=record).delete()
        kept = [{"record_id": record.pk, **error.as_dict()} for error in plan.errors[:MAX_STORED_ERRORS]]
        bulk.bulk_insert(ImportRowError, kept)


def _new_record(
    *, kind: str, data: bytes, filename: str, actor: User | None, options: dict[str, Any], source: str
) -> ImportRecord:
    return ImportRecord(
        kind=kind,
        source=source,
        original_filename=original_name(filename),
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        options=options,
        uploaded_by=actor,
    )


def _file_digest(upload: "File[Any]") -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def import_preview(
    *, kind: str, data: "bytes | File[Any]", filename: str, actor: User | None, options: dict[str, Any]
) -> ImportRecord:
    """Keep the file and check it, writing no school data: validate every row and compare with
    the register (in the background: a task, schools.tasks.check_import). The stored file
    is what import_confirm() later applies. `data` is the bytes or the uploaded file, which is
    hashed and stored in chunks (never read whole here), under a name made from its digest and
    its kind as its bytes show it; the name it was uploaded with is kept only as text
    (core.uploads, docs/adr/0015)."""
    upload = data if isinstance(data, File) else ContentFile(data)
    digest = _file_digest(upload)
    try:
        extension = spreadsheet_kind(upload)
    except ValidationError:
        extension = "dat"  # the check reads it and says why it is refused
    record = ImportRecord(
        kind=kind,
        source="web",
        original_filename=original_name(filename),
        sha256=digest,
        size_bytes=upload.size,
        options=options,
        uploaded_by=actor,
        status=ImportStatus.CHECKING,
    )
    record.file.save(stored_name(digest[:16], extension), upload, save=False)
    record.save()
    _defer_import(tasks.check_import, record.pk)
    record.refresh_from_db()
    return record


def _defer_import(task: Task[..., Any, Any], record_id: int) -> None:
    # The record is committed already (no transaction is open here): inline, run it now.
    lock = tasks.import_lock(record_id)
    queue.defer(task, after_commit=False, lock=lock, queueing_lock=f"{lock}-{task.name}", record_id=record_id)


def import_check_stored(record_id: int) -> None:
    """The preview's work (task schools.tasks.check_import)."""
    record = ImportRecord.objects.get(pk=record_id)
    progress = ProgressFile(record_id)
    try:
        plan = _plan(record.kind, _stored_bytes(record), _stored_filename(record), record.options, progress.write)
    except FileRefused as refused:
        record.status, record.message = ImportStatus.REFUSED, refused.message
    except Exception:
        log.exception("Checking import %s failed", record_id)
        record.status, record.message = ImportStatus.FAILED, IMPORT_FAILED
    else:
        _fill_record(record, plan)
        if plan.changes_anything:
            record.status = ImportStatus.PREVIEWED
        else:
            _nothing_to_import(record, plan)
            record.file.delete(save=False)
    finally:
        progress.remove()
    record.save()


def _stored_filename(record: ImportRecord) -> str:
    """The stored file's own name (its extension from its checked bytes), not the uploaded name."""
    return PurePosixPath(record.file.name or "").name


def _stored_bytes(record: ImportRecord) -> bytes:
    with record.file.open("rb") as stored:
        data: bytes = stored.read()
    return data


def import_confirm(*, record: ImportRecord, actor: User) -> ImportRecord:
    """Apply a previewed import, re-validated against the register as it is now, in one
    transaction, in the background (a task: schools.tasks.commit_import)."""
    with transaction.atomic():
        record = ImportRecord.objects.select_for_update().get(pk=record.pk)
        if record.status == ImportStatus.NOTHING_TO_IMPORT:
            raise ValidationError(IMPORT_NOTHING_CHANGED)
        if record.status != ImportStatus.PREVIEWED:
            raise ValidationError(IMPORT_NOT_WAITING.format(status=record.get_status_display().lower()))
        if hashlib.sha256(_stored_bytes(record)).hexdigest() != record.sha256:
            raise ValidationError(IMPORT_FILE_CHANGED)
        record.status, record.committed_by = ImportStatus.IMPORTING, actor
        record.save()
    _defer_import(tasks.commit_import, record.pk)
    record.refresh_from_db()
    return record


def import_commit_stored(record_id: int) -> None:
    """The confirmed import's work (task schools.tasks.commit_import). One transaction: a failure,
    or a worker killed half-way, changes nothing."""
    progress = ProgressFile(record_id)
    try:
        with transaction.atomic():
            record = (
                ImportRecord.objects.select_for_update(of=("self",)).select_related("committed_by").get(pk=record_id)
            )
            hold_imports_of(record.kind)
            plan = _plan(record.kind, _stored_bytes(record), _stored_filename(record), record.options, progress.write)
            _fill_record(record, plan)
            if plan.changes_anything:
                IMPORTERS[record.kind]().apply(plan, actor=record.committed_by, record=record, progress=progress.write)
                record.status, record.committed_at = ImportStatus.COMMITTED, timezone.now()
            else:  # the register caught up with the file since the preview (another import)
                _nothing_to_import(record, plan)
            record.save()
    except FileRefused as refused:
        # Rolled back: the file, read again against the register as it is now, is refused (an older
        # extract than the register since another import). The person's answer, not an error.
        log.info("Import %s refused when confirmed: %s", record_id, refused.message)
        ImportRecord.objects.filter(pk=record_id).update(status=ImportStatus.REFUSED, message=refused.message)
    except Exception:
        # The transaction rolled back: nothing changed. Say so on the record.
        log.exception("Import %s failed", record_id)
        ImportRecord.objects.filter(pk=record_id).update(status=ImportStatus.FAILED, message=IMPORT_FAILED)
    finally:
        progress.remove()


@transaction.atomic
def import_cancel(*, record: ImportRecord, actor: User) -> ImportRecord:
    record = ImportRecord.objects.select_for_update().get(pk=record.pk)
    if record.status != ImportStatus.PREVIEWED:
        raise ValidationError(IMPORT_NOT_WAITING.format(status=record.get_status_display().lower()))
    record.status = ImportStatus.CANCELLED
    record.file.delete(save=False)
    record.save()
    return record


def imports_recover_stalled() -> list[int]:
    """Mark failed, saying so, every import whose worker died running it (its heartbeat stopped:
    core.tasks.stalled_jobs), and close its job. Its transaction rolled back with the worker's
    connection, so nothing was written. Run every 20 seconds by the worker (schools.tasks) and by
    the page of a running import. Returns the ids of the records marked."""
    marked = []
    for job in queue.stalled_jobs(tasks.IMPORT_TASKS):
        record_id = job.task_kwargs.get("record_id")
        queue.mark_failed(job)
        if not isinstance(record_id, int):  # every import task is queued with its record's id
            continue
        changed = ImportRecord.objects.filter(
            pk=record_id, status__in=(ImportStatus.CHECKING, ImportStatus.IMPORTING)
        ).update(status=ImportStatus.FAILED, message=IMPORT_WORKER_STOPPED)
        if changed:
            log.error("Import %s: its worker stopped while running job %s; marked failed", record_id, job.id)
            ProgressFile(record_id).remove()
            marked.append(record_id)
    return marked


def import_progress(record: ImportRecord) -> dict[str, Any]:
    """What a running import is doing, for its page: message, fraction done, and whether it has
    died with its process. With a queue, a dead worker's import is marked failed here (and by the
    worker's sweep); inline (no queue), an import whose progress has not moved for a long time died
    with its process (its transaction rolled back)."""
    if record.is_running and imports_recover_stalled():
        record.refresh_from_db()
    progress = ProgressFile(record.pk)
    state = progress.read()
    stale = settings.TASKS_INLINE and record.is_running and progress.is_stale(record.created_at.timestamp())
    return {"status": record.status, "message": state["message"], "fraction": state["fraction"], "stale": stale}


def import_run(
    *,
    kind: str,
    data: bytes,
    filename: str,
    actor: User | None,
    options: dict[str, Any],
    dry_run: bool = False,
    strict: bool = False,
    progress: Progress = no_progress,
    source: str = "command",
) -> ImportRecord:
    """Validate and (unless dry_run) apply a file in one go, as the management commands and the
    scheduled GIAS import (schools.scheduled_import, source "schedule") do. A run that may apply
    the file plans it in the transaction that applies it, once any other import of the kind being
    committed at the same moment has finished (hold_imports_of)."""
    record = _new_record(kind=kind, data=data, filename=filename, actor=actor, options=options, source=source)
    if dry_run:
        return _plan_and_apply(record, data, filename, actor=actor, dry_run=True, strict=strict, progress=progress)
    with transaction.atomic():
        hold_imports_of(kind)
        return _plan_and_apply(record, data, filename, actor=actor, dry_run=False, strict=strict, progress=progress)


def _plan_and_apply(
    record: ImportRecord, data: bytes, filename: str, *, actor: User | None, dry_run: bool, strict: bool,
    progress: Progress,
) -> ImportRecord:  # fmt: skip
    """import_run's work on its new record: refused, a dry run, nothing to import, or applied."""
    kind = record.kind
    try:
        plan = _plan(kind, data, filename, record.options, progress)
    except FileRefused as refused:
        record.status, record.message = ImportStatus.REFUSED, refused.message
        record.save()
        return record
    _fill_record(record, plan)
    if strict and plan.errors:
        record.status = ImportStatus.REFUSED
        record.message = (
            IMPORT_STRICT_REFUSED.format(rows=count_of(plan.rejected, "row has", "rows have")) + "\n" + record.message
        )
        record.save()
        return record
    if dry_run:
        record.status = ImportStatus.DRY_RUN
        record.save()
        return record
    if not plan.changes_anything:
        _nothing_to_import(record, plan)
        record.save()
        return record
    with transaction.atomic():
        record.status = ImportStatus.COMMITTED
        record.committed_by, record.committed_at = actor, timezone.now()
        record.save()
        IMPORTERS[kind]().apply(plan, actor=actor, record=record, progress=progress)
    return record
