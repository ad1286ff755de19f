"""Support categorisation (strategy: "Monitoring", "Categorisation of LA maintained schools",
"Prioritisation criteria").

A framework (data, not code) holds the criteria: statements grouped by area and support level. A
categorisation of a school for a term ticks the statements that apply, each with evidence; the
best-fit suggestion (categorisation.best_fit) is computed from the ticks; the adviser chooses the
final level (a departure needs a rationale); an officer approves or returns it. Only approved
categorisations make a school's current category, and an approved one is never edited: a later
one supersedes it.

The levels, frameworks and categorisations are defined here; the category sent to the school in
categorisation.models_notice and the moderation of a term's proposed categories in
categorisation.models_moderation, imported at the end of this module."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from schools.models import School, TermName, academic_year_label


class SupportLevel(models.TextChoices):
    LOW = "low", "Low support"
    MEDIUM = "medium", "Medium support"
    HIGH = "high", "High support"


# Low < medium < high: more support means more concern.
SUPPORT_ORDER = {SupportLevel.LOW.value: 0, SupportLevel.MEDIUM.value: 1, SupportLevel.HIGH.value: 2}
LEVELS = [SupportLevel.LOW, SupportLevel.MEDIUM, SupportLevel.HIGH]


def support_rank(level: str) -> int:
    """0 for low, 1 for medium, 2 for high."""
    return SUPPORT_ORDER[level]


def more_support(a: str, b: str) -> str:
    """The level of the two that offers more support."""
    return a if SUPPORT_ORDER[a] >= SUPPORT_ORDER[b] else b


class Direction(models.TextChoices):
    """Direction of travel of a school against its previous approved category."""

    IMPROVING = "improving", "Improving"
    STABLE = "stable", "Stable"
    DECLINING = "declining", "Declining"


def direction_between(previous: str | None, current: str) -> str | None:
    """Less support than before is improving, more is declining; None without a previous one."""
    if previous is None:
        return None
    if SUPPORT_ORDER[current] < SUPPORT_ORDER[previous]:
        return Direction.IMPROVING.value
    if SUPPORT_ORDER[current] > SUPPORT_ORDER[previous]:
        return Direction.DECLINING.value
    return Direction.STABLE.value


# ---- frameworks ------------------------------------------------------------------------------


class Framework(models.Model):
    """A versioned set of prioritisation criteria. A draft (no active_from) may be edited; once
    activated its areas and criteria never change (copy it into a new draft to change them). The
    framework in use on a day is the activated one with the latest active_from on or before it."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    active_from = models.DateField(null=True, blank=True, help_text="Empty while the framework is a draft")
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = [models.F("active_from").desc(nulls_first=True), "name"]
        # What the services refuse (FRAMEWORK_NAME_TAKEN, ACTIVE_FROM_TAKEN), for two saves at once.
        constraints = [
            models.UniqueConstraint(Lower("name"), name="unique_framework_name_ci"),
            models.UniqueConstraint(
                fields=["active_from"], condition=Q(active_from__isnull=False), name="one_framework_a_day"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("categorisation:framework_detail", kwargs={"pk": self.pk})

    @property
    def is_draft(self) -> bool:
        return self.active_from is None


class Area(models.Model):
    """An area of the criteria, e.g. "Leadership and management (including safeguarding)".

    `medium_count` and `high_count` are the best-fit rule's weight of ticks for the area
    (categorisation.best_fit, ADR 0002): with that many of its statements at the level or above
    ticked, the area, and so the school, is at least at that level. Empty: no count."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="areas")
    code = models.SlugField(max_length=40, help_text="A short stable identifier, e.g. leadership")
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    medium_count = models.PositiveSmallIntegerField(
        "ticks that make it medium support",
        null=True,
        blank=True,
        help_text="Statements at medium support or above ticked in this area that make the school at least medium",
    )
    high_count = models.PositiveSmallIntegerField(
        "ticks that make it high support",
        null=True,
        blank=True,
        help_text="High-support statements ticked in this area that make the school high support",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="unique_area_code_per_framework"),
            models.CheckConstraint(
                condition=Q(medium_count__isnull=True) | Q(medium_count__gte=1), name="area_medium_count_at_least_1"
            ),
            models.CheckConstraint(
                condition=Q(high_count__isnull=True) | Q(high_count__gte=1), name="area_high_count_at_least_1"
            ),
        ]

    def __str__(self):
        return self.name


class Criterion(models.Model):
    """One statement of the criteria, at one support level of one area. `fact_key` names the fact
    (categorisation.facts.FactKey) that suggests it; `data_driven` marks the "See data" statements;
    a `decisive` statement, when ticked, makes the best-fit suggestion at least its level (ADR 0002)."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="criteria")
    level = models.CharField(max_length=6, choices=SupportLevel.choices)
    code = models.CharField(max_length=20, help_text="A stable identifier, unique in the framework, e.g. LM-H1")
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)
    data_driven = models.BooleanField("data statement (See data)", default=False)
    is_safeguarding = models.BooleanField("about safeguarding", default=False)
    fact_key = models.CharField(max_length=60, blank=True)
    decisive = models.BooleanField(
        default=False, help_text="When ticked, the suggestion is at least this statement's level"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["area__order", "area_id", "order", "id"]
        verbose_name_plural = "criteria"
        constraints = [models.UniqueConstraint(fields=["area", "code"], name="unique_criterion_code_per_area")]

    def __str__(self):
        return f"{self.code}: {self.text[:60]}"

    @property
    def fact_label(self) -> str:
        from .facts import FactKey

        return FactKey.LABELS.get(self.fact_key, "")


# ---- categorisations -------------------------------------------------------------------------


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Waiting for approval"
    RETURNED = "returned", "Returned to the adviser"
    APPROVED = "approved", "Approved"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATUSES = [Status.DRAFT, Status.SUBMITTED, Status.RETURNED]
EDITABLE_STATUSES = [Status.DRAFT, Status.RETURNED]


class CategorisationQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Status.APPROVED)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


def term_label(academic_year: int, term: str) -> str:
    """A categorisation's term as people read it: "Autumn 2026/27"."""
    return f"{TermName(term).label} {academic_year_label(academic_year)}"


class Categorisation(models.Model):
    """A school's categorisation for a term, under the framework in use when it was started."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="categorisations")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="categorisations")
    academic_year = models.PositiveSmallIntegerField(help_text="Year the academic year starts: 2026 is 2026/27")
    term = models.CharField(max_length=6, choices=TermName.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    started_on = models.DateField(help_text="The day it was started: decides the framework and the facts")
    suggested_level = models.CharField(
        max_length=6, choices=SupportLevel.choices, blank=True, help_text="Best fit of the ticks when last saved"
    )
    level = models.CharField("final level", max_length=6, choices=SupportLevel.choices, blank=True)
    rationale = models.TextField(blank=True, help_text="Why the final level departs from the suggestion")
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    review_comments = models.TextField(blank=True, help_text="The officer's comments when returning or approving")
    school_reasons = models.TextField(
        "reasons for the school",
        blank=True,
        help_text="The reasons for the level in plain words, sent to the headteacher and chair of governors when "
        "it is approved (never the evidence notes): categorisation.notices",
    )
    cited_evidence = models.JSONField(
        default=list,
        blank=True,
        help_text="Evidence from other apps the adviser relied on (e.g. intelligence from other teams), as a "
        "snapshot of each item when last saved: categorisation.evidence.EvidenceItem.snapshot()",
    )

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = CategorisationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["school", "status", "approved_at"], name="cat_school_status_approved"),
            models.Index(fields=["status", "submitted_at"], name="cat_status_submitted"),
            # The schools with (or without) an approval in a term, read from the index alone: a
            # review figure's thousands of schools (dashboard.figures.reviews) without a heap visit.
            models.Index(fields=["academic_year", "term", "status", "school"], name="cat_term_status_school"),
            # A school's level on a day (selectors.level_paths, levels_on): its latest approval before
            # the day ended, read from the index alone (docs/adr/0037).
            models.Index(
                fields=["school", "-approved_at", "-id"],
                name="cat_latest_approved",
                include=["level"],
                condition=Q(status="approved"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["school"], condition=Q(status__in=OPEN_STATUSES), name="one_open_categorisation_per_school"
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.APPROVED) | (Q(approved_at__isnull=False) & ~Q(level="")),
                name="approved_categorisation_has_level_and_date",
            ),
        ]

    def __str__(self):
        return f"{self.school.name}: {self.term_label}"

    def get_absolute_url(self):
        return reverse("categorisation:detail", kwargs={"pk": self.pk})

    @property
    def term_label(self) -> str:
        return term_label(self.academic_year, self.term)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def departs_from_suggestion(self) -> bool:
        return bool(self.level and self.suggested_level and self.level != self.suggested_level)


class Tick(models.Model):
    """A statement ticked in a categorisation, with its evidence. `fact_source` keeps the label of
    the fact that suggested it (e.g. "Ofsted: requires improvement (10 March 2025)")."""

    categorisation = models.ForeignKey(Categorisation, on_delete=models.CASCADE, related_name="ticks")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="ticks")
    evidence = models.TextField(blank=True)
    fact_source = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["criterion__area__order", "criterion__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["categorisation", "criterion"], name="unique_tick_per_criterion")
        ]

    def __str__(self):
        return f"{self.categorisation_id}: {self.criterion.code}"


class EventKind(models.TextChoices):
    STARTED = "started", "Started"
    SUBMITTED = "submitted", "Submitted for approval"
    RETURNED = "returned", "Returned with comments"
    APPROVED = "approved", "Approved"
    WITHDRAWN = "withdrawn", "Withdrawn"
    SENT = "sent", "Sent to the school"
    AGREED = "agreed", "The school agreed"
    CHALLENGED = "challenged", "The school challenged it"
    DECIDED = "decided", "Challenge decided"
    MODERATED = "moderated", "Moderated"


class CategorisationEvent(models.Model):
    """The visible trail of a categorisation: who started, submitted, returned, approved it, when,
    with the officer's comments. (Every field change is also in the history tables.)"""

    categorisation = models.ForeignKey(Categorisation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    comments = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%d/%m/%Y}"


# Models of a sub-domain, each in its own module, imported here so that Django registers them in
# this app and `from categorisation.models import CategoryNotice` finds them.
from .models_moderation import (  # noqa: E402, F401
    ModerationDecision,
    ModerationOutcome,
    ModerationSession,
)
from .models_notice import (  # noqa: E402, F401
    CategoryNotice,
    CategoryNoticeEmail,
    ChallengeDecision,
    NoticeEmailKind,
    NoticeRecipientRole,
    NoticeResponse,
)
