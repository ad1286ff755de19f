"""An export's page (waiting, ready, failed) and its file: only for the user who asked for it; and
the export of any list page that registered its kind (core.export_jobs.KINDS).

A stored export (a file built by a task worker) is asked for by POST with the CSRF token
(`ask_for_export`): a GET must store nothing, or a link prefetcher, a crawler or an <img> on another
site visited by a signed-in user would record exports and queue builds, each a worker's time."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from .export_jobs import (
    KINDS,
    NOT_FILTERS,
    DescribedFilter,
    ExportKind,
    described_filters,
    export_kept_until,
    export_params,
    export_request,
    may_export,
)
from .exports import XLSX_CONTENT_TYPE, csv_response
from .models import Export, ExportStatus

CONTENT_TYPES = {"xlsx": XLSX_CONTENT_TYPE, "pdf": "application/pdf"}


def asked_filters(request) -> QueryDict:
    """The filters a stored export is asked for with: the form's hidden inputs on POST, the query
    string on GET (an old bookmark of the link), without the form's keys or the page number."""
    filters = (request.POST if request.method == "POST" else request.GET).copy()
    for name in NOT_FILTERS:
        filters.pop(name, None)
    return filters


def ask_for_export(request, *, kind: ExportKind, params: QueryDict):
    """POST (the list's button, with the CSRF token): record the export, queue its build and send
    the user to its page. GET stores nothing: it shows the page with that button and the filters,
    so an old bookmark of the link still leads somewhere. The caller checks the page's own rights
    first; the kind's are checked here for both (403)."""
    if not may_export(request.user, kind, params):
        raise PermissionDenied
    if request.method == "POST":
        export = export_request(kind=kind.key, params=params, actor=request.user)
        return redirect("core:export_detail", pk=export.pk)
    return render(
        request,
        "core/export_ask.html",
        {
            "kind": kind,
            "params": params,  # the button's hidden inputs
            "filters": described_filters(kind, user=request.user, params=params),  # as the list's form names them
            "title": f"{kind.title} {kind.noun}",
            "back": kind.back(params) if kind.back else reverse(kind.list_url),
        },
    )


def _own_export(request, pk: int) -> Export:
    # Someone else's export does not exist, for anyone (its rows were read with its owner's rights).
    export = get_object_or_404(Export, pk=pk, requested_by=request.user)
    if not may_export(request.user, KINDS[export.kind], export_params(export)):
        raise Http404
    return export


@login_required
def export_detail(request, pk: int):
    export = _own_export(request, pk)
    kind = KINDS[export.kind]
    params = export_params(export)
    return render(
        request,
        "core/export_detail.html",
        {
            "export": export,
            "size": _stored_size(export),
            "kind": kind,
            "filters": [DescribedFilter(label, values) for label, values in export.described]
            if export.described or not export.params  # (an export asked for before they were described)
            else described_filters(kind, user=request.user, params=params),
            "title": f"{kind.title} {kind.noun}",
            "back": kind.back(params) if kind.back else reverse(kind.list_url),
            "kept_until": export_kept_until(export),
        },
    )


def _stored_size(export: Export) -> int | None:
    """The ready file's size, or None when storage no longer holds it (restored from a backup
    without its files, or removed by hand): the page then says so rather than failing."""
    if export.status != ExportStatus.READY or not export.file:
        return None
    try:
        return export.file.size
    except (FileNotFoundError, OSError):
        return None


@login_required
def export_download(request, pk: int):
    export = _own_export(request, pk)
    if export.status != ExportStatus.READY or not export.file:
        raise Http404
    try:
        handle = export.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing") from None
    content_type = CONTENT_TYPES[KINDS[export.kind].fmt]
    response = FileResponse(handle, content_type=content_type, as_attachment=True)
    response["Content-Disposition"] = f'attachment; filename="{export.file.name.rsplit("/", 1)[-1]}"'
    return response


@login_required
def list_export(request, kind: str, fmt: str):
    """A list page's rows with its filters: CSV streamed from the request (GET, the query string),
    XLSX built by a task worker on its own page (POST, the form's hidden inputs: ask_for_export).
    The list's own permission, or 403."""
    export_kind = KINDS.get(kind)
    if export_kind is None or export_kind.build is not None or fmt not in ("csv", "xlsx"):
        raise Http404
    if not may_export(request.user, export_kind):
        raise PermissionDenied
    filters = asked_filters(request) if fmt == "xlsx" else request.GET
    if export_kind.known is not None and not export_kind.known(user=request.user, params=filters):
        raise Http404
    if fmt == "xlsx":
        return ask_for_export(request, kind=export_kind, params=filters)
    return csv_response(
        f"{export_kind.filename}.csv", export_kind.header, export_kind.rows(user=request.user, params=request.GET)
    )
