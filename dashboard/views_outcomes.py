"""The outcomes table (/dashboard/outcomes/), the schools behind each of its figures
(/dashboard/outcomes/schools/?phase=...&governance=...&set=...) and the admin's page for England's
figures (/dashboard/outcomes/national/). docs/adr/0029."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from core.forms import posted, posted_files
from core.pagination import paginate
from core.uploads import original_name, upload_limit
from schools.models import academic_year_label

from . import outcomes
from .forms import NationalOutcomeForm, NationalOutcomeImportForm, OutcomesFilterForm
from .models import NationalOutcome
from .national_import import national_outcomes_from_file
from .services import national_outcome_save, national_outcomes_import

OUTCOME_PAGE_SIZE = 50


def _filters(request) -> OutcomesFilterForm:
    return OutcomesFilterForm(request.GET or None, years=outcomes.national_years())


@permission_required("dashboard.view_outcomes", raise_exception=True)
def outcomes_table(request):
    form = _filters(request)
    chosen = form.chosen()
    year = form.year_shown()
    table = outcomes.outcomes_table(chosen=chosen, year=year)
    return render(
        request,
        "dashboard/outcomes.html",
        {
            "form": form,
            "table": table,
            "year_label": academic_year_label(year) if year is not None else "",
            "title": "Outcomes: good or better schools",
        },
    )


@permission_required("dashboard.view_outcomes", raise_exception=True)
def outcome_schools(request):
    form = _filters(request)
    chosen = form.chosen()
    phase = request.GET.get("phase", "")
    governance = request.GET.get("governance", "")
    which = request.GET.get("set", "")
    if phase not in outcomes.PHASES_OF or governance not in outcomes.GOVERNANCES or which not in outcomes.SETS:
        raise Http404("No such figure")
    schools = outcomes.schools_in_set(chosen=chosen, phase=phase, governance=governance, which=which)
    # The figure's own stored count (the table's), not a COUNT(*) of every open school's judgement;
    # id-first (docs/adr/0019): the page's ids in order, then those 50 schools whole.
    count = outcomes.figure_count(chosen=chosen, phase=phase, governance=governance, which=which)
    pagination = paginate(request, schools.values_list("pk", flat=True), per_page=OUTCOME_PAGE_SIZE, count=count)
    ids = list(pagination.page.object_list)
    found = schools.in_bulk(ids) if ids else {}
    pagination.page.object_list = [found[pk] for pk in ids if pk in found]
    for school in pagination.page.object_list:
        school.latest_label = outcomes.latest_label(school)
    back = reverse("dashboard:outcomes") + ("?" + urlencode(chosen) if chosen else "")
    label = outcomes.figure_label(phase=phase, governance=governance, which=which)
    return render(
        request,
        "dashboard/outcome_schools.html",
        {
            "label": label,
            "la": chosen.get("la", ""),
            "pagination": pagination,
            "back": back,
            "title": label,
        },
    )


NATIONAL_IMPORT_MAX_BYTES = 1024 * 1024  # a few rows a year: a megabyte is ample


@permission_required("dashboard.enter_national_outcomes", raise_exception=True)
@upload_limit(NATIONAL_IMPORT_MAX_BYTES)  # counted as it streams in (core.uploads)
def national_outcomes(request):
    importing = request.method == "POST" and "import" in request.POST
    form = NationalOutcomeForm(None if importing else posted(request))
    upload = NationalOutcomeImportForm(
        posted(request) if importing else None, posted_files(request) if importing else None
    )
    if importing and upload.is_valid():
        file = upload.cleaned_data["file"]
        try:
            rows = national_outcomes_from_file(file.read(), original_name(file.name))
        except ValidationError as error:
            upload.add_error("file", error)
        else:
            created, replaced = national_outcomes_import(actor=request.user, rows=rows)
            messages.success(request, f"Imported England's figures: {created} new, {replaced} replaced.")
            return redirect("dashboard:national_outcomes")
    elif request.method == "POST" and not importing and form.is_valid():
        data = form.cleaned_data
        figure, created = national_outcome_save(
            actor=request.user,
            year=data["year"],
            phase=data["phase"],
            share_of_schools=data["share_of_schools"],
            share_of_pupils=data["share_of_pupils"],
            source=data["source"],
        )
        what = f"England's figure for {figure.get_phase_display().lower()}, {academic_year_label(figure.year)}"
        messages.success(request, f"Saved {what}." if created else f"Replaced {what}.")
        return redirect("dashboard:national_outcomes")
    return render(
        request,
        "dashboard/national_outcomes.html",
        {
            "form": form,
            "upload": upload,
            "figures": NationalOutcome.objects.select_related("entered_by").order_by("-year", "phase"),
            "title": "England's outcome figures",
        },
    )
