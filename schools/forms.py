"""Forms for the schools app: the shape of input only; rules live in services."""

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.conf import settings
from django.utils.html import format_html

from core.forms import Button, GovDateField, TextLimits, date_input, form_helper
from core.limits import LETTERHEAD_PART
from core.model_choices import ModelChoiceField
from core.text import file_size
from core.uploads import LimitedFileField, spreadsheet_kind
from core.versions import VersionedForm

from .filters import link_advisers
from .models import GovernorRole, HeadAppointment, ImportKind, School, TermName
from .terms import TERM_DATE_ERROR_LABELS

FILE_TOO_LARGE = "The file is larger than {limit}. Import it with the management command instead."
FILE_REQUIRED = "Choose a file to upload"
LA_CODES_REQUIRED = "Choose at least one local authority whose schools to keep"


class ImportUploadForm(TextLimits, forms.Form):
    file = LimitedFileField(
        label="File",
        too_large=lambda limit: FILE_TOO_LARGE.format(limit=limit),
        help_text="A CSV file (UTF-8 or Windows-1252) or an Excel workbook (.xlsx).",
        error_messages={"required": FILE_REQUIRED},
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["file"].help_text += f" No larger than {file_size(settings.IMPORT_MAX_UPLOAD_BYTES)}."
        layout = [Field("file")]
        managed = list(settings.LOCAL_AUTHORITY_CODES)
        if kind == ImportKind.GIAS and len(managed) > 1:
            # A joint service (873 and 874) may refresh one LA's schools at a time, as `import_gias --la` does.
            names = dict(
                School.objects.filter(la_code__in=managed).exclude(la_name="").values_list("la_code", "la_name")
            )
            self.fields["la_codes"] = forms.MultipleChoiceField(
                label="Local authorities whose schools to keep",
                choices=[(code, f"{code} {names[code]}" if code in names else code) for code in managed],
                initial=managed,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": LA_CODES_REQUIRED},
                help_text="Rows for the other local authorities in the file are skipped.",
            )
            layout.append(Field.checkboxes("la_codes", legend_size=Size.SMALL))
        elif kind == ImportKind.GIAS:
            self.fields["file"].help_text += f" Only schools of local authority {managed[0]} are kept."
        self.helper = form_helper(*layout, Button("upload", "Upload and preview"))

    def import_options(self) -> dict:
        """The importer's options: for GIAS, the LA codes to keep (every managed one by default)."""
        if self.kind != ImportKind.GIAS:
            return {}
        return {"la_codes": self.cleaned_data.get("la_codes") or list(settings.LOCAL_AUTHORITY_CODES)}

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(FILE_TOO_LARGE.format(limit=file_size(settings.IMPORT_MAX_UPLOAD_BYTES)))
        spreadsheet_kind(uploaded)  # CSV or .xlsx by its bytes, before anything reads it whole
        return uploaded


HEAD_START_MIN_YEAR = 1960  # the longest-serving heads in post started in the 1970s and 1980s


class SchoolDetailsForm(VersionedForm):
    """The LA's details of a school, carrying the school's version (core.versions): a GIAS import
    naming a new head after the page was opened refuses the save, so a start date is not given to
    the wrong head."""

    link_adviser = ModelChoiceField(queryset=None, required=False, empty_label="No link adviser")
    # A long-serving head may have started before the service's own records (MIN_YEAR).
    head_start_date = GovDateField(
        label="Headteacher's start date",
        required=False,
        min_year=HEAD_START_MIN_YEAR,
        help_text="For example, 1 9 2024",
    )
    head_appointment = forms.ChoiceField(label="Headteacher's appointment", choices=HeadAppointment.choices)
    chair_of_governors = forms.CharField(label="Chair of governors", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["link_adviser"].queryset = link_advisers()
        self.helper = form_helper(
            Field("link_adviser"),
            Fieldset(
                date_input("head_start_date", legend_size=Size.SMALL),
                Field.radios("head_appointment", legend_size=Size.SMALL, inline=True),
                legend="Headteacher",
                legend_size=Size.MEDIUM,
            ),
            Field.text("chair_of_governors"),
            Button("save", "Save"),
        )


NO_SUCH_SCHOOL = "There is no school with URN {urn} in the register."


class GovernorshipForm(TextLimits, forms.Form):
    """A governor's seat at the school chosen with the school picker (schools.picker) on the user
    page; the school travels as its URN in a hidden field."""

    urn = forms.IntegerField(
        label="School URN",
        min_value=100000,
        max_value=999999,
        error_messages={
            "required": "Choose the school",
            "invalid": "Enter the URN as a 6-digit number",
            "min_value": "Enter the URN as a 6-digit number",
            "max_value": "Enter the URN as a 6-digit number",
        },
        widget=forms.HiddenInput,
    )
    role = forms.ChoiceField(
        label="Role on the governing body",
        choices=GovernorRole.choices,
        help_text="A chair or vice-chair also reads the category sent to the school and the minutes of MSP meetings "
        "they attend: the account then waits for an officer to reactivate it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field("urn"),
            Field.radios("role", legend_size=Size.SMALL, inline=True),
            Button("add", "Add school"),
        )

    def clean_urn(self):
        urn = self.cleaned_data["urn"]
        school = School.objects.filter(urn=urn).first()
        if school is None:
            raise forms.ValidationError(NO_SUCH_SCHOOL.format(urn=urn))
        self.school = school
        return urn


TERM_DATE_FIELDS = [
    ("starts_on", "First day of term"),
    ("half_term_starts_on", "First day of the half-term holiday"),
    ("half_term_ends_on", "Last day of the half-term holiday"),
    ("ends_on", "Last day of term"),
]


class TermDatesForm(TextLimits, forms.Form):
    """The three terms of one academic year: four dates each."""

    def __init__(self, *args, terms, **kwargs):
        super().__init__(*args, **kwargs)
        self.academic_year = terms[0].academic_year
        fieldsets = []
        for term in terms:
            names = []
            for attribute, label in TERM_DATE_FIELDS:
                name = f"{term.name}_{attribute}"
                # "First day of term" three times on the page: its messages say which term.
                error_label = TERM_DATE_ERROR_LABELS[attribute].format(term=term.get_name_display().lower())
                self.fields[name] = GovDateField(label=label, error_label=error_label)
                self.initial.setdefault(name, getattr(term, attribute))
                names.append(date_input(name, legend_size=Size.SMALL))
            fieldsets.append(
                Fieldset(*names, legend=format_html("{} term", term.get_name_display()), legend_size=Size.MEDIUM)
            )
        self.helper = form_helper(*fieldsets, Button("save", "Save term dates"))

    def dates(self) -> dict:
        """{term name: its four dates}; None for a date not typed as a real one."""
        return {
            name: tuple(self.cleaned_data.get(f"{name}_{attribute}") for attribute, _ in TERM_DATE_FIELDS)
            for name in TermName.values
        }

    def clean(self):
        # The service's checks of the dates typed as real ones, with the boxes' own errors: one round.
        from .services import term_dates_problems

        data = super().clean()
        for field, problems in term_dates_problems(academic_year=self.academic_year, dates=self.dates()).items():
            if field == "__all__":
                self.add_error(None, problems)
            elif field not in self.errors:
                self.add_error(field, problems)
        return data


class CouncillorForm(TextLimits, forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": "Enter the councillor's name"})
    email = forms.EmailField(
        label="Email address",
        required=False,
        help_text="Alerts are emailed here; a councillor without one is not alerted",
    )
    party = forms.CharField(max_length=100, required=False)

    def __init__(self, *args, submit: str = "Add councillor", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("name", field_width=20),
            Field.text("email", field_width=30),
            Field.text("party", field_width=20),
            Button("save", submit),
        )


LOGO_FILE_TOO_LARGE = "The logo must be smaller than 1 MB"


class LetterheadForm(TextLimits, forms.Form):
    """The letterhead of one LA's documents. The logo is checked by the service (schools.logos)."""

    text_limits = dict.fromkeys(("directorate", "address", "signatory_title"), LETTERHEAD_PART)

    council_name = forms.CharField(
        label="Council name", max_length=150, error_messages={"required": "Enter the council's name"}
    )
    directorate = forms.CharField(
        label="Directorate and service",
        required=False,
        widget=forms.Textarea,
        help_text="One line per line, for example Education Directorate, then School Improvement Service.",
    )
    address = forms.CharField(
        label="Address and contact details",
        required=False,
        widget=forms.Textarea,
        help_text="One line per line: address, postcode, telephone, email.",
    )
    logo = LimitedFileField(
        label="Logo (optional)",
        too_large=lambda limit: LOGO_FILE_TOO_LARGE.format(
            limit=limit
        ),  # the upload stops at LOGO_MAX_BYTES (views.letterhead_edit)
        required=False,
        help_text="A PNG or JPEG image smaller than 1 MB. It appears at the top of every document.",
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label="Remove the logo", required=False)
    signatory_name = forms.CharField(label="Signatory's name", max_length=150, required=False)
    signatory_title = forms.CharField(
        label="Signatory's title",
        required=False,
        widget=forms.Textarea,
        help_text="Job title and organisation, one per line. Letters are signed with the name and title.",
    )

    def __init__(self, *args, has_logo: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        layout = [
            Field.text("council_name"),
            Field.textarea("directorate", rows=3),
            Field.textarea("address", rows=5),
            Field("logo"),
        ]
        if has_logo:
            layout.append(Field.checkbox("remove_logo", small=True))
        else:
            del self.fields["remove_logo"]
        self.helper = form_helper(
            Fieldset(*layout, legend="Letterhead", legend_size=Size.MEDIUM),
            Fieldset(
                Field.text("signatory_name"),
                Field.textarea("signatory_title", rows=3),
                legend="Signed by",
                legend_size=Size.MEDIUM,
            ),
            Button("save", "Save letterhead"),
        )

    def clean_logo(self):
        uploaded = self.cleaned_data.get("logo")
        if uploaded and uploaded.size > 1024 * 1024:
            raise forms.ValidationError(LOGO_FILE_TOO_LARGE)
        return uploaded
