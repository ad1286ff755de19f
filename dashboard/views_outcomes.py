"""The outcomes table (/dashboard/outcomes/), the schools behind each of its figures
(/dashboard/outcomes/schools/?phase=...&governance=...&set=...) and the admin's page for England's
figures (/dashboard/outcomes/national/). docs/adr/0029."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from core.forms import posted
from core.pagination import paginate
from schools.models import academic_year_label

from . import outcomes
from .forms import NationalOutcomeForm, OutcomesFilterForm
from .models import NationalOutcome
from .services import national_outcome_save

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
    pagination = paginate(request, schools, per_page=OUTCOME_PAGE_SIZE)
    pagination.page.object_list = list(pagination.page.object_list)
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


@permission_required("dashboard.enter_national_outcomes", raise_exception=True)
def national_outcomes(request):
    form = NationalOutcomeForm(posted(request))
    if request.method == "POST" and form.is_valid():
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
            "figures": NationalOutcome.objects.select_related("entered_by").order_by("-year", "phase"),
            "title": "England's outcome figures",
        },
    )
