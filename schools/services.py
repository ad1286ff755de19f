"""Writes to the schools register. Every function is atomic and takes the acting user."""

import hashlib
import itertools
import logging
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from procrastinate.tasks import Task

from accounts import access
from accounts.models import AccessEventKind, User
from accounts.roles import Role
from core import tasks as queue
from core.history import SYSTEM, delete_as, save_as
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
from .logos import LogoRefused, checked_logo
from .models import (
    ALERT_RETRYING_PREFIX,
    Councillor,
    ElectedMemberAlert,
    GovernorRole,
    Governorship,
    HeadAppointment,
    ImportKind,
    ImportRecord,
    ImportStatus,
    Letterhead,
    School,
    Term,
    TermName,
    Trust,
    Ward,
)
from .selectors import letterhead_la_codes
from .terms import TERM_ORDER

log = logging.getLogger(__name__)

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
LINK_ADVISER_ROLE = "The link adviser must be a user with the adviser or officer role."
GOVERNOR_ROLE = "{user} does not have the governor role. Change their role first."
GOVERNORSHIP_EXISTS = "{user} is already a governor of {school}."


# ---- imports -------------------------------------------------------------------------------


def _plan(kind: str, data: bytes, filename: str, options: dict[str, Any], progress: Progress) -> Plan:
    importer = IMPORTERS[kind]()
    table = read_table(data, filename, keep=importer.keep_column, header_hint=importer.header_hint)
    progress(f"Read {count_of(len(table), 'row')} ({table.encoding}).")
    plan = importer.plan(table, options=options, progress=progress)
    if table.malformed:
        plan.rows_total += len(table.malformed)
        plan.errors[:0] = [
            RowError(row, "(whole row)", "", message) for row, message in sorted(table.malformed.items())
        ]
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
    record.rows_total = plan.rows_total
    record.rows_skipped = plan.rows_skipped
    record.created, record.updated, record.unchanged = plan.created, plan.updated, plan.unchanged
    record.rejected = plan.rejected
    record.error_count = len(plan.errors)
    record.errors = [e.as_dict() for e in plan.errors[:MAX_STORED_ERRORS]]
    record.changes = plan.changes
    record.message = "\n".join(filter(None, [plan.skipped_note, *plan.notes]))


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
            plan = _plan(record.kind, _stored_bytes(record), _stored_filename(record), record.options, progress.write)
            _fill_record(record, plan)
            if plan.changes_anything:
                IMPORTERS[record.kind]().apply(plan, actor=record.committed_by, record=record, progress=progress.write)
                record.status, record.committed_at = ImportStatus.COMMITTED, timezone.now()
            else:  # the register caught up with the file since the preview (another import)
                _nothing_to_import(record, plan)
            record.save()
    except Exception as exc:
        # The transaction rolled back: nothing changed. Say so on the record.
        log.exception("Import %s failed", record_id)
        message = exc.message if isinstance(exc, FileRefused) else IMPORT_FAILED
        ImportRecord.objects.filter(pk=record_id).update(status=ImportStatus.FAILED, message=message)
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
    scheduled GIAS import (schools.scheduled_import, source "schedule") do."""
    record = _new_record(kind=kind, data=data, filename=filename, actor=actor, options=options, source=source)
    try:
        plan = _plan(kind, data, filename, options, progress)
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


# ---- LA-kept school details ------------------------------------------------------------------


@transaction.atomic
def school_update_la_details(
    *,
    school: School,
    actor: User,
    link_adviser: User | None,
    head_start_date: date | None,
    head_appointment: str,
    chair_of_governors: str,
) -> School:
    if link_adviser is not None and link_adviser.role not in (Role.ADVISER, Role.OFFICER):
        raise ValidationError({"link_adviser": LINK_ADVISER_ROLE})
    new = {
        "link_adviser_id": link_adviser.pk if link_adviser else None,
        "head_start_date": head_start_date,
        "head_appointment": head_appointment or HeadAppointment.UNKNOWN,
        "chair_of_governors": chair_of_governors.strip(),
    }
    if all(getattr(school, name) == value for name, value in new.items()):
        return school  # nothing changed: no save, no audit row
    for name, value in new.items():
        setattr(school, name, value)
    save_as(school, actor=actor)
    return school


@transaction.atomic
def trust_update(*, trust: Trust, actor: User, ceo_name: str, chair_name: str) -> Trust:
    trust.ceo_name, trust.chair_name = ceo_name.strip(), chair_name.strip()
    save_as(trust, actor=actor)
    return trust


@transaction.atomic
def governorship_add(*, user: User, school: School, role: str = GovernorRole.MEMBER, actor: User) -> Governorship:
    if user.role != Role.GOVERNOR:
        raise ValidationError(GOVERNOR_ROLE.format(user=user))
    if Governorship.objects.filter(user=user, school=school).exists():
        raise ValidationError(GOVERNORSHIP_EXISTS.format(user=user, school=school.name))
    governorship = Governorship(user=user, school=school, role=role)
    save_as(governorship, actor=actor)
    # A seat opens the school's published material only (never case material): an admin gives it
    # alone, and it is in the access log (docs/adr/0012).
    access.access_event_record(
        kind=AccessEventKind.GOVERNORSHIP_ADDED, user=user, actor=actor, detail=_seat(governorship)
    )
    return governorship


@transaction.atomic
def governorship_remove(*, governorship: Governorship, actor: User) -> None:
    access.access_event_record(
        kind=AccessEventKind.GOVERNORSHIP_REMOVED, user=governorship.user, actor=actor, detail=_seat(governorship)
    )
    delete_as(governorship, actor=actor)


def _seat(governorship: Governorship) -> str:
    return f"{governorship.get_role_display()}, {governorship.school.name} ({governorship.school.urn})"


# ---- term dates ------------------------------------------------------------------------------

TERM_DATES_ORDER = "{term}: the dates must run start, half-term start, half-term end, end, in that order."
TERMS_OVERLAP = "{later} must start after {earlier} ends."


@transaction.atomic
def terms_save(
    *, academic_year: int, dates: dict[str, tuple[date, date, date, date]], actor: User | None
) -> list[Term]:
    """Save the three terms of a year: {term name: (starts, half-term starts, half-term ends, ends)}."""
    errors = []
    for name in TERM_ORDER:
        starts, half_starts, half_ends, ends = dates[name]
        if not starts < half_starts <= half_ends < ends:
            errors.append(TERM_DATES_ORDER.format(term=TermName(name).label))
    for earlier, later in itertools.pairwise(TERM_ORDER):
        if dates[later][0] <= dates[earlier][3]:
            errors.append(TERMS_OVERLAP.format(earlier=TermName(earlier).label, later=TermName(later).label))
    if errors:
        raise ValidationError(errors)
    saved = []
    for name in TERM_ORDER:
        term = Term.objects.filter(academic_year=academic_year, name=name).first() or Term(
            academic_year=academic_year, name=name
        )
        term.starts_on, term.half_term_starts_on, term.half_term_ends_on, term.ends_on = dates[name]
        save_as(term, actor=actor or SYSTEM)  # None: saved by no person (as tests do)
        saved.append(term)
    return saved


# ---- ward councillors and their alerts ---------------------------------------------------------

NO_COUNCILLORS = "No councillor with an email address is recorded for {ward}."
NO_WARD = "The school has no ward recorded, so no councillor could be alerted."
COUNCILLOR_EXISTS = "{name} is already a councillor for {ward}."


@transaction.atomic
def councillor_save(
    *, ward: Ward, name: str, email: str, party: str, actor: User | None, councillor: Councillor | None = None
) -> Councillor:
    """Add or change a ward's councillor (actor None: the councillors import run by a command)."""
    name = " ".join(name.split())
    duplicate = Councillor.objects.filter(ward=ward, name__iexact=name)
    if councillor is not None:
        duplicate = duplicate.exclude(pk=councillor.pk)
    if duplicate.exists():
        raise ValidationError({"name": COUNCILLOR_EXISTS.format(name=name, ward=ward.name)})
    councillor = councillor or Councillor(ward=ward)
    councillor.name, councillor.email, councillor.party = name, email.strip(), party.strip()
    save_as(councillor, actor=actor or SYSTEM)
    return councillor


@transaction.atomic
def councillor_remove(*, councillor: Councillor, actor: User | None) -> None:
    delete_as(councillor, actor=actor or SYSTEM)  # None: the councillors import run by a command


ALERT_NOT_SENT = "Could not send: {error}"
ALERT_RETRYING = ALERT_RETRYING_PREFIX + ": {error}"


def elected_members_alert(*, school: School, kind: str, summary: str, actor: User | None) -> ElectedMemberAlert:
    """Record that the school's ward councillors are alerted, and email them in the background (a
    task: schools.tasks.send_alert, queued in the caller's transaction, so an alert is never sent
    for a change that was rolled back). The alert is recorded even when nobody can be emailed, with
    the reason; it says "Sent" only once the mail server has taken the email."""
    ward = school.ward if school.ward_id else None
    councillors = list(ward.councillors.exclude(email="")) if ward else []
    alert = ElectedMemberAlert.objects.create(
        school=school,
        kind=kind,
        summary=summary,
        recipients=[f"{c.name} <{c.email}>" for c in councillors],
        created_by=actor,
        error="" if councillors else (NO_WARD if ward is None else NO_COUNCILLORS.format(ward=ward.name)),
    )
    if councillors:
        queue.defer(tasks.send_alert, queueing_lock=f"alert-{alert.pk}", alert_id=alert.pk)
    return alert


def alert_send(alert_id: int, *, last_attempt: bool = True) -> None:
    """Send an alert's email (task schools.tasks.send_alert). A mail server's failure is recorded on
    the alert: as "trying again", then, after the last attempt, as not sent. Not the last attempt:
    the failure is raised again, for the queue to retry."""
    alert = ElectedMemberAlert.objects.select_related("school", "school__ward").get(pk=alert_id)
    if alert.sent_at:
        return  # sent by an earlier attempt
    school = alert.school
    subject = f"{settings.COUNCIL_NAME}: {alert.get_kind_display().lower()}, {school.name}"
    body = render_to_string(
        "schools/email/elected_member_alert.txt", {"alert": alert, "school": school, "council": settings.COUNCIL_NAME}
    )
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [r.split("<")[1].rstrip(">") for r in alert.recipients])
    except Exception as exc:  # the mail server's failure is recorded on the alert, not raised at the user
        log.exception("Elected member alert %s could not be sent", alert_id)
        message = ALERT_NOT_SENT.format(error=exc) if last_attempt else ALERT_RETRYING.format(error=exc)
        ElectedMemberAlert.objects.filter(pk=alert_id).update(error=message)
        if not last_attempt:
            raise
    else:
        ElectedMemberAlert.objects.filter(pk=alert_id).update(sent_at=timezone.now(), error="")


# ---- letterheads -------------------------------------------------------------------------------

COUNCIL_NAME_REQUIRED = "Enter the council's name"
LETTERHEAD_UNKNOWN_LA = "{code} is not a local authority code this service manages."
LETTERHEAD_SAVED_AT_THE_SAME_TIME = (
    "Someone else set this letterhead at the same moment. Nothing was saved: look at it again and make your change."
)


@transaction.atomic
def letterhead_save(
    *,
    la_code: str,
    actor: User,
    council_name: str,
    directorate: str = "",
    address: str = "",
    signatory_name: str = "",
    signatory_title: str = "",
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> Letterhead:
    """Set the letterhead of one LA code: every document produced afterwards for that LA's schools
    uses it (issued documents are stored files and never change). `logo` is the uploaded file's
    bytes, checked and re-encoded (schools.logos.checked_logo); a replaced or removed logo's file
    is deleted once the change is committed."""
    errors: dict[str, list[str]] = {}
    if la_code not in letterhead_la_codes():
        raise ValidationError(LETTERHEAD_UNKNOWN_LA.format(code=la_code))
    if not council_name.strip():
        errors["council_name"] = [COUNCIL_NAME_REQUIRED]
    clean_logo = None
    if logo is not None and not remove_logo:
        try:
            clean_logo = checked_logo(logo)
        except LogoRefused as refused:
            errors["logo"] = [str(refused)]
    if errors:
        raise ValidationError(errors)
    letterhead = Letterhead.objects.select_for_update().filter(la_code=la_code).first() or Letterhead(la_code=la_code)
    letterhead.council_name = council_name.strip()
    letterhead.directorate, letterhead.address = directorate.strip(), address.strip()
    letterhead.signatory_name, letterhead.signatory_title = signatory_name.strip(), signatory_title.strip()
    letterhead.updated_by = actor
    old_logo = letterhead.logo.name if letterhead.logo else ""
    if clean_logo is not None:
        digest = hashlib.sha256(clean_logo.data).hexdigest()[:12]
        letterhead.logo.save(f"logo-{digest}.{clean_logo.extension}", ContentFile(clean_logo.data), save=False)
    elif remove_logo:
        letterhead.logo = ""
    try:
        with transaction.atomic():  # a savepoint: two first saves of one LA's letterhead meet here
            save_as(letterhead, actor=actor)
    except Exception as error:
        if clean_logo is not None and letterhead.logo:
            letterhead.logo.delete(save=False)
        if isinstance(error, IntegrityError):
            raise ValidationError(LETTERHEAD_SAVED_AT_THE_SAME_TIME) from error
        raise
    if old_logo and old_logo != (letterhead.logo.name if letterhead.logo else ""):
        storage = letterhead.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    return letterhead
