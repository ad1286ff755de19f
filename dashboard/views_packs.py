"""Reporting packs (docs/adr/0030): the list and the form to ask for one, a pack's page (being
prepared, ready, failed) and its stored files. Officers only (dashboard.permissions)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from audit.services import record_request_read
from core.exports import XLSX_CONTENT_TYPE
from core.forms import add_service_errors, posted
from core.pagination import paginate

from . import packs
from .models import PackStatus, ReportingPack
from .pack_forms import PackForm

PER_PAGE = 25
CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": XLSX_CONTENT_TYPE}


@permission_required(packs.PRODUCE_PERMISSION, raise_exception=True)
def pack_list(request):
    form = PackForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            pack = packs.pack_request(
                audience=form.cleaned_data["audience"], la_code=form.cleaned_data["la_code"], actor=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("dashboard:pack", pk=pack.pk)
    pagination = paginate(
        request,
        ReportingPack.objects.select_related("requested_by").order_by("-requested_at", "-id"),
        per_page=PER_PAGE,
    )
    return render(request, "dashboard/packs.html", {"form": form, "pagination": pagination, "title": "Reporting packs"})


@permission_required(packs.PRODUCE_PERMISSION, raise_exception=True)
def pack_detail(request, pk: int):
    pack = get_object_or_404(ReportingPack.objects.select_related("requested_by", "previous"), pk=pk)
    return render(request, "dashboard/pack_detail.html", {"pack": pack, "title": str(pack)})


@permission_required(packs.PRODUCE_PERMISSION, raise_exception=True)
def pack_download(request, pk: int, fmt: str):
    if fmt not in CONTENT_TYPES:
        raise Http404
    pack = get_object_or_404(ReportingPack, pk=pk, status=PackStatus.READY)
    try:
        data = packs.stored_file(pack, fmt)
    except FileNotFoundError:
        raise Http404("The file is missing") from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("dashboard:pack", pk=pack.pk)
    record_request_read(request, pack, label=f"{pack} ({fmt.upper()})")
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    field = pack.pdf if fmt == "pdf" else pack.xlsx
    response["Content-Disposition"] = f'attachment; filename="{(field.name or "").rsplit("/", 1)[-1]}"'
    return response
