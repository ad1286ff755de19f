"""The school's acknowledgement of a note of visit (docs/adr/0023): each request that the headteacher
acknowledge a shared note, their answer and the adviser's reply, and the emails sent about it. Part
of visits.models, which imports these models (so Django registers them in the visits app) and
re-exports them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .models import Visit


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
