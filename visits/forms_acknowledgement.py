"""Forms of the note-of-visit acknowledgement (docs/adr/0023)."""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Size
from django import forms

from core.forms import Button, TextLimits, form_helper

ACCURATE_CHOICES = [
    Choice("yes", "Yes, it is accurate"),
    Choice("no", "No, it is not accurate", hint="Say what is not accurate: your adviser will reply or amend the note."),
]


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


class AcknowledgeForm(TextLimits, forms.Form):
    text_labels = {"comments": "Your comments"}

    accurate = forms.TypedChoiceField(
        label="Is the note of visit accurate?",
        choices=ACCURATE_CHOICES,
        coerce=_yes_no,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    # One box for either answer: a remark on an accurate note is a comment, not a correction.
    comments = forms.CharField(
        label="Your comments",
        widget=forms.Textarea,
        required=False,
        help_text="Required if the note is not accurate: say what is not. Optional if it is.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.radios("accurate", legend_size=Size.MEDIUM),
            Field.textarea("comments", rows=5),
            Button("acknowledge", "Send your answer"),
        )


class ReplyForm(TextLimits, forms.Form):
    text_labels = {"reply": "Your reply"}

    reply = forms.CharField(label="Reply to the school", widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.textarea("reply", rows=4), Button.secondary("reply_button", "Send the reply"))
