"""Tags for the visits pages: status, category and RAG tags that carry words (never colour
alone), and one error summary for a page of several forms (a visit and its action rows)."""

from django import forms, template
from django.utils.html import format_html

from core.templatetags.app_tags import error_links_target, form_error_link
from core.templatetags.page_tags import level_tag

register = template.Library()

COMPLIANCE_COLOURS = {"met": "green", "due": "yellow", "overdue": "red", "not_applicable": "grey"}
COMPLIANCE_LABELS = {"met": "Met", "due": "Due", "overdue": "Overdue", "not_applicable": "Not applicable"}
RAG_COLOURS = {"red": "red", "amber": "orange", "green": "green"}
VISIT_STATUS_COLOURS = {"planned": "blue", "completed": "green", "cancelled": "grey"}


def _tag(colour: str, text: str):
    return format_html('<strong class="govuk-tag govuk-tag--{} app-tag--nowrap">{}</strong>', colour, text)


@register.simple_tag
def compliance_tag(status: str):
    return _tag(COMPLIANCE_COLOURS.get(status, "grey"), COMPLIANCE_LABELS.get(status, status))


@register.simple_tag
def category_tag(level: str | None):
    """The support-level tag, drawn once ({% level_tag %})."""
    return level_tag(level or "")


@register.simple_tag
def rag_tag(rating: str, label: str):
    return _tag(RAG_COLOURS.get(rating, "grey"), label)


@register.simple_tag
def visit_status_tag(visit):
    return _tag(VISIT_STATUS_COLOURS.get(visit.status, "grey"), visit.get_status_display())


@register.simple_tag
def action_status_tag(action, today):
    if not action.is_open:
        return _tag("grey", "Closed")
    if action.is_overdue(today):
        return _tag("red", "Overdue")
    return _tag("blue", "Open")


@register.inclusion_tag("visits/_error_summary.html")
def errors_of(*forms_or_formsets):
    """[(anchor, message)] for every error of the forms given (formsets are expanded)."""
    errors = []
    for item in forms_or_formsets:
        if item is None:
            continue
        if isinstance(item, forms.BaseFormSet):
            errors += [("", e) for e in item.non_form_errors()]
            candidates = item.forms
        else:
            candidates = [item]
        for form in candidates:
            if not form.is_bound or not form.errors:
                continue
            errors += [(form_error_link(form), e) for e in form.non_field_errors()]
            for bound_field in form.visible_fields():
                for error in bound_field.errors:
                    errors.append((error_links_target(bound_field), error))
    return {"errors": errors}


@register.simple_tag
def acknowledgements_awaiting_count() -> int:
    """How many notes of visit await the school's acknowledgement (docs/adr/0023)."""
    from visits.selectors import acknowledgements_awaiting

    return acknowledgements_awaiting().count()
