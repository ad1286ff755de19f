"""Letters to schools (strategy "Letters to schools"; DESIGN.md "Letters").

Letter types and their indicators are data (loaded word for word from the strategy by a data
migration, editable afterwards); each type has one LA-editable template. A letter goes draft ->
submitted -> approved (or returned) -> issued; an issued letter keeps the exact content sent and
its PDF and Word files. A warning notice (Education and Inspections Act 2006 s60) carries its
grounds and compliance period, and its progress towards eligibility for intervention lives in
WarningNoticeProgress.

Beside this module, imported at its end: a warning notice's progress (models_warning_notices), the
letters suggested (models_suggestions) and action plans (models_action_plans)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from schools.models import School


class LetterKind(models.TextChoices):
    """What a letter type *does* in the system (its name and indicators are data)."""

    CONGRATULATIONS = "congratulations", "Congratulations letter"
    SIGNIFICANT_CONCERNS = "significant_concerns", "Significant concerns letter"
    WARNING_NOTICE = "warning_notice", "Warning notice"
    SIGNIFICANT_CONCERNS_TOP = "significant_concerns_top", "Significant concerns (top tier)"
    # Letters to an academy's trust (strategy "Where the LA has concerns about an Academy"; drafted from
    # the academy concern they belong to, academies app).
    TRUST_CHAIR_MEETING = "trust_chair_meeting", "Letter to the chair of the academy trust seeking a meeting"
    TRUST_CEO_CONCERN = "trust_ceo_concern", "Letter of concern to the trust's chief executive"


# The letters written to an academy's trust rather than to a school's governing body and headteacher.
TRUST_LETTER_KINDS = frozenset({LetterKind.TRUST_CHAIR_MEETING, LetterKind.TRUST_CEO_CONCERN})
# Whom a letter to a trust is addressed to: the Trust field holding the name, and the title after it.
TRUST_ADDRESSEE = {
    LetterKind.TRUST_CHAIR_MEETING: ("chair_name", "Chair of Trustees"),
    LetterKind.TRUST_CEO_CONCERN: ("ceo_name", "Chief Executive"),
}
# The letters of concern to a school, the steps of the Part 4 ladder (maintained schools only).
SCHOOL_CONCERN_KINDS = frozenset(
    {LetterKind.SIGNIFICANT_CONCERNS, LetterKind.WARNING_NOTICE, LetterKind.SIGNIFICANT_CONCERNS_TOP}
)


class LetterType(models.Model):
    code = models.CharField(max_length=30, choices=LetterKind.choices, unique=True)
    name = models.CharField(max_length=120)
    symbol = models.CharField(max_length=10, blank=True, help_text="As the strategy marks it: ✔, ⚠, ⚠⚠, ⚠⚠⚠")
    introduction = models.CharField(
        max_length=200, blank=True, help_text="The strategy's line before the indicators, if any"
    )
    order = models.PositiveSmallIntegerField(default=0)
    second_officer_approval = models.BooleanField(
        "a second officer must approve",
        default=False,
        help_text="The LA's setting for congratulations and significant concerns letters; a warning notice and a "
        "top-tier letter always need a second officer (letters.rules.second_officer_approval_required)",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["order"]

    def __str__(self):
        return self.name

    @property
    def needs_second_officer(self) -> bool:
        """Whether the officer who drafted, changed or submitted a letter of this type may not
        approve it (letters.rules.second_officer_approval_required)."""
        from .rules import second_officer_approval_required

        return second_officer_approval_required(code=self.code, setting=self.second_officer_approval)

    @property
    def second_officer_always(self) -> bool:
        """The law of the service, not a setting: a warning notice and a top-tier letter."""
        from .rules import SECOND_OFFICER_ALWAYS

        return self.code in SECOND_OFFICER_ALWAYS

    @property
    def is_warning_notice(self) -> bool:
        return self.code == LetterKind.WARNING_NOTICE

    @property
    def alerts_councillors(self) -> bool:
        """Issuing it alerts the ward's elected members (strategy: "Elected Members are alerted if a
        school in their ward is causing significant concern")."""
        return self.code in (LetterKind.WARNING_NOTICE, LetterKind.SIGNIFICANT_CONCERNS_TOP)

    @property
    def is_concern(self) -> bool:
        """A letter of concern to a school (significant concerns, either tier, or a warning notice)."""
        return self.code in SCHOOL_CONCERN_KINDS

    @property
    def is_trust_letter(self) -> bool:
        """Written to an academy's trust (its chair or chief executive), not to the school."""
        return self.code in TRUST_LETTER_KINDS


class Indicator(models.Model):
    """One indicator of a letter type's list, e.g. "A drop in Ofsted rating." The code is stable so
    that suggestions can tick it even after the LA rewords the text."""

    letter_type = models.ForeignKey(LetterType, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(max_length=60)
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True, help_text="Retired indicators stay on the letters that used them")

    history = HistoricalRecords()

    class Meta:
        ordering = ["letter_type__order", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["letter_type", "code"], name="unique_indicator_code")]

    def __str__(self):
        return self.text


class LetterTemplate(models.Model):
    """The LA's wording for a letter type: subject and body, with placeholders
    (letters.placeholders) checked when the template is saved. The letterhead and the signatory
    are the school's local authority's (schools.models.Letterhead), the same for every type."""

    letter_type = models.OneToOneField(LetterType, on_delete=models.CASCADE, related_name="template")
    subject = models.CharField(max_length=300)
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    def __str__(self):
        return f"Template: {self.letter_type.name}"


class LetterStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Awaiting approval"
    RETURNED = "returned", "Returned for changes"
    APPROVED = "approved", "Approved, awaiting issue"
    ISSUED = "issued", "Issued"
    WITHDRAWN = "withdrawn", "Withdrawn"


EDITABLE_STATUSES = (LetterStatus.DRAFT, LetterStatus.RETURNED)
IN_PROGRESS_STATUSES = (LetterStatus.DRAFT, LetterStatus.SUBMITTED, LetterStatus.RETURNED, LetterStatus.APPROVED)


class Ground(models.TextChoices):
    """Education and Inspections Act 2006 s60(2): the grounds on which a warning notice may be given."""

    LOW_STANDARDS = (
        "a",
        "(a) the standards of performance of pupils at the school are unacceptably low, and are likely to "
        "remain so unless the authority exercise their powers under Part 4 of the Act",
    )
    BREAKDOWN = (
        "b",
        "(b) there has been a serious breakdown in the way the school is managed or governed which is "
        "prejudicing, or likely to prejudice, such standards of performance",
    )
    SAFETY = (
        "c",
        "(c) the safety of pupils or staff of the school is threatened (whether by a breakdown of discipline "
        "or otherwise)",
    )


GROUND_SHORT = {
    Ground.LOW_STANDARDS: "(a) unacceptably low standards of performance",
    Ground.BREAKDOWN: "(b) serious breakdown in management or governance",
    Ground.SAFETY: "(c) safety of pupils or staff threatened",
}


def letter_file_path(instance, filename):
    return f"letters/{instance.pk}/{filename}"


def intention_file_path(instance, filename):
    return f"letters/{instance.letter_id}/{filename}"


class DocumentsStatus(models.TextChoices):
    """Where an issued letter's (or notice of intention's) PDF and Word files are: they are produced
    by a background task once the issue is recorded (letters.tasks, docs/adr/0014)."""

    PENDING = "pending", "Being produced"
    READY = "ready", "Ready"
    FAILED = "failed", "Could not be produced"


class Letter(models.Model):
    letter_type = models.ForeignKey(LetterType, on_delete=models.PROTECT, related_name="letters")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="letters")
    status = models.CharField(max_length=10, choices=LetterStatus.choices, default=LetterStatus.DRAFT, db_index=True)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="letters")

    # Warning notices only (s60(2) grounds, s60(4)(c) compliance period).
    ground_a = models.BooleanField(default=False)
    ground_b = models.BooleanField(default=False)
    ground_c = models.BooleanField(default=False)
    compliance_end_date = models.DateField("end of the compliance period", null=True, blank=True)

    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="drafted_letters"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Set when issued, never changed afterwards.
    issued_on = models.DateField("date of issue", null=True, blank=True, db_index=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipients = models.JSONField(default=list, blank=True, help_text='[{"role": ..., "name": ...}]')
    copies = models.JSONField(default=list, blank=True, help_text="Who else received a copy")
    issued_content = models.JSONField(default=dict, blank=True, help_text="The letter exactly as issued")
    pdf = models.FileField(upload_to=letter_file_path, blank=True, max_length=300)
    docx = models.FileField(upload_to=letter_file_path, blank=True, max_length=300)
    documents_status = models.CharField(max_length=8, choices=DocumentsStatus.choices, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[indicators])

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["school", "status"]),
            models.Index(fields=["status", "compliance_end_date"]),
            # The register, newest first: a page of it read from the index, not all letters sorted.
            models.Index(fields=["-created_at", "-id"], name="letter_newest_first"),
        ]

    def __str__(self):
        return f"{self.letter_type.name} to {self.school.name} ({self.reference})"

    def get_absolute_url(self):
        return reverse("letters:detail", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return f"SI-{self.pk:05d}" if self.pk else "SI-NEW"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_issued(self) -> bool:
        return self.status == LetterStatus.ISSUED

    @property
    def is_withdrawn(self) -> bool:
        return self.status == LetterStatus.WITHDRAWN

    @property
    def may_be_withdrawn(self) -> bool:
        """Until it is issued (letters.services.letter_withdraw)."""
        return self.status not in (LetterStatus.ISSUED, LetterStatus.WITHDRAWN)

    @property
    def grounds(self) -> list[str]:
        return [g for g, on in (("a", self.ground_a), ("b", self.ground_b), ("c", self.ground_c)) if on]

    @property
    def ground_labels(self) -> list[str]:
        return [Ground(g).label for g in self.grounds]

    @property
    def ground_short_labels(self) -> list[str]:
        return [GROUND_SHORT[Ground(g)] for g in self.grounds]

    @property
    def status_tag(self) -> str:
        return {
            LetterStatus.DRAFT: "grey",
            LetterStatus.SUBMITTED: "blue",
            LetterStatus.RETURNED: "orange",
            LetterStatus.APPROVED: "turquoise",
            LetterStatus.ISSUED: "green",
            LetterStatus.WITHDRAWN: "grey",
        }[self.status]


class EventAction(models.TextChoices):
    CREATED = "created", "Drafted"
    EDITED = "edited", "Changed"
    SUBMITTED = "submitted", "Submitted for approval"
    RETURNED = "returned", "Returned with comments"
    APPROVED = "approved", "Approved"
    ISSUED = "issued", "Issued"
    WITHDRAWN = "withdrawn", "Withdrawn"


class LetterEvent(models.Model):
    """The letter's timeline with reviewers' comments (LA staff only; never shown to governors)."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=EventAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comments = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} by {self.actor} at {self.at:%d/%m/%Y %H:%M}"


# The school's action plan in answer to a letter of concern (docs/adr/0033), a warning notice's
# progress and the letters suggested, each in its own module: Django registers their models when
# this module imports them, and callers import them from here.
from .models_action_plans import (  # noqa: E402, F401
    ActionPlan,
    ActionPlanEmail,
    ActionPlanEvent,
    ActionPlanItem,
)
from .models_suggestions import (  # noqa: E402, F401
    StoredSuggestion,
    StoredSuggestionState,
    SuggestionDecision,
)
from .models_warning_notices import (  # noqa: E402, F401
    DECISION_CHOICES,
    NO_INTERVENTION,
    ComplianceOutcome,
    InterventionPower,
    WarningNoticeProgress,
)
