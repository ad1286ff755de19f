from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class ReadEvent(models.Model):
    """Someone read a confidential record: who, when, which record (content type, id and a label
    as it was then) and through which page. One row per person, record and page in each window of
    READ_LOG_COLLAPSE_MINUTES (`window`, the window's start; None when reads are not collapsed).
    Kept for READ_LOG_RETENTION_DAYS (`manage.py purge_read_log`)."""

    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(max_length=300)
    view = models.CharField(max_length=100)
    window = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id", "view", "window"], name="audit_one_read_per_window"
            )
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"], name="audit_reads_of_record"),
            models.Index(fields=["user", "-at"], name="audit_reads_by_user"),
            models.Index(fields=["-at", "-id"], name="audit_reads_newest"),
        ]

    def __str__(self):
        return f"{self.user_id} read {self.label} ({self.at:%d/%m/%Y %H:%M})"
