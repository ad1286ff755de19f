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


def test_a_date_that_is_not_real_in_every_box_is_one_error_in_the_summary_linked_to_its_first_box_in_error():
    from django import forms

    from core.forms import GovDateField, TextLimits
    from core.templatetags.app_tags import error_links

    class Form(TextLimits, forms.Form):
        ends_on = GovDateField(label="End of the period")

    form = Form({"ends_on_0": "aa", "ends_on_1": "b", "ends_on_2": "c"})
    assert not form.is_valid()
    listed = [message for _, messages in error_links(form["ends_on"]) for message in messages]
    assert listed == ["End of the period must be a real date"]
