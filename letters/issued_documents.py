"""The PDF and Word files of an issued letter and of a notice of intention, produced by a background
task once the issue is recorded (letters.tasks, docs/adr/0014). The words are fixed at issue
(Letter.issued_content, WarningNoticeProgress.intention_content); the task only lays them out, so
a file produced a minute later, or again after a failure, says exactly what was issued."""

import logging
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify

from accounts.models import User
from core.tasks import defer

from . import documents, documents_docx
from .models import DocumentsStatus, Letter, WarningNoticeProgress

log = logging.getLogger(__name__)

LETTER, INTENTION = "letter", "intention"
# The storage name of the letterhead's logo when the document was issued, kept beside the words:
# the task draws that logo even if the council uploads a new one in between.
LOGO_FILE = "logo_file"

NOT_FAILED = "The documents of {reference} are not waiting to be produced again."


@dataclass(frozen=True)
class _Kind:
    """Where one kind of issued document keeps its words, its status and its two files."""

    model: type
    content: str
    status: str
    pdf: str
    docx: str
    suffix: str


KINDS = {
    LETTER: _Kind(Letter, "issued_content", "documents_status", "pdf", "docx", ""),
    INTENTION: _Kind(
        WarningNoticeProgress,
        "intention_content",
        "intention_documents_status",
        "intention_pdf",
        "intention_docx",
        "notice-of-intention",
    ),
}


def _lookup(kind: _Kind, letter_id: int) -> dict:
    return {"pk" if kind.model is Letter else "letter_id": letter_id}


def _record(kind: _Kind, letter_id: int, *, lock: bool = False):
    manager = kind.model.objects.select_for_update() if lock else kind.model.objects
    return manager.get(**_lookup(kind, letter_id))


def _letter_of(record) -> Letter:
    return record if isinstance(record, Letter) else record.letter


def issued_words(content: documents.LetterContent, school) -> dict:
    """What is kept of a document at issue: its words, and which logo file its letterhead had."""
    logo = documents.letterhead_for(school.la_code).logo
    return {**content.as_dict(), LOGO_FILE: logo.name if logo else ""}


def documents_requested(*, letter: Letter, document: str = LETTER) -> None:
    """Mark the document's files as owed and queue the task that produces them (inline without a
    queue: at once, inside the caller's transaction, so the issue and its files commit together)."""
    from .tasks import render_issued_documents

    kind = KINDS[document]
    kind.model.objects.filter(**_lookup(kind, letter.pk)).update(**{kind.status: DocumentsStatus.PENDING})
    defer(
        render_issued_documents,
        after_commit=False,
        lock=f"letters-documents-{letter.pk}-{document}",
        letter_id=letter.pk,
        document=document,
    )


def documents_render(*, letter_id: int, document: str, last_attempt: bool) -> None:
    """Produce the PDF and Word files from the words kept at issue. Idempotent: files already
    produced are kept as they are. A failure on the last attempt marks the documents as not
    produced, so the letter's page says so and an officer can ask again."""
    kind = KINDS[document]
    record = _record(kind, letter_id)
    if getattr(record, kind.status) != DocumentsStatus.PENDING:
        return
    letter = _letter_of(record)
    words = getattr(record, kind.content)
    content = documents.LetterContent.from_dict(words)
    content.logo = documents.logo_as_issued(letter.school, words.get(LOGO_FILE, ""))
    try:
        pdf, docx = documents.pdf_bytes(content, record=True), documents_docx.docx_bytes(content)
    except Exception:
        if last_attempt:
            kind.model.objects.filter(pk=record.pk, **{kind.status: DocumentsStatus.PENDING}).update(
                **{kind.status: DocumentsStatus.FAILED}
            )
            log.error("The %s documents of letter %s could not be produced", document, letter.reference)
        raise
    name = "-".join(part for part in (letter.reference, kind.suffix or slugify(letter.letter_type.name)) if part)
    with transaction.atomic():
        record = _record(kind, letter_id, lock=True)
        if getattr(record, kind.status) != DocumentsStatus.PENDING:
            return  # another worker finished first
        pdf_file, docx_file = getattr(record, kind.pdf), getattr(record, kind.docx)
        try:
            pdf_file.save(f"{name}.pdf", ContentFile(pdf), save=False)
            docx_file.save(f"{name}.docx", ContentFile(docx), save=False)
            # Not a change to the record (its history): the files of words fixed at issue.
            kind.model.objects.filter(pk=record.pk).update(
                **{kind.pdf: pdf_file.name, kind.docx: docx_file.name, kind.status: DocumentsStatus.READY}
            )
        except Exception:
            for stored in (pdf_file, docx_file):
                if stored:
                    stored.delete(save=False)
            raise


@transaction.atomic
def documents_retry(*, letter: Letter, document: str, actor: User) -> str:
    """An officer asks again for documents that could not be produced. Returns their status now
    (ready at once without a queue; being produced with one)."""
    kind = KINDS[document]
    try:
        record = _record(kind, letter.pk, lock=True)
    except ObjectDoesNotExist:  # a letter that has no notice of intention
        raise ValidationError(NOT_FAILED.format(reference=letter.reference)) from None
    if getattr(record, kind.status) != DocumentsStatus.FAILED:
        raise ValidationError(NOT_FAILED.format(reference=letter.reference))
    log.info("%s asked again for the %s documents of letter %s", actor, document, letter.reference)
    documents_requested(letter=letter, document=document)
    return getattr(_record(kind, letter.pk), kind.status)
