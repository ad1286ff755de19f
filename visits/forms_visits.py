"""Forms for planning, recording, cancelling and sharing the note of a visit. The record and the
share forms ask the visit's rules (visits.rules) of the fields that are sound, so that one round
names every problem (docs/adr/0070); the services ask them again before writing."""

from datetime import date, timedelta

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.utils import timezone
from django.utils.html import format_html

from core.forms import Button, GovDateField, TextLimits, date_example, date_input, form_helper
from core.model_choices import ModelChoiceField
from core.versions import VersionedForm
from schools.filters import link_advisers

from .forms_rules import add_rule_errors
from .models import (
    Activity,
    FocusArea,
    Visit,
    VisitLength,
    VisitStatus,
    VisitType,
)
from .rules import a_recorded_visits_date_follows_the_rules, a_shared_note_says_when_and_with_whom

TIME_INVALID = "Enter the start time as hours and minutes, like 9:30 or 13:15"
SCHOOL_REQUIRED = "Choose the school"
SCHOOL_URN_REQUIRED = "Choose the school"
SCHOOL_URN_UNKNOWN = "Choose an open school"
ADVISER_REQUIRED = "Choose the adviser who leads the visit"


class TextInput(forms.TimeInput):
    """A time in a text box, named TextInput so that crispy-forms-gds styles it (and its error
    state) as a GOV.UK text input; it only knows widgets by their class name."""

    input_type = "text"


def time_field(label: str = "Start time (optional)") -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        help_text="For example, 9:30 or 13:15. Leave blank for an all-day entry in your calendar.",
        error_messages={"invalid": TIME_INVALID},
        widget=TextInput(format="%H:%M", attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


# ---- visits -----------------------------------------------------------------------------------


class VisitFieldsMixin:
    """The fields a visit has when planned; the record form adds what happened."""

    fields: dict[str, forms.Field]  # the form's (the mixin comes before forms.Form)

    def _visit_fields(self, *, choose_adviser: bool, schools=None, school_by_urn: bool = False):
        if schools is not None and school_by_urn:
            # An officer may plan a visit to any open school: too many for a list (all of England is
            # 22,000), so it is chosen first with the school picker (schools.picker), or from the
            # school's page, and carried by its URN in a hidden field.
            self.fields["school"] = ModelChoiceField(
                queryset=schools,
                to_field_name="urn",
                error_messages={"required": SCHOOL_URN_REQUIRED, "invalid_choice": SCHOOL_URN_UNKNOWN},
                widget=forms.HiddenInput,
            )
        elif schools is not None:
            self.fields["school"] = ModelChoiceField(
                queryset=schools, empty_label="Choose a school", error_messages={"required": SCHOOL_REQUIRED}
            )
        if choose_adviser:
            self.fields["adviser"] = ModelChoiceField(
                label="Adviser leading the visit",
                queryset=link_advisers(),
                empty_label="Choose an adviser",
                error_messages={"required": ADVISER_REQUIRED},
            )
        self.fields["visit_date"] = GovDateField(label="Date of the visit", help_text="For example, 27 11 2026")
        self.fields["start_time"] = time_field()
        self.fields["length"] = forms.ChoiceField(
            label="Length", choices=VisitLength.choices, widget=forms.RadioSelect, initial=VisitLength.HALF_DAY
        )
        self.fields["visit_type"] = forms.ChoiceField(
            label="Type of visit",
            choices=VisitType.choices,
            widget=forms.RadioSelect,
            initial=VisitType.CORE,
            help_text="Core entitlement and monitoring visits count towards the school's entitlement once "
            "completed, whoever of the LA's advisers leads them; enhanced-offer visits count against the "
            "half-days the school bought.",
        )
        self.fields["focus_areas"] = forms.MultipleChoiceField(
            label="Focus areas",
            choices=FocusArea.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text="The autumn core-entitlement visit covers the strategy's agenda (the first five): a core "
            "visit planned for a day in the autumn term with none ticked is given them. Other visits are bespoke "
            "to the school.",
        )
        self.fields["purpose"] = forms.CharField(
            label="Purpose and other focus",
            required=False,
            widget=forms.Textarea,
            # ADR 0028 keeps it from the school before the visit; the note of visit shared after it is
            # the whole record, this included (its page and PDF).
            help_text="The school does not see this before the visit. It is part of the note of visit, which "
            "the school reads once the note is shared with it.",
        )

    def _visit_layout(self):
        items = []
        if "school" in self.fields and isinstance(self.fields["school"].widget, forms.HiddenInput):
            items.append(Field("school"))
        elif "school" in self.fields:
            items.append(Field.select("school"))
        if "adviser" in self.fields:
            items.append(Field.select("adviser"))
        items += [
            date_input("visit_date", legend_size=Size.SMALL),
            Field.text("start_time", field_width=5),
            Field.radios("length", legend_size=Size.SMALL, inline=True),
            Field.radios("visit_type", legend_size=Size.SMALL),
            Field.checkboxes("focus_areas", legend_size=Size.SMALL, small=True),
            Field.textarea("purpose", rows=3),
        ]
        return items


class VisitPlanForm(TextLimits, VisitFieldsMixin, forms.Form):
    def __init__(self, *args, schools, choose_adviser: bool, **kwargs):
        super().__init__(*args, **kwargs)
        # An officer (who chooses the adviser) may plan for any school: chosen with the picker first.
        self._visit_fields(choose_adviser=choose_adviser, schools=schools, school_by_urn=choose_adviser)
        # A visit planned is still to come: an example a fortnight on (core.forms.date_example).
        self.fields["visit_date"].help_text = format_html("{}", date_example(timezone.localdate() + timedelta(days=14)))
        # Nothing is ticked: the agenda follows the visit's date, which the form does not know until
        # it is sent (planned in December for January, ticking today's autumn agenda gave a spring
        # visit the autumn one); visits.services.visit_plan gives it to an autumn core visit.
        self.helper = form_helper(*self._visit_layout(), Button("save", "Plan visit"))

    def full_clean(self):
        """A problem with the school chosen with the picker (a hidden field) is shown at the top of
        the form: a hidden field's own error would be shown nowhere."""
        super().full_clean()
        school = self.fields.get("school")
        if school is not None and isinstance(school.widget, forms.HiddenInput) and "school" in self._errors:
            for error in self._errors.pop("school"):
                self.add_error(None, error)


class VisitRecordForm(VisitFieldsMixin, VersionedForm):  # (with core.forms.TextLimits)
    """What happened at the visit (the note of visit). It carries the visit's version: the adviser
    and an officer may both change a record, or one person in two tabs (core.versions)."""

    activities = forms.MultipleChoiceField(
        label="Activities", choices=Activity.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    strengths = forms.CharField(label="Strengths", required=False, widget=forms.Textarea)
    areas_for_development = forms.CharField(label="Areas for development", required=False, widget=forms.Textarea)
    notes = forms.CharField(label="Other notes", required=False, widget=forms.Textarea)

    def __init__(
        self,
        *args,
        choose_adviser: bool,
        visit: Visit | None = None,
        complete: bool = False,
        today: date | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        # Given the visit and today, clean asks the rules of the visit's date (the save marks it
        # completed when `complete`).
        self.visit, self.complete, self.today = visit, complete, today
        self._visit_fields(choose_adviser=choose_adviser)
        self.order_fields(
            ["adviser", "visit_date", "start_time", "length", "visit_type", "focus_areas", "purpose", "activities"]
        )
        self.helper = form_helper(
            Fieldset(*self._visit_layout(), legend="The visit", legend_size=Size.MEDIUM),
            Fieldset(
                Field.checkboxes("activities", legend_size=Size.SMALL, small=True),
                Field.textarea("strengths", rows=5),
                Field.textarea("areas_for_development", rows=5),
                Field.textarea("notes", rows=4),
                legend="Note of visit",
                legend_size=Size.MEDIUM,
            ),
        )

    def clean(self):
        data = super().clean()
        visit_date = data.get("visit_date")
        if self.visit is not None and self.today is not None and visit_date is not None:
            completed = self.complete or self.visit.status == VisitStatus.COMPLETED
            add_rule_errors(
                self,
                a_recorded_visits_date_follows_the_rules(
                    visit_date=visit_date, dated=self.visit.visit_date, completed=completed, today=self.today
                ),
            )
        return data


class CancelVisitForm(TextLimits, forms.Form):
    text_labels = {"reason": "The reason for cancelling"}

    reason = forms.CharField(
        label="Why is the visit cancelled?",
        widget=forms.Textarea,
        required=False,
        help_text="For example, the headteacher is ill; it is rearranged for later in the term",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.textarea("reason", rows=3), Button.warning("cancel", "Cancel the visit"))


class ShareNoteForm(TextLimits, forms.Form):
    shared_on = GovDateField(label="Date the note was shared", help_text="For example, 27 11 2026")
    shared_with = forms.CharField(
        label="Shared with",
        max_length=300,
        required=False,
        help_text="Who received it, for example: headteacher (Mrs Marsh) and chair of governors",
    )

    def __init__(self, *args, visit: Visit | None = None, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.visit, self.today = visit, today  # given both, clean asks the rule
        if today is not None:  # a day the rule takes: on or after the visit, not after today (ADR 0059)
            self.fields["shared_on"].help_text = format_html("{}", date_example(today))
        self.helper = form_helper(
            date_input("shared_on", legend_size=Size.SMALL),
            Field.text("shared_with"),
            Button("share", "Record that the note was shared"),
        )

    def clean(self):
        """Who it was shared with is named with a date left out or not real, not a round later."""
        data = super().clean()
        if self.visit is not None and self.today is not None:
            add_rule_errors(
                self,
                a_shared_note_says_when_and_with_whom(
                    shared_on=data.get("shared_on"),
                    shared_with=data.get("shared_with", ""),
                    visit_date=self.visit.visit_date,
                    today=self.today,
                ),
            )
        return data
