"""The school's documents page (list and upload), each document's download, and the LA's
withdrawal (docs/adr/0034). Thin: permissions from exchange.permissions, reads from selectors,
writes through services."""

import hashlib
import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from audit.services import record_request_read
from core.forms import add_service_errors, posted, posted_files
from core.text import file_size
from core.uploads import upload_limit
from schools.selectors import school_for_user

from . import selectors, services
from .filetypes import TYPES
from .forms import UploadForm, WithdrawForm
from .models import Direction, Document, DocumentEmail

log = logging.getLogger(__name__)

UPLOADED = "Uploaded “{title}”."
SHARED = "Shared “{title}” with the school. Its headteacher is emailed in the background."
WITHDRAWN = "Withdrew “{title}”: the school no longer sees it."
FILE_CHANGED = (
    "This file has changed since it was uploaded (it no longer matches the checksum recorded then), so it "
    "is not served. Ask whoever uploaded it to upload it again; the problem is logged for the service's "
    "administrators."
)
FILE_MISSING = "This file is missing from the service's storage. Ask whoever uploaded it to upload it again."
CHUNK = 64 * 1024


def _school(request, urn: int, perm: str = "exchange.view_documents"):
    school = school_for_user(user=request.user, urn=urn)  # another school: 404
    if not request.user.has_perm(perm, school):
        raise PermissionDenied
    return school


def _max_bytes() -> int:
    return settings.EXCHANGE_MAX_UPLOAD_BYTES


@upload_limit(_max_bytes)  # counted as it streams in (core.uploads)
def document_list(request, urn: int):
    school = _school(request, urn)
    user = request.user
    la_side = user.has_perm("exchange.share_document", school)
    may_upload = la_side or user.has_perm("exchange.upload_school_document", school)
    form = None
    if may_upload:
        form = UploadForm(
            posted(request),
            posted_files(request),
            kinds=services.LA_KINDS if la_side else services.SCHOOL_KINDS,
            la_side=la_side,
            limit_text=file_size(_max_bytes()),
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                document = services.document_upload(
                    school=school,
                    actor=user,
                    kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"],
                    name=upload.name,
                    data=b"".join(upload.chunks()),  # at most EXCHANGE_MAX_UPLOAD_BYTES
                    for_governors=form.cleaned_data.get("for_governors", False),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                done = SHARED if document.direction == Direction.FROM_LA else UPLOADED
                messages.success(request, done.format(title=document.title))
                return redirect("exchange:list", urn=school.urn)
    visible = selectors.documents_visible_to(user=user, school=school)
    if la_side:  # who was emailed about each shared document, and any failure (two queries)
        visible = visible.prefetch_related(Prefetch("emails", DocumentEmail.objects.select_related("recipient")))
    documents = list(visible)
    return render(
        request,
        "exchange/list.html",
        {
            "school": school,
            "from_school": [d for d in documents if d.direction == Direction.FROM_SCHOOL],
            "from_la": [d for d in documents if d.direction == Direction.FROM_LA],
            "form": form,
            "la_side": la_side,
            "may_withdraw": user.has_perm("exchange.withdraw_document", school),
            "may_withdraw_school_documents": user.has_perm("exchange.withdraw_school_document", school),
            "title": f"{school.name}: documents",
        },
    )


def _document(request, urn: int, pk: int, perm: str = "exchange.view_documents") -> Document:
    school = _school(request, urn, perm)
    document = get_object_or_404(selectors.documents_visible_to(user=request.user, school=school), pk=pk)
    document.school = school
    return document


def _matches(document: Document) -> bool:
    digest = hashlib.sha256()
    with document.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest() == document.sha256


def served_type(document: Document) -> str:
    """The content type found from the bytes at upload, if it is one this service accepts (any other
    stored value is never sent as a type a browser might act on)."""
    allowed = {file_type.content_type for file_type in TYPES.values()}
    return document.content_type if document.content_type in allowed else "application/octet-stream"


def document_download(request, urn: int, pk: int):
    """The file, to those who may read it (another school: 404), each read in the read log; checked
    against its SHA-256 first; always an attachment, with the content type found from its bytes."""
    document = _document(request, urn, pk)
    record_request_read(request, document, label=f"{document.title} ({document.school.name})")
    try:
        unchanged = _matches(document)
    except FileNotFoundError:
        log.error("The stored file %s of document %s is missing", document.file.name, document.pk)
        return render(request, "exchange/unavailable.html", {"message": FILE_MISSING, "school": document.school,
                                                             "title": "File missing"}, status=404)  # fmt: skip
    if not unchanged:
        log.error("The stored file %s of document %s no longer matches its SHA-256", document.file.name, document.pk)
        return render(request, "exchange/unavailable.html", {"message": FILE_CHANGED, "school": document.school,
                                                             "title": "File changed"}, status=409)  # fmt: skip
    response = FileResponse(
        document.file.open("rb"),
        content_type=served_type(document),
        as_attachment=True,
        filename=document.original_name or f"document.{document.extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def document_withdraw(request, urn: int, pk: int):
    document = _document(request, urn, pk)
    if not request.user.has_perm(services.withdraw_permission(document), document.school):
        raise PermissionDenied
    if document.withdrawn:
        raise Http404
    form = WithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.document_withdraw(document=document, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, WITHDRAWN.format(title=document.title))
            return redirect("exchange:list", urn=urn)
    return render(
        request,
        "exchange/withdraw.html",
        {"document": document, "school": document.school, "form": form, "title": f"Withdraw {document.title}"},
    )
