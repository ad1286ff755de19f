"""Audited saves (issue 15): every write a service makes names, in its history row, who made it.

django-simple-history reads who made a change from the instance's `_history_user` (and why from its
`_change_reason`) when the row is saved, deleted or its many-to-many fields change; without one it
falls back to the signed-in user of the request, which a task, a command or a test does not have.
Services say who through these helpers instead of setting the attribute by hand.

`actor` is a saved user, or `SYSTEM` for a change no person made (a management command, the demo,
a first sign-in by single sign-on): the row then names nobody, because the caller said so. None, an
anonymous user or an unsaved one is refused, so a missing actor is an error rather than a history
row that silently names nobody."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import TYPE_CHECKING, Final

from django.db import models

if TYPE_CHECKING:
    from accounts.models import User

NO_ACTOR = "An audited change needs the user who made it (or core.history.SYSTEM), not {actor!r}."


class _System(Enum):
    SYSTEM = "system"


SYSTEM: Final = _System.SYSTEM
"""The actor of a change no person made: its history row names no user."""


class NoActorError(ValueError):
    """An audited change was given no user (None, an anonymous or an unsaved one)."""


def attribute_to(instance: models.Model, *, actor: User | _System, reason: str = "") -> None:
    """Name who makes the instance's next changes (and why, when `reason` is given) without saving:
    for changes saved elsewhere, such as its many-to-many fields or a form's save. The attribution
    stays on the instance, as django-simple-history leaves it, for the changes that follow."""
    if actor is SYSTEM:
        user = None
    elif actor is None or getattr(actor, "pk", None) is None or not getattr(actor, "is_authenticated", False):
        raise NoActorError(NO_ACTOR.format(actor=actor))
    else:
        user = actor
    # setattr: the models declare neither attribute; django-simple-history reads both when it saves.
    setattr(instance, "_history_user", user)  # noqa: B010
    if reason:
        setattr(instance, "_change_reason", reason)  # noqa: B010


def save_as(
    instance: models.Model, *, actor: User | _System, update_fields: Iterable[str] | None = None, reason: str = ""
) -> None:
    """Save the instance with a history row naming `actor` (and `reason` as its change reason)."""
    attribute_to(instance, actor=actor, reason=reason)
    instance.save(update_fields=update_fields)


def delete_as(instance: models.Model, *, actor: User | _System) -> None:
    """Delete the instance with a history row naming `actor`."""
    attribute_to(instance, actor=actor)
    instance.delete()
