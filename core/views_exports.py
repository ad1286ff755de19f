"""An export's page (waiting, ready, failed) and its file: only for the user who asked for it."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from .export_jobs import KINDS, may_export
from .exports import XLSX_CONTENT_TYPE
from .models import Export, ExportStatus


def _own_export(request, pk: int) -> Export:
    # Someone else's export does not exist, for anyone (its rows were read with its owner's rights).
    export = get_object_or_404(Export, pk=pk, requested_by=request.user)
    if not may_export(request.user, KINDS[export.kind]):
        raise Http404
    return export


@login_required
def export_detail(request, pk: int):
    export = _own_export(request, pk)
    kind = KINDS[export.kind]
    return render(
        request,
        "core/export_detail.html",
        {
            "export": export,
            "kind": kind,
            "title": f"{kind.title} spreadsheet",
            "deleted_on": export.requested_at + timedelta(days=settings.EXPORT_RETENTION_DAYS),
        },
    )


@login_required
def export_download(request, pk: int):
    export = _own_export(request, pk)
    if export.status != ExportStatus.READY or not export.file:
        raise Http404
    try:
        handle = export.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing") from None
    response = FileResponse(handle, content_type=XLSX_CONTENT_TYPE, as_attachment=True)
    response["Content-Disposition"] = f'attachment; filename="{export.file.name.rsplit("/", 1)[-1]}"'
    return response
