"""The schools behind a dashboard figure as a spreadsheet (core/export_jobs.py, registered in
DashboardConfig.ready): the figure computed as the list page computes it, with the same filters."""

from django.http import QueryDict
from django.utils import timezone

from core.export_jobs import ExportKind
from schools.models import School

from . import figures
from .filters import DashboardFilterForm


def figure_entries(
    *, user, params: QueryDict | None, form: DashboardFilterForm | None = None
) -> tuple[figures.Figure | None, list[figures.Entry]]:
    """The figure named by `figure` and its entries sorted by school name (then URN and note), read
    with the schools' names only; (None, []) for an unknown figure. `form`: the page's filter form
    of the same parameters, when it has one (its choices are read once)."""
    params = params if params is not None else QueryDict()
    form = form if form is not None else DashboardFilterForm(params or None)
    scope = figures.Scope(today=timezone.localdate(), user=user, chosen=form.chosen())
    figure = figures.figure_for(scope, params.get("figure", "")[:80])
    if figure is None:
        return None, []
    names = {pk: (name, urn) for pk, name, urn in _names({e.school_id for e in figure.entries if e.name is None})}
    names.update((e.school_id, (e.name, e.urn)) for e in figure.entries if e.name is not None)
    entries = sorted((e for e in figure.entries if e.school_id in names), key=lambda e: (*names[e.school_id], e.note))
    return figure, entries


def _names(ids: set[int]):
    return School.objects.filter(pk__in=ids).order_by().values_list("pk", "name", "urn") if ids else []


def with_schools(entries: list[figures.Entry]) -> list[tuple[School, figures.Entry]]:
    """(school, entry) for each entry, the schools read in one query."""
    schools = School.objects.select_related("link_adviser").in_bulk({e.school_id for e in entries})
    return [(schools[e.school_id], e) for e in entries if e.school_id in schools]


def figure_rows(*, user, params: QueryDict | None) -> tuple[figures.Figure | None, list]:
    """The figure named by `figure` and its (school, entry) rows sorted by school name; (None, [])
    for an unknown figure."""
    figure, entries = figure_entries(user=user, params=params)
    return figure, with_schools(entries)


def _rows(*, user, params):
    figure, rows = figure_rows(user=user, params=params)
    for school, entry in rows:
        yield [
            figure.label,
            school.name,
            school.urn,
            school.la_code,
            school.phase,
            str(school.link_adviser or ""),
            entry.note,
        ]


def _known(*, user, params) -> bool:
    """Whether `figure` names one of the dashboard's sections: checked without computing it (the
    rows compute the figure once; an XLSX is built by the worker). A section's unknown figure still
    gives an empty file."""
    return figures.names_a_section(params.get("figure", ""))


def _filters(*, user, params: QueryDict) -> DashboardFilterForm:
    """The dashboard's filter form, as figure_entries reads it (each unknown value ignored alone)."""
    return DashboardFilterForm(params or None)


FIGURE_SCHOOLS = ExportKind(
    key="dashboard-figure",
    title="Schools behind a dashboard figure",
    permission="dashboard.view_officer_dashboard",
    filename="dashboard-figure",
    sheet="Schools",
    header=["Figure", "School", "URN", "LA code", "Phase", "Link adviser", "Details"],
    rows=_rows,
    list_url="dashboard:officer",
    known=_known,
    filters=_filters,
)
