"""The few records the core keeps: spreadsheet exports built in the background (core/export_jobs.py)."""

from django.conf import settings
from django.db import models


class ExportStatus(models.TextChoices):
    PENDING = "pending", "Being prepared"
    READY = "ready", "Ready"
    FAILED = "failed", "Could not be prepared"


def export_path(instance, filename):
    return f"exports/{instance.requested_by_id}/{filename}"


class Export(models.Model):
    """A spreadsheet of a list page's rows, asked for by one user and built by a task worker, so no
    web worker is held for seconds (issue 11). Only the user who asked may download it, while they
    still hold the list's permission; it is deleted after EXPORT_RETENTION_DAYS."""

    kind = models.CharField(max_length=40)  # a key of core.export_jobs.KINDS
    params = models.JSONField(default=list, blank=True, help_text="The list's filters: [name, value] pairs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(max_length=8, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    rows = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(upload_to=export_path, blank=True, max_length=200)
    error = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"Export {self.pk} ({self.kind})"
