"""Moderation of a term's proposed categories (issue 14, docs/adr/0032): officers' session over the
term's submitted categorisations and its sheet, one decision per proposal (confirmed or changed,
with the reason and the row as the officers saw it). Part of categorisation.models, which imports
these models (so Django registers them in the categorisation app) and re-exports them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from schools.models import TermName, academic_year_label

from .models import Categorisation, Direction, SupportLevel


class ModerationSession(models.Model):
    """Officers moderating a term's proposed categories across schools before they are approved:
    a sheet of the term's submitted categorisations where each proposal is confirmed or changed
    with a recorded reason (ModerationDecision). A closed session's sheet is kept unchanged."""

    academic_year = models.PositiveSmallIntegerField(help_text="Year the academic year starts: 2026 is 2026/27")
    term = models.CharField(max_length=6, choices=TermName.choices)
    held_on = models.DateField()
    held_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    notes = models.TextField(blank=True, help_text="Who attended, anything agreed for the term as a whole")
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "term"],
                condition=Q(closed_at__isnull=True),
                name="one_open_moderation_session_per_term",
            )
        ]

    def __str__(self):
        return f"Moderation of {self.term_label} on {self.held_on:%-d %B %Y}"

    def get_absolute_url(self):
        return reverse("categorisation:moderation_sheet", kwargs={"pk": self.pk})

    @property
    def term_label(self) -> str:
        return f"{TermName(self.term).label} {academic_year_label(self.academic_year)}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class ModerationOutcome(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    CHANGED = "changed", "Changed"


class ModerationDecision(models.Model):
    """One row of a moderation sheet: a proposal confirmed or changed, with the reason. The row as
    the officers saw it (proposed and previous level, direction, adviser, headline reasons) is
    kept with the decision, so the sheet reads the same after the categorisation moves on."""

    session = models.ForeignKey(ModerationSession, on_delete=models.CASCADE, related_name="decisions")
    categorisation = models.ForeignKey(Categorisation, on_delete=models.PROTECT, related_name="moderation_decisions")
    proposed_level = models.CharField(max_length=6, choices=SupportLevel.choices)
    moderated_level = models.CharField(max_length=6, choices=SupportLevel.choices)
    outcome = models.CharField(max_length=9, choices=ModerationOutcome.choices)
    reason = models.TextField(blank=True)
    previous_level = models.CharField(max_length=6, choices=SupportLevel.choices, blank=True)
    direction = models.CharField(max_length=9, choices=Direction.choices, blank=True)
    adviser_name = models.CharField(max_length=300, blank=True)
    headline = models.TextField(blank=True)
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "categorisation"], name="one_decision_per_proposal_per_session"),
            models.CheckConstraint(
                condition=~Q(outcome="changed") | ~Q(reason=""), name="a_moderated_change_has_a_reason"
            ),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.categorisation_id}"
