"""The letters register and its export, the letter page, and its files: an issued letter's (or
notice of intention's) PDF and Word downloads, producing them again, and a draft's PDF.
Thin: rules are in services and rules, reads in selectors."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import is_la_staff
from core.documents import pdf_response
from core.exports import csv_response, xlsx_response
from core.pagination import paginate

from . import documents, exports, issued_documents, links, rules, selectors
from .documents import DOCX_CONTENT_TYPE
from .filters import filtered_letters
from .forms import CommentsForm
from .models import DocumentsStatus, InterventionPower, LetterStatus
from .views_shared import FILES_STATUS, letter_for_page, record_draft_read, staff_letter

log = logging.getLogger(__name__)


@permission_required("letters.view_register", raise_exception=True)
def register(request):
    register_filter, letters = filtered_letters(user=request.user, params=request.GET)
    pagination = paginate(request, letters)
    today = timezone.localdate()
    rows = [(letter, selectors.notice_stage(letter, today)) for letter in pagination.page.object_list]
    return render(
        request,
        "letters/register.html",
        {"filter": register_filter, "pagination": pagination, "rows": rows, "title": "Letters"},
    )


@permission_required("letters.view_register", raise_exception=True)
def register_export(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _, letters = filtered_letters(user=request.user, params=request.GET)
    rows = exports.register_rows(letters, today=timezone.localdate())
    if fmt == "xlsx":
        return xlsx_response("letters.xlsx", "Letters", exports.REGISTER_HEADER, rows)
    return csv_response("letters.csv", exports.REGISTER_HEADER, rows)


def detail(request, pk: int):
    letter = letter_for_page(request, pk)
    la_view = is_la_staff(request.user)
    user = request.user
    today = timezone.localdate()
    if letter.is_issued:
        content = documents.LetterContent.from_dict(letter.issued_content)
    else:
        content = documents.build_content(letter, issue_date=today, draft=True)
    progress = getattr(letter, "progress", None)
    context = {
        "letter": letter,
        "content": content,
        "la_view": la_view,
        "stage": selectors.notice_stage(letter, today),
        "progress": progress,
        "window_end": rules.powers_window_end_s63_3_s64_2(letter.compliance_end_date)
        if letter.compliance_end_date
        else None,
        "powers": list(InterventionPower),
        "title": f"{letter.letter_type.name}: {letter.school.name}",
    }
    if la_view:
        can_approve = letter.status == LetterStatus.SUBMITTED and user.has_perm("letters.approve_letter")
        # Why this officer may return the letter but not approve it (four eyes), if so.
        may_not_approve = selectors.why_user_may_not_approve(user, letter) if can_approve else ""
        context.update(
            {
                "may_not_approve": may_not_approve,
                "events": selectors.letter_events(letter),
                "returned": selectors.return_comments(letter),
                "can_edit": letter.is_editable and user.has_perm("letters.edit_letter", letter),
                "can_approve": can_approve and not may_not_approve,
                "can_issue": letter.status == LetterStatus.APPROVED and user.has_perm("letters.issue_letter"),
                "can_produce_again": user.has_perm("letters.issue_letter"),
                "can_return": letter.status in (LetterStatus.SUBMITTED, LetterStatus.APPROVED)
                and user.has_perm("letters.approve_letter"),
                "can_withdraw": letter.may_be_withdrawn and user.has_perm("letters.edit_letter", letter),
                "can_respond": progress is not None and user.has_perm("letters.record_response", letter),
                "can_record": progress is not None and user.has_perm("letters.record_compliance"),
                "approve_form": CommentsForm(required=False, button="Approve", hint="Optional."),
                "history": letter.history.select_related("history_user").order_by("-history_date")[:10],
                "belongs_to": links.letter_owners(user, letter),
            }
        )
    record_draft_read(request, letter)
    return render(request, "letters/detail.html", context)


def download(request, pk: int, document: str, fmt: str):
    """An issued letter's (or its notice of intention's) PDF or Word file, through the same
    permission as the letter page; files are never served from a public URL."""
    if fmt not in ("pdf", "docx") or document not in ("letter", "intention"):
        raise Http404
    letter = letter_for_page(request, pk)
    stored: FieldFile | None
    if document == "letter":
        stored, status = (letter.pdf if fmt == "pdf" else letter.docx), letter.documents_status
    else:
        progress = getattr(letter, "progress", None)
        stored = (progress.intention_pdf if fmt == "pdf" else progress.intention_docx) if progress else None
        status = progress.intention_documents_status if progress else ""
    if not stored and status in (DocumentsStatus.PENDING, DocumentsStatus.FAILED):
        # A link followed before the files exist (or after they failed): the letter's page says which.
        messages.info(request, FILES_STATUS[status])
        return redirect(letter)
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        log.error("The stored file %s of letter %s is missing from the media storage", stored.name, letter.pk)
        raise Http404("The file is missing") from None
    content_type = "application/pdf" if fmt == "pdf" else DOCX_CONTENT_TYPE
    response = FileResponse(handle, content_type=content_type, as_attachment=True)
    response["Content-Disposition"] = f'attachment; filename="{(stored.name or "").rsplit("/", 1)[-1]}"'
    return response


@require_POST
def documents_retry(request, pk: int, document: str):
    """Produce again the files of an issued letter (or notice of intention) whose production failed."""
    if document not in issued_documents.KINDS:
        raise Http404
    letter = staff_letter(request, pk, "letters.issue_letter")
    try:
        status = issued_documents.documents_retry(letter=letter, document=document, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        (messages.success if status == DocumentsStatus.READY else messages.info)(request, FILES_STATUS[status])
    return redirect("letters:detail", pk=letter.pk)


def draft_pdf(request, pk: int):
    """A draft's PDF, marked DRAFT, for LA staff to check the layout before issue."""
    letter = staff_letter(request, pk)
    if letter.is_issued:
        return redirect("letters:download", pk=letter.pk, document="letter", fmt="pdf")
    record_draft_read(request, letter)
    content = documents.build_content(letter, issue_date=timezone.localdate(), draft=True)
    return pdf_response(documents.pdf_bytes(content), f"{letter.reference}-draft.pdf", inline=True)
