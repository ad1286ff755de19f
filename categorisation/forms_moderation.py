"""Forms of moderation (docs/adr/0032): opening a session, and a decision on one proposal of the
sheet (each row's form has the categorisation's id as its prefix). The rules are in
categorisation.moderation; the decision form asks them too, so their errors show with the fields'
own in one round (ADR 0070), and the service asks again."""

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils.html import format_html

from core.forms import Button, TextLimits, form_helper

from .forms import add_rule_errors
from .models import SupportLevel
from .moderation import LEVEL_REQUIRED, a_change_of_level_at_moderation_has_a_recorded_reason


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

    def __init__(self, *args, school_name: str = "", proposed: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposed = proposed  # the proposal's level (None: not checked here)
        # crispy-forms-gds writes labels with |safe: the school's name is escaped here (docs/adr/0010)
        self.fields["level"].label = format_html("Moderated level for {}", school_name)
        self.fields["reason"].label = format_html("Reason for {}", school_name)
        self.helper = form_helper(
            Field.radios("level", legend_size=Size.SMALL, inline=True),
            Field.textarea("reason", rows=2),
            # One form per row of the sheet: the button's id names its row, as the fields' do.
            Button.secondary("decide", "Record the decision", css_id=f"id_{self.add_prefix('decide')}"),
        )

    def clean(self):
        cleaned = super().clean()
        level = cleaned.get("level") or ""
        if not level:
            add_rule_errors(self, {"level": [LEVEL_REQUIRED]})
        elif self.proposed is not None:
            reason = cleaned.get("reason") or ""
            add_rule_errors(
                self,
                a_change_of_level_at_moderation_has_a_recorded_reason(
                    proposed=self.proposed, level=level, reason=reason
                ),
            )
        return cleaned
