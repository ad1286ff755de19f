"""Forms of the note-of-visit acknowledgement (docs/adr/0023)."""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Size
from django import forms
from django.http import QueryDict

from core.forms import Button, TextLimits, form_helper
from core.text import is_number

ANSWERS = {"yes": "Yes, it is accurate", "no": "No, it is not accurate"}
ACCURATE_CHOICES = [
    Choice("yes", ANSWERS["yes"]),
    Choice("no", ANSWERS["no"], hint="Say what is not accurate: your adviser will reply or amend the note."),
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

    # The request whose note the page showed (its template writes {{ form.note_request }}): an
    # answer to a note amended or answered since is refused (visits.acknowledgement.note_acknowledge).
    note_request = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.radios("accurate", legend_size=Size.MEDIUM),
            Field.textarea("comments", rows=5),
            Button("acknowledge", "Send your answer"),
        )

    def clean_note_request(self) -> int | None:
        # None, not checked, when the page sent none (a page opened before this field existed).
        value = self.cleaned_data.get("note_request", "")
        return int(value) if is_number(value) else None

    def take_request(self, request_id: int) -> None:
        """After NoteAmendedSince: the page now answers the amended note's request (what was typed stays)."""
        data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
        data[self.add_prefix("note_request")] = str(request_id)
        self.data = data

    def typed(self) -> dict:
        """What was typed, to show back when the answer was refused and the form is gone."""
        return {
            "answer": ANSWERS.get(self.data.get(self.add_prefix("accurate"), ""), "(none)"),
            "comments": self.data.get(self.add_prefix("comments"), ""),
        }


class ReplyForm(TextLimits, forms.Form):
    """The adviser's reply to the school's answer; `replying_to`: the request a posted reply was
    for (its address names it), so a refused reply is shown again under that request, or, when
    that request takes no reply now, as what was typed (not saved)."""

    text_labels = {"reply": "Your reply"}

    reply = forms.CharField(label="Reply to the school", widget=forms.Textarea, required=False)

    def __init__(self, *args, replying_to: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.replying_to = replying_to
        self.helper = form_helper(Field.textarea("reply", rows=4), Button.secondary("reply_button", "Send the reply"))
