"""The school's pre-visit section of a planned visit (issue 14, docs/adr/0028): the headteacher's
response (recent data, what the school wants from the visit), their self-evaluation against each
focus area, and the emails asking them to complete it. Part of visits.models, which imports these
models (so Django registers them in the visits app) and re-exports them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .models import FocusArea, Visit


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
    CANCELLED = "cancelled", "Told the visit is cancelled"
    MOVED = "moved", "Told the visit has moved"


class PreVisitEmail(models.Model):
    """One email to a headteacher asking them to complete a planned visit's pre-visit section, or
    telling them it was cancelled or moved (sent by visits.tasks.send_pre_visit_email). Recorded
    before it is queued and unique per visit, kind and recipient, so a rerun of the daily task sends
    nothing twice; but for a move, told each time the visit moves (visits.pre_visit_emails)."""

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
                fields=["visit", "kind", "recipient"],
                condition=~models.Q(kind="moved"),
                name="one_pre_visit_email_of_a_kind_per_recipient",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.address or self.recipient}"
