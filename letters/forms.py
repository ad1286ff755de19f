"""Forms for letters: the shape of input only; the rules are in services and rules."""

from datetime import timedelta

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Div, Field, Fieldset, Size
from django import forms
from django.utils import timezone
from django.utils.html import format_html

from core.forms import Button, GovDateField, TextLimits, date_example, date_input, form_helper
from core.limits import LETTER, LETTER_TEMPLATE
from core.model_choices import ModelMultipleChoiceField
from core.versions import VersionedForm
from schools.models import School

from . import placeholders, rules
from .documents import OFSTED, REGIONAL_DIRECTOR
from .models import DECISION_CHOICES, ComplianceOutcome, Ground, Indicator, InterventionPower, Letter, LetterType
from .services_warning_notices import decision_problems, intention_problems, response_problems

TYPE_REQUIRED = "Choose the type of letter"
SCHOOL_REQUIRED = "Choose the school first"  # the step before: the hidden field came back empty
SUBJECT_REQUIRED = "Enter the subject of the letter"
BODY_REQUIRED = "Enter the text of the letter"
COMMENTS_REQUIRED = "Enter comments saying what needs to change"
OUTCOME_REQUIRED = "Choose whether the governing body complied with the notice"


def _date_field(label: str, *, required: bool = True, help_text: str = "For example, 27 3 2026") -> GovDateField:
    # Far years reach the letters' own rules, which say what is wrong (rules.COMPLIANCE_END_TOO_LATE).
    return GovDateField(label=label, required=required, help_text=help_text, max_year=9999)


INDICATORS_NEXT = "When one or more of its indicators apply: you tick them on the next page."


class StartForm(TextLimits, forms.Form):
    """Step two of drafting, once the school is chosen (schools.picker): which type of letter. A GET
    form: choosing writes nothing, and the draft page's own form POSTs the letter."""

    school = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": SCHOOL_REQUIRED})
    letter_type = forms.ChoiceField(
        label="Type of letter", widget=forms.RadioSelect, error_messages={"required": TYPE_REQUIRED}
    )

    def __init__(self, *args, letter_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["letter_type"].choices = [
            Choice(t.code, f"{t.symbol} {t.name}".strip(), hint=type_hint(t)) for t in letter_types
        ]
        self.helper = form_helper(
            Field("school"), Field.radios("letter_type", legend_size=Size.MEDIUM), Button("continue", "Continue")
        )


def type_hint(letter_type) -> str:
    """A letter type's introduction under its name, unless it introduces the list of indicators
    ("...the following indicators apply:"), which is on the next page, not here."""
    if letter_type.introduction.rstrip().endswith(":"):
        return INDICATORS_NEXT
    return letter_type.introduction


class GroundsField(forms.MultipleChoiceField):
    """The s60(2) grounds; a value that is not one of them is refused with the rule's message."""

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if problems := rules.warning_notice_grounds_are_those_of_s60_2(grounds=value, is_warning_notice=True):
            raise forms.ValidationError(problems)


class LetterForm(VersionedForm):  # (with core.forms.TextLimits)
    """A letter's draft: indicators, for a warning notice its grounds and compliance period, then
    the subject and text (placeholders allowed)."""

    text_limits = {"body": LETTER}

    indicators = ModelMultipleChoiceField(
        queryset=Indicator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Indicators that apply",
    )
    grounds = GroundsField(
        choices=Ground.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Grounds (Education and Inspections Act 2006, section 60(2))",
        help_text="The local authority must be satisfied of at least one.",
    )
    compliance_end_date = _date_field(
        "End of the compliance period",
        required=False,
    )
    subject = forms.CharField(max_length=300, error_messages={"required": SUBJECT_REQUIRED})
    body = forms.CharField(
        label="Text of the letter",
        widget=forms.Textarea(attrs={"rows": 24}),
        error_messages={"required": BODY_REQUIRED},
        help_text=(
            "Placeholders in braces, such as {date} or {indicators}, are filled in when the letter is issued; "
            "the list is below. Leave a blank line between paragraphs; start a line with “- ” for a bullet or "
            "“# ” for a heading. Replace anything in [square brackets] before submitting."
        ),
    )

    def __init__(
        self, *args, letter_type: LetterType, letter: Letter | None = None, school: School | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.letter_type = letter_type
        self.school = school or (letter.school if letter is not None else None)  # whose facts the draft holds
        example = date_example(timezone.localdate() + timedelta(days=91))
        self.fields["compliance_end_date"].help_text = format_html(
            "The local authority sets it; it must end after the date of issue. {}", example
        )
        active = Indicator.objects.filter(letter_type=letter_type, is_active=True)
        if letter is not None and letter.pk:
            active = Indicator.objects.filter(letter_type=letter_type).filter(
                pk__in=[i.pk for i in active] + [i.pk for i in letter.indicators.all()]
            )
        self.fields["indicators"].queryset = active.order_by("order", "id")
        if letter_type.is_trust_letter:
            self.fields["indicators"].label = "Concern types the letter sets out"
        intro = letter_type.introduction or "Tick the indicators that apply."
        # crispy-forms-gds writes hints with |safe: the letter type's own words are escaped here.
        self.fields["indicators"].help_text = format_html(
            "From the strategy's list for a {}. {}", letter_type.name.lower(), intro
        )
        layout = [Field.checkboxes("indicators", legend_size=Size.MEDIUM, small=True)]
        if letter_type.is_warning_notice:
            layout += [
                Field.checkboxes("grounds", legend_size=Size.MEDIUM, small=True),
                Fieldset(date_input("compliance_end_date"), legend="Compliance period", legend_size=Size.MEDIUM),
            ]
        else:
            for name in ("grounds", "compliance_end_date"):
                del self.fields[name]
        layout += [
            Field.text("subject", label_size=Size.MEDIUM),
            Field.textarea("body", label_size=Size.MEDIUM, rows=30),
            Div(Button.secondary("preview", "Preview"), Button("save", "Save draft"), css_class="govuk-button-group"),
        ]
        self.helper = form_helper(*layout)

    def clean(self):
        """letter_content_check's words, ground and period, which a field's error would hide for a round (ADR 0070)."""
        cleaned = super().clean()
        data = placeholders.written_in(self.school, self.letter_type) if self.school is not None else ()
        problems = {
            name: placeholders.check(cleaned.get(name) or "", self.letter_type.code, data=data)
            for name in ("subject", "body")
        }
        if self.letter_type.is_warning_notice:
            problems["grounds"] = rules.warning_notice_needs_a_ground_s60_2(list(cleaned.get("grounds") or []))
            end, today = cleaned.get("compliance_end_date"), timezone.localdate()
            problems["compliance_end_date"] = rules.compliance_period_problems(issued_on=today, compliance_end_date=end)
        _add_problems(self, problems)
        return cleaned

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "subject": data["subject"],
            "body": data["body"],
            "indicators": list(data["indicators"]),
            "grounds": data.get("grounds", []),
            "compliance_end_date": data.get("compliance_end_date"),
        }


class CommentsForm(TextLimits, forms.Form):
    comments = forms.CharField(
        label="Comments for the drafter", widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    def __init__(
        self, *args, required: bool, button: str, hint: str = "", label: str = "", warning: bool = False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        field = self.fields["comments"]
        field.required, field.help_text = required, hint
        field.label = label or field.label
        field.error_messages["required"] = COMMENTS_REQUIRED
        submit = Button.warning("submit", button) if warning else Button("submit", button)
        self.helper = form_helper(Field.textarea("comments", rows=5), submit)


class IssueForm(TextLimits, forms.Form):
    issued_on = _date_field(
        "Date of issue", help_text="The date on the letter: today, or earlier if it was sent before."
    )
    other_copies = forms.CharField(
        label="Other copies (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One recipient per line, in addition to those listed above.",
    )

    copy_to = forms.MultipleChoiceField(
        label="Copy the letter to",
        choices=[("regional_director", REGIONAL_DIRECTOR), ("ofsted", OFSTED)],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The bodies the local authority shares this letter with. Tick none, one or both.",
    )

    def __init__(self, *args, letter_type: LetterType | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        layout = [date_input("issued_on")]
        if letter_type is not None and letter_type.is_trust_letter:
            layout.append(Field.checkboxes("copy_to", legend_size=Size.SMALL, small=True))
        else:
            del self.fields["copy_to"]
        self.helper = form_helper(*layout, Field.textarea("other_copies", rows=3), Button("issue", "Issue the letter"))

    def copies(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["other_copies"].splitlines() if line.strip()]


class ResponseForm(VersionedForm):  # (with core.forms.TextLimits)
    received_on = _date_field("Date the response was received")
    text = forms.CharField(label="Summary of the governing body's response", widget=forms.Textarea, required=False)

    def __init__(self, *args, letter: Letter, **kwargs):
        super().__init__(*args, **kwargs)
        self.letter = letter
        self.helper = form_helper(
            date_input("received_on"), Field.textarea("text", rows=6), Button("save", "Save response")
        )

    def clean(self):
        cleaned = super().clean()
        received_on, text = cleaned.get("received_on"), cleaned.get("text") or ""
        _add_problems(self, response_problems(received_on=received_on, text=text, issued_on=self.letter.issued_on))
        return cleaned


class OutcomeForm(TextLimits, forms.Form):
    outcome = forms.ChoiceField(
        label="At the end of the compliance period, has the governing body complied with the notice?",
        choices=ComplianceOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": OUTCOME_REQUIRED},
    )
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.radios("outcome", legend_size=Size.SMALL), Field.textarea("notes", rows=4), Button("save", "Record")
        )


class IntentionForm(TextLimits, forms.Form):
    given_on = _date_field("Date the notice was given")
    powers = forms.MultipleChoiceField(
        label="Powers the local authority proposes to use",
        choices=InterventionPower.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    text = forms.CharField(
        label="Text of the notice",
        widget=forms.Textarea(attrs={"rows": 14}),
        required=False,
        help_text=(
            "{powers} lists the powers ticked above; if the text does not use it, the notice states them after the "
            "text. The warning notice's other placeholders may be used too."
        ),
    )

    def __init__(self, *args, letter: Letter, **kwargs):
        super().__init__(*args, **kwargs)
        self.letter = letter
        self.helper = form_helper(
            date_input("given_on"),
            Field.checkboxes("powers", legend_size=Size.SMALL),
            Field.textarea("text", rows=14),
            Button("save", "Give the notice of intention"),
        )

    def clean(self):
        cleaned, end = super().clean(), self.letter.compliance_end_date
        powers, text, given_on = cleaned.get("powers") or [], cleaned.get("text") or "", cleaned.get("given_on")
        _add_problems(self, intention_problems(powers=powers, text=text, given_on=given_on, compliance_end_date=end))
        return cleaned


class DecisionForm(TextLimits, forms.Form):
    decided_on = _date_field("Date of the decision")
    powers = forms.MultipleChoiceField(
        label="Decision", choices=DECISION_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea, required=False)

    def __init__(self, *args, letter: Letter, **kwargs):
        super().__init__(*args, **kwargs)
        self.letter, self.progress = letter, letter.progress
        if proposed := "; ".join(self.progress.intention_labels):
            self.fields["powers"].help_text = format_html("The notice of intention proposed: {}.", proposed)
        self.helper = form_helper(
            date_input("decided_on"),
            Field.checkboxes("powers", legend_size=Size.SMALL),
            Field.textarea("notes", rows=4),
            Button("save", "Record the decision"),
        )

    def clean(self):
        cleaned, progress = super().clean(), self.progress
        problems = decision_problems(
            powers=cleaned.get("powers") or [],
            decided_on=cleaned.get("decided_on"),
            proposed=progress.intention_powers if progress.intention_given_on else None,
            intention_given_on=progress.intention_given_on,
            compliance_end_date=self.letter.compliance_end_date,
        )
        _add_problems(self, problems)
        return cleaned


def _add_problems(form: forms.Form, problems: dict[str, list[str]]) -> None:
    """The service's checks, named with the form's own errors in one round (a field the form refused
    keeps its own message alone; a date it refused is None to the checks, which skip it)."""
    for name, messages in problems.items():
        if name not in form.errors:
            for message in messages:
                form.add_error(name, message)


class TemplateForm(TextLimits, forms.Form):
    text_limits = {"body": LETTER_TEMPLATE}
    subject = forms.CharField(max_length=300)
    body = forms.CharField(label="Text", widget=forms.Textarea(attrs={"rows": 26}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("subject"),
            Field.textarea("body", rows=26),
            Div(
                Button.secondary("preview", "Preview"), Button("save", "Save template"), css_class="govuk-button-group"
            ),
        )


class ApprovalSettingForm(TextLimits, forms.Form):
    second_officer_approval = forms.BooleanField(
        label="A second officer must approve these letters",
        required=False,
        help_text="The officer who drafted, changed or submitted a letter of this type cannot then approve it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.checkbox("second_officer_approval"), Button.secondary("save_setting", "Save setting")
        )


class IndicatorForm(TextLimits, forms.Form):
    text = forms.CharField(label="New indicator", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.textarea("text", rows=2), Button.secondary("add", "Add indicator"))


class IndicatorEditForm(TextLimits, forms.Form):
    text = forms.CharField(label="Indicator", widget=forms.Textarea(attrs={"rows": 3}))
    is_active = forms.BooleanField(
        label="In use", required=False, help_text="Untick to retire it: letters that used it keep it."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.textarea("text", rows=3), Field.checkbox("is_active"), Button("save", "Save"))


class DismissForm(TextLimits, forms.Form):
    text_labels = {"reason": "The reason for dismissing it"}

    reason = forms.CharField(label="Why is this suggestion dismissed?", widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.textarea("reason", rows=4), Button.warning("dismiss", "Dismiss suggestion"))
