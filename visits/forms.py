"""Forms for visits, actions, MSP groups and meetings: the shape of input only (rules are in
services and policy)."""

from datetime import date

from crispy_forms_gds.layout import HTML, Div, Field, Fieldset, Size
from django import forms
from django.forms import formset_factory
from django.utils.html import format_html

from core.forms import Button, GovDateField, TextLimits, form_helper
from schools.filters import link_advisers
from schools.models import academic_year_label

from .models import (
    ENHANCED_OFFER_MAX_HALF_DAYS,
    ActionOwner,
    Activity,
    FocusArea,
    MspMemberRole,
    MspRecommendation,
    RagRating,
    VisitLength,
    VisitType,
)
from .policy import autumn_core_visit_agenda

TIME_INVALID = "Enter the start time as hours and minutes, like 9:30 or 13:15"
SCHOOL_REQUIRED = "Choose the school"
SCHOOL_URN_REQUIRED = "Choose the school"
SCHOOL_URN_UNKNOWN = "Choose an open school"
ADVISER_REQUIRED = "Choose the adviser who leads the visit"
ACTION_ROW_INCOMPLETE = "Enter the {missing} of this action, or clear the row"
MEMBER_NAME_MAX = 200  # MspMember.name
OTHER_MEMBER_TOO_LONG = f"Each other member must be {MEMBER_NAME_MAX} characters or fewer: line {{line}} is longer"
YES_NO = [("yes", "Yes"), ("no", "No")]


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

    def _visit_fields(self, *, choose_adviser: bool, schools=None, school_by_urn: bool = False):
        if schools is not None and school_by_urn:
            # An officer may plan a visit to any open school: too many for a list (all of England is
            # 22,000), so it is chosen first with the school picker (schools.picker), or from the
            # school's page, and carried by its URN in a hidden field.
            self.fields["school"] = forms.ModelChoiceField(
                queryset=schools,
                to_field_name="urn",
                error_messages={"required": SCHOOL_URN_REQUIRED, "invalid_choice": SCHOOL_URN_UNKNOWN},
                widget=forms.HiddenInput,
            )
        elif schools is not None:
            self.fields["school"] = forms.ModelChoiceField(
                queryset=schools, empty_label="Choose a school", error_messages={"required": SCHOOL_REQUIRED}
            )
        if choose_adviser:
            self.fields["adviser"] = forms.ModelChoiceField(
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
            help_text="The autumn core-entitlement visit covers the strategy's agenda (the first five, ticked "
            "for you in the autumn term); other visits are bespoke to the school.",
        )
        self.fields["purpose"] = forms.CharField(label="Purpose and other focus", required=False, widget=forms.Textarea)

    def _visit_layout(self):
        items = []
        if "school" in self.fields and isinstance(self.fields["school"].widget, forms.HiddenInput):
            items.append(Field("school"))
        elif "school" in self.fields:
            items.append(Field.select("school"))
        if "adviser" in self.fields:
            items.append(Field.select("adviser"))
        items += [
            Field("visit_date", legend_size=Size.SMALL),
            Field.text("start_time", field_width=5),
            Field.radios("length", legend_size=Size.SMALL, inline=True),
            Field.radios("visit_type", legend_size=Size.SMALL),
            Field.checkboxes("focus_areas", legend_size=Size.SMALL, small=True),
            Field.textarea("purpose", rows=3),
        ]
        return items


class VisitPlanForm(TextLimits, VisitFieldsMixin, forms.Form):
    def __init__(self, *args, schools, choose_adviser: bool, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        # An officer (who chooses the adviser) may plan for any school: chosen with the picker first.
        self._visit_fields(choose_adviser=choose_adviser, schools=schools, school_by_urn=choose_adviser)
        # A core visit planned in the autumn term starts with the strategy's agenda ticked.
        self.fields["focus_areas"].initial = autumn_core_visit_agenda(visit_type=VisitType.CORE, visit_date=today)
        self.helper = form_helper(*self._visit_layout(), Button("save", "Plan visit"))

    def full_clean(self):
        """A problem with the school chosen with the picker (a hidden field) is shown at the top of
        the form: a hidden field's own error would be shown nowhere."""
        super().full_clean()
        school = self.fields.get("school")
        if school is not None and isinstance(school.widget, forms.HiddenInput) and "school" in self._errors:
            for error in self._errors.pop("school"):
                self.add_error(None, error)


class VisitRecordForm(TextLimits, VisitFieldsMixin, forms.Form):
    """What happened at the visit (the note of visit)."""

    activities = forms.MultipleChoiceField(
        label="Activities", choices=Activity.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    strengths = forms.CharField(label="Strengths", required=False, widget=forms.Textarea)
    areas_for_development = forms.CharField(label="Areas for development", required=False, widget=forms.Textarea)
    notes = forms.CharField(label="Other notes", required=False, widget=forms.Textarea)

    def __init__(self, *args, choose_adviser: bool, **kwargs):
        super().__init__(*args, **kwargs)
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


class ActionRowForm(TextLimits, forms.Form):
    """One agreed action. A blank row is ignored; a partly filled one must be completed."""

    description = forms.CharField(label="Action", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ChoiceField(label="Owner", choices=ActionOwner.choices, required=False, widget=forms.RadioSelect)
    due_on = GovDateField(label="Due by", error_label="Due date", required=False)

    def __init__(self, *args, number: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.number = number
        self.helper = form_helper(
            Fieldset(
                Field.textarea("description", rows=2),
                Field.radios("owner", legend_size=Size.SMALL, inline=True, small=True),
                Field("due_on", legend_size=Size.SMALL),
                legend=format_html("New action {}", number) if number else "New action",
                legend_size=Size.SMALL,
            )
        )

    @property
    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not (data.get("description", "").strip() or data.get("owner") or data.get("due_on"))

    def clean(self):
        data = super().clean()
        filled = {
            "description": bool((data.get("description") or "").strip()),
            "owner": bool(data.get("owner")),
            "due_on": data.get("due_on") is not None,
        }
        if any(filled.values()) and not self.errors:
            names = {"description": "action", "owner": "owner", "due_on": "due date"}
            for field_name, present in filled.items():
                if not present:
                    self.add_error(field_name, ACTION_ROW_INCOMPLETE.format(missing=names[field_name]))
        return data


class BaseActionFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["number"] = (index or 0) + 1
        return kwargs

    def new_actions(self):
        from .services import NewAction

        return [
            NewAction(
                description=f.cleaned_data["description"],
                owner=f.cleaned_data["owner"],
                due_on=f.cleaned_data["due_on"],
            )
            for f in self.forms
            if f.has_changed() and not f.is_blank
        ]


ACTION_ROWS = 2
MAX_ACTION_ROWS = 20
ActionFormSet = formset_factory(
    ActionRowForm, formset=BaseActionFormSet, extra=ACTION_ROWS, max_num=MAX_ACTION_ROWS, absolute_max=MAX_ACTION_ROWS
)


def action_formset(request_data, *, prefix: str = "actions", add_row: bool = False):
    """The agreed-actions rows. "Add another action" re-submits the page with one more blank row
    (no JavaScript needed); the rows already typed are kept."""
    if request_data is not None and add_row:
        data = request_data.copy()
        try:
            total = int(data.get(f"{prefix}-TOTAL_FORMS", ACTION_ROWS))
        except (TypeError, ValueError):  # a tampered count: start again from the blank rows
            total = ACTION_ROWS - 1
        data[f"{prefix}-TOTAL_FORMS"] = str(min(max(total, 0) + 1, MAX_ACTION_ROWS))
        return ActionFormSet(data, prefix=prefix)
    return ActionFormSet(request_data, prefix=prefix)


class CancelVisitForm(TextLimits, forms.Form):
    text_labels = {"reason": "The reason for cancelling"}

    reason = forms.CharField(
        label="Why is the visit cancelled?",
        widget=forms.Textarea,
        required=False,
        help_text="For example, the headteacher is ill; it is rearranged for 4 December",
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field("shared_on", legend_size=Size.SMALL),
            Field.text("shared_with"),
            Button("share", "Record that the note was shared"),
        )


# ---- actions ----------------------------------------------------------------------------------


class ActionUpdateForm(TextLimits, forms.Form):
    description = forms.CharField(label="Action", widget=forms.Textarea, required=False)
    owner = forms.ChoiceField(label="Owner", choices=ActionOwner.choices, widget=forms.RadioSelect)
    due_on = GovDateField(label="Due by", error_label="Due date")
    note = forms.CharField(label="Progress note", widget=forms.Textarea, required=False, help_text="What has changed")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.textarea("description", rows=3),
            Field.radios("owner", legend_size=Size.SMALL, inline=True),
            Field("due_on", legend_size=Size.SMALL),
            Field.textarea("note", rows=3),
            Button("update", "Save progress"),
        )


class ActionCloseForm(TextLimits, forms.Form):
    note = forms.CharField(
        label="Closing note",
        widget=forms.Textarea,
        required=False,
        help_text="What was done, or why the action no longer applies",
    )

    def __init__(self, *args, submit: str = "Close the action", **kwargs):
        super().__init__(*args, prefix="close", **kwargs)
        self.helper = form_helper(Field.textarea("note", rows=3), Button.secondary("close", submit))


# ---- compliance -------------------------------------------------------------------------------


class EnhancedOfferForm(TextLimits, forms.Form):
    academic_year = forms.TypedChoiceField(label="Academic year", coerce=int)
    half_days = forms.IntegerField(
        label="Half-day visits bought",
        min_value=0,
        max_value=ENHANCED_OFFER_MAX_HALF_DAYS,
        help_text=format_html("From 0 to {}; 0 if the school no longer buys the offer", ENHANCED_OFFER_MAX_HALF_DAYS),
        error_messages={
            "required": f"Enter a number of half-days from 0 to {ENHANCED_OFFER_MAX_HALF_DAYS}",
            "invalid": f"Enter a number of half-days from 0 to {ENHANCED_OFFER_MAX_HALF_DAYS}",
            "min_value": f"Enter a number of half-days from 0 to {ENHANCED_OFFER_MAX_HALF_DAYS}",
            "max_value": f"Enter a number of half-days from 0 to {ENHANCED_OFFER_MAX_HALF_DAYS}",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["academic_year"].choices = [(y, academic_year_label(y)) for y in years]
        self.helper = form_helper(
            Field.radios("academic_year", legend_size=Size.SMALL, inline=True),
            Field.text("half_days", field_width=2),
            Field.textarea("notes", rows=2),
            Button("save", "Save enhanced offer"),
        )
        self.fields["academic_year"].widget = forms.RadioSelect(choices=self.fields["academic_year"].choices)


# ---- MSP --------------------------------------------------------------------------------------


class MspGroupForm(TextLimits, forms.Form):
    chair = forms.ModelChoiceField(
        label="Chair",
        queryset=None,
        empty_label="Choose the chair",
        help_text="The Senior School Improvement Adviser or the Strategic Lead for Governance",
        error_messages={"required": "Choose the chair"},
    )
    set_up_on = GovDateField(label="Date the group was set up")
    headteacher = forms.CharField(label="Headteacher", max_length=MEMBER_NAME_MAX, required=False)
    governor_name = forms.CharField(
        label="Chair or vice-chair of governors", max_length=MEMBER_NAME_MAX, required=False
    )
    governor_role = forms.ChoiceField(
        label="Their role on the governing body",
        choices=[
            (MspMemberRole.CHAIR_OF_GOVERNORS, "Chair of governors"),
            (MspMemberRole.VICE_CHAIR, "Vice-chair of governors"),
        ],
        widget=forms.RadioSelect,
        initial=MspMemberRole.CHAIR_OF_GOVERNORS,
    )
    link_adviser = forms.ModelChoiceField(label="Link School Improvement Adviser", queryset=None, required=False)
    other_members = forms.CharField(
        label="Other members (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="One a line, with their role, for example: Jo Bloggs, SENCo",
    )

    def __init__(self, *args, officers, with_date: bool = True, submit: str = "Set up the MSP group", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = officers
        self.fields["link_adviser"].queryset = link_advisers()
        self.fields["link_adviser"].empty_label = "No link adviser"
        if not with_date:
            del self.fields["set_up_on"]
        items = [Field.select("chair")]
        if with_date:
            items.append(Field("set_up_on", legend_size=Size.SMALL))
        items += [
            Fieldset(
                Field.text("headteacher", field_width=20),
                Field.text("governor_name", field_width=20),
                Field.radios("governor_role", legend_size=Size.SMALL, inline=True, small=True),
                Field.select("link_adviser"),
                Field.textarea("other_members", rows=3),
                legend="Members",
                legend_size=Size.MEDIUM,
            ),
            Button("save", submit),
        ]
        self.helper = form_helper(*items)

    def clean_other_members(self) -> str:
        value = self.cleaned_data["other_members"]
        for number, line in enumerate(value.splitlines(), start=1):
            if len(line.strip()) > MEMBER_NAME_MAX:
                raise forms.ValidationError(OTHER_MEMBER_TOO_LONG.format(line=number))
        return value

    def other_member_names(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("other_members", "").splitlines() if line.strip()]


class MspGroupCloseForm(TextLimits, forms.Form):
    text_labels = {"reason": "The reason for closing the group"}

    closed_on = GovDateField(label="Date the group closed")
    reason = forms.CharField(label="Why is the group closed?", widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="close", **kwargs)
        self.helper = form_helper(
            Field("closed_on", legend_size=Size.SMALL),
            Field.textarea("reason", rows=3),
            Button.warning("close", "Close the MSP group"),
        )


class MspMeetingPlanForm(TextLimits, forms.Form):
    held_on = GovDateField(label="Date of the meeting", help_text="For example, 9 12 2026")
    start_time = time_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="plan", **kwargs)
        self.helper = form_helper(
            Field("held_on", legend_size=Size.SMALL),
            Field.text("start_time", field_width=5),
            Button.secondary("plan", "Plan the meeting"),
        )


class AccountsChoiceField(forms.ModelMultipleChoiceField):
    """Accounts shown by their full name (else username)."""

    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class MspMeetingRecordForm(TextLimits, forms.Form):
    """A meeting as held. One RAG rating (and comment) per open action of the school."""

    held_on = GovDateField(label="Date of the meeting")
    start_time = time_field()
    attendees = forms.CharField(label="Attendees", widget=forms.Textarea, required=False)
    impact_of_support = forms.CharField(label="Impact of support", widget=forms.Textarea, required=False)
    support_refocused = forms.ChoiceField(
        label="Is the support refocused?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the support is refocused"},
    )
    refocus_details = forms.CharField(
        label="How is the support refocused?", widget=forms.Textarea, required=False, help_text="Only if refocused"
    )
    minutes = forms.CharField(
        label="Confidential minutes",
        widget=forms.Textarea,
        required=False,
        help_text="Seen by LA advisers and officers, and by the school members ticked as attending; "
        "never by the rest of the governing body",
    )
    summary_key_points = forms.CharField(
        label="Summary key points",
        widget=forms.Textarea,
        required=False,
        help_text="Shared with the whole governing body once the chair publishes them",
    )
    recommendation = forms.ChoiceField(
        label="Recommendation",
        choices=MspRecommendation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the meeting's recommendation"},
    )

    school_attendees: forms.ModelMultipleChoiceField = AccountsChoiceField(
        label="School members who attended",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The headteacher, chair or vice-chair of governors with an account: they will read these "
        "minutes and the school's actions from this meeting",
    )

    def __init__(self, *args, open_actions, school_members=None, summary_locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.open_actions = list(open_actions)
        members = list(school_members) if school_members is not None else []
        if members:
            attendees_field = self.fields["school_attendees"]
            assert isinstance(attendees_field, forms.ModelMultipleChoiceField)
            attendees_field.queryset = school_members
        else:
            del self.fields["school_attendees"]
        progress_fields = []
        for action in self.open_actions:
            rating, comment = f"rating_{action.pk}", f"comment_{action.pk}"
            self.fields[rating] = forms.ChoiceField(
                # crispy-forms-gds writes labels with |safe: the description is escaped here.
                label=format_html(
                    "{} (due {}, owner: {})",
                    action.description,
                    f"{action.due_on:%-d %B %Y}",
                    action.get_owner_display(),
                ),
                choices=[("", "Not reviewed"), *RagRating.choices],
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[comment] = forms.CharField(label="Comment (optional)", required=False)
            progress_fields.append(
                Div(
                    Field.radios(rating, legend_size=Size.SMALL, inline=True, small=True),
                    Field.text(comment),
                    css_class="app-action-review",
                )
            )
        if summary_locked:
            self.fields["summary_key_points"].disabled = True
            self.fields["summary_key_points"].help_text = "Published to governors: it can no longer be changed"
        self.helper = form_helper(
            Fieldset(
                Field("held_on", legend_size=Size.SMALL),
                Field.text("start_time", field_width=5),
                Field.textarea("attendees", rows=5),
                *([Field.checkboxes("school_attendees", legend_size=Size.SMALL, small=True)] if members else []),
                legend="The meeting",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                *(progress_fields or [HTML.p("The school has no open actions to review.")]),
                legend="Progress on open actions",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.textarea("impact_of_support", rows=4),
                Field.radios("support_refocused", legend_size=Size.SMALL, inline=True),
                Field.textarea("refocus_details", rows=3),
                Field.textarea("minutes", rows=8),
                Field.textarea("summary_key_points", rows=5),
                Field.radios("recommendation", legend_size=Size.SMALL),
                legend="Outcome",
                legend_size=Size.MEDIUM,
            ),
        )

    def reviews(self):
        from .services import ActionReview

        found = []
        for action in self.open_actions:
            rating = self.cleaned_data.get(f"rating_{action.pk}")
            if rating:
                found.append(ActionReview(action, rating, self.cleaned_data.get(f"comment_{action.pk}", "")))
        return found

    @property
    def support_refocused_value(self) -> bool:
        return self.cleaned_data["support_refocused"] == "yes"


class CalendarRangeForm(TextLimits, forms.Form):
    weeks = forms.TypedChoiceField(
        label="Show", coerce=int, required=False, choices=[(4, "4 weeks"), (8, "8 weeks"), (13, "13 weeks")]
    )
