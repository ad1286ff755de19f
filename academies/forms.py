"""Forms for academy concerns, the ladder, routing, trusts and the intelligence log: the shape of
input only (rules are in services and rules; a rule about one field is also checked by its form, so
its error shows with the others)."""

from crispy_forms_gds.layout import Button, Div, Field, Size
from django import forms
from django.utils import timezone

from core.forms import GovDateField, TextLimits, date_input, form_helper
from core.limits import LETTERHEAD_PART
from core.model_choices import ModelChoiceField, ModelMultipleChoiceField
from letters.models import Letter
from schools.filters import link_advisers

from .models import ConcernSource, ConcernStatus, LadderStage, Rag, Sensitivity, SourceTeam
from .rules import a_next_review_is_still_to_come
from .selectors import active_concern_types
from .services import DATE_IN_FUTURE, RAG_REASON_REQUIRED

SOURCE_REQUIRED = "Choose where the concern came from"
RAG_REQUIRED = "Choose a RAG rating"
DESCRIPTION_REQUIRED = "Describe the concern"
NOTES_REQUIRED = "Enter notes on the step"
STAGE_REQUIRED = "Choose the step of the ladder"
SUMMARY_REQUIRED = "Enter the intelligence"
TEAM_REQUIRED = "Choose the team it came from"


class ConcernTypeField(ModelMultipleChoiceField):
    def __init__(self, *args, suggestions=None, **kwargs):
        self.suggestions = suggestions or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        sources = self.suggestions.get(obj.code)
        if not sources:
            return obj.text
        return f"{obj.text} (suggested by: {'; '.join(sources)})"


def _checked_next_review(form: forms.Form) -> object:
    """The next review date, refused with the other fields' errors when it has passed (the service
    checks it again: academies.rules.a_next_review_is_still_to_come)."""
    on = form.cleaned_data.get("next_review_on")
    current = form.initial.get("next_review_on")
    if problems := a_next_review_is_still_to_come(next_review_on=on, today=timezone.localdate(), current=current):
        raise forms.ValidationError(problems)
    return on


class ConcernForm(TextLimits, forms.Form):
    source = forms.ChoiceField(
        label="Where did the concern come from?",
        choices=ConcernSource.choices,
        widget=forms.RadioSelect,
        error_messages={"required": SOURCE_REQUIRED},
    )
    raised_by_ofsted = forms.BooleanField(
        label="Ofsted raised this concern (its outcome is then reported to Ofsted)", required=False
    )
    raised_on = GovDateField(label="Date received or raised", help_text="For example, 9 11 2026")
    description = forms.CharField(
        label="Describe the concern", widget=forms.Textarea, error_messages={"required": DESCRIPTION_REQUIRED}
    )
    rag = forms.ChoiceField(
        label="RAG rating", choices=Rag.choices, widget=forms.RadioSelect, error_messages={"required": RAG_REQUIRED}
    )
    rag_reason = forms.CharField(label="Reason for the RAG rating", widget=forms.Textarea, required=False)
    owner = ModelChoiceField(label="Owner", queryset=None, empty_label="Choose the owner")
    next_review_on = GovDateField(label="Next review date (optional)", required=False)

    def __init__(self, *args, suggestions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["concern_types"] = ConcernTypeField(
            label="Concern types",
            queryset=active_concern_types(),
            widget=forms.CheckboxSelectMultiple,
            suggestions=suggestions,
            help_text="Types the system's data suggests are named with their source. Nothing is ticked for you.",
            error_messages={"required": "Choose at least one concern type"},
        )
        self.fields["owner"].queryset = link_advisers()
        layout = [
            Field.radios("source", legend_size=Size.SMALL),
            Field.checkbox("raised_by_ofsted"),
            date_input("raised_on", legend_size=Size.SMALL),
            Field.checkboxes("concern_types", legend_size=Size.SMALL, small=True),
            Field.textarea("description", rows=5),
            Field.radios("rag", legend_size=Size.SMALL, inline=True),
            Field.textarea("rag_reason", rows=3),
            Field.select("owner"),
            date_input("next_review_on", legend_size=Size.SMALL),
            Button("save", "Open the concern"),
        ]
        self.helper = form_helper(*layout)

    def clean_next_review_on(self):
        return _checked_next_review(self)

    # Checked here too, so that they are named with the form's own problems in one round (the
    # service checks them again: academies.services.concern_open).
    def clean_rag_reason(self):
        if not (reason := self.cleaned_data.get("rag_reason", "")).strip():
            raise forms.ValidationError(RAG_REASON_REQUIRED)
        return reason

    def clean_raised_on(self):
        if (on := self.cleaned_data.get("raised_on")) and on > timezone.localdate():
            raise forms.ValidationError(DATE_IN_FUTURE)
        return on


class ConcernEditForm(TextLimits, forms.Form):
    description = forms.CharField(
        label="Describe the concern", widget=forms.Textarea, error_messages={"required": DESCRIPTION_REQUIRED}
    )
    owner = ModelChoiceField(label="Owner", queryset=None, empty_label="Choose the owner")
    next_review_on = GovDateField(label="Next review date (optional)", required=False)

    def __init__(self, *args, suggestions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["concern_types"] = ConcernTypeField(
            label="Concern types",
            queryset=active_concern_types(),
            widget=forms.CheckboxSelectMultiple,
            suggestions=suggestions,
            error_messages={"required": "Choose at least one concern type"},
        )
        self.fields["owner"].queryset = link_advisers()
        self.helper = form_helper(
            Field.checkboxes("concern_types", legend_size=Size.SMALL, small=True),
            Field.textarea("description", rows=5),
            Field.select("owner"),
            date_input("next_review_on", legend_size=Size.SMALL),
            Button("save", "Save changes"),
        )

    def clean_next_review_on(self):
        return _checked_next_review(self)


class LetterChoiceField(ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.reference}: {obj.letter_type.name}, issued {obj.issued_on:%-d %B %Y}"


class StepForm(TextLimits, forms.Form):
    stage = forms.ChoiceField(
        label="Step of the ladder",
        choices=LadderStage.choices,
        widget=forms.RadioSelect,
        error_messages={"required": STAGE_REQUIRED},
    )
    taken_on = GovDateField(label="Date of the step", help_text="For example, 9 11 2026")
    notes = forms.CharField(label="Notes", widget=forms.Textarea, error_messages={"required": NOTES_REQUIRED})
    outcome = forms.CharField(label="Outcome (optional)", widget=forms.Textarea, required=False)
    to_esfa = forms.BooleanField(label="The ESFA (Department for Education)", required=False)
    to_regional_director = forms.BooleanField(
        label="The DfE Regional Director (formerly the Regional Schools Commissioner)", required=False
    )
    to_ofsted = forms.BooleanField(label="Ofsted", required=False)
    letter = LetterChoiceField(
        label="The letter to the trust (optional)",
        queryset=Letter.objects.none(),
        required=False,
        empty_label="No letter",
        help_text="An issued letter drafted from this concern: the formal letter step is the letter to the chair.",
    )

    def __init__(self, *args, letters=None, **kwargs):
        super().__init__(*args, **kwargs)
        layout = [
            Field.radios("stage", legend_size=Size.SMALL),
            date_input("taken_on", legend_size=Size.SMALL),
            Field.textarea("notes", rows=4),
            Field.textarea("outcome", rows=3),
            Field.checkbox("to_esfa"),
            Field.checkbox("to_regional_director"),
            Field.checkbox("to_ofsted"),
        ]
        if letters is not None and letters.exists():
            self.fields["letter"].queryset = letters
            layout.append(Field.select("letter"))
        else:
            del self.fields["letter"]
        self.helper = form_helper(*layout, Button("save", "Record the step"))


class RagForm(TextLimits, forms.Form):
    rag = forms.ChoiceField(
        label="New RAG rating", choices=Rag.choices, widget=forms.RadioSelect, error_messages={"required": RAG_REQUIRED}
    )
    reason = forms.CharField(label="Reason", widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="rag", **kwargs)
        self.helper = form_helper(
            Field.radios("rag", legend_size=Size.SMALL, inline=True),
            Field.textarea("reason", rows=3),
            Button.secondary("rate", "Change the RAG rating"),
        )


class DecisionForm(TextLimits, forms.Form):
    text = forms.CharField(label="Decision", widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="decision", **kwargs)
        self.helper = form_helper(Field.textarea("text", rows=3), Button.secondary("decide", "Record the decision"))


class RoutingForm(TextLimits, forms.Form):
    done_on = GovDateField(label="Date done", help_text="For example, 9 11 2026")
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea, required=False)
    advised_esfa_for_delay = forms.BooleanField(
        label="The parent was also advised to contact the ESFA (DfE) about undue delay or non-compliance",
        required=False,
    )
    reported_to_regional_director = forms.BooleanField(label="Reported to the DfE Regional Director", required=False)
    reported_to_trust = forms.BooleanField(label="Reported to the academy or trust", required=False)
    outcome_reported_to_ofsted_on = GovDateField(label="Outcome reported to Ofsted on (optional)", required=False)

    def __init__(self, *args, source: str, raised_by_ofsted: bool, **kwargs):
        super().__init__(*args, prefix="routing", **kwargs)
        keep = {"done_on", "notes"}
        if source == ConcernSource.PARENT_COMPLAINT:
            keep.add("advised_esfa_for_delay")
        if source == ConcernSource.SAFEGUARDING:
            keep |= {"reported_to_regional_director", "reported_to_trust"}
            if raised_by_ofsted:
                keep.add("outcome_reported_to_ofsted_on")
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        layout = []
        for name in self.fields:
            field = self.fields[name]
            if isinstance(field, forms.BooleanField):
                layout.append(Field.checkbox(name))
            elif isinstance(field, GovDateField):
                layout.append(date_input(name, legend_size=Size.SMALL))
            else:
                layout.append(Field.textarea(name, rows=3))
        self.helper = form_helper(*layout, Button("route", "Record the routing as done"))


class EndForm(TextLimits, forms.Form):
    status = forms.ChoiceField(
        label="How does the concern end?",
        choices=[(ConcernStatus.RESOLVED, "Resolved: the concern was met"), (ConcernStatus.CLOSED, "Closed")],
        widget=forms.RadioSelect,
    )
    outcome = forms.CharField(label="Outcome", widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="end", **kwargs)
        self.helper = form_helper(
            Field.radios("status", legend_size=Size.SMALL),
            Field.textarea("outcome", rows=3),
            Button.warning("end", "Resolve or close the concern"),
        )


class ReopenForm(TextLimits, forms.Form):
    reason = forms.CharField(label="Why is the concern reopened?", widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="reopen", **kwargs)
        self.helper = form_helper(Field.textarea("reason", rows=3), Button.secondary("reopen", "Reopen the concern"))


class ConcernFilterForm(TextLimits, forms.Form):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("open", "Open"), ("ended", "Resolved or closed"), ("all", "All")]
    )
    q = forms.CharField(label="Academy name or URN", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Div(
                *[Div(Field(name), css_class="govuk-grid-column-one-third") for name in ("q", "status")],
                css_class="govuk-grid-row",
            ),
            Button("filter", "Apply filters"),
            label_size="s",
        )


class TrustForm(TextLimits, forms.Form):
    ceo_name = forms.CharField(label="Chief executive", max_length=200, required=False)
    chair_name = forms.CharField(label="Chair of trustees", max_length=200, required=False)
    address = forms.CharField(
        label="Postal address (optional)",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=LETTERHEAD_PART,
        required=False,
        help_text="The trust's office, a line each. Letters to the trust go here; without it, care of the academy.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("ceo_name"), Field.text("chair_name"), Field.textarea("address", rows=4), Button("save", "Save")
        )


class IntelligenceForm(TextLimits, forms.Form):
    received_on = GovDateField(label="Date", help_text="For example, 9 11 2026")
    source_team = forms.ChoiceField(
        label="Which team did it come from?",
        choices=SourceTeam.choices,
        widget=forms.RadioSelect,
        error_messages={"required": TEAM_REQUIRED},
    )
    summary = forms.CharField(
        label="Intelligence", widget=forms.Textarea, error_messages={"required": SUMMARY_REQUIRED}
    )
    sensitivity = forms.ChoiceField(
        label="Who may read it?",
        choices=Sensitivity.choices,
        widget=forms.RadioSelect,
        initial=Sensitivity.NORMAL,
        help_text="A restricted entry is read by officers only: an adviser who adds one does not see it again.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            date_input("received_on", legend_size=Size.SMALL),
            Field.radios("source_team", legend_size=Size.SMALL),
            Field.textarea("summary", rows=5),
            Field.radios("sensitivity", legend_size=Size.SMALL),
            Button("save", "Add to the intelligence log"),
        )
