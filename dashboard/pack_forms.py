"""The form an officer asks for a reporting pack with (dashboard.packs)."""

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.conf import settings

from core.forms import Button, TextLimits, form_helper

from .models import PackAudience
from .packs import UNKNOWN_AUDIENCE, UNKNOWN_LA


class PackForm(TextLimits, forms.Form):
    audience = forms.ChoiceField(
        label="Which meeting is the pack for?",
        choices=PackAudience.choices,
        widget=forms.RadioSelect,
        error_messages={"required": UNKNOWN_AUDIENCE, "invalid_choice": UNKNOWN_AUDIENCE},
    )
    la_code = forms.ChoiceField(label="LA code", required=False, error_messages={"invalid_choice": UNKNOWN_LA})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["la_code"].choices = [("", "Every LA")] + [(c, c) for c in settings.LOCAL_AUTHORITY_CODES]
        self.helper = form_helper(
            Field.radios("audience", legend_size=Size.MEDIUM),
            Field.select("la_code"),
            Button("produce", "Produce the pack"),
        )
