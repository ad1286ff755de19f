"""Monitoring Support Partnership (MSP) groups and their meetings: a high-support school's group (its
chair and members), each meeting (attendance, confidential minutes, the summary key points the
governors read, the recommendation) and the RAG rating of each open action reviewed at it. Part of
visits.models, which imports these models (so Django registers them in the visits app) and
re-exports them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .models import Action


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
        return f"MSP meeting, {self.group.school.name}, {self.held_on:%-d %B %Y}"  # read aloud: a long date

    def get_absolute_url(self):
        return reverse("visits:msp_meeting", kwargs={"pk": self.pk})

    @property
    def is_held(self) -> bool:
        return self.status == MspMeetingStatus.HELD

    @property
    def is_published(self) -> bool:
        return self.summary_published_at is not None


class MspSummaryEmail(models.Model):
    """One email telling a governor that an MSP meeting's summary key points were published for the
    governing body (sent by visits.tasks.send_msp_summary_email; docs/adr/0087). Recorded before it
    is queued, one per meeting and governor. A governor without an address is recorded, not emailed."""

    meeting = models.ForeignKey(MspMeeting, on_delete=models.CASCADE, related_name="summary_emails")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    address = models.CharField(max_length=254, blank=True)
    queued_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["queued_at", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "recipient"], name="one_summary_email_per_governor")]

    def __str__(self):
        return f"Summary published, to {self.address or self.recipient}"


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
