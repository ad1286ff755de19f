"""The imports' pages (admins): the list, a new upload, an import's preview and progress, and
confirming or cancelling it. The work is schools.services_imports'."""

from collections.abc import Iterator

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.exports import csv_response
from core.forms import posted, posted_files
from core.pagination import paginate
from core.uploads import upload_limit

from . import services
from .forms import ImportUploadForm
from .models import ImportKind, ImportRecord, ImportStatus
from .models_imports import IMPORT_PHRASES


@permission_required("schools.import_data", raise_exception=True)
def import_list(request):
    pagination = paginate(request, ImportRecord.objects.select_related("uploaded_by").defer("changes"))
    return render(
        request,
        "schools/imports/list.html",
        {"pagination": pagination, "kinds": [(k, k.label, IMPORT_PHRASES[k]) for k in ImportKind], "title": "Imports"},
    )


@upload_limit(lambda: settings.IMPORT_MAX_UPLOAD_BYTES)  # counted as it streams in (core.uploads)
@permission_required("schools.import_data", raise_exception=True)
def import_new(request, kind: str):
    if kind not in ImportKind.values:
        raise Http404
    form = ImportUploadForm(posted(request), posted_files(request), kind=kind)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        record = services.import_preview(
            kind=kind,
            data=uploaded,  # stored in chunks, never read whole here
            filename=uploaded.name,
            actor=request.user,
            options=form.import_options(),
        )
        return redirect(record)
    phrase = IMPORT_PHRASES[ImportKind(kind)]
    context = {"form": form, "kind": kind, "kind_label": phrase, "title": f"Import {phrase}"}
    return render(request, "schools/imports/new.html", context)


@permission_required("schools.import_data", raise_exception=True)
def import_detail(request, pk: int):
    record = get_object_or_404(ImportRecord.objects.select_related("uploaded_by", "committed_by"), pk=pk)
    error_pagination = paginate(request, record.row_errors.all(), per_page=100)
    # Asking for the progress marks failed an import whose worker died: it is then not running.
    progress = services.import_progress(record) if record.is_running else None
    return render(
        request,
        "schools/imports/detail.html",
        {
            "record": record,
            "errors_page": error_pagination,
            "waiting": record.status == ImportStatus.PREVIEWED,
            "progress": progress if record.is_running else None,
            "title": str(record),
        },
    )


@permission_required("schools.import_data", raise_exception=True)
def import_errors(request, pk: int):
    """Every error the import kept, as CSV: what the admin corrects the file from."""
    record = get_object_or_404(ImportRecord.objects.only("pk"), pk=pk)
    return csv_response(f"import-{record.pk}-errors.csv", ERROR_COLUMNS, error_rows(record))


ERROR_COLUMNS = ["Row", "Column", "Value", "Problem"]


def error_rows(record: ImportRecord) -> Iterator[tuple]:
    """The kept errors in file order, each problem said as the page says it: "URN is required"."""
    found = record.row_errors.values_list("row", "column", "value", "message").iterator(chunk_size=2000)
    return ((row, column, value, f"{column} {message}") for row, column, value, message in found)


@permission_required("schools.import_data", raise_exception=True)
def import_progress(request, pk: int):
    """The running import's progress for the page's script (the page itself works without it)."""
    record = get_object_or_404(ImportRecord.objects.only("pk", "status", "created_at"), pk=pk)
    return JsonResponse(services.import_progress(record) | {"running": record.is_running})


@require_POST
@permission_required("schools.import_data", raise_exception=True)
def import_confirm(request, pk: int):
    record = get_object_or_404(ImportRecord, pk=pk)
    try:
        record = services.import_confirm(record=record, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        _say_how_the_confirmed_import_ended(request, record)
    return redirect(reverse("schools:import_detail", kwargs={"pk": pk}))


IMPORT_UNDER_WAY = "Importing the file: this page shows how far it has got."
IMPORT_REFUSED = "Nothing was imported: the file was refused."
IMPORT_STOPPED = "Nothing was imported: the import stopped."


def _say_how_the_confirmed_import_ended(request, record: ImportRecord) -> None:
    """Imported (inline), under way (a worker runs it) or ended without a change: the import's
    page says why (refused, stopped, nothing left to import); the banner only says which."""
    if record.status == ImportStatus.COMMITTED:
        counts = f"{record.created:,} created, {record.updated:,} updated, {record.unchanged:,} unchanged"
        messages.success(request, f"Imported: {counts}.")
    elif record.status == ImportStatus.NOTHING_TO_IMPORT:
        messages.info(request, record.message.splitlines()[0])
    elif record.is_running:
        messages.info(request, IMPORT_UNDER_WAY)
    else:  # nothing changed, and the page's error summary says why
        messages.error(request, IMPORT_REFUSED if record.status == ImportStatus.REFUSED else IMPORT_STOPPED)


@require_POST
@permission_required("schools.import_data", raise_exception=True)
def import_cancel(request, pk: int):
    record = get_object_or_404(ImportRecord, pk=pk)
    try:
        services.import_cancel(record=record, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Import cancelled. Nothing was changed.")
    return redirect(reverse("schools:import_list"))
