"""Forms for MSP groups and meetings: the shape of input, and on a meeting's record the rules
(visits.rules) asked of the fields that are sound, so that one round names every problem
(docs/adr/0070); the services ask them again before writing."""

from datetime import date, timedelta
from typing import cast

from crispy_forms_gds.layout import HTML, Div, Field, Fieldset, Size
from django import forms
from django.utils import timezone
from django.utils.html import format_html

from core.forms import Button, GovDateField, TextLimits, date_example, date_input, form_helper
from core.model_choices import ModelChoiceField, ModelMultipleChoiceField
from core.versions import VersionedForm
from schools.filters import link_advisers

from .forms_rules import add_rule_errors
from .forms_visits import time_field
from .models import (
    MspMemberRole,
    MspRecommendation,
    RagRating,
)
from .rules import (
    MSP_GOVERNOR_REQUIRED,
    MSP_HEADTEACHER_REQUIRED,
    MSP_LINK_ADVISER_REQUIRED,
    a_held_meeting_took_place_while_its_group_ran,
    refocused_support_says_how,
)

MEMBER_NAME_MAX = 200  # MspMember.name
OTHER_MEMBER_TOO_LONG = f"Each other member must be {MEMBER_NAME_MAX} characters or fewer: line {{line}} is longer"
YES_NO = [("yes", "Yes"), ("no", "No")]
# How a message names an open action's comment: by the action, as its rating's legend does.
COMMENT_LABEL = "The comment on \u201c{action}\u201d"


class MspGroupForm(TextLimits, forms.Form):
    chair: ModelChoiceField = ModelChoiceField(
        label="Chair",
        queryset=None,
        empty_label="Choose the chair",
        help_text="The Senior School Improvement Adviser or the Strategic Lead for Governance",
        error_messages={"required": "Choose the chair"},
    )
    set_up_on = GovDateField(label="Date the group was set up")
    # The strategy's members (rules.msp_group_includes_the_headteacher_a_governor_and_the_link_sia).
    headteacher = forms.CharField(
        label="Headteacher", max_length=MEMBER_NAME_MAX, error_messages={"required": MSP_HEADTEACHER_REQUIRED}
    )
    governor_name = forms.CharField(
        label="Chair or vice-chair of governors",
        max_length=MEMBER_NAME_MAX,
        error_messages={"required": MSP_GOVERNOR_REQUIRED},
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
    link_adviser: ModelChoiceField = ModelChoiceField(
        label="Link School Improvement Adviser",
        queryset=None,
        empty_label="Choose the link adviser",
        error_messages={"required": MSP_LINK_ADVISER_REQUIRED},
    )
    other_members = forms.CharField(
        label="Other members (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="One a line, with their role, for example: Jo Bloggs, SENCo",
    )

    def __init__(self, *args, officers, with_date: bool = True, submit: str = "Set up the MSP group", **kwargs):
        super().__init__(*args, **kwargs)
        cast(ModelChoiceField, self.fields["chair"]).queryset = officers
        link_adviser = cast(ModelChoiceField, self.fields["link_adviser"])
        link_adviser.queryset = link_advisers()
        if not with_date:
            del self.fields["set_up_on"]
        items = [Field.select("chair")]
        if with_date:
            items.append(date_input("set_up_on", legend_size=Size.SMALL))
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
            date_input("closed_on", legend_size=Size.SMALL),
            Field.textarea("reason", rows=3),
            Button.warning("close", "Close the MSP group"),
        )


class MspMeetingPlanForm(TextLimits, forms.Form):
    held_on = GovDateField(label="Date of the meeting", help_text="For example, 9 12 2026")
    start_time = time_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="plan", **kwargs)
        # A meeting planned is still to come: an example a fortnight on (core.forms.date_example).
        self.fields["held_on"].help_text = format_html("{}", date_example(timezone.localdate() + timedelta(days=14)))
        self.helper = form_helper(
            date_input("held_on", legend_size=Size.SMALL),
            Field.text("start_time", field_width=5),
            Button.secondary("plan", "Plan the meeting"),
        )


class AccountsChoiceField(ModelMultipleChoiceField):
    """Accounts shown by their full name (else username)."""

    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class MspMeetingRecordForm(VersionedForm):  # (with core.forms.TextLimits)
    """A meeting as held. One RAG rating (and comment) per open action of the school. It carries the
    meeting's version (core.versions): the chair and the link adviser may both record it."""

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

    school_attendees: ModelMultipleChoiceField = AccountsChoiceField(
        label="School members who attended",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The headteacher, chair or vice-chair of governors with an account: they will read these "
        "minutes and the school's actions from this meeting",
    )

    def __init__(
        self,
        *args,
        open_actions,
        school_members=None,
        summary_locked: bool = False,
        set_up_on: date | None = None,
        today: date | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.set_up_on, self.today = set_up_on, today  # given both, clean asks the meeting's rules
        self.open_actions = list(open_actions)
        self.text_labels = {}  # each comment named by its action (one box per open action)
        members = list(school_members) if school_members is not None else []
        if members:
            attendees_field = self.fields["school_attendees"]
            assert isinstance(attendees_field, ModelMultipleChoiceField)
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
            self.text_labels[comment] = COMMENT_LABEL.format(action=_shortened(action.description))
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
                date_input("held_on", legend_size=Size.SMALL),
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

    def clean(self):
        data = super().clean()
        if self.set_up_on is None or self.today is None:
            return data
        if (held_on := data.get("held_on")) is not None:
            rule = a_held_meeting_took_place_while_its_group_ran(
                held_on=held_on, set_up_on=self.set_up_on, today=self.today
            )
            add_rule_errors(self, rule)
        if data.get("support_refocused") == "yes":
            rule = refocused_support_says_how(support_refocused=True, refocus_details=data.get("refocus_details", ""))
            add_rule_errors(self, rule)
        return data

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


def _shortened(text: str, most: int = 80) -> str:
    """An action's words in a message: its first `most` characters, on one line."""
    words = " ".join(text.split())
    return words if len(words) <= most else words[: most - 1].rstrip() + "\u2026"
