"""Naming a rule's errors on a form being cleaned (docs/adr/0070), for the visits app's forms."""

from collections.abc import Mapping

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS


def add_rule_errors(form: forms.BaseForm, errors: Mapping[str, list[str]]) -> None:
    """Name a rule's errors ({field: messages}) on a form being cleaned, with the fields' own
    errors, so one round lists every problem. A field the form already refused keeps its own error
    alone (the rule read it as empty, which it was not), as categorisation.forms.add_rule_errors."""
    for name, messages in errors.items():
        if name != NON_FIELD_ERRORS and name in form.errors:
            continue
        form.add_error(name if name in form.fields else None, messages)
