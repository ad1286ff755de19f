"""The schools register: schools, trusts, wards, establishment types, Ofsted inspections and
performance measures, and the record of every import that filled them."""

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from simple_history.models import HistoricalRecords


class Governance(models.TextChoices):
    MAINTAINED = "maintained", "LA maintained"
    ACADEMY = "academy", "Academy or free school"
    OTHER = "other", "Other (independent, college, other)"


# GIAS establishment type groups (see fixtures/gias/establishment_types_20250109.csv).
MAINTAINED_GROUP = 4
MAINTAINED_SPECIAL_TYPES = {7, 12}  # community special, foundation special
ACADEMY_GROUPS = {10, 11}  # academies, free schools


def governance_for(type_code: int, group_code: int | None) -> str:
    """Whether a GIAS establishment type is one of the LA's own schools, an academy, or neither."""
    if group_code == MAINTAINED_GROUP or type_code in MAINTAINED_SPECIAL_TYPES:
        return Governance.MAINTAINED
    if group_code in ACADEMY_GROUPS:
        return Governance.ACADEMY
    return Governance.OTHER


class EstablishmentType(models.Model):
    code = models.PositiveSmallIntegerField(primary_key=True)
    name = models.CharField(max_length=200)
    group_code = models.PositiveSmallIntegerField(null=True, blank=True)
    group_name = models.CharField(max_length=200, blank=True)
    governance = models.CharField(max_length=12, choices=Governance.choices)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.name


class Trust(models.Model):
    """A multi-academy trust (GIAS "Trusts (code)"). CEO, chair and postal address are kept by the LA."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=255)
    ceo_name = models.CharField("chief executive", max_length=200, blank=True)
    chair_name = models.CharField("chair of trustees", max_length=200, blank=True)
    address = models.TextField(
        "postal address", blank=True, help_text="The trust's office, a line each; letters to the trust go here"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.address.splitlines() if line.strip()]


class Ward(models.Model):
    """An electoral ward (GIAS "AdministrativeWard")."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class SchoolStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    PROPOSED_TO_CLOSE = "proposed_to_close", "Open, but proposed to close"
    PROPOSED_TO_OPEN = "proposed_to_open", "Proposed to open"


class HeadAppointment(models.TextChoices):
    SUBSTANTIVE = "substantive", "Substantive"
    INTERIM = "interim", "Interim or acting"
    UNKNOWN = "unknown", "Not known"


class SchoolQuerySet(models.QuerySet):
    def open(self) -> Self:
        return self.exclude(status=SchoolStatus.CLOSED)

    def maintained(self) -> Self:
        return self.filter(establishment_type__governance=Governance.MAINTAINED)

    def academies(self) -> Self:
        return self.filter(establishment_type__governance=Governance.ACADEMY)


class School(models.Model):
    """One establishment of the GIAS register. Register fields are overwritten by GIAS imports;
    the LA-kept fields (link adviser, headteacher's start and appointment, chair of governors) are
    never touched by an import."""

    urn = models.PositiveIntegerField("URN", unique=True)
    la_code = models.CharField("LA code", max_length=3)
    la_name = models.CharField("local authority", max_length=100, blank=True)
    establishment_number = models.CharField(max_length=4, blank=True)
    name = models.CharField(max_length=255)
    establishment_type = models.ForeignKey(EstablishmentType, on_delete=models.PROTECT, related_name="schools")
    phase = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=20, choices=SchoolStatus.choices, default=SchoolStatus.OPEN)
    open_date = models.DateField(null=True, blank=True)
    close_date = models.DateField(null=True, blank=True)
    low_age = models.PositiveSmallIntegerField(null=True, blank=True)
    high_age = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=20, blank=True)
    religious_character = models.CharField(max_length=100, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    number_on_roll = models.PositiveIntegerField(null=True, blank=True)
    percentage_fsm = models.DecimalField(
        "pupils eligible for free school meals (%)", max_digits=5, decimal_places=1, null=True, blank=True
    )
    trust = models.ForeignKey(Trust, null=True, blank=True, on_delete=models.SET_NULL, related_name="schools")
    ward = models.ForeignKey(Ward, null=True, blank=True, on_delete=models.SET_NULL, related_name="schools")
    street = models.CharField(max_length=200, blank=True)
    locality = models.CharField(max_length=200, blank=True)
    address3 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    county = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    website = models.CharField(max_length=255, blank=True)
    telephone = models.CharField(max_length=40, blank=True)
    head_title = models.CharField(max_length=30, blank=True)
    head_first_name = models.CharField(max_length=100, blank=True)
    head_last_name = models.CharField(max_length=100, blank=True)
    head_job_title = models.CharField(max_length=200, blank=True)
    gias_ofsted_rating = models.CharField("Ofsted rating (GIAS)", max_length=60, blank=True)
    gias_ofsted_last_inspection = models.DateField(null=True, blank=True)
    gias_last_changed = models.DateField(null=True, blank=True)

    # Kept by the LA, never by an import.
    head_start_date = models.DateField("headteacher's start date", null=True, blank=True)
    head_appointment = models.CharField(
        "headteacher's appointment", max_length=12, choices=HeadAppointment.choices, default=HeadAppointment.UNKNOWN
    )
    chair_of_governors = models.CharField(max_length=200, blank=True)
    link_adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="link_schools"
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The audit history is read per school (by id, newest first), so its table carries only those
    # indexes: copying the register's indexes would double the cost of writing an England import.
    history = HistoricalRecords(
        excluded_fields=["updated_at"],
        no_db_index=["urn", "establishment_type", "trust", "ward", "link_adviser"],
    )
    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        # Plain btree indexes (Meta.indexes, not db_index) so PostgreSQL gets no unused LIKE indexes.
        # Name searches use a trigram index on UPPER(name), PostgreSQL only (migration 0009,
        # docs/adr/0019); a postcode search the functional index below, on either database.
        indexes = [
            models.Index(fields=["name"]),
            models.Index(fields=["la_code", "name"]),
            models.Index(Upper("postcode"), name="school_postcode_upper"),
        ]

    def __str__(self):
        return f"{self.name} ({self.urn})"

    def get_absolute_url(self):
        return reverse("schools:detail", kwargs={"urn": self.urn})

    @property
    def laestab(self) -> str:
        return f"{self.la_code}{self.establishment_number}" if self.establishment_number else ""

    @property
    def is_maintained(self) -> bool:
        return self.establishment_type.governance == Governance.MAINTAINED

    @property
    def is_academy(self) -> bool:
        return self.establishment_type.governance == Governance.ACADEMY

    @property
    def headteacher(self) -> str:
        return " ".join(p for p in (self.head_title, self.head_first_name, self.head_last_name) if p)

    @property
    def address_lines(self) -> list[str]:
        return [p for p in (self.street, self.locality, self.address3, self.town, self.county, self.postcode) if p]


class GovernorRole(models.TextChoices):
    CHAIR = "chair", "Chair of governors"
    VICE_CHAIR = "vice_chair", "Vice-chair of governors"
    MEMBER = "member", "Governor"


class Governorship(models.Model):
    """A governor user's seat on one school's governing body: what scopes everything they see."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="governorships")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="governorships")
    role = models.CharField(max_length=12, choices=GovernorRole.choices, default=GovernorRole.MEMBER)

    history = HistoricalRecords()

    class Meta:
        ordering = ["school__name"]
        constraints = [models.UniqueConstraint(fields=["user", "school"], name="unique_governorship")]

    def __str__(self):
        return f"{self.user} - {self.get_role_display()}, {self.school.name}"


class OfstedFramework(models.TextChoices):
    GRADED = "graded", "Graded inspection (grades 1 to 4)"
    UNGRADED = "ungraded", "Ungraded inspection"
    REPORT_CARD = "report_card", "Report card (from November 2025)"


class OfstedGrade(models.IntegerChoices):
    OUTSTANDING = 1, "Outstanding"
    GOOD = 2, "Good"
    REQUIRES_IMPROVEMENT = 3, "Requires improvement"
    INADEQUATE = 4, "Inadequate"


class ReportCardGrade(models.IntegerChoices):
    """Ofsted's five-point report-card scale, numbered so that a larger number means more concern,
    as on the legacy scale. The two scales are not comparable."""

    EXCEPTIONAL = 1, "Exceptional"
    STRONG = 2, "Strong standard"
    EXPECTED = 3, "Expected standard"
    NEEDS_ATTENTION = 4, "Needs attention"
    URGENT_IMPROVEMENT = 5, "Urgent improvement"


class CategoryOfConcern(models.TextChoices):
    NONE = "", "None"
    SPECIAL_MEASURES = "SM", "Special measures"
    SERIOUS_WEAKNESSES = "SWK", "Serious weaknesses"
    SIGNIFICANT_IMPROVEMENT = "RSI", "Requires significant improvement"


# The graded judgements and report-card areas, in the order Ofsted lists them.
GRADED_JUDGEMENTS = [
    ("overall_effectiveness", "Overall effectiveness"),
    ("quality_of_education", "Quality of education"),
    ("behaviour_and_attitudes", "Behaviour and attitudes"),
    ("personal_development", "Personal development"),
    ("leadership_and_management", "Leadership and management"),
    ("early_years", "Early years provision"),
    ("sixth_form", "Sixth form provision"),
]
REPORT_CARD_AREAS = [
    ("rc_inclusion", "Inclusion"),
    ("rc_curriculum_and_teaching", "Curriculum and teaching"),
    ("rc_achievement", "Achievement"),
    ("rc_attendance_and_behaviour", "Attendance and behaviour"),
    ("rc_personal_development", "Personal development and wellbeing"),
    ("rc_leadership_and_governance", "Leadership and governance"),
    ("rc_early_years", "Early years"),
    ("rc_post_16", "Post-16 provision"),
]


def _grade_field(label, choices):
    return models.PositiveSmallIntegerField(label, choices=choices, null=True, blank=True)


class OfstedInspection(models.Model):
    """One inspection of a school, under either framework (both are kept; they are not comparable)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="inspections")
    inspection_number = models.CharField(max_length=20, unique=True)
    framework = models.CharField(max_length=12, choices=OfstedFramework.choices)
    inspection_type = models.CharField(max_length=100, blank=True)
    start_date = models.DateField()
    publication_date = models.DateField(null=True, blank=True)
    category_of_concern = models.CharField(max_length=3, choices=CategoryOfConcern.choices, blank=True, default="")
    outcome = models.CharField(max_length=200, blank=True, help_text="Ungraded inspection outcome, as Ofsted words it")

    overall_effectiveness = _grade_field("overall effectiveness", OfstedGrade.choices)
    quality_of_education = _grade_field("quality of education", OfstedGrade.choices)
    behaviour_and_attitudes = _grade_field("behaviour and attitudes", OfstedGrade.choices)
    personal_development = _grade_field("personal development", OfstedGrade.choices)
    leadership_and_management = _grade_field("leadership and management", OfstedGrade.choices)
    early_years = _grade_field("early years provision", OfstedGrade.choices)
    sixth_form = _grade_field("sixth form provision", OfstedGrade.choices)
    safeguarding_effective = models.BooleanField("safeguarding is effective", null=True, blank=True)

    rc_inclusion = _grade_field("inclusion", ReportCardGrade.choices)
    rc_curriculum_and_teaching = _grade_field("curriculum and teaching", ReportCardGrade.choices)
    rc_achievement = _grade_field("achievement", ReportCardGrade.choices)
    rc_attendance_and_behaviour = _grade_field("attendance and behaviour", ReportCardGrade.choices)
    rc_personal_development = _grade_field("personal development and wellbeing", ReportCardGrade.choices)
    rc_leadership_and_governance = _grade_field("leadership and governance", ReportCardGrade.choices)
    rc_early_years = _grade_field("early years", ReportCardGrade.choices)
    rc_post_16 = _grade_field("post-16 provision", ReportCardGrade.choices)
    safeguarding_met = models.BooleanField("safeguarding standards met", null=True, blank=True)

    class Meta:
        ordering = ["school", "-start_date"]
        indexes = [models.Index(fields=["school", "-start_date"])]

    def __str__(self):
        return f"{self.school.name}: {self.get_framework_display()} {self.start_date:%d/%m/%Y}"

    @property
    def is_report_card(self) -> bool:
        return self.framework == OfstedFramework.REPORT_CARD

    def judgements(self) -> list[tuple[str, str]]:
        """(label, grade label) for each judgement this inspection made, in Ofsted's order."""
        fields = REPORT_CARD_AREAS if self.is_report_card else GRADED_JUDGEMENTS
        return [(label, getattr(self, f"get_{name}_display")()) for name, label in fields if getattr(self, name)]

    @property
    def safeguarding_label(self) -> str:
        value = self.safeguarding_met if self.is_report_card else self.safeguarding_effective
        if value is None:
            return ""
        if self.is_report_card:
            return "Met" if value else "Not met"
        return "Effective" if value else "Not effective"

    @property
    def headline(self) -> str:
        """A one-line summary: overall grade, or the report card's weakest area."""
        if self.category_of_concern:
            return self.get_category_of_concern_display()
        if self.framework == OfstedFramework.UNGRADED:
            return self.outcome or "Ungraded inspection"
        if not self.is_report_card:
            return self.get_overall_effectiveness_display() if self.overall_effectiveness else "Not graded overall"
        grades = [getattr(self, name) for name, _ in REPORT_CARD_AREAS if getattr(self, name)]
        if not grades:
            return "Report card"
        return f"Report card (lowest area: {ReportCardGrade(max(grades)).label.lower()})"


class MeasureUnit(models.TextChoices):
    PERCENT = "percent", "Per cent"
    SCORE = "score", "Score"
    RATE = "rate", "Rate per 100 pupils"
    POINTS = "points", "Percentage points"


class PerformanceMeasure(models.Model):
    """A measure of the "See data" criteria: reference data, extendable by the admin."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=10, choices=MeasureUnit.choices)
    higher_is_better = models.BooleanField(default=True)
    phase = models.CharField(max_length=40, blank=True, help_text="Key stage or phase the measure applies to")
    is_attainment = models.BooleanField(
        default=False, help_text="Counts as attainment for the categorisation data statements"
    )
    is_attendance = models.BooleanField(default=False, help_text="Counts as attendance for the data statements")
    display_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["display_order", "name"]

    def __str__(self):
        return self.name


class PerformanceResult(models.Model):
    """A school's value of a measure in an academic year, with the national comparator."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="performance")
    measure = models.ForeignKey(PerformanceMeasure, on_delete=models.PROTECT, related_name="results")
    academic_year = models.PositiveSmallIntegerField(help_text="Year the academic year starts: 2024 is 2024/25")
    value = models.DecimalField(max_digits=8, decimal_places=2)
    national_value = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["school", "measure__display_order", "academic_year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "measure", "academic_year"], name="unique_performance_result")
        ]

    def __str__(self):
        return f"{self.school.urn} {self.measure.code} {self.academic_year_label}: {self.value}"

    @property
    def academic_year_label(self) -> str:
        return academic_year_label(self.academic_year)

    @property
    def difference(self):
        return None if self.national_value is None else self.value - self.national_value

    @property
    def compared_to_national(self) -> str:
        """above / in line / below national, from the pupils' point of view (lower absence is better)."""
        if self.national_value is None:
            return ""
        diff = self.value - self.national_value
        if diff == 0:
            return "in line"
        better = (diff > 0) == self.measure.higher_is_better
        return "better" if better else "worse"

    @property
    def compared_to_national_words(self) -> str:
        """The comparison as a phrase a screen reader says after the value: "better than national",
        "worse than national", "in line with national" (never "in line than national")."""
        return COMPARED_TO_NATIONAL_WORDS.get(self.compared_to_national, "")


COMPARED_TO_NATIONAL_WORDS = {
    "better": "better than national",
    "worse": "worse than national",
    "in line": "in line with national",
}


def academic_year_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


class ImportKind(models.TextChoices):
    GIAS = "gias", "GIAS establishments"
    OFSTED = "ofsted", "Ofsted inspections"
    PERFORMANCE = "performance", "Performance measures"
    COUNCILLORS = "councillors", "Ward councillors"


class ImportStatus(models.TextChoices):
    CHECKING = "checking", "Checking the file"
    PREVIEWED = "previewed", "Previewed, waiting for confirmation"
    IMPORTING = "importing", "Importing"
    COMMITTED = "committed", "Imported"
    REFUSED = "refused", "Refused"
    FAILED = "failed", "Stopped by an error (nothing changed)"
    CANCELLED = "cancelled", "Cancelled"
    DRY_RUN = "dry_run", "Dry run (nothing changed)"
    NOTHING_TO_IMPORT = "nothing", "Nothing to import"


RUNNING_STATUSES = (ImportStatus.CHECKING, ImportStatus.IMPORTING)


def import_upload_path(instance, filename):
    return f"imports/{instance.kind}/{instance.sha256}/{filename}"


class ImportRecord(models.Model):
    """Who imported what, when, and with what result: kept for every upload and command run."""

    kind = models.CharField(max_length=12, choices=ImportKind.choices)
    status = models.CharField(max_length=12, choices=ImportStatus.choices)
    source = models.CharField(
        max_length=10, choices=[("web", "Browser upload"), ("command", "Command"), ("schedule", "Scheduled")]
    )
    original_filename = models.CharField(max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    size_bytes = models.PositiveBigIntegerField(default=0)
    file = models.FileField(upload_to=import_upload_path, blank=True, max_length=400)
    options = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="imports"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    committed_at = models.DateTimeField(null=True, blank=True)

    rows_total = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0, help_text="Rows for other local authorities")
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True, help_text="Why a file was refused, or a note on the result")
    errors = models.JSONField(default=list, blank=True, help_text="[{row, column, value, message}], first 1,000")
    error_count = models.PositiveIntegerField(default=0)
    changes = models.JSONField(default=list, blank=True, help_text="A sample of the creates and updates")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} import {self.pk} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("schools:import_detail", kwargs={"pk": self.pk})

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES


class TermName(models.TextChoices):
    AUTUMN = "autumn", "Autumn"
    SPRING = "spring", "Spring"
    SUMMER = "summer", "Summer"


class Term(models.Model):
    """One of the LA's three terms of an academic year, with its half-term break. Years the LA has
    not entered use England defaults (schools.terms.default_terms)."""

    academic_year = models.PositiveSmallIntegerField(help_text="Year the academic year starts: 2026 is 2026/27")
    name = models.CharField(max_length=6, choices=TermName.choices)
    starts_on = models.DateField()
    half_term_starts_on = models.DateField(help_text="First day of the half-term holiday")
    half_term_ends_on = models.DateField(help_text="Last day of the half-term holiday")
    ends_on = models.DateField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["academic_year", "starts_on"]
        constraints = [models.UniqueConstraint(fields=["academic_year", "name"], name="unique_term")]

    def __str__(self):
        return f"{self.get_name_display()} {academic_year_label(self.academic_year)}"


class Councillor(models.Model):
    """An elected member for a ward: alerted when a school in their ward causes significant concern."""

    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="councillors")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    party = models.CharField(max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["ward__name", "name"]
        constraints = [models.UniqueConstraint(fields=["ward", "name"], name="unique_councillor_per_ward")]

    def __str__(self):
        return f"Cllr {self.name} ({self.ward.name})"


class ElectedMemberAlertKind(models.TextChoices):
    HIGH_SUPPORT = "high_support", "School categorised as high support"
    WARNING_NOTICE = "warning_notice", "Warning notice issued"
    SIGNIFICANT_CONCERNS = "significant_concerns", "Significant concerns letter (top tier) issued"


ALERT_RETRYING_PREFIX = "Not sent yet (trying again)"


class ElectedMemberAlert(models.Model):
    """The record that a school's ward councillors were alerted (DESIGN: recorded and emailed)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="elected_member_alerts")
    kind = models.CharField(max_length=24, choices=ElectedMemberAlertKind.choices)
    summary = models.TextField()
    recipients = models.JSONField(default=list, blank=True, help_text='["Name <email>", ...]')
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.school.name}"

    @property
    def status(self) -> str:
        if self.sent_at:
            return "Sent"
        if self.error.startswith(ALERT_RETRYING_PREFIX):
            return "Trying again"  # the mail server failed; the task queue tries again (schools.tasks)
        if self.error:
            return "Not sent"
        return "Waiting to send"


def letterhead_logo_path(instance, filename):
    return f"letterheads/{instance.la_code}/{filename}"


DEFAULT_DIRECTORATE = "Education Directorate\nSchool Improvement Service"
DEFAULT_SIGNATORY_TITLE = "Service Director for Education"


class Letterhead(models.Model):
    """The heading and signature of every document sent to the schools of one local authority
    (letters, notices of intention, notes of visit), set once by the council in the app. A
    deployment managing several LA codes (a joint service) has one per LA code; each school's
    documents use its own LA's (School.la_code). The logo is a PNG or JPEG checked and re-encoded
    when uploaded (schools.logos), kept under MEDIA_ROOT and never served from a public URL."""

    la_code = models.CharField("LA code", max_length=3, unique=True)
    council_name = models.CharField("council name", max_length=150)
    directorate = models.TextField(
        "directorate and service", blank=True, help_text="One line per line, e.g. Education Directorate"
    )
    address = models.TextField("address and contact details", blank=True, help_text="One line per line")
    logo = models.FileField(upload_to=letterhead_logo_path, blank=True, max_length=200)
    signatory_name = models.CharField("signatory's name", max_length=150, blank=True)
    signatory_title = models.TextField(
        "signatory's title", blank=True, help_text="Job title and organisation, one per line"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    # Not a field: schools.selectors.letterheads says whether the council has saved this one.
    is_set: bool

    class Meta:
        ordering = ["la_code"]

    def __str__(self):
        return f"Letterhead of {self.council_name} (LA {self.la_code})"

    @classmethod
    def default_for(cls, la_code: str) -> "Letterhead":
        """An unsaved letterhead with the values every deployment started with: used for an LA
        code that has none yet, so that documents never fail for want of one."""
        return cls(
            la_code=la_code,
            council_name=settings.COUNCIL_NAME,
            directorate=DEFAULT_DIRECTORATE,
            signatory_title=f"{DEFAULT_SIGNATORY_TITLE}\n{settings.COUNCIL_NAME}",
        )

    @property
    def lines(self) -> list[str]:
        """Council name, then the directorate's and the address's lines."""
        return [self.council_name, *_lines(self.directorate), *_lines(self.address)]

    @property
    def address_lines(self) -> list[str]:
        return _lines(self.address)

    @property
    def directorate_lines(self) -> list[str]:
        return _lines(self.directorate)

    @property
    def signatory_lines(self) -> list[str]:
        return [line for line in [self.signatory_name.strip(), *_lines(self.signatory_title)] if line]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# Each school's latest judgement, stored (issue 11), in its own module.
from .models_judgement import LatestJudgement  # noqa: E402, F401
