"""The schools list's filters and sort orders."""

import django_filters
from crispy_forms_gds.layout import Button, Div, Field
from django.contrib.auth import get_user_model
from django.db.models import Q

from accounts.roles import Role
from core.forms import FilterSet, LongSelect, form_helper

from .models import CategoryOfConcern, Governance, OfstedFramework, School, SchoolStatus, Trust, Ward
from .selectors import search_condition

OFSTED_CHOICES = [
    ("1", "Outstanding"),
    ("2", "Good"),
    ("3", "Requires improvement"),
    ("4", "Inadequate"),
    ("category", "Special measures or serious weaknesses"),
    ("report_card", "Report card (no overall grade)"),
    ("none", "No graded inspection on record"),
]
STATUS_CHOICES = [("open", "Open"), ("closed", "Closed"), ("all", "Open and closed")]

# Sort keys offered by the list's column headings, and what each orders by.
SORTS = {
    "name": ("name", "urn"),
    "urn": ("urn",),
    "phase": ("phase", "name"),
    "type": ("establishment_type__name", "name"),
    "ward": ("ward__name", "name"),
    "adviser": ("link_adviser__first_name", "link_adviser__last_name", "name"),
    "pupils": ("number_on_roll", "name"),
    "ofsted": ("latest_ofsted_date", "name"),
}


def link_advisers():
    return (
        get_user_model()
        .objects.filter(groups__name__in=[Role.ADVISER, Role.OFFICER], is_active=True)
        .distinct()
        .order_by("first_name", "last_name")
    )


def phase_choices():
    phases = School.objects.exclude(phase="").values_list("phase", flat=True).distinct().order_by("phase")
    return [(p, p) for p in phases]


# crispy-forms gives an unknown widget its class name as its CSS class; these are GOV.UK selects.
GOVUK_SELECT = {"class": "govuk-select"}


class SchoolFilter(FilterSet):
    q = django_filters.CharFilter(label="Name, URN or postcode", method="filter_search")
    phase = django_filters.ChoiceFilter(choices=phase_choices, empty_label="Any phase")
    governance = django_filters.ChoiceFilter(
        label="Type", field_name="establishment_type__governance", choices=Governance.choices, empty_label="Any type"
    )
    ofsted = django_filters.ChoiceFilter(
        label="Latest Ofsted", choices=OFSTED_CHOICES, method="filter_ofsted", empty_label="Any outcome"
    )
    link_adviser = django_filters.ModelChoiceFilter(
        queryset=lambda request: link_advisers(), empty_label="Any adviser", widget=LongSelect(attrs=GOVUK_SELECT)
    )
    # England has thousands of wards and trusts: LongSelect renders them in milliseconds.
    ward = django_filters.ModelChoiceFilter(
        queryset=Ward.objects.filter(schools__isnull=False).distinct(), widget=LongSelect(attrs=GOVUK_SELECT)
    )
    trust = django_filters.ModelChoiceFilter(
        queryset=Trust.objects.filter(schools__isnull=False).distinct(), widget=LongSelect(attrs=GOVUK_SELECT)
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=STATUS_CHOICES, method="filter_status", empty_label=None
    )

    class Meta:
        model = School
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else None
        if data is not None and not data.get("status"):
            data["status"] = "open"
        super().__init__(data, *args, **kwargs)
        self.filters["ward"].extra["empty_label"] = "Any ward"
        self.filters["trust"].extra["empty_label"] = "Any trust"
        self.form.helper = form_helper(
            Div(
                *[
                    Div(Field(name), css_class="govuk-grid-column-one-quarter")
                    for name in ("q", "phase", "governance", "ofsted")
                ],
                css_class="govuk-grid-row",
            ),
            Div(
                *[
                    Div(Field(name), css_class="govuk-grid-column-one-quarter")
                    for name in ("link_adviser", "ward", "trust", "status")
                ],
                css_class="govuk-grid-row",
            ),
            Button("filter", "Apply filters"),
            label_size="s",
        )

    def filter_search(self, queryset, name, value):
        return queryset.filter(search_condition(value)) if value.strip() else queryset

    def filter_status(self, queryset, name, value):
        if value == "closed":
            return queryset.filter(status=SchoolStatus.CLOSED)
        if value == "all":
            return queryset
        return queryset.exclude(status=SchoolStatus.CLOSED)

    def filter_ofsted(self, queryset, name, value):
        if value in {"1", "2", "3", "4"}:
            return queryset.filter(latest_ofsted_grade=int(value))
        if value == "category":
            return queryset.filter(
                Q(latest_ofsted_category=CategoryOfConcern.SPECIAL_MEASURES)
                | Q(latest_ofsted_category=CategoryOfConcern.SERIOUS_WEAKNESSES)
                | Q(latest_ofsted_category=CategoryOfConcern.SIGNIFICANT_IMPROVEMENT)
            )
        if value == "report_card":
            return queryset.filter(latest_ofsted_framework=OfstedFramework.REPORT_CARD)
        if value == "none":
            return queryset.filter(latest_inspection_id=None)
        return queryset


def apply_sort(queryset, sort: str):
    """Order by a SORTS key, "-" for descending; unknown keys fall back to name."""
    key = sort.lstrip("-")
    if key not in SORTS:
        return queryset.order_by(*SORTS["name"]), "name"
    fields = SORTS[key]
    if sort.startswith("-"):
        return queryset.order_by(*[f"-{f}" for f in fields]), sort
    return queryset.order_by(*fields), sort
