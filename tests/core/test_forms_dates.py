"""core.forms.date_input: a date's legend sized by the layout, never an attribute on its inputs."""

from django import forms

from core.forms import GovDateField, TextLimits, date_input, form_helper


class DateForm(TextLimits, forms.Form):
    on = GovDateField(label="Date of the meeting")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(date_input("on"))


def test_a_date_inputs_legend_is_sized_and_its_inputs_carry_no_legend_size_attribute():
    from crispy_forms.utils import render_crispy_form

    page = render_crispy_form(DateForm())
    assert 'class="govuk-fieldset__legend govuk-fieldset__legend--s"' in page
    assert "legend-size" not in page
