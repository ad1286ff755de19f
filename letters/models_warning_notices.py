"""A warning notice's progress after issue (Education and Inspections Act 2006 s60): the governing
body's response, the authority's view at the end of the compliance period (ComplianceOutcome), the
notice of intention to use the intervention powers (InterventionPower) and the decision taken.
letters.models imports these so that Django registers the model and every caller goes on importing
them from there; the notice's file path stays in letters.models, where its migration names it."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from .models import DocumentsStatus, Letter, intention_file_path


class ComplianceOutcome(models.TextChoices):
    COMPLIED = "complied", "Complied with the notice to the authority's satisfaction"
    NOT_COMPLIED = "not_complied", "Did not comply with the notice to the authority's satisfaction"


class InterventionPower(models.TextChoices):
    """The local authority's powers once a school is eligible for intervention (EIA 2006 Part 4,
    "Intervention by local authority"), numbered as in the statute."""

    ARRANGEMENTS = "s63", "Require the governing body to enter into arrangements (s63)"
    ADDITIONAL_GOVERNORS = "s64", "Appoint additional governors (s64)"
    INTERIM_EXECUTIVE_BOARD = "s65", "Provide for the governing body to consist of interim executive members (s65)"
    SUSPEND_BUDGET = "s66", "Suspend the right to a delegated budget (s66)"


NO_INTERVENTION = "none"
DECISION_CHOICES = [*InterventionPower.choices, (NO_INTERVENTION, "Not to use the intervention powers")]


class WarningNoticeProgress(models.Model):
    """What happens after a warning notice is issued: the governing body's response, the
    authority's view at the end of the compliance period, the written notice of intention to use
    the intervention powers (s60(1)(d)) and the decision taken."""

    letter = models.OneToOneField(Letter, on_delete=models.CASCADE, related_name="progress")

    response_received_on = models.DateField("response received on", null=True, blank=True)
    response_text = models.TextField("the governing body's response", blank=True)

    outcome = models.CharField(max_length=12, choices=ComplianceOutcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    outcome_notes = models.TextField(blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    intention_given_on = models.DateField("notice of intention given on", null=True, blank=True)
    intention_powers = models.JSONField(default=list, blank=True)
    intention_text = models.TextField(blank=True)
    intention_pdf = models.FileField(upload_to=intention_file_path, blank=True, max_length=300)
    intention_docx = models.FileField(upload_to=intention_file_path, blank=True, max_length=300)
    intention_content = models.JSONField(default=dict, blank=True, help_text="The notice exactly as given")
    intention_documents_status = models.CharField(max_length=8, choices=DocumentsStatus.choices, blank=True)
    intention_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    decision_on = models.DateField(null=True, blank=True)
    decision_powers = models.JSONField(default=list, blank=True)
    decision_notes = models.TextField(blank=True)
    decision_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "warning notice progress"

    def __str__(self):
        return f"Progress of {self.letter}"

    @property
    def is_eligible_for_intervention(self) -> bool:
        from .rules import eligible_for_intervention_s60_1

        return eligible_for_intervention_s60_1(self)

    @property
    def decision_labels(self) -> list[str]:
        labels = dict(DECISION_CHOICES)
        return [labels.get(p, p) for p in self.decision_powers]

    @property
    def intention_labels(self) -> list[str]:
        labels = dict(DECISION_CHOICES)
        return [labels.get(p, p) for p in self.intention_powers]
