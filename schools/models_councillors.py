"""Ward councillors (elected members) and the record of each alert sent to them when a school in
their ward causes significant concern. schools.models imports these so that Django registers the
models and every caller goes on importing them from there."""

import re

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from .models import School, Ward

# "Cllr Jane Smith", "Councillor Jane Smith": the service says "Cllr" itself ("Cllr Cllr Jane Smith").
COUNCILLOR_TITLE = re.compile(r"^(?:cllr\.?|councillor)\s+", re.IGNORECASE)


def councillor_name(text: str) -> str:
    """A councillor's name as kept: spaces collapsed, without a leading "Cllr" or "Councillor"."""
    name = " ".join(text.split())
    return COUNCILLOR_TITLE.sub("", name) or name


class Councillor(models.Model):
    """An elected member for a ward: alerted when a school in their ward causes significant concern."""

    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="councillors")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    party = models.CharField(max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["ward__name", "name"]
        constraints = [models.UniqueConstraint(fields=["ward", "name"], name="unique_councillor_per_ward")]

    def __str__(self):
        return f"Cllr {self.name} ({self.ward.name})"


class ElectedMemberAlertKind(models.TextChoices):
    HIGH_SUPPORT = "high_support", "School categorised as high support"
    WARNING_NOTICE = "warning_notice", "Warning notice issued"
    SIGNIFICANT_CONCERNS = "significant_concerns", "Significant concerns letter (top tier) issued"


ALERT_RETRYING_PREFIX = "Not sent yet (trying again)"


class ElectedMemberAlert(models.Model):
    """The record that a school's ward councillors were alerted (DESIGN: recorded and emailed)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="elected_member_alerts")
    kind = models.CharField(max_length=24, choices=ElectedMemberAlertKind.choices)
    summary = models.TextField()
    recipients = models.JSONField(default=list, blank=True, help_text='["Name <email>", ...]')
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.school.name}"

    @property
    def status(self) -> str:
        if self.sent_at:
            return "Sent"
        if self.error.startswith(ALERT_RETRYING_PREFIX):
            return "Trying again"  # the mail server failed; the task queue tries again (schools.tasks)
        if self.error:
            return "Not sent"
        return "Waiting to send"
