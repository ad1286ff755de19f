from crispy_forms_gds.layout import Field, Size
from django import forms

from core.forms import Button, TextLimits, form_helper

from .models import DigestFrequency

FREQUENCY_REQUIRED = "Choose how often to get the reminders email"


class DigestPreferenceForm(TextLimits, forms.Form):
    frequency = forms.ChoiceField(
        label="How often do you want the reminders email?",
        choices=DigestFrequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": FREQUENCY_REQUIRED},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.radios("frequency", legend_size=Size.MEDIUM), Button("save", "Save"))
