from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout
from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


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
