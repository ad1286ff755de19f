"""Forms of the second-factor pages (accounts.second_factor_views)."""

import unicodedata

from crispy_forms_gds.layout import Field
from django import forms

from core.forms import Button, TextLimits, form_helper
from core.text import is_number

CODE_DIGITS = 6
NOT_A_CODE = "Enter the 6 numbers your authenticator app shows now"


class AppCodeForm(TextLimits, forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code it shows now, for this service.",
        max_length=12,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def __init__(self, *args, button: str = "Continue", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        )
        self.helper = form_helper(Field.text("code", field_width=5), Button("continue", button))

    def clean_code(self) -> str:
        # Full-width digits (a phone's keyboard) are digits; anything but six of them is no code to
        # try, so a typing slip is told at once and is not a failed attempt that starts the wait.
        code = "".join(unicodedata.normalize("NFKC", self.cleaned_data["code"]).split()).replace("-", "")
        if not (len(code) == CODE_DIGITS and is_number(code)):
            raise forms.ValidationError(NOT_A_CODE)
        return code


class RecoveryCodeForm(TextLimits, forms.Form):
    code = forms.CharField(
        label="Recovery code",
        help_text="One of the 10 codes you were given when you set up your authenticator app. Each works once.",
        max_length=40,
        error_messages={"required": "Enter a recovery code"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        self.helper = form_helper(Field.text("code", field_width=10), Button("continue", "Continue"))

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()
