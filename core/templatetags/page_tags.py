"""Page-level GOV.UK patterns every template uses. Registered as template builtins (config/settings.py),
so no template needs to load them.

{% error_prefix %} in the <title>: "Error: " when the page shows form errors or an error message
(GOV.UK: "If a page has an error summary, add 'Error: ' to the beginning of the <title>"), found in
the page's context, so that no view or template has to remember it. {% page_of %} after the title:
" (page 2 of 5)" on a list of more than one page, from its pagination.

{% scroll_region "Name" %}...{% endscroll_region %} around a wide table: it scrolls inside its own
region, never the page (WCAG 2.2 1.4.10 Reflow at 320 CSS px). The region is named (role="region",
aria-label) and keyboard-focusable (tabindex="0", GOV.UK focus style in static/css/app.css), so a
keyboard user can scroll it with the arrow keys.

{% summary_row "Key" %}value{% endsummary_row %} is one row of a GOV.UK summary list (a <dt> key, a <dd>
value), the markup ~150 rows repeated by hand. Options: value_class (added to the <dd>'s class),
value_id and testid (its id and data-testid). The value is trimmed, so the template can lay it out on
its own lines. Rows with actions ("Change") or a marked-up key stay hand-written.

{% sent_once %} beside {% csrf_token %} in a POST form: the form's key, so sending it again does nothing
(core/once.py).

GOV.UK tags whose colour or words follow a value, each drawn in one place rather than as an
{% if %}/{% elif %} chain in every template:
{% pick key approved="green" returned="orange" otherwise="grey" %} is the word a key maps to (a tag's
colour, a status's label; otherwise=... for any other key), for `class="govuk-tag govuk-tag--{% pick ... %}"`,
or kept with `as name` for the markup that follows;
{% level_tag level %} is a support level's tag (high, medium, low; else empty=..., "Not categorised");
{% direction_tag direction previous_level %} is a direction of travel ("Improving", "Declining",
"Stable"; else empty=..., "No previous category"), with the level it moved from when it moved."""

import django_filters
from django import forms, template
from django.contrib import messages
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from core import once
from core.text import file_size, in_sentence

register = template.Library()

ERROR_PREFIX = "Error: "
REGION_CLASS = "app-table-wrap"
# Forms inside short lists and dicts of the context (a page's sections: [(section, {"form": ...})]);
# long lists are rows of data, never forms.
_SEARCH_DEPTH = 4
_SEARCH_LENGTH = 100


def _shows_errors(form: forms.BaseForm) -> bool:
    """A bound form with errors that its template shows (crispy helpers may hide them, as the
    visit record's "Add another action" does)."""
    helper = getattr(form, "helper", None)
    if helper is not None and not getattr(helper, "form_show_errors", True):
        return False
    return form.is_bound and bool(form.errors)


def _hides_errors(formset: forms.BaseFormSet) -> bool:
    """A formset whose rows all hide their errors hides its own too."""
    helpers = [getattr(form, "helper", None) for form in formset.forms]
    return bool(helpers) and all(h is not None and not getattr(h, "form_show_errors", True) for h in helpers)


def has_errors(value, depth: int = 0) -> bool:
    """Whether a context value is, or holds, a form, formset or filter set showing errors."""
    if isinstance(value, forms.BaseForm):
        return _shows_errors(value)
    if isinstance(value, forms.BaseFormSet):
        if not value.is_bound or _hides_errors(value):
            return False
        return bool(value.non_form_errors()) or any(_shows_errors(form) for form in value.forms)
    if isinstance(value, django_filters.FilterSet):
        return _shows_errors(value.form)
    if depth >= _SEARCH_DEPTH:
        return False
    if isinstance(value, dict):
        return any(has_errors(item, depth + 1) for item in value.values())
    if isinstance(value, list | tuple) and len(value) <= _SEARCH_LENGTH:
        return any(has_errors(item, depth + 1) for item in value)
    return False


@register.simple_tag(takes_context=True)
def error_prefix(context) -> str:
    flat = context.flatten()
    # An error message (a refused action) is shown as an error summary too (includes/messages.html).
    refused = any(message.level == messages.ERROR for message in flat.get("messages") or ())
    return ERROR_PREFIX if refused or has_errors(flat) else ""


@register.simple_tag(takes_context=True)
def page_of(context) -> str:
    """The words " (page 2 of 5)" after the title of a list that runs to more than one page, so
    that each page has a title of its own (WCAG 2.2 2.4.2; GOV.UK's search results pattern). Read
    from the list's `pagination` (core.pagination), whose page count is already known: no query."""
    pagination = context.get("pagination")
    page = getattr(pagination, "page", None)
    if page is None or page.paginator.num_pages < 2:
        return ""
    return f" (page {page.number:,} of {page.paginator.num_pages:,})"


class ScrollRegionNode(template.Node):
    def __init__(self, label_parts: list[template.base.FilterExpression], nodelist: template.NodeList):
        self.label_parts = label_parts
        self.nodelist = nodelist

    def render(self, context) -> str:
        parts = [str(part.resolve(context)) for part in self.label_parts]
        return format_html(
            '<div class="{}" role="region" aria-label="{}" tabindex="0">{}</div>',
            REGION_CLASS,
            ": ".join(part for part in parts if part) or "Table",
            self.nodelist.render(context),
        )


@register.tag
def scroll_region(parser, token):
    """{% scroll_region "Name" %} or, to name one of several alike, {% scroll_region area.name level.label %}
    (the parts joined with ": ")."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError('usage: {% scroll_region "Accessible name" %}...{% endscroll_region %}')
    nodelist = parser.parse(("endscroll_region",))
    parser.delete_first_token()
    return ScrollRegionNode([parser.compile_filter(bit) for bit in bits[1:]], nodelist)


SUMMARY_ROW = '<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{}</dt><dd{}>{}</dd></div>'


@register.simple_block_tag
def summary_row(content: str, key, *, value_class: str = "", value_id: str = "", testid: str = "") -> str:
    value_classes = " ".join(filter(None, ["govuk-summary-list__value", value_class]))
    attrs = [("class", value_classes), ("id", value_id), ("data-testid", testid)]
    # content is the block's rendered output, escaped as the template rendered it (strip() loses the mark).
    value = mark_safe(content.strip())
    return format_html(SUMMARY_ROW, key, format_html_join("", ' {}="{}"', (a for a in attrs if a[1])), value)


@register.simple_tag
def pick(key, *, otherwise: str = "", **words: str) -> str:
    return words.get(str(key), otherwise)


LEVEL_TAG = '<strong class="govuk-tag govuk-tag--{} app-tag--nowrap">{}</strong>'
LEVEL_TAGS = {"high": ("red", "High support"), "medium": ("yellow", "Medium support"), "low": ("green", "Low support")}


@register.simple_tag
def level_tag(level, empty: str = "") -> str:
    colour, label = LEVEL_TAGS.get(str(level), ("grey", empty or "Not categorised"))
    return format_html(LEVEL_TAG, colour, label)


DIRECTIONS = {"improving": "Improving", "declining": "Declining", "stable": "Stable"}
DIRECTION = '<span class="app-direction">{}</span>'
NO_DIRECTION = '<span class="app-muted">{}</span>'
MOVED_FROM = '<span class="govuk-body-s app-muted"> (was {} support)</span>'
MOVED_FROM_LEVELS = {"high": "high", "medium": "medium"}


@register.simple_tag
def direction_tag(direction, previous_level=None, empty: str = "") -> str:
    if str(direction) not in DIRECTIONS:
        return format_html(NO_DIRECTION, empty or "No previous category")
    shown = format_html(DIRECTION, DIRECTIONS[str(direction)])
    if previous_level and str(direction) != "stable":
        return shown + format_html(MOVED_FROM, MOVED_FROM_LEVELS.get(str(previous_level), "low"))
    return shown


@register.filter(name="in_sentence")
def in_sentence_filter(value) -> str:
    """A label inside a sentence (core.text.in_sentence): "meeting with the trust CEO"."""
    return in_sentence(str(value))


@register.filter(name="file_size")
def file_size_filter(value) -> str:
    """A file's size in bytes as GOV.UK writes it (core.text.file_size): "2MB", "1.5KB"."""
    try:
        return file_size(int(value))
    except (TypeError, ValueError):  # None, or a missing variable's ""
        return ""


@register.simple_tag
def sent_once() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', once.FIELD, once.new_key())
