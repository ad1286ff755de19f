"""The schools register: schools, trusts, wards, establishment types, Ofsted inspections and
performance measures, and the record of every import that filled them.

This module holds the register itself (schools, trusts, wards, governor seats), term dates and
letterheads; beside it, imported at its end, are Ofsted inspections (models_ofsted) and each
school's latest judgement (models_judgement), performance results (models_performance), import
records (models_imports) and ward councillors with their alerts (models_councillors)."""

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
    address3 = models.CharField("address line 3", max_length=200, blank=True)
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
    gias_ofsted_last_inspection = models.DateField("last Ofsted inspection (GIAS)", null=True, blank=True)
    gias_last_changed = models.DateField("last changed in GIAS", null=True, blank=True)

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
            models.Index(fields=["phase"], name="school_phase"),  # the phases held (selectors.phases)
            # The schools with a visits entitlement and a category to review (open, not proposed:
            # visits.compliance.NO_ENTITLEMENT_STATUSES), found by type from this small index rather
            # than by reading every school: the dashboard's, compliance's and reviews' base set.
            models.Index(
                fields=["establishment_type", "id"],
                name="school_entitled_by_type",
                condition=~models.Q(status__in=["closed", "proposed_to_open"]),
            ),
            # The open schools by type with every column the officer's Ofsted summary, the outcomes
            # table and its lists group or count by: read from the index alone, not the wide rows.
            models.Index(
                fields=["establishment_type", "id"],
                name="school_open_by_type",
                include=["phase", "la_code", "number_on_roll"],
                condition=~models.Q(status="closed"),
            ),
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


# The seats that sit for the school: on its MSP group (visits.msp_members, ADR 0031), reading the
# minutes of the meetings attended, and so reading case material (accounts.rules.case_access).
SCHOOL_MEMBER_SEATS = (GovernorRole.CHAIR, GovernorRole.VICE_CHAIR)


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


def academic_year_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


# The path of an import's stored file: its migration names it here (ImportRecord is in models_imports).
def import_upload_path(instance, filename):
    return f"imports/{instance.kind}/{instance.sha256}/{filename}"


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


# Each school's Ofsted inspections and latest judgement (issue 11), performance results, import
# records, and ward councillors with their alerts, each in its own module: Django registers their
# models when this module imports them, and callers import them from here.
from .models_councillors import (  # noqa: E402, F401
    ALERT_RETRYING_PREFIX,
    Councillor,
    ElectedMemberAlert,
    ElectedMemberAlertKind,
)
from .models_imports import RUNNING_STATUSES, ImportKind, ImportRecord, ImportRowError, ImportStatus  # noqa: E402, F401
from .models_judgement import LatestJudgement  # noqa: E402, F401
from .models_ofsted import (  # noqa: E402, F401
    GRADED_JUDGEMENTS,
    REPORT_CARD_AREAS,
    CategoryOfConcern,
    OfstedFramework,
    OfstedGrade,
    OfstedInspection,
    ReportCardGrade,
)
from .models_performance import (  # noqa: E402, F401
    COMPARED_TO_NATIONAL_WORDS,
    MeasureUnit,
    PerformanceMeasure,
    PerformanceResult,
)
