"""Pages composed of sections that several apps contribute (the school page, the user page).

A lower app owns the page and its registry; apps above it register sections in their
AppConfig.ready(), so the page shows their data without the lower app importing them. A
section's `context(request, obj)` returns the template context, or None when the user may not
see it; it must run a bounded number of queries."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    order: int
    template: str
    context: Callable[[HttpRequest, object], dict | None]


class SectionRegistry:
    def __init__(self):
        self._sections: dict[str, Section] = {}

    def register(self, section: Section) -> None:
        self._sections[section.key] = section

    def sections_for(self, request: HttpRequest, obj) -> list[tuple[Section, dict]]:
        shown = []
        for section in sorted(self._sections.values(), key=lambda s: s.order):
            context = section.context(request, obj)
            if context is not None:
                shown.append((section, context))
        return shown
