"""Forms of the school's action plan (docs/adr/0033): the headteacher's plan (a file and/or the
plan written out; the actions are visits.forms_actions' action rows) and the LA's view of it."""

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.conf import settings

from core.forms import TextLimits, form_helper
from core.text import file_size
from core.uploads import LimitedFileField

from .models_action_plans import PlanView
from .plan_files import plan_file_kind

FILE_TOO_LARGE = "The plan file must be smaller than {limit}"


class ActionPlanForm(TextLimits, forms.Form):
    text_labels = {"text": "The plan"}

    file = LimitedFileField(
        label="Upload the plan (optional if you write it below)",
        required=False,
        too_large=lambda limit: FILE_TOO_LARGE.format(limit=limit),
        help_text="A PDF, Word (.docx), Excel (.xlsx) or OpenDocument text (.odt) file",
    )
    text = forms.CharField(
        label="Or write the plan (optional if you upload it)",
        widget=forms.Textarea,
        required=False,
        help_text="What the school will do about the concerns in the letter, and how governors will check it",
    )

    def __init__(self, *args, has_file: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        limit = file_size(settings.ACTION_PLAN_MAX_UPLOAD_BYTES)
        self.fields["file"].help_text += f", no larger than {limit}."
        if has_file:
            self.fields["file"].help_text += " Upload a file only to replace the one already sent."
        self.helper = form_helper(Field("file"), Field.textarea("text", rows=8))

    def clean_file(self):
        """A file that is not what its name says is named with the action rows' errors; the service
        checks it again (letters.action_plans.action_plan_submit)."""
        upload = self.cleaned_data.get("file")
        if upload:
            plan_file_kind(upload)
        return upload


class ActionPlanReviewForm(TextLimits, forms.Form):
    view = forms.ChoiceField(
        label="The local authority's view of the plan",
        choices=PlanView.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the local authority's view of the plan"},
    )
    view_comments = forms.CharField(
        label="Comments for the school",
        widget=forms.Textarea,
        required=False,
        help_text="Sent to the school's headteacher with your view. Required when more is needed.",
    )
    internal_note = forms.CharField(
        label="Internal note (optional)",
        widget=forms.Textarea,
        required=False,
        help_text="For the local authority only: never shown or sent to the school",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.radios("view", legend_size=Size.MEDIUM),
            Field.textarea("view_comments", rows=5),
            Field.textarea("internal_note", rows=3),
        )
