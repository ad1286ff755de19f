"""Forms for a categorisation framework, its areas and statements (the LA's criteria as data): the
shape of input, and the services' *_problems named with the fields' own errors, so one submission
shows every problem (ADR 0070); the services check them again when they write."""

from datetime import timedelta

from crispy_forms_gds.layout import HTML, Field, Fieldset, Size
from django import forms
from django.utils import timezone
from django.utils.html import format_html

from core.forms import Button, GovDateField, TextLimits, date_example, date_input, form_helper

from .facts import FactKey
from .forms import add_rule_errors
from .models import SupportLevel
from .services_frameworks import (
    area_problems,
    criterion_problems,
    framework_activation_problems,
    framework_name_problems,
)

NAME_REQUIRED = "Enter a name for the framework"
CODE_REQUIRED = "Enter a code"
AREA_NAME_REQUIRED = "Enter the area's name"
TEXT_REQUIRED = "Enter the statement, word for word"
LEVEL_CHOICE_REQUIRED = "Choose the support level of the statement"
DATE_REQUIRED = "Enter the date from which the framework is in use"
COUNT_INVALID = "Enter a whole number of ticks from 1 to 99, or leave it empty for no count"
COUNT_ERRORS = {"invalid": COUNT_INVALID, "min_value": COUNT_INVALID, "max_value": COUNT_INVALID}
# A new area starts with the counts of the 2022-2024 strategy's longer areas (ADR 0002).
NEW_AREA_COUNTS = {"medium_count": 2, "high_count": 3}


class FrameworkForm(TextLimits, forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": NAME_REQUIRED})
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, submit: str = "Save", framework=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework = framework  # the one edited; None for a new one
        self.helper = form_helper(Field.text("name"), Field.textarea("description"), Button("save", submit))

    def clean(self):
        cleaned = super().clean()
        add_rule_errors(self, framework_name_problems(name=cleaned.get("name") or "", framework=self.framework))
        return cleaned


class CopyFrameworkForm(TextLimits, forms.Form):
    name = forms.CharField(label="Name of the new draft", max_length=200, error_messages={"required": NAME_REQUIRED})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.text("name"), Button("copy", "Copy into a new draft"))


class ActivateForm(TextLimits, forms.Form):
    active_from = GovDateField(
        label="In use from",
        error_label="The date the framework is in use from",
    )

    def __init__(self, *args, framework=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework = framework  # None: the date alone is checked (tests of the date input)
        example = date_example(timezone.localdate() + timedelta(days=28))
        self.fields["active_from"].help_text = format_html("{}. From this day new categorisations use it.", example)
        self.fields["active_from"].error_messages["required"] = DATE_REQUIRED
        self.helper = form_helper(date_input("active_from", legend_size=Size.SMALL), Button("activate", "Activate"))

    def clean(self):
        cleaned = super().clean()
        if self.framework is not None:
            today = timezone.localdate()
            add_rule_errors(
                self,
                framework_activation_problems(
                    framework=self.framework, active_from=cleaned.get("active_from"), today=today
                ),
            )
        return cleaned


class AreaForm(TextLimits, forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": AREA_NAME_REQUIRED})
    code = forms.SlugField(
        max_length=40,
        help_text="A short identifier: letters, numbers, hyphens, e.g. inclusion",
        error_messages={"required": CODE_REQUIRED, "invalid": "Use only letters, numbers, hyphens and underscores"},
    )
    order = forms.IntegerField(min_value=0, max_value=999, initial=1, help_text="Areas are listed in this order")
    medium_count = forms.IntegerField(
        label="Ticks that make the school at least medium support",
        required=False,
        min_value=1,
        max_value=99,
        help_text=(
            "When this many of the area's statements at medium support or above are ticked, the suggestion is at "
            "least medium support, whatever the other areas say. Leave empty for no count."
        ),
        error_messages=COUNT_ERRORS,
    )
    high_count = forms.IntegerField(
        label="Ticks that make the school high support",
        required=False,
        min_value=1,
        max_value=99,
        help_text=(
            "When this many of the area's high-support statements are ticked, the suggestion is high support. "
            "Leave empty for no count."
        ),
        error_messages=COUNT_ERRORS,
    )

    def __init__(self, *args, framework=None, area=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework, self.area = framework, area  # the area's framework, and the area edited (None: new)
        self.helper = form_helper(
            Field.text("name"),
            Field.text("code", field_width=20),
            Field.text("order", field_width=4),
            Fieldset(
                HTML(
                    '<p class="govuk-body">The weight of ticks in an area counts: a long list of serious '
                    "statements is not outweighed by a few strengths.</p>"
                ),
                Field.text("medium_count", field_width=4),
                Field.text("high_count", field_width=4),
                legend="Best fit: the weight of ticks",
                legend_size=Size.SMALL,
            ),
            Button("save", "Save"),
        )

    def clean(self):
        cleaned = super().clean()
        if self.framework is not None:
            problems = area_problems(
                framework=self.framework,
                code=cleaned.get("code") or "",
                area=self.area,
                medium_count=cleaned.get("medium_count"),
                high_count=cleaned.get("high_count"),
            )
            add_rule_errors(self, problems)
        return cleaned


class CriterionForm(TextLimits, forms.Form):
    level = forms.ChoiceField(
        label="Support level", choices=SupportLevel.choices, widget=forms.RadioSelect,
        error_messages={"required": LEVEL_CHOICE_REQUIRED},
    )  # fmt: skip
    text = forms.CharField(
        label="Statement",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Word for word as the strategy or framework states it.",
        error_messages={"required": TEXT_REQUIRED},
    )
    code = forms.CharField(
        max_length=20, help_text="Unique in the framework, e.g. IN-H1", error_messages={"required": CODE_REQUIRED}
    )
    order = forms.IntegerField(min_value=0, max_value=999, initial=1)
    data_driven = forms.BooleanField(label="A data statement (See data)", required=False)
    is_safeguarding = forms.BooleanField(
        label="About safeguarding",
        required=False,
        help_text="Marks a safeguarding statement. To make it decide the suggestion when ticked, tick “Decisive”.",
    )
    decisive = forms.BooleanField(
        label="Decisive",
        required=False,
        help_text=(
            "When ticked in a categorisation, the suggestion is at least this statement's level, whatever else is "
            "ticked. For example: a warning notice in force, an Ofsted category of concern, safeguarding not met."
        ),
    )
    fact_key = forms.ChoiceField(
        label="Fact that suggests it", choices=FactKey.choices, required=False,
        help_text="When the system knows this fact about a school, the statement is pre-ticked as a suggestion.",
    )  # fmt: skip

    def __init__(self, *args, framework=None, criterion=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework, self.criterion = framework, criterion  # the statement edited (None: new)
        self.helper = form_helper(
            Field.radios("level", legend_size=Size.SMALL, inline=True),
            Field.textarea("text"),
            Field.text("code", field_width=10),
            Field.text("order", field_width=4),
            Field.checkbox("data_driven"),
            Field.checkbox("is_safeguarding"),
            Field.checkbox("decisive"),
            Field.select("fact_key"),
            Button("save", "Save"),
        )

    def clean(self):
        cleaned = super().clean()
        if self.framework is not None:
            problems = criterion_problems(
                framework=self.framework,
                code=cleaned.get("code") or "",
                fact_key=cleaned.get("fact_key") or "",
                criterion=self.criterion,
            )
            add_rule_errors(self, problems)
        return cleaned
