"""Panels of each role's home page. Apps register Sections (core.sections) whose context(request,
user) returns None for roles the panel is not for; the dashboard shows the rest in order."""

from .sections import SectionRegistry

registry = SectionRegistry()
register = registry.register
panels_for = registry.sections_for
