from decimal import Decimal

from django import forms, template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (and the page reset)."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str, numeric: bool = False):
    """A sortable table heading: a link toggling the sort, with aria-sort for screen readers."""
    current = context.get("sort", "name")
    if current == key:
        state, next_sort = "ascending", f"-{key}"
    elif current == f"-{key}":
        state, next_sort = "descending", key
    else:
        state, next_sort = "none", key
    href = query_with(context, sort=next_sort)
    css = "govuk-table__header govuk-table__header--numeric" if numeric else "govuk-table__header"
    arrow = {"ascending": " ▲", "descending": " ▼"}.get(state, "")  # aria-sort says it: not read aloud
    return format_html(
        '<th scope="col" class="{}" aria-sort="{}"><a class="govuk-link app-sort-link" href="{}">{}'
        '<span aria-hidden="true">{}</span></a></th>',
        css,
        state,
        href,
        label,
        arrow,
    )


OFSTED_TAG = '<strong class="govuk-tag govuk-tag--{} app-tag--nowrap">{}</strong>'
NO_INSPECTION = '<span class="govuk-body-s">None on record</span>'
GOOD_GRADES = (1, 2)
REQUIRES_IMPROVEMENT = 3
INADEQUATE = 4


@register.simple_tag
def ofsted_tag(inspection) -> str:
    """An inspection's headline as a tag: red for a category of concern or inadequate, orange for
    requires improvement, green for good or outstanding, grey otherwise (a report card, ungraded)."""
    if not inspection:
        return mark_safe(NO_INSPECTION)
    grade = inspection.overall_effectiveness
    if inspection.category_of_concern or grade == INADEQUATE:
        colour = "red"
    elif grade == REQUIRES_IMPROVEMENT:
        colour = "orange"
    elif grade in GOOD_GRADES:
        colour = "green"
    else:
        colour = "grey"
    return format_html(OFSTED_TAG, colour, inspection.headline)


@register.filter
def number(value) -> str:
    """A stored decimal without trailing zeros: 54.00 -> 54, 91.40 -> 91.4, -0.25 -> -0.25."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


@register.filter
def form_error_link(form) -> str:
    """Where the error summary links an error about the whole form: the form's `error_anchor` if it
    names one, else its first field (a radio group's or checkboxes' first input)."""
    if anchor := getattr(form, "error_anchor", None):
        return anchor
    first = next(iter(form.visible_fields()), None)
    return error_links_target(first) if first is not None else ""


def error_links_target(bound_field) -> str:
    """The element a link to the field leads to: a radio group's or checkboxes' first input (numbered
    id_<name>_1...), a GOV.UK date's day box, else the field itself."""
    if isinstance(bound_field.field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return f"id_{bound_field.html_name}_1"
    if hasattr(bound_field.field, "fields"):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


@register.filter
def error_links(bound_field):
    """(element id, errors) for the error summary's links to a field, as crispy-forms-gds'
    field_errors gives them, except that radios and checkboxes link to their first input:
    crispy-forms-gds numbers those id_<name>_1, _2..., so its link (id_<name>) found nothing."""
    from crispy_forms_gds.templatetags.crispy_forms_gds import field_errors

    target = error_links_target(bound_field)
    return [(target if key == bound_field.auto_id else key, errors) for key, errors in field_errors(bound_field)]
