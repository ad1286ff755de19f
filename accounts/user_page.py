"""The user page's sections: apps above accounts (schools) add theirs, such as a governor's schools."""

from core.sections import SectionRegistry

registry = SectionRegistry()
register = registry.register
sections_for = registry.sections_for
