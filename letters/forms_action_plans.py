"""Forms of the school's action plan (docs/adr/0033): the headteacher's plan (a file and/or the
plan written out), its actions (visits.forms_actions' action rows, each named "Action 3"), and the
LA's view of it. The plan form and the rows ask the plan's rules (letters.action_plans_rules, which
the service asks again), so that one round names every problem (docs/adr/0072)."""

from datetime import date
from typing import cast

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import formset_factory

from core.forms import form_helper
from core.text import file_size
from core.uploads import LimitedFileField
from core.versions import VersionedForm
from visits.forms_actions import ACTION_ROWS, MAX_ACTION_ROWS, ActionRowForm, BaseActionFormSet, action_formset

from .action_plans_rules import (
    PLAN_ACTION_DUE_DATE,
    PlanItem,
    a_plan_has_actions,
    a_plan_has_its_content,
    a_plans_actions_fall_due_after_its_letter,
)
from .models_action_plans import PlanView
from .plan_files import plan_file_kind

FILE_TOO_LARGE = "The plan file must be smaller than {limit}"
# Every row and every error about it names the action by its number on the page: the rows are the
# plan's actions, whether sent before (shown to revise) or new.
PLAN_ROW_LEGEND = "Action {number}"
PLAN_ROW_INCOMPLETE = "Enter the {missing} of action {number}, or clear the row"
PLAN_ROW_OWNER_INVALID = "Choose who owns action {number}: the school or the local authority"
MAX_ACTIONS_REACHED = (
    f"A plan can have at most {MAX_ACTION_ROWS} actions: put any more in the plan's file or write them in the plan"
)


class ActionPlanForm(VersionedForm):  # (with core.forms.TextLimits): the plan as the page showed it
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
        self.has_file = has_file  # a file already sent
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

    def clean(self):
        """Nothing uploaded and nothing written, named with the rows' errors. A file or text the form
        refused (too large, too long) was given, so the rule is not asked of it."""
        data = super().clean()
        if "file" not in self.errors and "text" not in self.errors:
            has_file = self.has_file or bool(data.get("file"))
            for field, problems in a_plan_has_its_content(text=data.get("text", ""), has_file=has_file).items():
                self.add_error(field, problems)
        return data


class PlanActionRowForm(ActionRowForm):
    """One of the plan's actions: visits' action row, named "Action 3" in its legend and in each of
    its errors (the plan's rows are its actions, whether sent before and shown to revise, or new)."""

    ROW_LEGEND = PLAN_ROW_LEGEND
    ROW_DUE_DATE = PLAN_ACTION_DUE_DATE
    ROW_INCOMPLETE = PLAN_ROW_INCOMPLETE
    ROW_OWNER_INVALID = PLAN_ROW_OWNER_INVALID


class BasePlanActionFormSet(BaseActionFormSet):
    """The plan's action rows. Its clean asks the plan's rules of the rows whose own checks passed,
    so an action due in 2099 is named with another row's date that is not real, not a round later."""

    default_error_messages = {"too_many_forms": MAX_ACTIONS_REACHED}  # not "Please submit at most 20 forms."
    full_message = MAX_ACTIONS_REACHED  # shown instead of "Add another action" at the limit

    def __init__(self, *args, issued_on: date | None = None, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.issued_on, self.today = issued_on, today

    @property
    def is_full(self) -> bool:
        return self.total_form_count() >= self.max_num

    def clean(self):
        typed = [row for row in self.forms if row.errors or not row.is_blank]
        sound = [row for row in typed if not row.errors]
        items = [
            PlanItem(r.cleaned_data["description"], r.cleaned_data["owner"], r.cleaned_data["due_on"]) for r in sound
        ]
        if not typed and (problems := a_plan_has_actions(items=items)):
            if not self.forms:  # no rows posted at all (the page always has some)
                raise ValidationError(problems)
            self.forms[0].add_error("description", problems)  # where the error summary links
        if self.issued_on is None or self.today is None:
            return
        numbers = [row.number for row in sound]
        due = a_plans_actions_fall_due_after_its_letter(
            items=items, issued_on=self.issued_on, today=self.today, numbers=numbers
        )
        for index, problem in due.items():
            sound[index].add_error("due_on", problem)


# The factory's class as its base (the stubs' formset_factory returns BaseFormSet, without the plan's arguments).
PlanActionFormSet = cast(
    type[BasePlanActionFormSet],
    formset_factory(
        PlanActionRowForm,
        formset=BasePlanActionFormSet,
        extra=ACTION_ROWS,
        max_num=MAX_ACTION_ROWS,
        absolute_max=MAX_ACTION_ROWS,
    ),
)


def plan_action_formset(data, *, prefix: str, issued_on: date | None, today: date, initial=None, add_row: bool = False):
    """The plan's action rows, unbound (the actions sent, to revise) or as posted. "Add another
    action" adds a blank row as the visit record's rows do (visits.forms_actions.action_formset
    counts them, up to the limit), focused."""
    if data is None:
        return PlanActionFormSet(initial=initial, prefix=prefix, issued_on=issued_on, today=today)
    if add_row:  # the data with one more row, counted as the visit record counts it
        data = action_formset(data, prefix=prefix, add_row=True).data
    formset = PlanActionFormSet(data, prefix=prefix, issued_on=issued_on, today=today)
    if not add_row:
        return formset
    formset.forms[-1].fields["description"].widget.attrs["autofocus"] = True
    return formset


class ActionPlanReviewForm(VersionedForm):  # (with core.forms.TextLimits): the plan the page showed
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
