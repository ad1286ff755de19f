from typing import cast

from crispy_forms_gds.layout import Div, Field, Size
from django import forms
from django.conf import settings

from core.forms import Button, TextLimits, form_helper
from core.uploads import FILE_EMPTY, LimitedFileField
from schools.models import academic_year_label

from .models import DigestFrequency, OutcomePhase

FREQUENCY_REQUIRED = "Choose how often to get the reminders email"


class DigestPreferenceForm(TextLimits, forms.Form):
    frequency = forms.ChoiceField(
        label="How often do you want the reminders email?",
        choices=DigestFrequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": FREQUENCY_REQUIRED},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.radios("frequency", legend_size=Size.MEDIUM), Button("save", "Save"))


# ---- the outcomes table (docs/adr/0029) ----------------------------------------------------------

YEAR_REQUIRED = "Enter the academic year, for example 2025 for 2025/26"
YEAR_OUT_OF_RANGE = "The academic year must be between {low} and {high}"
PHASE_REQUIRED = "Choose the phase"
PHASE_INVALID = "The phase must be primary, secondary or all schools"
SHARE_REQUIRED = "Enter the {what} as a percentage, for example 89.5"
SHARE_OUT_OF_RANGE = "The {what} must be between 0 and 100"
SHARE_TOO_PRECISE = "The {what} must have no more than one decimal place"
YEAR_MIN, YEAR_MAX = 2000, 2100


def _share_field(label: str, what: str) -> forms.DecimalField:
    message = SHARE_REQUIRED.format(what=what)
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=100,
        decimal_places=1,
        error_messages={
            "required": message,
            "invalid": message,
            "min_value": SHARE_OUT_OF_RANGE.format(what=what),
            "max_value": SHARE_OUT_OF_RANGE.format(what=what),
            "max_decimal_places": SHARE_TOO_PRECISE.format(what=what),
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class NationalOutcomeForm(TextLimits, forms.Form):
    """England's figure for a year and phase: a figure already entered for them is replaced."""

    year = forms.IntegerField(
        label="Academic year",
        help_text="The year it starts: 2025 for 2025/26",
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        error_messages={
            "required": YEAR_REQUIRED,
            "invalid": YEAR_REQUIRED,
            "min_value": YEAR_OUT_OF_RANGE.format(low=YEAR_MIN, high=YEAR_MAX),
            "max_value": YEAR_OUT_OF_RANGE.format(low=YEAR_MIN, high=YEAR_MAX),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    phase = forms.ChoiceField(
        label="Phase",
        choices=OutcomePhase.choices,
        widget=forms.RadioSelect,
        error_messages={"required": PHASE_REQUIRED, "invalid_choice": PHASE_INVALID},
    )
    share_of_schools = _share_field("Share of schools good or better (%)", "share of schools")
    share_of_pupils = _share_field("Share of pupils in good or better schools (%)", "share of pupils")
    source = forms.CharField(
        label="Source (optional)",
        required=False,
        help_text="For example: Ofsted, State-funded schools inspections and outcomes, as at 31 August 2025",
    )
    text_limits = {"source": 200}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("year", field_width=4),
            Field.radios("phase", legend_size=Size.SMALL, inline=True),
            Field.text("share_of_schools", field_width=4),
            Field.text("share_of_pupils", field_width=4),
            Field.text("source"),
            Button("save", "Save figure"),
            label_size="s",
        )


IMPORT_FILE_REQUIRED = "Choose a CSV file or Excel workbook of England's figures"
IMPORT_FILE_TOO_LARGE = "The file must be smaller than {limit}"
IMPORT_FILE_EMPTY = FILE_EMPTY


class NationalOutcomeImportForm(TextLimits, forms.Form):
    """England's figures from a file: columns year, phase, share_of_schools, share_of_pupils, source."""

    file = LimitedFileField(
        label="File of England's figures",
        help_text="A CSV file or Excel workbook (.xlsx) with the columns year, phase (primary, secondary or all), "
        "share_of_schools, share_of_pupils and, if you like, source. A figure already entered for a year and "
        "phase is replaced.",
        too_large=lambda limit: IMPORT_FILE_TOO_LARGE.format(limit=limit),
        error_messages={"required": IMPORT_FILE_REQUIRED},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field("file"), Button.secondary("import", "Import figures"), label_size="s")


class OutcomesFilterForm(TextLimits, forms.Form):
    """The outcomes table's filters: the LA code (as the officer dashboard's) and the year of
    England's figures. An unknown value is ignored (chosen()), never an error page."""

    la = forms.ChoiceField(label="LA code", required=False)
    year = forms.ChoiceField(label="England's figures for", required=False)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        la, year = cast(forms.ChoiceField, self.fields["la"]), cast(forms.ChoiceField, self.fields["year"])
        la.choices = [("", "Every LA")] + [(code, code) for code in settings.LOCAL_AUTHORITY_CODES]
        year.choices = [(str(y), academic_year_label(y)) for y in years] or [("", "No figures entered")]
        self.years = years
        self.valid = {"la": set(settings.LOCAL_AUTHORITY_CODES), "year": {str(y) for y in years}}
        self.helper = form_helper(
            Div(
                Div(Field("la"), css_class="govuk-grid-column-one-third"),
                Div(Field("year"), css_class="govuk-grid-column-one-third"),
                css_class="govuk-grid-row",
            ),
            Button("filter", "Apply filters"),
            label_size="s",
        )
        self.helper.form_show_errors = False

    def chosen(self) -> dict[str, str]:
        if not self.is_bound:
            return {}
        chosen = {}
        for name in ("la", "year"):
            value = self.data.get(name, "")
            if value in self.valid[name]:
                chosen[name] = value
        return chosen

    def year_shown(self) -> int | None:
        """The chosen year, else the latest entered (None when none is)."""
        chosen = self.chosen().get("year")
        return int(chosen) if chosen else (self.years[0] if self.years else None)
