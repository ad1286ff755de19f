"""The schools-due-for-review list as a spreadsheet (core/export_jobs.py, registered in
CategorisationConfig.ready): the page and its CSV and XLSX read the same filter."""

from types import SimpleNamespace

from django.http import QueryDict
from django.utils import timezone

from core.export_jobs import ExportKind
from core.exports import in_chunks
from schools.terms import term_on

from . import selectors
from .filters import ReviewDueFilter

OPEN_STATUS = {"submitted": "Waiting for approval", "returned": "Returned to the adviser"}


def filtered_review_due(*, user, params: QueryDict | None):
    # The filter reads request.user for "my link schools" only.
    params = params if params is not None else QueryDict()
    request = SimpleNamespace(user=user, GET=params)
    due_filter = ReviewDueFilter(params, queryset=selectors.review_due(timezone.localdate()), request=request)
    return due_filter, due_filter.qs.order_by("name", "urn")


def _rows(*, user, params):
    _, schools = filtered_review_due(user=user, params=params)
    can_read = user.has_perm("categorisation.read_categorisations")
    period = term_on(timezone.localdate())
    for chunk in in_chunks(schools.select_related("link_adviser").iterator(chunk_size=2000), 2000):
        current = selectors.current_categories([s.pk for s in chunk])
        for school in chunk:
            now = current.get(school.pk)
            this_term = ""
            if can_read:
                open_id = getattr(school, "open_id", None)
                this_term = (
                    OPEN_STATUS.get(getattr(school, "open_status", ""), "Draft in progress")
                    if open_id
                    else "Not started"
                )
                if other := selectors.open_for_another_term(school, period):
                    this_term += f" (for {other}, not this term)"
            yield [
                school.name,
                school.urn,
                school.phase,
                str(school.link_adviser or ""),
                now.level_label if now else "Not categorised",
                now.term_label if now else "",
                this_term,
            ]


def _filters(*, user, params: QueryDict) -> ReviewDueFilter:
    return filtered_review_due(user=user, params=params)[0]


REVIEW_DUE = ExportKind(
    key="review-due",
    title="Schools due for review",
    permission="categorisation.see_categories",
    filename="schools-due-for-review",
    sheet="Due for review",
    header=["School", "URN", "Phase", "Link adviser", "Current category", "Approved for", "This term"],
    rows=_rows,
    list_url="categorisation:review_due",
    filters=_filters,
)
