"""The record of every import of the register's files (GIAS, Ofsted, performance, councillors):
who imported what, when, with what result, and where a running import stands. schools.models
imports these so that Django registers the model and every caller goes on importing them from
there; the stored file's path stays in schools.models, where its migration names it."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from .models import import_upload_path


class ImportKind(models.TextChoices):
    GIAS = "gias", "GIAS establishments"
    OFSTED = "ofsted", "Ofsted inspections"
    PERFORMANCE = "performance", "Performance measures"
    COUNCILLORS = "councillors", "Ward councillors"


# What is imported, inside a sentence ("Import GIAS establishments", "Import ward councillors"):
# the label without its capital, except a name's.
IMPORT_PHRASES = {
    ImportKind.GIAS: "GIAS establishments",
    ImportKind.OFSTED: "Ofsted inspections",
    ImportKind.PERFORMANCE: "performance measures",
    ImportKind.COUNCILLORS: "ward councillors",
}


class ImportStatus(models.TextChoices):
    CHECKING = "checking", "Checking the file"
    PREVIEWED = "previewed", "Previewed, waiting for confirmation"
    IMPORTING = "importing", "Importing"
    COMMITTED = "committed", "Imported"
    REFUSED = "refused", "Refused"
    FAILED = "failed", "Stopped by an error (nothing changed)"
    CANCELLED = "cancelled", "Cancelled"
    DRY_RUN = "dry_run", "Dry run (nothing changed)"
    NOTHING_TO_IMPORT = "nothing", "Nothing to import"


RUNNING_STATUSES = (ImportStatus.CHECKING, ImportStatus.IMPORTING)

# How many of an import's errors a command prints from (ImportRecord.errors).
ERRORS_SUMMARISED = 1000


class ImportRecord(models.Model):
    """Who imported what, when, and with what result: kept for every upload and command run."""

    kind = models.CharField(max_length=12, choices=ImportKind.choices)
    status = models.CharField(max_length=12, choices=ImportStatus.choices)
    source = models.CharField(
        max_length=10, choices=[("web", "Browser upload"), ("command", "Command"), ("schedule", "Scheduled")]
    )
    original_filename = models.CharField(max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    size_bytes = models.PositiveBigIntegerField(default=0)
    file = models.FileField(upload_to=import_upload_path, blank=True, max_length=400)
    options = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="imports"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    committed_at = models.DateTimeField(null=True, blank=True)

    rows_total = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0, help_text="Rows for other local authorities")
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True, help_text="Why a file was refused, or a note on the result")
    error_count = models.PositiveIntegerField(default=0)
    changes = models.JSONField(default=list, blank=True, help_text="A sample of the creates and updates")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} import {self.pk} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("schools:import_detail", kwargs={"pk": self.pk})

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def errors(self) -> list[dict]:
        """The first errors as {row, column, value, message}, in file order: what a command prints."""
        return [
            dict(error) for error in self.row_errors.values("row", "column", "value", "message")[:ERRORS_SUMMARISED]
        ]


class ImportRowError(models.Model):
    """One problem the check found in a file's row: its row as a spreadsheet numbers it, the column,
    the value it held and what is wrong. All of an import's, up to schools.importers.base's
    MAX_STORED_ERRORS, are kept: the page lists them and the admin downloads them to correct the file."""

    record = models.ForeignKey(ImportRecord, on_delete=models.CASCADE, related_name="row_errors")
    row = models.PositiveIntegerField()
    column = models.TextField()  # a header the file named, of any length
    value = models.TextField(blank=True)
    message = models.TextField()

    class Meta:
        ordering = ["id"]  # the order the check found them: file order

    def __str__(self):
        return f"Row {self.row}: {self.column} {self.message}"
