"""The daily digest's records (dashboard.digest, docs/adr/0025): each person's choice of how often,
and each digest sent, so a rerun on the same day sends nothing twice."""

from django.conf import settings
from django.db import models


class DigestFrequency(models.TextChoices):
    DAILY = "daily", "Every working day"
    WEEKLY = "weekly", "Mondays only"
    NONE = "none", "Never: I will look at the reminders page"


class DigestPreference(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference")
    frequency = models.CharField(max_length=8, choices=DigestFrequency.choices, default=DigestFrequency.DAILY)

    def __str__(self):
        return f"{self.user}: {self.get_frequency_display()}"


class DigestStatus(models.TextChoices):
    WAITING = "waiting", "Waiting to send"
    SENT = "sent", "Sent"
    FAILED = "failed", "Not sent"


class Digest(models.Model):
    """One person's digest for one day: what it listed and whether it went."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests")
    day = models.DateField()
    items = models.JSONField(default=list, help_text="The reminders sent: topic, text, url, due_on, overdue")
    status = models.CharField(max_length=8, choices=DigestStatus.choices, default=DigestStatus.WAITING)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_a_day")]
        ordering = ["-day", "-id"]

    def __str__(self):
        return f"Digest for {self.user} on {self.day}"
