"""The intelligence log: adding an entry about any school, and reading one (restricted entries:
officers only, each read logged)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from audit.services import record_request_read
from core.forms import add_service_errors, posted
from schools.models import School

from .. import selectors, services
from ..forms import IntelligenceForm

ADDED = "Added to the intelligence log."
ADDED_OUT_OF_SIGHT = "Added to the intelligence log, restricted to officers: you will not see it on any page."


@permission_required("academies.add_intelligence", raise_exception=True)
def intelligence_add(request, urn: int):
    school = get_object_or_404(School, urn=urn)
    form = IntelligenceForm(posted(request), initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.intelligence_record(school=school, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            hidden = entry.is_restricted and not request.user.has_perm("academies.view_restricted")
            messages.success(request, ADDED_OUT_OF_SIGHT if hidden else ADDED)
            return redirect(f"{school.get_absolute_url()}#intelligence")
    return render(
        request,
        "academies/intelligence_add.html",
        {"school": school, "form": form, "title": f"Add intelligence about {school.name}"},
    )


@permission_required("academies.view_intelligence", raise_exception=True)
def intelligence_detail(request, pk: int):
    entry = selectors.intelligence_for_user(user=request.user, pk=pk)
    if entry.is_restricted:
        record_request_read(request, entry, label=f"Intelligence about {entry.school.name}")
    return render(request, "academies/intelligence_detail.html", {"entry": entry, "title": str(entry)})
