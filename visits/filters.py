"""The filters of the visits, actions, compliance and MSP group lists (django-filter FilterSets).

Each list's filter is read by its page and by its downloads alike (visits/exports.py and the
compliance export), so a download holds exactly the rows the page lists for that user. A list's
filters apply together or not at all: while the form refuses one (a search longer than a line, an
unknown choice) it says why and the list is unfiltered."""

from datetime import date

import django_filters
from crispy_forms_gds.layout import Div, Field
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_adviser
from core.forms import Button, FilterSet, LongSelect, form_helper
from core.model_choices import ModelChoiceFilter
from schools.filters import GOVUK_SELECT, link_advisers
from schools.models import School
from schools.selectors import search_condition

from . import selectors
from .compliance import CATEGORY_CHOICES, STATUS_FILTER_CHOICES, compliance_schools
from .models import (
    Action,
    ActionOwner,
    ActionStatus,
    MspGroup,
    MspGroupStatus,
    Visit,
    VisitStatus,
    VisitType,
    overdue_actions_q,
)
from .stored_compliance import STATUS_Q, StoredCompliance, stored_compliance

Params = QueryDict | dict[str, str] | None

ACTION_STATUS_CHOICES = [("open", "Open"), ("overdue", "Open and overdue"), ("closed", "Closed"), ("all", "All")]


def _quarters(*names: str) -> Div:
    """The filter boxes in a row, a quarter of the width each (stacked on a narrow screen)."""
    return Div(
        *[Div(Field(name), css_class="govuk-grid-column-one-quarter") for name in names], css_class="govuk-grid-row"
    )


class ListFilter(FilterSet):
    """A list's filters, applied together or not at all (while the form refuses one)."""

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.form.is_valid() else queryset

    def filter_school(self, queryset, name, value):
        """The search box: the schools `search_condition` finds (name, URN, LAESTAB, postcode)."""
        if not value.strip():
            return queryset
        return queryset.filter(school__in=School.objects.filter(search_condition(value)))


# ---- visits -----------------------------------------------------------------------------------


class VisitFilter(ListFilter):
    q = django_filters.CharFilter(label="School name or URN", method="filter_school")
    adviser = ModelChoiceFilter(
        label="Adviser",
        queryset=lambda request: link_advisers(),
        empty_label="Any adviser",
        widget=LongSelect(attrs=GOVUK_SELECT),
    )
    status = django_filters.ChoiceFilter(label="Status", choices=VisitStatus.choices, empty_label="Any status")
    visit_type = django_filters.ChoiceFilter(label="Type", choices=VisitType.choices, empty_label="Any type")

    class Meta:
        model = Visit
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.helper = form_helper(
            _quarters("q", "adviser", "status", "visit_type"), Button("filter", "Apply filters"), label_size="s"
        )


def filtered_visits(*, user: User, params: QueryDict | None) -> tuple[VisitFilter, QuerySet[Visit]]:
    """The visits list's filter and the visits it keeps; an adviser starts with their own visits."""
    data: Params = params.copy() if params else None
    if data is None and is_adviser(user):
        data = {"adviser": str(user.pk)}
    visit_filter = VisitFilter(data, queryset=selectors.visit_list(user=user))
    return visit_filter, visit_filter.qs


# ---- actions ----------------------------------------------------------------------------------


class ActionFilter(ListFilter):
    q = django_filters.CharFilter(label="School name or URN", method="filter_school")
    owner = django_filters.ChoiceFilter(label="Owner", choices=ActionOwner.choices, empty_label="Any owner")
    status = django_filters.ChoiceFilter(
        label="Status", choices=ACTION_STATUS_CHOICES, method="filter_status", empty_label=None
    )
    link_adviser = ModelChoiceFilter(
        label="Link adviser",
        field_name="school__link_adviser",
        queryset=lambda request: link_advisers(),
        empty_label="Anyone",
        widget=LongSelect(attrs=GOVUK_SELECT),
    )

    class Meta:
        model = Action
        fields: list[str] = []

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()  # "overdue": due before this day
        self.form.helper = form_helper(
            _quarters("q", "owner", "status", "link_adviser"), Button("filter", "Apply filters"), label_size="s"
        )

    @property
    def qs(self):
        """Open actions unless another status is chosen (with no filter, or one the form refuses)."""
        chosen = self.is_bound and self.form.is_valid() and self.form.cleaned_data["status"]
        return super().qs if chosen else self.filter_status(super().qs, "status", "open")

    def filter_status(self, queryset, name, value):
        if value == "overdue":
            return queryset.filter(overdue_actions_q(self.today))
        if value == "open":
            return queryset.filter(status=ActionStatus.OPEN)
        if value == "closed":
            return queryset.filter(status=ActionStatus.CLOSED)
        return queryset


def filtered_actions(*, user: User, params: QueryDict | None, today: date) -> tuple[ActionFilter, QuerySet[Action]]:
    action_filter = ActionFilter(params or None, queryset=selectors.action_list(user=user), today=today)
    return action_filter, action_filter.qs


# ---- compliance -------------------------------------------------------------------------------


class ComplianceFilter(ListFilter):
    adviser = django_filters.ChoiceFilter(
        label="Link adviser", method="filter_adviser", empty_label="Any adviser", widget=LongSelect(attrs=GOVUK_SELECT)
    )
    category = django_filters.ChoiceFilter(
        label="Category", field_name="level", choices=CATEGORY_CHOICES, empty_label="Any category"
    )
    phase = django_filters.ChoiceFilter(label="Phase", field_name="school__phase", empty_label="Any phase")
    status = django_filters.ChoiceFilter(
        label="Status", choices=STATUS_FILTER_CHOICES, method="filter_status", empty_label="Any status"
    )

    class Meta:
        model = StoredCompliance
        fields: list[str] = []

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        phases = compliance_schools().exclude(phase="").values_list("phase", flat=True).distinct().order_by("phase")
        self.filters["adviser"].extra["choices"] = [("mine", "My link schools")] + [
            (str(u.pk), str(u)) for u in link_advisers()
        ]
        self.filters["phase"].extra["choices"] = [(p, p) for p in phases]
        self.form.helper = form_helper(
            _quarters("adviser", "category", "phase", "status"), Button("filter", "Apply filters"), label_size="s"
        )

    @property
    def qs_any_status(self) -> QuerySet[StoredCompliance]:
        """The rows every filter but the status selects: the summary counts them (each count is the
        number of rows its status filter gives: the cards link to them)."""
        queryset = self.queryset.all()
        if self.is_bound and self.form.is_valid():
            for name, value in self.form.cleaned_data.items():
                if name != "status":
                    queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_adviser(self, queryset, name, value):
        if value == "mine":
            return queryset.filter(school__link_adviser=self.user)
        return queryset.filter(school__link_adviser_id=int(value))

    def filter_status(self, queryset, name, value):
        kept = STATUS_Q.get(value)
        return queryset.filter(kept) if kept is not None else queryset


def filtered_compliance(*, user: User, params: QueryDict | None, today: date) -> ComplianceFilter:
    """The compliance page's filter over the stored rows, in name order (`.qs`; `.qs_any_status` for
    the summary). An adviser starts with their link schools."""
    data: Params = params.copy() if params else None
    if data is None and is_adviser(user):
        data = {"adviser": "mine"}
    return ComplianceFilter(data, queryset=stored_compliance(today=today), user=user)


# ---- MSP groups -------------------------------------------------------------------------------


class MspGroupFilter(ListFilter):
    status = django_filters.ChoiceFilter(choices=MspGroupStatus.choices)

    class Meta:
        model = MspGroup
        fields: list[str] = []

    @property
    def chosen_status(self) -> str:
        """The status the address asks for ("" for every group)."""
        return self.data.get("status", "")


def filtered_msp_groups(*, user: User, params: QueryDict | None) -> MspGroupFilter:
    """The MSP groups list: open groups unless the address asks for closed ones (or all, with any
    other status)."""
    data = params.copy() if params is not None else QueryDict(mutable=True)
    if "status" not in data:
        data["status"] = MspGroupStatus.OPEN
    return MspGroupFilter(data, queryset=selectors.msp_group_list(user=user))
