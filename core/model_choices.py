"""The fields that choose records by their key (a form's select or checkboxes, a list's filter):
Django's and django-filter's, refusing a key no database column can hold before the query runs.

A crafted choice of "99999999999999999999" (or its negative) is a whole number past 64 bits.
SQLite cannot take it into a query: Django's ModelMultipleChoiceField asks `pk__in=[...]` and the
page is a server error (OverflowError), where PostgreSQL answers with no row and the form says
"Select a valid choice". (Django guards the single `pk=` lookup itself; not `__in`.) Here such a
key is refused as every choice the field does not offer is, with the field's own `invalid_choice`
message, on both databases and before any query. A value that is no whole number at all ("1e5")
is left to Django, which refuses it too ("“1e5” is not a valid value.").

Every field of the project that chooses records is one of these: tests/core/test_huge_ids.py fails
on a plain Django or django-filter one, and core.forms.FilterSet makes its filters for a model's
links (`Meta.fields`) from these."""

import django_filters
import django_filters.fields
from django import forms
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import QuerySet
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS


def holds_no_key(queryset: QuerySet, value, *, to_field_name: str | None = None) -> bool:
    """Whether `value` is a whole number that no row of the queryset's model can have as its key
    (its primary key, or the field `to_field_name` names), on the database the queryset reads:
    outside the range of the key's column. Anything else (a model instance, a value that is no
    number, a key that is not a number) is for the query to answer."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return False
    opts = queryset.model._meta
    field = opts.get_field(to_field_name) if to_field_name else opts.pk
    while field.is_relation:  # a key that is itself a link (a one-to-one primary key)
        field = field.target_field
    if not isinstance(field, models.IntegerField):  # the auto fields are IntegerFields too
        return False
    try:
        number = int(value)  # as the model field reads it (IntegerField.get_prep_value)
    except ValueError:
        return False
    low, high = connections[queryset.db].ops.integer_field_range(field.get_internal_type())
    return not low <= number <= high


class ModelChoiceField(forms.ModelChoiceField):
    """Django's choice of one record, refusing a key no column can hold (so do all below)."""

    def clean(self, value):
        for chosen in value if isinstance(value, (list, tuple)) else [value]:
            if holds_no_key(self.queryset, chosen, to_field_name=self.to_field_name):
                message = self.error_messages["invalid_choice"]
                raise ValidationError(message, code="invalid_choice", params={"value": chosen})
        return super().clean(value)


class ModelMultipleChoiceField(ModelChoiceField, forms.ModelMultipleChoiceField):
    pass


class _FilterModelChoiceField(ModelChoiceField, django_filters.fields.ModelChoiceField):
    pass


class _FilterModelMultipleChoiceField(ModelChoiceField, django_filters.fields.ModelMultipleChoiceField):
    pass


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = _FilterModelChoiceField


class ModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = _FilterModelMultipleChoiceField


_OURS = {
    django_filters.ModelChoiceFilter: ModelChoiceFilter,
    django_filters.ModelMultipleChoiceFilter: ModelMultipleChoiceFilter,
}
# django-filter's filters for a model's fields (`Meta.fields`), with these for its links.
FILTER_DEFAULTS = {
    field: {**made, "filter_class": _OURS.get(made["filter_class"], made["filter_class"])}
    for field, made in FILTER_FOR_DBFIELD_DEFAULTS.items()
}
