"""Documents exchanged between a school and the LA (issue 14, docs/adr/0034): the school's
self-evaluation and improvement plan, and what the LA shares with the school. The file is stored
under MEDIA_ROOT with a random name; the name the browser sent is kept only as text."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from schools.models import School


class DocumentKind(models.TextChoices):
    SELF_EVALUATION = "sef", "Self-evaluation (SEF)"
    IMPROVEMENT_PLAN = "plan", "School improvement plan"
    LA_DOCUMENT = "la", "Local authority document"
    OTHER = "other", "Other"


class Direction(models.TextChoices):
    FROM_SCHOOL = "school", "From the school"
    FROM_LA = "la", "Shared by the local authority"


class ScanStatus(models.TextChoices):
    CLEAN = "clean", "Scanned: no virus found"
    NOT_SCANNED = "not_scanned", "Not scanned"


class Document(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="exchanged_documents")
    kind = models.CharField(max_length=5, choices=DocumentKind.choices)
    direction = models.CharField(max_length=6, choices=Direction.choices)
    title = models.CharField(max_length=200)
    # An LA document the school's governors may read too (the school's own SEF and plan they always may).
    for_governors = models.BooleanField(default=False)
    file = models.FileField(max_length=200)  # a name the service makes: exchange/<urn>/<random>.<ext>
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=5)
    scan_status = models.CharField(max_length=11, choices=ScanStatus.choices)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_reason = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords(excluded_fields=["file"])

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["school", "-uploaded_at"], name="exchange_doc_school_idx")]

    def __str__(self):
        return self.title

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def get_download_url(self) -> str:
        return reverse("exchange:download", kwargs={"urn": self.school.urn, "pk": self.pk})


class DocumentEmail(models.Model):
    """One email telling a headteacher (or a governor) the LA shared a document, sent by the task queue
    (exchange.tasks). A recipient without an address is recorded, not emailed."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="emails")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Emailed as a governor (the document shared with the governing body too), not as a headteacher:
    # what the recipient must still be when it is sent (docs/adr/0087).
    to_governor = models.BooleanField(default=False)
    address = models.CharField(max_length=254, blank=True)
    queued_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["queued_at", "id"]

    def __str__(self):
        return f"{self.document}: {self.address or self.recipient}"
