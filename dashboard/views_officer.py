"""The officer dashboard (/dashboard/) and the list of schools behind each of its figures
(/dashboard/schools/?figure=KEY with the same filters). Read only; see dashboard.figures."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from core.pagination import paginate

from . import charts, exports, figures, history
from .filters import DashboardFilterForm

FIGURE_PAGE_SIZE = 50


def _scope(request) -> tuple[DashboardFilterForm, figures.Scope]:
    form = DashboardFilterForm(request.GET or None)
    return form, figures.Scope(today=timezone.localdate(), user=request.user, chosen=form.chosen())


def _link(chosen: dict[str, str], key: str) -> str:
    return reverse("dashboard:figure") + "?" + urlencode(chosen | {"figure": key})


def _levels_chart(levels: figures.LevelsSection):
    labels = [t.period.label for t in levels.terms]
    series = [
        (level, history.LEVEL_LABELS[level], [t.count(level) for t in levels.terms])
        for level in reversed(history.LEVEL_KEYS)
    ]
    description = "; ".join(
        f"{t.period.label}: "
        + ", ".join(f"{history.LEVEL_LABELS[lvl].lower()} {t.count(lvl)}" for lvl in history.LEVEL_KEYS)
        for t in levels.terms
    )
    return charts.stacked_columns(
        title="Maintained schools by support level, last six terms",
        description=description,
        labels=labels,
        series=series,
    )


def _letters_chart(section: figures.LettersSection):
    items = [(f.label, f.count) for f in section.by_type]
    return charts.horizontal_bars(
        title=f"Letters issued in {section.academic_year_label} by type",
        description="; ".join(f"{label}: {n}" for label, n in items),
        items=items,
    )


@permission_required("dashboard.view_officer_dashboard", raise_exception=True)
def officer_dashboard(request):
    form, scope = _scope(request)
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
            "levels_chart": _levels_chart(levels),
            "reviews": reviews,
            "compliance": compliance,
            "letters": letters,
            "letters_chart": _letters_chart(letters),
            "concerns": concerns,
            "actions": actions,
            "today": scope.today,
            "title": "Officer dashboard",
        },
    )


@permission_required("dashboard.view_officer_dashboard", raise_exception=True)
def figure_schools(request):
    form, scope = _scope(request)
    figure, entries = exports.figure_entries(user=request.user, params=request.GET)
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
