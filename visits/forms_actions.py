"""Forms for actions: the rows of new actions agreed at a visit or an MSP meeting, and updating,
closing or reopening one. The rows and the update form ask the actions' rules (visits.rules) of
what they hold that is sound, so that one round names every problem (docs/adr/0070); the services
ask them again before writing."""

from datetime import date

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.forms import formset_factory
from django.utils import timezone

from core.forms import Button, GovDateField, TextLimits, date_input, form_helper
from core.versions import VersionedForm

from .models import (
    ActionOwner,
)
from .rules import NEW_ACTION_DUE_DATE, an_action_falls_due_no_more_than_two_years_ahead
from .services_actions import (
    ACTION_DESCRIPTION_REQUIRED,
    ACTION_NOTE_REQUIRED,
    NewAction,
    NewActionRefused,
    new_actions_problems,
)

ACTION_ROW_INCOMPLETE = "Enter the {missing} of new action {number}, or clear the row"  # as its legend names it
ACTION_ROW_LEGEND = "New action {number}"
ACTION_ROW_DUE_DATE = NEW_ACTION_DUE_DATE  # as the rules name the row
ACTION_ROW_OWNER_INVALID = "Choose who owns new action {number}: the school or the local authority"
ROW_PARTS = {"description": "description", "owner": "owner", "due_on": "due date"}  # as the messages name them


class ActionRowForm(TextLimits, forms.Form):
    """One agreed action. A blank row is ignored; a partly filled one must be completed. The page
    has several rows, and the error summary lists all their errors: each names its row ("New
    action 2"). A subclass words the rows its own way (the action plan's "Action 3")."""

    ROW_LEGEND = ACTION_ROW_LEGEND
    ROW_DUE_DATE = ACTION_ROW_DUE_DATE
    ROW_INCOMPLETE = ACTION_ROW_INCOMPLETE
    ROW_OWNER_INVALID = ACTION_ROW_OWNER_INVALID

    description = forms.CharField(label="Action", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ChoiceField(label="Owner", choices=ActionOwner.choices, required=False, widget=forms.RadioSelect)
    due_on = GovDateField(label="Due by", error_label="Due date", required=False)

    def __init__(self, *args, number: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.number = number
        legend = self.ROW_LEGEND.format(number=number) if number else "New action"
        if number:
            due_date = self.ROW_DUE_DATE.format(number=number)
            self.fields["due_on"] = GovDateField(label="Due by", error_label=due_date, required=False)
            self.fields["owner"].error_messages["invalid_choice"] = self.ROW_OWNER_INVALID.format(number=number)
            self.text_labels = {"description": legend}  # "New action 3 must be 20,000 characters or fewer"
        self.helper = form_helper(
            Fieldset(
                Field.textarea("description", rows=2),
                Field.radios("owner", legend_size=Size.SMALL, inline=True, small=True),
                date_input("due_on", legend_size=Size.SMALL),
                legend=legend,
                legend_size=Size.SMALL,
            )
        )

    @property
    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not (data.get("description", "").strip() or data.get("owner") or data.get("due_on"))

    def new_action(self) -> NewAction:
        """The row's action, named by its number on the page."""
        data = self.cleaned_data
        return NewAction(data["description"], data["owner"], data["due_on"], number=self.number)

    def clean(self):
        data = super().clean()
        # A part with its own error (a date that is not real) was typed: the row's other gaps are
        # named in the same round, not once the date is put right.
        typed = {name: name in self.errors or bool(str(data.get(name) or "").strip()) for name in ROW_PARTS}
        if any(typed.values()):
            for name, missing in ROW_PARTS.items():
                if not typed[name]:
                    self.add_error(name, self.ROW_INCOMPLETE.format(missing=missing, number=self.number))
        return data


class BaseActionFormSet(forms.BaseFormSet):
    """The new actions' rows. Given `today` (action_formset), its clean asks the actions' rules
    (services_actions.new_actions_problems) of the rows whose own checks passed, each refusal on its
    row's date: due before the visit or meeting (`agreed`, its date and what to call it, which the
    view sets from the form's date when that date is sound) or more than two years from today."""

    agreed: tuple[date, str] | None = None
    today: date | None = None

    def clean(self):
        if self.today is None:
            return
        sound = [row for row in self.filled_forms() if not row.errors]
        problems = new_actions_problems(
            new_actions=[row.new_action() for row in sound], agreed=self.agreed, today=self.today
        )
        for index, messages in problems.items():
            sound[index].add_error("due_on", messages)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["number"] = (index or 0) + 1
        return kwargs

    def filled_forms(self) -> list[ActionRowForm]:
        """The rows new_actions() reads, in order (blank rows left out)."""
        return [f for f in self.forms if f.has_changed() and not f.is_blank]

    def new_actions(self) -> list[NewAction]:
        return [f.new_action() for f in self.filled_forms()]

    def show_refusal(self, error: NewActionRefused) -> None:
        """The service's refusal of one of new_actions() on the row it came from."""
        self.filled_forms()[error.index].add_error(error.field, error.message)


ACTION_ROWS = 2
MAX_ACTION_ROWS = 20
ActionFormSet = formset_factory(
    ActionRowForm, formset=BaseActionFormSet, extra=ACTION_ROWS, max_num=MAX_ACTION_ROWS, absolute_max=MAX_ACTION_ROWS
)


def action_formset(request_data, *, prefix: str = "actions", add_row: bool = False, today: date | None = None):
    """The agreed-actions rows. "Add another action" re-submits the page with one more blank row
    (no JavaScript needed); the rows already typed are kept. Given `today`, the rows ask the
    actions' rules when cleaned (BaseActionFormSet)."""
    formset = _action_formset(request_data, prefix=prefix, add_row=add_row)
    formset.today = today
    return formset


def _action_formset(request_data, *, prefix: str, add_row: bool):
    if request_data is not None and add_row:
        data = request_data.copy()
        try:
            total = int(data.get(f"{prefix}-TOTAL_FORMS", ACTION_ROWS))
        except (TypeError, ValueError):  # a tampered count: start again from the blank rows
            total = ACTION_ROWS - 1
        data[f"{prefix}-TOTAL_FORMS"] = str(min(max(total, 0) + 1, MAX_ACTION_ROWS))
        formset = ActionFormSet(data, prefix=prefix)
        # The page comes back at its top: focus the new row, where the user is going next.
        formset.forms[-1].fields["description"].widget.attrs["autofocus"] = True
        return formset
    return ActionFormSet(request_data, prefix=prefix)


def rows_and_form_valid(form, formset: BaseActionFormSet, *, date_field: str, occasion: str) -> bool:
    """Whether a visit's or a meeting's record and its action rows are valid, both checked in one
    round: the rows' due dates against the form's `date_field` (the visit's or meeting's date as
    typed, when it is sound; "visit" or "meeting" names it)."""
    form_valid = form.is_valid()
    if (day := form.cleaned_data.get(date_field)) is not None:
        formset.agreed = (day, occasion)
    return formset.is_valid() and form_valid


class ActionUpdateForm(VersionedForm):  # (with core.forms.TextLimits)
    """The whole action saved again, so it carries the action's version (core.versions)."""

    # Required here as well as in the service, so it shows beside a wrong date, not a round later.
    description = forms.CharField(
        label="Action", widget=forms.Textarea, error_messages={"required": ACTION_DESCRIPTION_REQUIRED}
    )
    owner = forms.ChoiceField(label="Owner", choices=ActionOwner.choices, widget=forms.RadioSelect)
    due_on = GovDateField(label="Due by", error_label="Due date")
    note = forms.CharField(
        label="Progress note",
        widget=forms.Textarea,
        help_text="What has changed",
        error_messages={"required": ACTION_NOTE_REQUIRED},  # as the service words it, with the other errors
    )

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.helper = form_helper(
            Field.textarea("description", rows=3),
            Field.radios("owner", legend_size=Size.SMALL, inline=True),
            date_input("due_on", legend_size=Size.SMALL),
            Field.textarea("note", rows=3),
            Button("update", "Save progress"),
        )

    def clean(self):
        """A due date changed to more than two years from today is named with the form's other
        errors (the service asks the rule again); a date already stored is left as it is."""
        data = super().clean()
        due_on = data.get("due_on")
        if due_on is not None and due_on != self.initial.get("due_on"):
            today = self.today or timezone.localdate()
            if problems := an_action_falls_due_no_more_than_two_years_ahead(due_on=due_on, today=today):
                self.add_error("due_on", problems)
        return data


class ActionCloseForm(TextLimits, forms.Form):
    note = forms.CharField(
        label="Closing note",
        widget=forms.Textarea,
        required=False,
        help_text="What was done, or why the action no longer applies",
    )

    def __init__(self, data=None, *, reopen: bool = False, **kwargs):
        super().__init__(data, prefix="close", **kwargs)
        if reopen:  # the same form reopens a closed action, with a note of what changed
            self.fields["note"].label = "Why is the action reopened?"
            self.fields["note"].help_text = "What has changed since it was closed"
        submit = "Reopen the action" if reopen else "Close the action"
        self.helper = form_helper(Field.textarea("note", rows=3), Button.secondary("close", submit))
