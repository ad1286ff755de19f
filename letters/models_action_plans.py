"""A school's action plan in answer to a concerns letter or warning notice (issue 14, docs/adr/0033).

Issuing a letter that asks for a plan (letters.action_plans.PLAN_KINDS) creates its ActionPlan with
the date it is due. The school's headteacher sends the plan (a file and/or written text, and a
structured list of actions) and may send it again until the LA reviews it; the LA records its view
(sent to the school) and, separately, an internal note (never shown to the school). On acceptance
the plan's actions become visits.Action rows (Action.action_plan)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from visits.models import ActionOwner

from .models import Letter


class PlanStatus(models.TextChoices):
    REQUESTED = "requested", "Awaiting the school's plan"
    SUBMITTED = "submitted", "Awaiting the local authority's review"
    MORE_NEEDED = "more_needed", "More needed: the school revises its plan"
    ACCEPTED = "accepted", "Accepted"


# The school may send (or send again) its plan in these states: until the LA has reviewed it.
PLAN_OPEN_STATUSES = (PlanStatus.REQUESTED, PlanStatus.SUBMITTED, PlanStatus.MORE_NEEDED)


class PlanView(models.TextChoices):
    """The LA's view of a plan, as it is sent to the school."""

    ACCEPTED = "accepted", "Accepted: the plan's actions join the school's action list"
    MORE_NEEDED = "more_needed", "More needed: the school revises its plan"


def plan_file_path(instance, filename):
    return f"letters/{instance.letter_id}/plan/{filename}"


class PlanFileKind(models.TextChoices):
    """The kinds of plan file accepted, judged from the bytes (letters.plan_files)."""

    PDF = "pdf", "PDF"
    DOCX = "docx", "Word"
    XLSX = "xlsx", "Excel"
    ODT = "odt", "OpenDocument text"


class ActionPlan(models.Model):
    letter = models.OneToOneField(Letter, on_delete=models.CASCADE, related_name="action_plan")
    status = models.CharField(max_length=12, choices=PlanStatus.choices, default=PlanStatus.REQUESTED, db_index=True)
    due_on = models.DateField("plan due by")

    text = models.TextField("the plan as written", blank=True)
    file = models.FileField(upload_to=plan_file_path, blank=True, max_length=300)
    file_name = models.CharField("file name as uploaded", max_length=255, blank=True)
    file_kind = models.CharField(max_length=5, choices=PlanFileKind.choices, blank=True, help_text="from the bytes")
    file_size = models.PositiveIntegerField(null=True, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)

    submitted_on = models.DateField("last sent on", null=True, blank=True)
    first_submitted_on = models.DateField("first sent on", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    view = models.CharField("the local authority's view", max_length=12, choices=PlanView.choices, blank=True)
    view_comments = models.TextField("comments sent to the school", blank=True)
    internal_note = models.TextField("internal note (local authority only)", blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return f"Action plan for {self.letter}"

    def get_absolute_url(self):
        return reverse("letters:plan", kwargs={"pk": self.pk})

    def get_school_url(self):
        return reverse("letters:school_plan", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        """The school may still send or revise it (the LA has not accepted it)."""
        return self.status in PLAN_OPEN_STATUSES

    @property
    def is_late(self) -> bool:
        """Sent after the date it was due (late plans are taken, and marked late)."""
        return self.first_submitted_on is not None and self.first_submitted_on > self.due_on

    def is_overdue(self, today) -> bool:
        """Due and never sent."""
        return self.first_submitted_on is None and self.due_on < today

    @property
    def is_overdue_today(self) -> bool:
        """is_overdue on the service's today: what the status tag shows on every page that has the plan."""
        return self.is_overdue(timezone.localdate())

    @property
    def status_tag(self) -> str:
        return {
            PlanStatus.REQUESTED: "grey",
            PlanStatus.SUBMITTED: "blue",
            PlanStatus.MORE_NEEDED: "orange",
            PlanStatus.ACCEPTED: "green",
        }[PlanStatus(self.status)]


class ActionPlanItem(models.Model):
    """One action of the plan as the school wrote it (description, owner, due date). Replaced as a
    whole each time the school sends the plan; copied to visits.Action on acceptance."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="items")
    description = models.TextField("action")
    owner = models.CharField(max_length=6, choices=ActionOwner.choices)
    due_on = models.DateField("due by")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.description[:60]


class PlanEventKind(models.TextChoices):
    REQUESTED = "requested", "Plan requested"
    SUBMITTED = "submitted", "Plan sent by the school"
    REVISED = "revised", "Revised plan sent by the school"
    ACCEPTED = "accepted", "Accepted by the local authority"
    MORE_NEEDED = "more_needed", "More needed: returned to the school"


class ActionPlanEvent(models.Model):
    """The plan's history. `comments` are what the school was told (shown to it); `internal_note`
    is the LA's own, never shown to the school."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=PlanEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    comments = models.TextField(blank=True)
    internal_note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} at {self.at:%d/%m/%Y %H:%M}"


class PlanEmailKind(models.TextChoices):
    REQUESTED = "requested", "Plan requested"
    SUBMITTED = "submitted", "Plan sent by the school"
    REVIEWED = "reviewed", "The local authority's view"


class ActionPlanEmail(models.Model):
    """One email about a plan, sent by the task queue (letters.tasks.send_action_plan_email):
    to the school's headteachers (requested, reviewed) or to the LA (submitted). Recorded before
    it is queued; `emailed_at` is set once the mail server took it."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=10, choices=PlanEmailKind.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    address = models.CharField(max_length=254, blank=True)
    queued_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["queued_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.address or self.recipient}"
