"""The officer dashboard (/dashboard/) and the list of schools behind each of its figures
(/dashboard/schools/?figure=KEY with the same filters). Read only; see dashboard.figures."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from core.pagination import paginate

from . import exports, figure_charts, figures
from .filters import DashboardFilterForm

FIGURE_PAGE_SIZE = 50


def scope_of(request) -> tuple[DashboardFilterForm, figures.Scope]:
    form = DashboardFilterForm(request.GET or None)
    return form, figures.Scope(today=timezone.localdate(), user=request.user, chosen=form.chosen())


def _link(chosen: dict[str, str], key: str) -> str:
    return reverse("dashboard:figure") + "?" + urlencode(chosen | {"figure": key})


def _chart_url(chosen: dict[str, str], name: str) -> str:
    """A chart's SVG (dashboard.views_charts) with the same filters as the page."""
    return reverse("dashboard:chart", args=[name]) + ("?" + urlencode(chosen) if chosen else "")


@permission_required("dashboard.view_officer_dashboard", raise_exception=True)
def officer_dashboard(request):
    form, scope = scope_of(request)
    scope.lists = False  # numbers only: a figure's schools are listed on its own page (docs/adr/0037)
    levels = figures.levels(scope)
    compliance = figures.compliance(scope)
    letters = figures.letters(scope)
    concerns = figures.concerns(scope)
    reviews, actions = figures.reviews(scope), figures.actions(scope)
    for figure in levels.figures + reviews + compliance.figures + letters.figures + concerns.figures + actions:
        figure.href = _link(scope.chosen, figure.key)
    return render(
        request,
        "dashboard/officer_dashboard.html",
        {
            "form": form,
            "levels": levels,
            "now": [(label, row[-1]) for label, row in levels.level_rows],
            "now_term": levels.terms[-1].period,
            "levels_chart": figure_charts.levels_chart(levels),
            "levels_chart_url": _chart_url(scope.chosen, "levels"),
            "reviews": reviews,
            "compliance": compliance,
            "letters": letters,
            "letters_chart": figure_charts.letters_chart(letters),
            "letters_chart_url": _chart_url(scope.chosen, "letters"),
            "concerns": concerns,
            "actions": actions,
            "today": scope.today,
            "title": "Officer dashboard",
        },
    )


@permission_required("dashboard.view_officer_dashboard", raise_exception=True)
def figure_schools(request):
    form, scope = scope_of(request)
    figure, entries = exports.figure_entries(user=request.user, params=request.GET, form=form)
    if figure is None:
        raise Http404("No such figure")
    pagination = paginate(request, entries, per_page=FIGURE_PAGE_SIZE)
    # Only the page's schools are read in full (England has thousands behind some figures).
    pagination.page.object_list = exports.with_schools(list(pagination.page.object_list))
    back = reverse("dashboard:officer") + ("?" + urlencode(scope.chosen) if scope.chosen else "")
    return render(
        request,
        "dashboard/figure_schools.html",
        {
            "form": form,
            "figure": figure,
            "pagination": pagination,
            "back": back,
            "title": figure.label,
        },
    )
