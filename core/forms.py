import html
from datetime import date

import django_filters
from crispy_forms.utils import TEMPLATE_PACK
from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button as GdsButton
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.forms.utils import flatatt, pretty_name
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, format_html, strip_tags
from django.utils.safestring import mark_safe

from . import model_choices
from .limits import apply_text_limits

# GOV.UK date input messages (design-system.service.gov.uk/components/date-input), each naming the
# date: never Python's own ("day is out of range for month") or crispy-forms-gds' generic ones.
DATE_REQUIRED = "Enter the {label}"  # GOV.UK's "Enter the date of the visit"
DATE_MISSING_PART = "{label} must include a {part}"
NOT_A_REAL_DATE = "{label} must be a real date"
DATE_YEAR_OUT_OF_RANGE = "{label} must be in a year from {first} to {last}"
DATE_YEAR_FOUR_NUMBERS = "{label} must include a year with 4 numbers, like {example}"  # "26" (GOV.UK's words)
YEAR_EXAMPLE = 2027  # the form of a year, not a suggestion of which: fixed, so the message never changes by day
MIN_YEAR, MAX_YEAR = 2000, 2100  # a four-digit year this service can mean
# GOV.UK's message for an email address in the wrong format (design-system.service.gov.uk/patterns/email-addresses),
# never Django's "Enter a valid email address.", which does not say what valid is.
EMAIL_INVALID = "Enter an email address in the correct format, like name@example.gov.uk"


def is_email_address(text: str) -> bool:
    """Whether Django's email field would take the text (for addresses that come from no form)."""
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def date_example(day: date) -> str:
    """A date input's hint, "For example, 27 3 2027", for a field that takes only dates still to come:
    built from a day after today, so the example is never one the form refuses (a fixed example
    for a past event stays right; one for a future date goes out of date)."""
    return f"For example, {day.day} {day.month} {day.year}"


class GovDateField(DateInputField):
    """A GOV.UK date input (day, month, year boxes) whose every error names the date, in plain words:
    "Enter the date of the visit", "Date of the visit must include a month", "Date of the visit must be
    a real date" (31 2 2027, letters, a two-digit year). `error_label` names it in messages when the
    label alone is ambiguous on the page (three terms' "First day of term"). `max_year` lets a
    service's own rule speak about far years ("The compliance period must end within ..."); `min_year`
    lets a date from before the service's records be typed (a headteacher appointed in 1995)."""

    def __init__(
        self,
        *,
        label: str,
        required: bool = True,
        error_label: str = "",
        min_year: int = MIN_YEAR,
        max_year: int = MAX_YEAR,
        **kwargs,
    ):
        kwargs.setdefault("require_all_fields", False)
        self.min_year, self.max_year = min_year, max_year
        super().__init__(label=label, required=required, **kwargs)
        named = error_label or label
        lowered = (named[0].lower() + named[1:]).removeprefix("the ")  # DATE_REQUIRED says "the"
        self.error_messages["required"] = DATE_REQUIRED.format(label=lowered)
        self.error_messages["incomplete"] = DATE_REQUIRED.format(label=lowered)
        for subfield, part in zip(self.fields, ("day", "month", "year"), strict=True):
            subfield.error_messages["incomplete"] = DATE_MISSING_PART.format(label=named, part=part)
        self._named = named
        self._real_date = NOT_A_REAL_DATE.format(label=named)
        self._year_out_of_range = DATE_YEAR_OUT_OF_RANGE.format(label=named, first=min_year, last=max_year)
        self._four_numbers = DATE_YEAR_FOUR_NUMBERS.format(label=named, example=YEAR_EXAMPLE)

    def _ours(self, messages: list[str]) -> list[str]:
        return list(dict.fromkeys(self._real_date if "valid" in m or "range" in m else m for m in messages))

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except (forms.ValidationError, OverflowError, ValueError) as error:
            # OverflowError: a box of twenty digits is a whole number, but too big for a date.
            raise forms.ValidationError(self._real_date) from error

    def _on_one_box(self, index: int, message: str) -> forms.ValidationError:
        """The message on one box only: the summary links to it, and only it is marked in error."""
        for position, subfield in enumerate(self.fields):
            subfield.widget.errors = [message] if position == index else []
        return forms.ValidationError(message)

    def clean(self, value):
        typed = [str(part or "").strip() for part in value] if isinstance(value, (list, tuple)) else []
        missing = [i for i, part in enumerate(typed) if not part]
        if len(typed) == 3 and 0 < len(missing) < 3:
            # GOV.UK: one message for the parts left out ("must include a month and year"), before
            # any other problem of the date, on the first box left empty.
            parts = " and ".join(("day", "month", "year")[i] for i in missing)
            raise self._on_one_box(missing[0], DATE_MISSING_PART.format(label=self._named, part=parts))
        try:
            cleaned = super().clean(value)
        except forms.ValidationError as error:
            # The boxes' own messages ("Enter a valid month") are kept on their widgets too, where
            # the error summary finds them: put ours in their place, each on the first box that has
            # it ("aa / b / c" is one date that is not real, not three).
            seen = set()
            for subfield in self.fields:
                ours = self._ours(getattr(subfield.widget, "errors", []))
                subfield.widget.errors = [message for message in ours if message not in seen]
                seen.update(ours)
            raise forms.ValidationError(self._ours(error.messages)) from error
        year = 2
        if cleaned is not None and cleaned.year < 1000:
            # "26": two numbers are not a year (GOV.UK's pattern); "0999" is four, in no year this service means.
            typed_year = typed[year] if len(typed) == 3 else ""
            raise self._on_one_box(year, self._year_out_of_range if len(typed_year) >= 4 else self._four_numbers)
        if cleaned is not None and not self.min_year <= cleaned.year <= self.max_year:
            raise self._on_one_box(year, self._year_out_of_range)  # a real date, but not one this service means
        return cleaned


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when it names one, else at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def posted(request):
    """The POST data to bind a form to, or None on GET. (`request.POST or None` is wrong: an
    empty submission is falsy, and the form would come back unbound, with no errors shown.)"""
    return request.POST if request.method == "POST" else None


def posted_files(request):
    return request.FILES if request.method == "POST" else None


def errors_shown(request, add_row: bool, form, formset) -> bool:
    """Errors show after a real submission; "Add another action" re-displays the page without them
    (no field error, no error summary, no "Error:" in the title: WCAG 3.3.1, as GOV.UK adds a row)."""
    if request.method != "POST":
        return False
    if add_row:
        for each in [form, *formset.forms]:
            each.helper.form_show_errors = False
        return False
    return True


def date_input(name: str, *, legend_size: str = Size.SMALL) -> Field:
    """A GovDateField in a layout, its legend (the date's label) at `legend_size`. crispy-forms-gds
    reads the size from the field's context: `Field(name, legend_size=...)` writes it onto the
    inputs as an attribute (an invalid legend-size="s") and leaves the legend unsized."""
    return Field(name, context={"legend_size": Size.for_legend(legend_size)})


def form_helper(*layout, **attributes) -> FormHelper:
    """A crispy-forms-gds helper for a form whose <form> tag the template writes. The template
    writes the CSRF token too, inside a POST form only: crispy would otherwise add one to every
    form, so a GET form (a search, a filter, a choice that writes nothing) would carry the token
    into the address bar, the browser history and the server logs."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*layout)
    for name, value in attributes.items():
        setattr(helper, name, value)
    return helper


class LongSelect(forms.Select):
    """A select whose options are rendered in Python rather than one template per option: Django's
    way costs about a quarter of a millisecond an option, which is seconds for the thousands of
    wards and trusts of England (measured by bench/pages.py). Same markup as forms.Select."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        selected = set(self.format_value(value))
        options = []
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            chosen = " selected" if option_value in selected else ""
            options.append(format_html('<option value="{}"{}>{}</option>', option_value, mark_safe(chosen), label))
        return format_html("<select{}>\n{}\n</select>", flatatt(final_attrs), mark_safe("\n".join(options)))


class TextLimits:
    """Every form of the project inherits this first (tests/core/test_text_limits.py walks them):
    each of its text fields gets a limit and the GOV.UK message over it (core.limits). A form names
    a field's limit in `text_limits` when it writes a model field whose limit is not the default
    (`text_limit(Letter, "body")`), and its label in `text_labels` when the label alone is unclear."""

    text_limits: dict[str, int] = {}
    text_labels: dict[str, str] = {}
    error_anchor: str | None = None  # where the error summary links an error about the whole form

    def __getitem__(self, name):
        # Django gives a one-line input with a max_length a maxlength attribute, and a browser cuts a
        # paste past it short without a word: the server's message says what is wrong instead, as
        # for a textarea (GOV.UK's text input guidance).
        self.fields[name].widget.attrs.pop("maxlength", None)
        return super().__getitem__(name)

    def full_clean(self):
        apply_text_limits(self, self.text_limits, self.text_labels)
        name_required_fields(self)
        for field in self.fields.values():
            if isinstance(field, forms.EmailField):
                field.error_messages.setdefault("invalid", EMAIL_INVALID)
        super().full_clean()


def required_message(field: forms.Field, label: str) -> str:
    """A GOV.UK message for a required field left empty, naming it ("Enter email address",
    "Choose role"), so the error summary says which field each message is about. `label` is plain
    text (a label built with format_html is unescaped first)."""
    if label.endswith("?"):
        return f"Answer \u201c{label}\u201d"
    first = label.partition(" ")[0]
    lowered = label if first.isupper() and len(first) > 1 else label[:1].lower() + label[1:]  # "LA code" stays
    if isinstance(field, forms.BooleanField):
        return f"Tick \u201c{label}\u201d"
    if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField, forms.FileField)):
        return f"Choose {lowered}"
    return f"Enter {lowered}"


def name_required_fields(form: forms.BaseForm) -> None:
    """Replace Django's "This field is required." (which names no field) with required_message,
    on every field that still has it."""
    default = forms.Field.default_error_messages["required"]
    for name, field in form.fields.items():
        if field.error_messages.get("required") == default:
            label = html.unescape(strip_tags(str(field.label or pretty_name(name)))).strip().rstrip(":")
            field.error_messages["required"] = required_message(field, label)


class FilterSet(django_filters.FilterSet):
    """A django-filter FilterSet whose form is one of the project's (TextLimits): a search box
    longer than a line is refused with the GOV.UK message, like every other text field. A filter
    it makes for a model's link (`Meta.fields`) is core.model_choices' (no key past the column's range)."""

    FILTER_DEFAULTS = model_choices.FILTER_DEFAULTS

    def get_form_class(self):
        form_class = super().get_form_class()
        if issubclass(form_class, TextLimits):  # a Meta.form of the project's own
            return form_class
        return type(form_class.__name__, (TextLimits, form_class), {})


class Markup:
    """A crispy layout object that writes markup as it is, never compiled as a template (ADR 0010).

    crispy-forms' `HTML(...)` runs its argument through the template engine
    (`Template(self.html).render(context)`): built from stored text (an area's name), that text is
    code: `{{ request.user.password }}` shows the viewer their password hash, `{% if %}` is a 500.
    `Markup` takes markup built with `format_html` (which escapes every value) or a constant, and
    escapes anything else: `Markup(format_html("<h2>{}</h2>", area.name))`. A test
    (tests/core/test_input_is_data.py) fails if `HTML(...)` is given anything but a constant."""

    def __init__(self, html):
        self.html = conditional_escape(html)

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        return self.html


class Button(GdsButton):
    """crispy-forms-gds' Button whose label is text, never a template: crispy's BaseInput compiles
    its value (`Template(str(self.value)).render(context)`) and the GOV.UK template writes it with
    `|safe`. Here the label is escaped (idempotently) and not compiled. Use it wherever a button's
    label is not a literal in the call (a form's `submit=` argument)."""

    @classmethod
    def primary(cls, name, value, disabled=False, **kwargs):
        return cls(name, value, disabled=disabled, **kwargs)

    @classmethod
    def secondary(cls, name, value, disabled=False, **kwargs):
        return cls(name, value, disabled=disabled, css_class="govuk-button--secondary", **kwargs)

    @classmethod
    def warning(cls, name, value, disabled=False, **kwargs):
        return cls(name, value, disabled=disabled, css_class="govuk-button--warning", **kwargs)

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        self.value = conditional_escape(self.value)
        context.update({"input": self})
        return render_to_string(self.get_template_name(template_pack), context.flatten())
