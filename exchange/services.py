"""Writes of exchanged documents (docs/adr/0034): typed keyword-only functions taking `actor`.

`document_upload` checks who may upload what, what the file is (from its bytes, exchange.filetypes),
runs the virus scan (exchange.scan), stores the bytes under a random name and records the document;
nothing is stored when any check refuses it. A document the LA shares is emailed to the school's
headteachers through the queue (DocumentEmail rows, sent by exchange.tasks after commit), and shown
on their home page and the school's documents page; one shared with the governing body too is
emailed to its governors as well (docs/adr/0087)."""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.headships import headteachers_of
from accounts.models import User
from accounts.permissions import is_headteacher_of_school
from core.emails import A_GOVERNOR, A_HEADTEACHER, emails_queue, not_sent_to, send_and_record
from core.history import save_as
from core.text import normalise_text, single_line
from core.uploads import original_name, stored_name
from schools.governorships import governors_of, is_governor_seat_holder
from schools.models import School

from .filetypes import checked_type
from .models import Direction, Document, DocumentEmail, DocumentKind, ScanStatus
from .scan import Verdict, scan

SCHOOL_KINDS: tuple[DocumentKind, ...] = (
    DocumentKind.SELF_EVALUATION,
    DocumentKind.IMPROVEMENT_PLAN,
    DocumentKind.OTHER,
)
LA_KINDS: tuple[DocumentKind, ...] = (DocumentKind.LA_DOCUMENT, DocumentKind.OTHER)

NOT_ALLOWED = "You cannot add documents to this school's documents."
KIND_NOT_FOR_SCHOOL = "Choose a self-evaluation, improvement plan or other document"
KIND_NOT_FOR_LA = "Choose a local authority document or other document"
TITLE_REQUIRED = "Enter a title"
INFECTED = "The virus scanner found a virus in the file: it was not uploaded. Check the file and your computer."
SCANNER_FAILED = "The file could not be checked for viruses just now, so it was not uploaded. Try again later."
WITHDRAWN_SINCE = "Not sent: the document was withdrawn before it could be"
NOT_WITHDRAWABLE = "This document has been withdrawn already."
REASON_REQUIRED = "Say why the document is withdrawn"


def _path(school: School, extension: str) -> str:
    return f"exchange/{school.urn}/{stored_name(secrets.token_hex(16), extension)}"


def document_upload(
    *,
    school: School,
    actor: User,
    kind: str,
    title: str,
    name: str,
    data: bytes,
    for_governors: bool = False,
) -> Document:
    """Record a document uploaded to `school`'s documents: from the school when `actor` is one of
    its headteachers, shared by the LA when `actor` is its link adviser or an officer."""
    if actor.has_perm("exchange.upload_school_document", school):
        direction, kinds, kind_message = Direction.FROM_SCHOOL, SCHOOL_KINDS, KIND_NOT_FOR_SCHOOL
        for_governors = False
    elif actor.has_perm("exchange.share_document", school):
        direction, kinds, kind_message = Direction.FROM_LA, LA_KINDS, KIND_NOT_FOR_LA
    else:
        raise ValidationError(NOT_ALLOWED)
    title = single_line(normalise_text(title)).strip()
    errors = {}
    if kind not in kinds:
        errors["kind"] = kind_message
    if not title:
        errors["title"] = TITLE_REQUIRED
    if errors:
        raise ValidationError(errors)
    shown_name = original_name(name) or "document"
    file_type = checked_type(name=shown_name, data=data)
    verdict = scan(data)
    if verdict == Verdict.INFECTED:
        raise ValidationError({"file": INFECTED})
    if verdict == Verdict.SCANNER_ERROR:
        raise ValidationError({"file": SCANNER_FAILED})
    path = default_storage.save(_path(school, file_type.extension), ContentFile(data))
    try:
        with transaction.atomic():
            document = Document(
                school=school,
                kind=kind,
                direction=direction,
                title=title[:200],
                for_governors=for_governors,
                file=path,
                original_name=shown_name,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                content_type=file_type.content_type,
                extension=file_type.extension,
                scan_status=ScanStatus.CLEAN if verdict == Verdict.CLEAN else ScanStatus.NOT_SCANNED,
                uploaded_by=actor,
                uploaded_at=timezone.now(),
            )
            save_as(document, actor=actor)
            if direction == Direction.FROM_LA:
                _queue_emails(document)
    except Exception:
        default_storage.delete(path)  # nothing half-written: no file without its record
        raise
    return document


def _queue_emails(document: Document) -> list[DocumentEmail]:
    from . import tasks

    send = {"task": tasks.send_document_email, "lock": "document-email", "document": document}
    heads = list(headteachers_of(document.school))
    queued = emails_queue(DocumentEmail, heads, **send)
    if document.for_governors:  # docs/adr/0087
        governors = [governor for governor in governors_of(document.school) if governor not in heads]
        queued += emails_queue(DocumentEmail, governors, to_governor=True, **send)
    return queued


def withdraw_permission(document: Document) -> str:
    """The permission (on the school) that withdraws this document: the LA side's for what the LA
    shared; the school's headteachers' too for what the school uploaded (ADR 0074)."""
    return (
        "exchange.withdraw_document" if document.direction == Direction.FROM_LA else "exchange.withdraw_school_document"
    )


@transaction.atomic
def document_withdraw(*, document: Document, actor: User, reason: str) -> Document:
    """Withdraw a document: kept, with who withdrew it, when and why; hidden from the school and its
    governors, and still seen, marked, by the LA side."""
    document = Document.objects.select_for_update().select_related("school").get(pk=document.pk)
    if not actor.has_perm(withdraw_permission(document), document.school):
        raise ValidationError(NOT_ALLOWED)
    if document.withdrawn:
        raise ValidationError(NOT_WITHDRAWABLE)
    reason = single_line(normalise_text(reason)).strip()
    if not reason:
        raise ValidationError({"reason": REASON_REQUIRED})
    document.withdrawn_at = timezone.now()
    document.withdrawn_by = actor
    document.withdrawn_reason = reason[:300]
    save_as(document, actor=actor)
    return document


def _withdrawn(document: Document) -> str:
    return WITHDRAWN_SINCE if document.withdrawn else ""


def document_email_send(email_id: int, *, last_attempt: bool = True) -> None:
    """Send one DocumentEmail (task exchange.tasks.send_document_email). The email names the
    document and links to the school's documents page; the file itself is never attached. Only to a
    recipient still a headteacher of the school (as _queue_emails chose them). A failure is recorded
    on the row and, before the last attempt, raised for the queue to retry unless refused for good."""
    email = DocumentEmail.objects.select_related("document__school", "recipient").get(pk=email_id)
    if email.emailed_at or not email.address:
        return
    document = email.document
    school = document.school
    if email.to_governor:  # the document shared with the governing body too (docs/adr/0087)
        entitled, seat = document.for_governors and is_governor_seat_holder(email.recipient, school), A_GOVERNOR
    else:
        entitled, seat = is_headteacher_of_school(email.recipient, school), A_HEADTEACHER
    body = render_to_string(
        "exchange/email/shared.txt",
        {
            "email": email,
            "document": document,
            "school": school,
            "url": settings.SITE_URL.rstrip("/") + reverse("exchange:list", kwargs={"urn": school.urn}),
            "as_governor": email.to_governor,
            "service": settings.SERVICE_NAME,
            "council": settings.COUNCIL_NAME,
        },
    )
    subject = f"{settings.SERVICE_NAME}: the local authority shared a document with {school.name}"
    send_and_record(
        DocumentEmail.objects.filter(pk=email_id),
        subject=subject,
        body=body,
        address=email.address,
        last_attempt=last_attempt,
        what="document",
        not_sent=not_sent_to(email.recipient, entitled=entitled, seat=seat) or _withdrawn(document),
    )
