"""The letters register's filter (a django-filter FilterSet), read by the register page and by its
CSV and XLSX export alike (letters/exports.py), so a download holds exactly the rows the page lists
for that user."""

import django_filters
from crispy_forms_gds.layout import Div, Field
from django import forms
from django.db.models import QuerySet
from django.http import QueryDict

from accounts.models import User
from core.forms import NOT_A_REAL_DATE, Button, FilterSet, form_helper
from core.text import is_number

from . import selectors
from .models import Letter, LetterStatus, LetterType

DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "govuk-input"})


def _type_choices():
    return [(t.code, t.name) for t in LetterType.objects.order_by("order")]


class RegisterFilter(FilterSet):
    q = django_filters.CharFilter(label="School name or URN", method="filter_school")
    letter_type = django_filters.ChoiceFilter(
        label="Type", field_name="letter_type__code", choices=_type_choices, empty_label="Any type"
    )
    status = django_filters.ChoiceFilter(choices=LetterStatus.choices, empty_label="Any status")
    issued_from = django_filters.DateFilter(
        label="Issued from",
        field_name="issued_on",
        lookup_expr="gte",
        widget=DATE_WIDGET,
        error_messages={"invalid": NOT_A_REAL_DATE.format(label="Issued from")},
    )
    issued_to = django_filters.DateFilter(
        label="Issued to",
        field_name="issued_on",
        lookup_expr="lte",
        widget=DATE_WIDGET,
        error_messages={"invalid": NOT_A_REAL_DATE.format(label="Issued to")},
    )

    class Meta:
        model = Letter
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.helper = form_helper(
            Div(
                *[Field(name) for name in ("q", "letter_type", "status", "issued_from", "issued_to")],
                css_class="letters-filter-grid",
            ),
            Button("filter", "Apply filters"),
            label_size="s",
        )

    def filter_school(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if is_number(value):
            return queryset.filter(school__urn=int(value))
        return queryset.filter(school__name__icontains=value)


def filtered_letters(*, user: User, params: QueryDict) -> tuple[RegisterFilter, QuerySet[Letter]]:
    """The register's filter and the letters it keeps, newest first, of those the user may see."""
    queryset = selectors.as_listed(selectors.letters_visible_to(user), "drafted_by", "progress").order_by(
        "-created_at", "-id"
    )
    register_filter = RegisterFilter(params, queryset=queryset)
    return register_filter, register_filter.qs
