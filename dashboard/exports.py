"""The schools behind a dashboard figure as a spreadsheet (core/export_jobs.py, registered in
DashboardConfig.ready): the figure computed as the list page computes it, with the same filters."""

from django.http import QueryDict
from django.utils import timezone

from core.export_jobs import ExportKind
from schools.models import School

from . import figures
from .filters import DashboardFilterForm


def figure_rows(*, user, params: QueryDict | None) -> tuple[figures.Figure | None, list]:
    """The figure named by `figure` and its (school, entry) rows sorted by school name; (None, [])
    for an unknown figure."""
    params = params if params is not None else QueryDict()
    form = DashboardFilterForm(params or None)
    scope = figures.Scope(today=timezone.localdate(), user=user, chosen=form.chosen())
    figure = figures.figure_for(scope, params.get("figure", "")[:80])
    if figure is None:
        return None, []
    schools = School.objects.select_related("link_adviser").in_bulk({e.school_id for e in figure.entries})
    rows = sorted(
        ((schools[e.school_id], e) for e in figure.entries if e.school_id in schools),
        key=lambda pair: (pair[0].name, pair[0].urn, pair[1].note),
    )
    return figure, rows


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


FIGURE_SCHOOLS = ExportKind(
    key="dashboard-figure",
    title="Schools behind a dashboard figure",
    permission="dashboard.view_officer_dashboard",
    filename="dashboard-figure",
    sheet="Schools",
    header=["Figure", "School", "URN", "LA code", "Phase", "Link adviser", "Details"],
    rows=_rows,
    list_url="dashboard:officer",
)
