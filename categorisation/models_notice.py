"""The approved category as sent to the school (issue 14, docs/adr/0027): the notice (the level, what
it means for the school's visits and the reasons in plain words), the school's answer (agree or
challenge) and an officer's decision on a challenge, and each email sent about it. Part of
categorisation.models, which imports these models (so Django registers them in the categorisation
app) and re-exports them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .models import Categorisation, SupportLevel


class NoticeResponse(models.TextChoices):
    AGREE = "agree", "Agrees with the category"
    CHALLENGE = "challenge", "Challenges the category"


class ChallengeDecision(models.TextChoices):
    UPHELD = "upheld", "Challenge upheld: the category will be reconsidered"
    REJECTED = "rejected", "Challenge not upheld: the category stands"


class CategoryNotice(models.Model):
    """The approved category as sent to the school (one per approved categorisation): the level,
    what it means for the school's visits and the reasons in plain words, as sent (`reasons`); the
    school's answer (agree, or challenge with reasons) by `respond_by`; and an officer's decision
    on a challenge. Never the evidence notes (categorisation.notices)."""

    categorisation = models.OneToOneField(Categorisation, on_delete=models.CASCADE, related_name="notice")
    level = models.CharField(max_length=6, choices=SupportLevel.choices)
    entitlement = models.TextField(help_text="What the level means for the school's visits, as sent")
    reasons = models.TextField(help_text="The reasons in plain words, as sent")
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    respond_by = models.DateField(help_text="The last day the school may agree or challenge")
    response = models.CharField(max_length=9, choices=NoticeResponse.choices, blank=True)
    response_reasons = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(max_length=8, choices=ChallengeDecision.choices, blank=True)
    decision_reasons = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["response", "decision"], name="notice_response_decision")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(response="challenge") | ~Q(response_reasons=""), name="a_challenge_has_reasons"
            ),
            models.CheckConstraint(
                condition=Q(decision="") | (Q(response="challenge") & ~Q(decision_reasons="")),
                name="a_decision_is_on_a_challenge_with_reasons",
            ),
        ]

    def __str__(self):
        return f"Category sent to {self.categorisation.school.name}"

    def get_absolute_url(self):
        return reverse("categorisation:school_category", kwargs={"urn": self.categorisation.school.urn})

    @property
    def is_open_challenge(self) -> bool:
        return self.response == NoticeResponse.CHALLENGE and not self.decision


class NoticeRecipientRole(models.TextChoices):
    HEADTEACHER = "headteacher", "Headteacher"
    CHAIR = "chair", "Chair of governors"


class NoticeEmailKind(models.TextChoices):
    SENT = "sent", "The category"
    DECISION = "decision", "The decision on the challenge"


class CategoryNoticeEmail(models.Model):
    """One email of a category notice, sent by the task queue (categorisation.tasks). A chair of
    governors with no account (or any recipient without an address) is recorded, not emailed."""

    notice = models.ForeignKey(CategoryNotice, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=8, choices=NoticeEmailKind.choices, default=NoticeEmailKind.SENT)
    role = models.CharField(max_length=11, choices=NoticeRecipientRole.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=254, blank=True)
    queued_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["queued_at", "id"]

    def __str__(self):
        return f"{self.get_role_display()}: {self.address or self.name}"
