"""Forms of moderation (docs/adr/0032): opening a session, and a decision on one proposal of the
sheet (each row's form has the categorisation's id as its prefix). Shape of input only: the rules
are in categorisation.moderation."""

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils.html import format_html

from core.forms import Button, TextLimits, form_helper

from .models import SupportLevel


class OpenSessionForm(TextLimits, forms.Form):
    text_labels = {"notes": "Notes"}

    notes = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea,
        help_text="Optional: who is moderating, anything agreed for the term as a whole",
    )

    def __init__(self, *args, term_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.textarea("notes", rows=3), Button("open", f"Open a moderation session for {term_label}")
        )


class DecisionForm(TextLimits, forms.Form):
    text_labels = {"reason": "Reason"}

    level = forms.ChoiceField(
        label="Moderated level", choices=SupportLevel.choices, required=False, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea,
        help_text="Required if you change the level; recorded on the categorisation's history",
    )

    def __init__(self, *args, school_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # crispy-forms-gds writes labels with |safe: the school's name is escaped here (docs/adr/0010)
        self.fields["level"].label = format_html("Moderated level for {}", school_name)
        self.fields["reason"].label = format_html("Reason for {}", school_name)
        self.helper = form_helper(
            Field.radios("level", legend_size=Size.SMALL, inline=True),
            Field.textarea("reason", rows=2),
            # One form per row of the sheet: the button's id names its row, as the fields' do.
            Button.secondary("decide", "Record the decision", css_id=f"id_{self.add_prefix('decide')}"),
        )
