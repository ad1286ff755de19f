"""The pre-visit page's copy, checked when it is saved (core.versions, docs/adr/0067 and 0069): the
section saved since the page was opened (in another tab, or by another headteacher of the school),
or the visit's focus areas changed since by the adviser, refuses the save. The refused page keeps
what was typed, shows what it typed about an area no longer a focus (to copy), and takes the new
version and focus areas, so saving again is done knowingly.

The page's version is that of the school's PreVisitResponse (its history row, written on every
save of the section, which writes its self-evaluations in the same transaction), or NOT_STARTED
when the section had never been saved. The page also carries the focus areas it showed."""

from django.core.exceptions import ValidationError

from core.versions import ChangedSince, refuse_if_changed_since

from .models import FocusArea

NOT_STARTED = "new"  # the version of a page opened before the section was first saved
NOUN = "pre-visit section"
FOCUS_CHANGED = "The focus areas of this visit were changed after this page was opened: they are now {now}."
DROPPED = "No longer a focus: {areas}."
ADDED = "New: {areas}."
NOTHING_SAVED = "Nothing has been saved yet."
TYPED_SHOWN = "What you typed about {areas} is shown below, to copy."
AGAIN = "Check your answers, then save or send again."


class FocusAreasChanged(ChangedSince):
    """The visit's focus areas changed since the page was opened: `focus_areas` are the visit's now,
    `dropped` the areas the page showed, no longer a focus, about which something was typed."""

    def __init__(self, messages: list[str], *, version: str | None, focus_areas: list[str], dropped: list[str]):
        ValidationError.__init__(self, messages)  # several messages (ChangedSince takes one)
        self.version = version or ""
        self.focus_areas, self.dropped = focus_areas, dropped


def label(area: str) -> str:
    return FocusArea(area).label if area in FocusArea.values else area


def shown_areas(value: str | None) -> list[str] | None:
    """The focus areas a page showed, from its hidden field (None: a page that sent none)."""
    if value is None:
        return None
    return [area for area in dict.fromkeys(value.split(",")) if area in FocusArea.values]


def _joined(areas: list[str]) -> str:
    labels = [label(area) for area in areas]
    return " and ".join([", ".join(labels[:-1]), labels[-1]]) if len(labels) > 1 else "".join(labels)


def refuse_if_changed(
    *, response, version: str | None, shown: list[str] | None, focus_areas: list[str], evaluations: dict, actor
) -> None:
    """ChangedSince when the section was saved since the page's `version`; FocusAreasChanged (naming
    that too, if so) when the visit's `focus_areas` are not the ones the page `shown`. Call it
    holding the visit's row lock, under which every save of the section is made."""
    changed = None
    if response.pk is not None and version is not None:
        try:
            refuse_if_changed_since(response, version, noun=NOUN, actor=actor)
        except ChangedSince as error:
            changed = error
    if shown is None or set(shown) == set(focus_areas):
        if changed is not None:
            raise changed
        return
    dropped = [area for area in shown if area not in focus_areas]
    added = [area for area in focus_areas if area not in shown]
    typed = [area for area in dropped if any(value.strip() for value in evaluations.get(area, ("", "")))]
    told = [
        FOCUS_CHANGED.format(now=_joined(focus_areas) or "none"),
        *([DROPPED.format(areas=_joined(dropped))] if dropped else []),
        *([ADDED.format(areas=_joined(added))] if added else []),
        NOTHING_SAVED,
        *([TYPED_SHOWN.format(areas=_joined(typed))] if typed else []),
        AGAIN,
    ]
    messages = [*(changed.messages if changed else []), " ".join(told)]
    raise FocusAreasChanged(
        messages, version=changed.version if changed else version, focus_areas=list(focus_areas), dropped=typed
    )
