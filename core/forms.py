from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout
from django.core.exceptions import ValidationError


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
    """A crispy-forms-gds helper for a form whose <form> tag the template writes."""
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*layout)
    for name, value in attributes.items():
        setattr(helper, name, value)
    return helper
