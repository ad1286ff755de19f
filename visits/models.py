"""Visits to schools, the actions agreed at them, Monitoring Support Partnership (MSP) groups and
their meetings, the enhanced offer a school buys, and advisers' calendar subscriptions.

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
        return f"{self.get_visit_type_display()} visit to {self.school.name}, {self.visit_date:%d/%m/%Y}"

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


# ---- Monitoring Support Partnership ----------------------------------------------------------


class MspGroupStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class MspGroup(models.Model):
    """A high-support school's Monitoring Support Partnership group: chaired by the Senior SIA or
    the Strategic Lead for Governance, with the headteacher, the chair or vice-chair of governors
    and the link SIA as members."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="msp_groups")
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="msp_groups_chaired")
    set_up_on = models.DateField("set up on")
    status = models.CharField(max_length=6, choices=MspGroupStatus.choices, default=MspGroupStatus.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    closed_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["school__name", "-set_up_on"]
        constraints = [
            models.UniqueConstraint(fields=["school"], condition=Q(status="open"), name="one_open_msp_group_per_school")
        ]

    def __str__(self):
        return f"MSP group, {self.school.name}"

    def get_absolute_url(self):
        return reverse("visits:msp_group", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == MspGroupStatus.OPEN


class MspMemberRole(models.TextChoices):
    HEADTEACHER = "headteacher", "Headteacher"
    CHAIR_OF_GOVERNORS = "chair_of_governors", "Chair of governors"
    VICE_CHAIR = "vice_chair", "Vice-chair of governors"
    LINK_ADVISER = "link_adviser", "Link School Improvement Adviser"
    OTHER = "other", "Other"


class MspMember(models.Model):
    """A member of an MSP group besides its chair. LA staff members are users (the meetings show in
    their calendar); school members are names from the school record."""

    group = models.ForeignKey(MspGroup, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=MspMemberRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="msp_memberships"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


class MspRecommendation(models.TextChoices):
    CONTINUE = "continue", "Continue the current support"
    REFOCUS = "refocus", "Refocus support"
    WARNING_NOTICE = "warning_notice", "Recommend a warning notice"
    EXIT = "exit", "Recommend exit from MSP"


class MspMeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class MspMeeting(models.Model):
    """A meeting of an MSP group. The minutes are confidential to LA staff; the summary key points
    reach the school's governors once the chair (or an officer) publishes them."""

    group = models.ForeignKey(MspGroup, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField("date")
    start_time = models.TimeField(null=True, blank=True)
    status = models.CharField(max_length=9, choices=MspMeetingStatus.choices, default=MspMeetingStatus.PLANNED)
    attendees = models.TextField(blank=True)
    school_attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="msp_meetings_attended",
        help_text="The school's MSP members (headteacher, chair or vice-chair) who attended: they read these minutes",
    )
    impact_of_support = models.TextField(blank=True)
    support_refocused = models.BooleanField(null=True, blank=True)
    refocus_details = models.TextField("how support is refocused", blank=True)
    minutes = models.TextField("confidential minutes", blank=True)
    summary_key_points = models.TextField(blank=True)
    recommendation = models.CharField(max_length=16, choices=MspRecommendation.choices, blank=True)
    summary_published_at = models.DateTimeField(null=True, blank=True)
    summary_published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["group", "held_on"]), models.Index(fields=["status", "held_on"])]

    def __str__(self):
        return f"MSP meeting, {self.group.school.name}, {self.held_on:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("visits:msp_meeting", kwargs={"pk": self.pk})

    @property
    def is_held(self) -> bool:
        return self.status == MspMeetingStatus.HELD

    @property
    def is_published(self) -> bool:
        return self.summary_published_at is not None


class RagRating(models.TextChoices):
    RED = "red", "Red: not on track"
    AMBER = "amber", "Amber: some progress"
    GREEN = "green", "Green: on track or achieved"


class MspActionProgress(models.Model):
    """Progress on one open action, reviewed at an MSP meeting, with a RAG rating."""

    meeting = models.ForeignKey(MspMeeting, on_delete=models.CASCADE, related_name="action_progress")
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="msp_progress")
    rating = models.CharField("RAG rating", max_length=5, choices=RagRating.choices)
    comment = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["action__due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "action"], name="one_rating_per_action_per_meeting")]

    def __str__(self):
        return f"{self.action}: {self.get_rating_display()}"


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


# ---- the school's acknowledgement of a note of visit (docs/adr/0023) ---------------------------------


class AcknowledgementStatus(models.TextChoices):
    AWAITING = "awaiting", "Awaiting acknowledgement"
    ACCURATE = "accurate", "Accurate"
    NOT_ACCURATE = "not_accurate", "Not accurate"
    SUPERSEDED = "superseded", "Replaced by an amended note"


class NoteAcknowledgement(models.Model):
    """One request that the school's headteacher acknowledge a note of visit shared with the school,
    and their answer: accurate, or not accurate with comments. An amended note asks again (a new
    request; this one is superseded). The adviser may reply to an answer."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="acknowledgements")
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=12, choices=AcknowledgementStatus.choices, default="awaiting")
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comments = models.TextField("what is not accurate", blank=True)
    reply = models.TextField("adviser's reply", blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The reminder (NOTE_ACKNOWLEDGEMENT_REMINDER_DAYS): set when it is queued, so it goes once.
    reminded_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "requested_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["visit"], condition=Q(status="awaiting"), name="one_awaiting_acknowledgement_per_visit"
            ),
            models.CheckConstraint(
                condition=~Q(status="not_accurate") | ~Q(comments=""), name="not_accurate_has_comments"
            ),
        ]

    def __str__(self):
        return f"Acknowledgement of {self.visit}: {self.get_status_display().lower()}"

    @property
    def is_awaiting(self) -> bool:
        return self.status == AcknowledgementStatus.AWAITING


class NoteEmailKind(models.TextChoices):
    SHARED = "shared", "Note shared"
    AMENDED = "amended", "Amended note shared"
    REMINDER = "reminder", "Reminder"
    REPLY = "reply", "Adviser's reply"


class NoteEmail(models.Model):
    """One email to a headteacher about a note of visit, sent by the task queue
    (visits.tasks.send_note_email). Recorded before it is queued, so a rerun of the reminder sends
    nothing twice; `emailed_at` is set only once the mail server took it."""

    acknowledgement = models.ForeignKey(NoteAcknowledgement, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=8, choices=NoteEmailKind.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    address = models.CharField(max_length=254, blank=True)
    queued_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["queued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["acknowledgement", "kind", "recipient"],
                condition=~Q(kind="reply"),
                name="one_note_email_of_a_kind_per_recipient",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.address or self.recipient}"


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
        indexes = [models.Index(fields=["school"], condition=Q(stale=True), name="stored_compliance_stale")]

    def __str__(self):
        return f"{self.school_id}: {self.visits_status} ({self.computed_for})"


# ---- the school's pre-visit section (issue 14, docs/adr/0028) -----------------------------------------


class PreVisitStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Sent to the adviser"


class SelfEvaluationRating(models.TextChoices):
    """The school's own judgement of a focus area, on the five-point scale of Ofsted's report cards
    (the renewed education inspection framework, November 2025), which schools already use."""

    EXCEPTIONAL = "exceptional", "Exceptional"
    STRONG = "strong", "Strong standard"
    EXPECTED = "expected", "Expected standard"
    NEEDS_ATTENTION = "needs_attention", "Needs attention"
    URGENT = "urgent", "Urgent improvement"


class PreVisitResponse(models.Model):
    """The school's part of a planned visit's record, completed by its headteacher before the visit:
    a self-evaluation against each focus area, recent data and what the school wants from the visit.
    A draft is the school's own until it is sent; once sent it is read-only."""

    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="pre_visit")
    status = models.CharField(max_length=9, choices=PreVisitStatus.choices, default=PreVisitStatus.DRAFT)
    recent_data = models.TextField("recent data", blank=True)
    wants_from_visit = models.TextField("what the school wants from the visit", blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False), name="submitted_pre_visit_has_date"
            )
        ]

    def __str__(self):
        return f"Pre-visit section of {self.visit}: {self.get_status_display().lower()}"

    @property
    def is_submitted(self) -> bool:
        return self.status == PreVisitStatus.SUBMITTED


class PreVisitSelfEvaluation(models.Model):
    """The school's self-evaluation against one of the visit's focus areas: a rating and why."""

    response = models.ForeignKey(PreVisitResponse, on_delete=models.CASCADE, related_name="self_evaluations")
    focus_area = models.CharField(max_length=32, choices=FocusArea.choices)
    rating = models.CharField(max_length=16, choices=SelfEvaluationRating.choices, blank=True)
    evaluation = models.TextField("self-evaluation", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "focus_area"], name="one_self_evaluation_per_focus_area")
        ]

    def __str__(self):
        return f"{self.get_focus_area_display()}: {self.get_rating_display() or 'not rated'}"


class PreVisitEmailKind(models.TextChoices):
    REQUESTED = "requested", "Asked to prepare the visit"
    REMINDER = "reminder", "Reminder on the due date"


class PreVisitEmail(models.Model):
    """One email to a headteacher asking them to complete a planned visit's pre-visit section (sent by
    visits.tasks.send_pre_visit_email). Recorded before it is queued and unique per visit, kind and
    recipient, so a rerun of the daily task sends nothing twice."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="pre_visit_emails")
    kind = models.CharField(max_length=9, choices=PreVisitEmailKind.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    address = models.CharField(max_length=254, blank=True)
    queued_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["queued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "kind", "recipient"], name="one_pre_visit_email_of_a_kind_per_recipient"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.address or self.recipient}"
