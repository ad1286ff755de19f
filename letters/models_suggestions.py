"""The letters suggested to officers: the decision someone took on a suggestion (accepted into a
draft or dismissed, SuggestionDecision), and the open suggestions stored per school for the pages
that count and page through them (StoredSuggestion, StoredSuggestionState; docs/adr/0036).
letters.models imports these so that Django registers the models and every caller goes on
importing them from there."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from schools.models import School

from .models import Letter, LetterKind, LetterType


class SuggestionDecision(models.Model):
    """A suggestion the system made (letters.suggestions) that someone accepted into a draft or
    dismissed with a reason; either way it is not suggested again."""

    ACCEPTED = "accepted"
    DISMISSED = "dismissed"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="letter_suggestion_decisions")
    letter_type = models.ForeignKey(LetterType, on_delete=models.PROTECT, related_name="+")
    source_key = models.CharField(max_length=100)
    reason = models.TextField(help_text="The suggestion as it was made")
    decision = models.CharField(max_length=10, choices=[(ACCEPTED, "Accepted"), (DISMISSED, "Dismissed")])
    dismissed_reason = models.TextField(blank=True)
    letter = models.ForeignKey(Letter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.UniqueConstraint(fields=["school", "source_key"], name="unique_letter_suggestion_decision")
        ]

    def __str__(self):
        return f"{self.get_decision_display()}: {self.reason}"


class StoredSuggestionState(models.Model):
    """Whether a school's stored open suggestions (StoredSuggestion) are current: any write the
    suggestion rules read marks its school stale in the same transaction, and
    `letters.stored_suggestions.refresh` recomputes stale schools and schools computed for another
    day before a page reads them (docs/adr/0036). Every school has one (made with the school)."""

    school = models.OneToOneField(
        School, on_delete=models.CASCADE, primary_key=True, related_name="stored_suggestion_state"
    )
    computed_for = models.DateField(null=True, blank=True, help_text="The day the suggestions were computed for")
    stale = models.BooleanField(default=True)

    class Meta:
        default_permissions = ()
        indexes = [
            models.Index(fields=["school"], condition=models.Q(stale=True), name="stored_suggestions_stale"),
            models.Index(fields=["computed_for"], name="stored_suggestions_day"),
        ]

    def __str__(self):
        return f"{self.school_id}: {'stale' if self.stale else 'current'} ({self.computed_for})"


class StoredSuggestion(models.Model):
    """One open letter suggestion (letters.suggestions computes them), kept so that the officer's
    home, the suggestions page and its export count and page through them in SQL (docs/adr/0036).
    The school's name is copied for the order (newest fact first, then by name): a rename marks
    the school stale."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="stored_suggestions")
    kind = models.CharField(max_length=30, choices=LetterKind.choices)
    source_key = models.CharField(max_length=100)
    reason = models.TextField()
    on = models.DateField(help_text="The date of the fact suggesting the letter")
    indicator_codes = models.JSONField(default=list)
    school_name = models.CharField(max_length=255)

    class Meta:
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["school", "source_key"], name="unique_stored_suggestion")]
        indexes = [models.Index(fields=["-on", "-school_name", "school"], name="stored_suggestions_newest")]

    def __str__(self):
        return f"{self.kind} for {self.school_name}: {self.source_key}"
