"""Visits to schools, the actions agreed at them, Monitoring Support Partnership (MSP) groups and
their meetings, the enhanced offer a school buys, and advisers' calendar subscriptions. Visits,
actions, the enhanced offer, calendar tokens and the stored compliance status are defined here;
MSP groups and meetings in visits.models_msp, the school's acknowledgement of a note of visit in
visits.models_acknowledgement and its pre-visit section in visits.models_pre_visit, imported at the
end of this module.

Strategy ("Categorisation of LA maintained schools", "Support - overview"): every maintained school
gets at least one half-day visit a term from its link School Improvement Adviser; high-support
schools are visited at least half-termly and held to account by an MSP group whose confidential
meetings end in summary key points the whole governing body sees."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

# ---- visits --------------------------------------------------------------------------------


class VisitLength(models.TextChoices):
    HALF_DAY = "half_day", "Half day"
    FULL_DAY = "full_day", "Full day"


class VisitType(models.TextChoices):
    CORE = "core", "Core entitlement"
    ENHANCED = "enhanced", "Enhanced offer"
    MONITORING = "monitoring", "Monitoring"
    EXTERNAL_REVIEW = "external_review", "External review"
    OTHER = "other", "Other"


class VisitStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class FocusArea(models.TextChoices):
    # The autumn core visit's agenda (strategy, "Support - overview"), first.
    QUALITY_OF_EDUCATION = "quality_of_education", "Quality of education"
    OUTCOMES = "outcomes", "Outcomes pupils achieve"
    SELF_EVALUATION = "self_evaluation", "Self-evaluation judgements"
    IMPROVEMENT_PRIORITIES = "improvement_priorities", "School improvement priorities"
    PUPIL_TARGETS = "pupil_targets", "Pupil targets"
    # The other areas of the prioritisation criteria and common bespoke visits.
    LEADERSHIP = "leadership", "Leadership and management"
    GOVERNANCE = "governance", "Governance"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    BEHAVIOUR = "behaviour", "Behaviour and attitudes"
    ATTENDANCE = "attendance", "Attendance"
    PERSONAL_DEVELOPMENT = "personal_development", "Personal development"
    SEND = "send", "Special educational needs and disabilities"
    EARLY_YEARS = "early_years", "Early years"
    PHONICS = "phonics", "Phonics and early reading"


class Activity(models.TextChoices):
    """Direct monitoring (strategy, "Monitoring - for maintained schools")."""

    LESSON_OBSERVATION = "lesson_observation", "Lesson observation"
    WORK_SCRUTINY = "work_scrutiny", "Work scrutiny"
    STAFF = "discussion_staff", "Discussion with staff"
    GOVERNORS = "discussion_governors", "Discussion with governors"
    PARENTS = "discussion_parents", "Discussion with parents"
    PUPILS = "discussion_pupils", "Discussion with pupils"


class Visit(models.Model):
    """A School Improvement Adviser's visit to a school: planned, then completed or cancelled.

    Its note (focus, activities, strengths, areas for development, notes) is LA case material,
    shared with the school's leaders outside the system; governors never read it here."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="visits")
    adviser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits_led")
    visit_date = models.DateField("date of visit")
    start_time = models.TimeField(null=True, blank=True)
    length = models.CharField(max_length=10, choices=VisitLength.choices, default=VisitLength.HALF_DAY)
    visit_type = models.CharField("type of visit", max_length=16, choices=VisitType.choices, default=VisitType.CORE)
    status = models.CharField(max_length=10, choices=VisitStatus.choices, default=VisitStatus.PLANNED)
    focus_areas = models.JSONField(default=list, blank=True, help_text="FocusArea values")
    purpose = models.TextField("purpose and other focus", blank=True)
    activities = models.JSONField(default=list, blank=True, help_text="Activity values")
    strengths = models.TextField(blank=True)
    areas_for_development = models.TextField(blank=True)
    notes = models.TextField("other notes", blank=True)

    # The day the school was given the visit's day: planned, or last moved (visits.pre_visit.due_on).
    notice_given_on = models.DateField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.TextField(blank=True)
    shared_on = models.DateField("note of visit shared on", null=True, blank=True)
    shared_with = models.CharField(max_length=300, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-visit_date", "-id"]
        indexes = [
            models.Index(fields=["school", "visit_date"]),
            models.Index(fields=["adviser", "visit_date"]),
            models.Index(fields=["status", "visit_date"]),
            # the visits list, newest first (read backwards)
            models.Index(fields=["visit_date", "id"], name="visits_visit_date_id_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancelled_reason=""), name="cancelled_visit_has_reason"
            )
        ]

    def __str__(self):
        # A long date: titles and labels are read aloud ("20 January 2027", not "20/01/2027").
        return f"{self.get_visit_type_display()} visit to {self.school.name}, {self.visit_date:%-d %B %Y}"

    def get_absolute_url(self):
        return reverse("visits:detail", kwargs={"pk": self.pk})

    @property
    def half_days(self) -> int:
        return 2 if self.length == VisitLength.FULL_DAY else 1

    @property
    def is_planned(self) -> bool:
        return self.status == VisitStatus.PLANNED

    @property
    def focus_area_labels(self) -> list[str]:
        return [FocusArea(v).label for v in self.focus_areas if v in FocusArea.values]

    @property
    def activity_labels(self) -> list[str]:
        return [Activity(v).label for v in self.activities if v in Activity.values]


# ---- actions -------------------------------------------------------------------------------


class ActionOwner(models.TextChoices):
    SCHOOL = "school", "School"
    LA = "la", "Local authority"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Action(models.Model):
    """An action agreed at a visit or an MSP meeting, or from a school's accepted action plan
    (letters.ActionPlan, docs/adr/0033): what, who owns it, by when."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="support_actions")
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    msp_meeting = models.ForeignKey(
        "MspMeeting", null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    action_plan = models.ForeignKey(
        "letters.ActionPlan", null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    description = models.TextField("action")
    owner = models.CharField(max_length=6, choices=ActionOwner.choices)
    due_on = models.DateField("due by")
    status = models.CharField(max_length=6, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    progress = models.TextField("latest progress", blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["school", "status", "due_on"]), models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(visit__isnull=True, msp_meeting__isnull=True)
                    | Q(visit__isnull=True, action_plan__isnull=True)
                    | Q(msp_meeting__isnull=True, action_plan__isnull=True)
                ),
                name="action_from_one_source",
            )
        ]

    def __str__(self):
        return f"{self.school.name}: {self.description[:60]}"

    def get_absolute_url(self):
        return reverse("visits:action_detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == ActionStatus.OPEN

    def is_overdue(self, today) -> bool:
        """An overdue action: still open, and its due date has passed (overdue_actions_q for a query)."""
        return self.is_open and self.due_on < today


def overdue_actions_q(today) -> Q:
    """The one definition of an overdue action, as a query: still open, and its due date has passed
    (Action.is_overdue is the same rule for one action)."""
    return Q(status=ActionStatus.OPEN, due_on__lt=today)


def shared_with_the_school_q() -> Q:
    """The actions the school itself reads (its governors and headteacher): those it owns, once the
    LA has shared where they were agreed. A visit's once its note of visit is shared (until then the
    record, actions and all, is the adviser's draft: "a governor must never see ... adviser notes");
    an MSP meeting's once its summary key points are published to the governing body (its school
    attendees read them with the minutes, visits.msp_members); the school's own accepted action
    plan's, and one the LA recorded on its own, as soon as they exist."""
    return Q(owner=ActionOwner.SCHOOL) & (
        Q(visit__isnull=True, msp_meeting__isnull=True)
        | Q(visit__shared_on__isnull=False)
        | Q(msp_meeting__summary_published_at__isnull=False)
    )


class ActionUpdateKind(models.TextChoices):
    UPDATED = "updated", "Updated"
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"


class ActionUpdate(models.Model):
    """A dated note on an action's progress (the action's own history keeps every field change)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(max_length=8, choices=ActionUpdateKind.choices)
    note = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.note[:60]}"


# ---- enhanced offer and calendar -------------------------------------------------------------

ENHANCED_OFFER_MAX_HALF_DAYS = 6


class EnhancedOffer(models.Model):
    """Half-day visits a school has bought for an academic year ("an enhanced offer of up to six
    half-day visits")."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="enhanced_offers")
    academic_year = models.PositiveSmallIntegerField(help_text="Year the academic year starts: 2026 is 2026/27")
    half_days = models.PositiveSmallIntegerField("half-days bought")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-academic_year", "school__name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "academic_year"], name="one_enhanced_offer_per_year"),
            models.CheckConstraint(
                condition=Q(half_days__lte=ENHANCED_OFFER_MAX_HALF_DAYS), name="enhanced_offer_at_most_six"
            ),
        ]

    def __str__(self):
        return f"{self.school.name}: {self.half_days} half-days, {self.academic_year}"


class CalendarFeedToken(models.Model):
    """The secret in a user's calendar subscription URL (calendar apps cannot sign in). Only its
    SHA-256 is stored; making a new one replaces it, so the old URL stops working."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Calendar feed of {self.user}"


# ---- stored compliance status ------------------------------------------------------------------


def _level_choices():
    from .compliance import CATEGORY_CHOICES

    return CATEGORY_CHOICES


def _status_choices():
    from .entitlement import ComplianceStatus

    return ComplianceStatus.choices


class StoredCompliance(models.Model):
    """One open maintained school's compliance status as `visits.compliance.compliance_rows` computes
    it, kept so that pages count, filter and page through every school without computing each one
    (docs/adr/0026). Any write that can change it marks it stale in the same transaction, and
    `visits.stored_compliance.refresh` recomputes stale rows, rows computed for another day and
    missing rows before a page reads them."""

    school = models.OneToOneField(
        "schools.School", on_delete=models.CASCADE, primary_key=True, related_name="stored_compliance"
    )
    computed_for = models.DateField(help_text="The day the status was computed for")
    stale = models.BooleanField(default=False)
    # Codes, not text: the choices of the computed row they copy (choices are callables, since
    # visits.compliance and visits.entitlement import this module).
    level = models.CharField(max_length=10, choices=_level_choices)
    visits_status = models.CharField(max_length=16, choices=_status_choices)
    missed_earlier = models.BooleanField()
    needs_attention = models.BooleanField()
    msp_to_set_up = models.BooleanField()
    has_msp_group = models.BooleanField()
    msp_status = models.CharField(max_length=16, blank=True, choices=_status_choices)

    class Meta:
        default_permissions = ()
        indexes = [
            models.Index(fields=["school"], condition=Q(stale=True), name="stored_compliance_stale"),
            # The officer's home and the MSP groups page list the few schools in these, by name: without
            # them PostgreSQL walked every school by name to find ten (14 ms at England scale).
            models.Index(fields=["school"], condition=Q(msp_status="overdue"), name="stored_compliance_msp_overdue"),
            models.Index(fields=["school"], condition=Q(msp_to_set_up=True), name="stored_compliance_to_set_up"),
        ]

    def __str__(self):
        return f"{self.school_id}: {self.visits_status} ({self.computed_for})"


# Models of a sub-domain, each in its own module, imported here so that Django registers them in
# this app and `from visits.models import MspGroup` finds them.
from .models_acknowledgement import (  # noqa: E402, F401
    AcknowledgementStatus,
    NoteAcknowledgement,
    NoteEmail,
    NoteEmailKind,
)
from .models_msp import (  # noqa: E402, F401
    MspActionProgress,
    MspGroup,
    MspGroupStatus,
    MspMeeting,
    MspMeetingStatus,
    MspMember,
    MspMemberRole,
    MspRecommendation,
    MspSummaryEmail,
    RagRating,
)
from .models_pre_visit import (  # noqa: E402, F401
    PreVisitEmail,
    PreVisitEmailKind,
    PreVisitResponse,
    PreVisitSelfEvaluation,
    PreVisitStatus,
    SelfEvaluationRating,
)
