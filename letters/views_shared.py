"""Helpers the letters app's page modules share (views_register, views_drafting, views_approval,
views_warning_notices, ...): who may open a letter, the read log of drafts, the files' status."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts.permissions import is_la_staff, is_school_reader
from audit.services import record_request_read
from core.requests import AuthedHttpRequest

from . import selectors
from .models import DocumentsStatus, Letter


def require_la_staff(request: HttpRequest) -> None:
    if not is_la_staff(request.user):
        raise PermissionDenied


def letter_for_page(request: AuthedHttpRequest, pk: int) -> Letter:
    """A letter page any allowed role may open: LA staff every letter, a governor or headteacher
    their school's issued letters (404 otherwise); anyone else (admins) 403."""
    if not (is_la_staff(request.user) or is_school_reader(request.user)):
        raise PermissionDenied
    return selectors.letter_for_user(user=request.user, pk=pk)


def staff_letter(request: AuthedHttpRequest, pk: int, perm: str | None = None) -> Letter:
    """A letter for an LA-staff action: 403 for other roles, 404 if missing, 403 without `perm`."""
    require_la_staff(request)
    letter = selectors.letter_for_user(user=request.user, pk=pk)
    if perm and not request.user.has_perm(perm, letter):
        raise PermissionDenied
    return letter


def record_draft_read(request: HttpRequest, letter: Letter) -> None:
    """A letter before it is issued is confidential (its text is still a draft): each read is in
    the read log (audit.services). An issued letter is the school's; its reads are not logged."""
    if not letter.is_issued:
        label = f"{letter.reference}, {letter.letter_type.name}, {letter.school.name}"
        record_request_read(request, letter, label=label)


FILES_STATUS: dict[str, str] = {
    DocumentsStatus.READY: "The PDF and Word files are ready to send.",
    DocumentsStatus.PENDING: "The PDF and Word files are being produced: this page shows them when they are ready.",
    DocumentsStatus.FAILED: "The PDF and Word files could not be produced: this page lets you try again.",
}
