"""An invariant of the data, whatever writes it (a form, a service, a test): a one-line field
(a model CharField without choices) never holds a line break or a tab. Forms' text arrives
normalised by core.middleware (a vertical tab pasted from Word becomes a line feed, right for a
textarea); in a one-line field that line feed becomes a space here, before the row is saved.
Imports collapse whitespace in their cells themselves (core.cells.clean_text)."""

from functools import cache

from django.db import models

from .text import single_line

PROJECT_APPS = {"core", "accounts", "schools", "categorisation", "visits", "letters", "academies", "audit", "dashboard"}


@cache
def _one_line_fields(model) -> tuple[str, ...]:
    return tuple(
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField) and not field.choices and field.name != "password"
    )


def one_line_fields_hold_no_line_breaks(sender, instance, raw=False, **kwargs):
    if raw or sender._meta.app_label not in PROJECT_APPS:
        return
    for attname in _one_line_fields(sender):
        value = getattr(instance, attname)
        if isinstance(value, str):
            setattr(instance, attname, single_line(value))
