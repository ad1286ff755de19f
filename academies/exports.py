"""The concerns list as a spreadsheet (core/export_jobs.py, registered in AcademiesConfig.ready): the
list's filter is one function here, read by the page and its CSV and XLSX alike, with the reader's
rights (whistleblowing concerns only for those who may see them)."""

from django.db.models import Q
from django.http import QueryDict

from core.export_jobs import ExportKind
from schools.models import School
from schools.selectors import search_condition

from . import selectors
from .forms import ConcernFilterForm
from .models import ConcernStatus


def filtered_concerns(*, user, params: QueryDict | None):
    form = ConcernFilterForm(params or None)
    concerns = selectors.concerns_visible_to(user)
    status = "open"
    if form.is_valid():
        status = form.cleaned_data["status"] or "open"
        if form.cleaned_data["q"].strip():
            concerns = concerns.filter(school__in=School.objects.filter(search_condition(form.cleaned_data["q"])))
    if status == "open":
        concerns = concerns.filter(status=ConcernStatus.OPEN)
    elif status == "ended":
        concerns = concerns.filter(~Q(status=ConcernStatus.OPEN))
    return form, concerns.order_by("school__name", "-raised_on", "id")


def _concern_filters(*, user, params: QueryDict) -> ConcernFilterForm:
    """The list's filters as filtered_concerns applies them, for the export's pages: both or neither
    (while the form refuses one), and open concerns unless another status is chosen, so an export of
    the list as it opens says "Status: Open" rather than the whole list."""
    form = ConcernFilterForm(params or None)
    applies = form.is_valid()
    if applies and form.cleaned_data["status"]:
        return form
    data = params.copy() if applies else QueryDict(mutable=True)
    data["status"] = "open"
    return ConcernFilterForm(data)


def _rows(*, user, params):
    _, concerns = filtered_concerns(user=user, params=params)
    for concern in concerns.iterator(chunk_size=500):
        yield [
            concern.school.name,
            concern.school.urn,
            concern.school.trust.name if concern.school.trust else "",
            concern.raised_on,
            concern.get_source_display(),  # whistleblowing marked in the file as on the page (officers only)
            "; ".join(t.text for t in concern.concern_types.all()),
            concern.get_rag_display(),
            selectors.stage_label(concern),
            str(concern.owner or ""),
            concern.get_status_display(),
        ]


CONCERNS = ExportKind(
    key="academy-concerns",
    title="Concerns about academies",
    permission="academies.view_concerns",
    filename="academy-concerns",
    sheet="Concerns",
    header=["Academy", "URN", "Trust", "Raised on", "Source", "Concern types", "RAG", "Stage", "Owner", "Status"],
    rows=_rows,
    list_url="academies:list",
    filters=_concern_filters,
)
