"""The few records the core keeps: spreadsheet exports built in the background (core/export_jobs.py),
the keys of forms sent (core/once.py), and the emails being sent now (core/emails.py)."""

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
    described = models.JSONField(
        default=list, blank=True, help_text="The filters as the list named them when asked for: [label, [values]] pairs"
    )
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


class SentForm(models.Model):
    """A form's key, claimed by the request that sent it; kept (with where it went) once it did."""

    key = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=2000)
    went_to = models.CharField(max_length=2000, blank=True, help_text="Blank while it is being sent")
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return f"{self.path} ({self.key})"


class EmailClaim(models.Model):
    """An email being sent now (core.emails.claimed): kept while one sender holds it, so that no other
    sends the same email at the same moment, and deleted once its outcome is recorded on the email's
    own row. A claim whose sender died is taken over (core.emails)."""

    email = models.CharField(max_length=100, unique=True, help_text='The email\'s row: "app.model pk"')
    token = models.UUIDField(help_text="The holder's: only it lets the claim go")
    job_id = models.BigIntegerField(null=True, blank=True, help_text="The queue's job sending it; blank outside it")
    claimed_at = models.DateTimeField()

    def __str__(self):
        return f"{self.email} (claimed {self.claimed_at:%Y-%m-%d %H:%M:%S})"
