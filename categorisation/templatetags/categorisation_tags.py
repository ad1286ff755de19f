"""Template filters of categorisation's lists: the term of a school's open categorisation."""

from django import template

from categorisation import selectors

register = template.Library()
register.filter("open_term_label", selectors.open_term_label)
register.filter("open_for_another_term", selectors.open_for_another_term)
