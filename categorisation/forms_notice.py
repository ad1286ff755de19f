"""Forms of the category sent to the school (docs/adr/0027): the headteacher's answer and the
officer's decision on a challenge. The rules are in categorisation.notices; the forms ask them too,
so their errors show with the fields' own in one round (ADR 0070), and the services ask again."""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Size
from django import forms

from core.forms import Button, TextLimits, form_helper

from .forms import add_rule_errors
from .models import ChallengeDecision, NoticeResponse
from .notices import a_challenge_needs_reasons, a_decision_on_a_challenge_gives_its_reasons

RESPONSE_CHOICES = [
    Choice(NoticeResponse.AGREE.value, "The school agrees with the category"),
    Choice(
        NoticeResponse.CHALLENGE.value,
        "The school challenges the category",
        hint="Say why: an officer of the local authority will decide and tell you the outcome.",
    ),
]
DECISION_CHOICES = [
    Choice(
        ChallengeDecision.UPHELD.value,
        "Uphold the challenge",
        hint="The category will be reconsidered: start a new categorisation of the school to change it.",
    ),
    Choice(ChallengeDecision.REJECTED.value, "Do not uphold the challenge", hint="The category stands."),
]


class AnswerForm(TextLimits, forms.Form):
    text_labels = {"reasons": "The school's reasons"}

    response = forms.ChoiceField(
        label="Does the school agree with its category?",
        choices=RESPONSE_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label="The school's reasons",
        required=False,
        widget=forms.Textarea,
        help_text="Required if the school challenges the category",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.radios("response", legend_size=Size.MEDIUM),
            Field.textarea("reasons", rows=5),
            Button("answer", "Send the school's answer"),
        )

    def clean(self):
        cleaned = super().clean()
        response, reasons = cleaned.get("response") or "", cleaned.get("reasons") or ""
        add_rule_errors(self, a_challenge_needs_reasons(response=response, reasons=reasons))
        return cleaned


class DecisionForm(TextLimits, forms.Form):
    text_labels = {"reasons": "Reasons for your decision"}

    decision = forms.ChoiceField(
        label="Your decision", choices=DECISION_CHOICES, required=False, widget=forms.RadioSelect
    )
    reasons = forms.CharField(
        label="Reasons for your decision",
        required=False,
        widget=forms.Textarea,
        help_text="Sent to the headteacher and the chair of governors: write them for the school.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.textarea("reasons", rows=5),
            Button("decide", "Record the decision"),
        )

    def clean(self):
        cleaned = super().clean()
        decision, reasons = cleaned.get("decision") or "", cleaned.get("reasons") or ""
        add_rule_errors(self, a_decision_on_a_challenge_gives_its_reasons(decision=decision, reasons=reasons))
        return cleaned
