"""The visits, actions and MSP group lists as spreadsheets (core/export_jobs.py, registered in
VisitsConfig.ready): each list's filter is one FilterSet (visits/filters.py), read by the page and
its CSV and XLSX alike, so a download holds exactly the rows the page lists for that user."""

from django.http import QueryDict
from django.utils import timezone

from core.export_jobs import ExportKind

from .filters import ActionFilter, ListFilter, filtered_actions, filtered_msp_groups, filtered_visits
from .models import FocusArea


def _focus_labels(values) -> str:
    labels = dict(FocusArea.choices)
    return "; ".join(str(labels.get(v, v)) for v in values or [])


def _visit_rows(*, user, params):
    _, visits = filtered_visits(user=user, params=params)
    for visit in visits.iterator(chunk_size=2000):
        yield [
            visit.visit_date,
            visit.school.name,
            visit.school.urn,
            visit.get_visit_type_display(),
            str(visit.adviser),
            visit.get_status_display(),
            _focus_labels(visit.focus_areas),
            visit.shared_on,
        ]


def _action_rows(*, user, params):
    today = timezone.localdate()
    _, actions = filtered_actions(user=user, params=params, today=today)
    for action in actions.iterator(chunk_size=2000):
        overdue = action.is_overdue(today)
        yield [
            action.school.name,
            action.school.urn,
            action.description,
            action.get_owner_display(),
            action.due_on,
            "Overdue" if overdue else action.get_status_display(),
            action.progress,
            str(action.school.link_adviser or ""),
        ]


def _msp_rows(*, user, params):
    groups = filtered_msp_groups(user=user, params=params).qs
    for group in groups.iterator(chunk_size=2000):
        yield [
            group.school.name,
            group.school.urn,
            str(group.chair),
            group.set_up_on,
            group.get_status_display(),
            group.closed_on,
        ]


def _all_or_none(found: ListFilter) -> ListFilter | None:
    """A list's filter for its export's pages: its filters apply together or not at all, so none is
    named while the form refuses one (or the list is unfiltered, the filter unbound)."""
    return found if found.form.is_valid() else None


def _visit_filters(*, user, params):
    return _all_or_none(filtered_visits(user=user, params=params)[0])


def _action_filters(*, user, params):
    """The actions list's filter as it applies: every filter or none (ListFilter), and open actions
    unless another status is chosen (ActionFilter.qs), so an export of the list as it opens says
    "Status: Open" rather than the whole list."""
    today = timezone.localdate()
    found = filtered_actions(user=user, params=params, today=today)[0]
    applies = found.form.is_valid()
    if applies and found.form.cleaned_data["status"]:
        return found
    data = params.copy() if applies else QueryDict(mutable=True)
    data["status"] = "open"
    return ActionFilter(data, queryset=found.queryset, today=today)


def _msp_filters(*, user, params):
    return _all_or_none(filtered_msp_groups(user=user, params=params))


VISITS = ExportKind(
    key="visits",
    title="Visits",
    permission="visits.view_visits",
    filename="visits",
    sheet="Visits",
    header=["Date", "School", "URN", "Type of visit", "Adviser", "Status", "Focus areas", "Note shared on"],
    rows=_visit_rows,
    list_url="visits:list",
    filters=_visit_filters,
)
ACTIONS = ExportKind(
    key="actions",
    title="Actions",
    permission="visits.view_actions",
    filename="actions",
    sheet="Actions",
    header=["School", "URN", "Action", "Owner", "Due by", "Status", "Latest progress", "Link adviser"],
    rows=_action_rows,
    list_url="visits:actions",
    filters=_action_filters,
)
MSP_GROUPS = ExportKind(
    key="msp-groups",
    title="MSP groups",
    permission="visits.view_msp",
    filename="msp-groups",
    sheet="MSP groups",
    header=["School", "URN", "Chair", "Set up on", "Status", "Closed on"],
    rows=_msp_rows,
    list_url="visits:msp_list",
    filters=_msp_filters,
)
KINDS = [VISITS, ACTIONS, MSP_GROUPS]
