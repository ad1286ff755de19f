"""Invariants of the data, whatever writes it (a form, a service, an importer, a management
command, a test):

- every text field (a model CharField or TextField, passwords aside) holds text as
  core.text.normalise_text leaves it: no control characters but tab and line feed, no invisible or
  bidirectional control characters (ADR 0010). Forms' text arrives normalised by core.middleware and
  imported cells by core.tabular; this catches what is written any other way (a service building
  text, a fixture, an API), so no stored text can break a document or an export;
- a one-line field (a model CharField without choices) never holds a line break or a tab. A
  vertical tab pasted from Word becomes a line feed (right for a textarea); in a one-line field
  that line feed becomes a space here, before the row is saved. Imports collapse whitespace in
  their cells themselves (core.cells.clean_text).

`QuerySet.update()` and `bulk_create()` send no signal: code that writes text with them passes it
through normalise_text itself (the importers do)."""

from functools import cache

from django.db import models

from .text import normalise_text, single_line

PROJECT_APPS = {
    "core", "accounts", "schools", "categorisation", "visits", "letters", "academies", "exchange", "audit", "dashboard",
}  # fmt: skip


@cache
def _one_line_fields(model) -> tuple[str, ...]:
    return tuple(
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField) and not field.choices and field.name != "password"
    )


@cache
def _text_fields(model) -> tuple[str, ...]:
    return tuple(
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField)) and field.name != "password"
    )


def one_line_fields_hold_no_line_breaks(sender, instance, raw=False, **kwargs):
    if raw or sender._meta.app_label not in PROJECT_APPS:
        return
    for attname in _text_fields(sender):
        value = getattr(instance, attname)
        if isinstance(value, str):
            setattr(instance, attname, normalise_text(value))
    for attname in _one_line_fields(sender):
        value = getattr(instance, attname)
        if isinstance(value, str):
            setattr(instance, attname, single_line(value))
