"""Filters of the lists of schools by category and of schools due for review."""

import django_filters
from crispy_forms_gds.layout import Button, Div, Field
from django import forms

from core.forms import FilterSet, LongSelect, form_helper
from core.model_choices import ModelChoiceFilter
from schools.filters import GOVUK_SELECT, link_advisers, phase_choices
from schools.models import Governance
from schools.selectors import search_condition

from .models import SupportLevel

LEVEL_CHOICES = [*SupportLevel.choices, ("none", "Not categorised")]
GOVERNANCE_CHOICES = [
    ("maintained", "LA maintained"),
    ("academy", "Academies and free schools (not categorised by the LA)"),
    ("all", "All types"),
]


def _columns(*names: str) -> Div:
    return Div(*[Div(Field(n), css_class="govuk-grid-column-one-quarter") for n in names], css_class="govuk-grid-row")


class CategoryFilter(FilterSet):
    q = django_filters.CharFilter(label="Name or URN", method="filter_search")
    level = django_filters.ChoiceFilter(
        label="Current category", choices=LEVEL_CHOICES, method="filter_level", empty_label="Any category"
    )
    phase = django_filters.ChoiceFilter(choices=phase_choices, empty_label="Any phase")
    link_adviser = ModelChoiceFilter(
        queryset=lambda request: link_advisers(), empty_label="Any adviser", widget=LongSelect(attrs=GOVUK_SELECT)
    )
    governance = django_filters.ChoiceFilter(
        label="Type", choices=GOVERNANCE_CHOICES, method="filter_governance", empty_label=None
    )

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else None
        if data is not None and not data.get("governance"):
            data["governance"] = "maintained"
        super().__init__(data, *args, **kwargs)
        self.form.helper = form_helper(
            _columns("q", "level", "phase", "link_adviser"),
            _columns("governance"),
            Button("filter", "Apply filters"),
            label_size="s",
        )

    def filter_search(self, queryset, name, value):
        return queryset.filter(search_condition(value)) if value.strip() else queryset

    def filter_level(self, queryset, name, value):
        if value == "none":
            return queryset.filter(current_level__isnull=True)
        return queryset.filter(current_level=value)

    def filter_governance(self, queryset, name, value):
        if value in (Governance.MAINTAINED, Governance.ACADEMY):
            return queryset.filter(establishment_type__governance=value)
        return queryset


class ReviewDueFilter(FilterSet):
    q = django_filters.CharFilter(label="Name or URN", method="filter_search")
    phase = django_filters.ChoiceFilter(choices=phase_choices, empty_label="Any phase")
    link_adviser = ModelChoiceFilter(
        queryset=lambda request: link_advisers(), empty_label="Any adviser", widget=LongSelect(attrs=GOVUK_SELECT)
    )
    mine = django_filters.BooleanFilter(label="Only my link schools", method="filter_mine", widget=forms.CheckboxInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = ["q", "phase", "link_adviser"]
        self.form.helper = form_helper(
            _columns(*fields),
            Field.checkbox("mine"),
            Button("filter", "Apply filters"),
            label_size="s",
        )

    def filter_search(self, queryset, name, value):
        return queryset.filter(search_condition(value)) if value.strip() else queryset

    def filter_mine(self, queryset, name, value):
        return queryset.filter(link_adviser=self.request.user) if value and self.request else queryset
