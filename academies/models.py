"""Academies (strategy "Where the LA has concerns about an Academy"; DESIGN.md "Academies") and the
intelligence log of every school (strategy "Monitoring").

The LA cannot intervene in an academy: it records its concerns, routes what it receives to the
body that can act, and escalates. A Concern is about one academy or free school; its concern types
are data (the strategy's list, word for word, loaded by a data migration). Each rung of the
escalation ladder is a ConcernStep; each RAG rating a RagChange (the direction of travel); each
decision, resolution, closure and reopening a ConcernDecision; the routing the source calls for
(a parent complaint, whistleblowing, a safeguarding concern) a Routing; each letter to the trust
drafted from it (letters app) a ConcernLetter. Every model keeps its history (django-simple-history)."""

from typing import Self

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from letters.models import Letter
from schools.models import School


class ConcernType(models.Model):
    """One of the strategy's concern types, e.g. "a drop in Ofsted rating". The code is stable so
    that suggestions find it even after the LA rewords the text."""

    code = models.SlugField(max_length=60, unique=True)
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True, help_text="Retired types stay on the concerns that used them")

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.text


class ConcernSource(models.TextChoices):
    LA_MONITORING = "la_monitoring", "The LA's own monitoring"
    PARENT_COMPLAINT = "parent_complaint", "Parent complaint"
    WHISTLEBLOWING = "whistleblowing", "Whistleblowing"
    SAFEGUARDING = "safeguarding", "Safeguarding concern"
    OFSTED = "ofsted", "Ofsted"
    OTHER_TEAM = "other_team", "Another LA team"


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


# Keyed by the stored value (a str), which the choices' members are.
RAG_SEVERITY: dict[str, int] = {Rag.GREEN: 1, Rag.AMBER: 2, Rag.RED: 3}


class ConcernStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


class LadderStage(models.TextChoices):
    """The strategy's escalation ladder, in order."""

    MEETING = "meeting", "Meeting with the principal and/or the trust CEO, arranged by the Director of Education"
    FORMAL_LETTER = "formal_letter", "Formal letter to the chair of the academy trust, seeking a meeting"
    ESCALATION = "escalation", "Escalation to the ESFA, the DfE Regional Director and/or Ofsted"


LADDER_ORDER = [LadderStage.MEETING, LadderStage.FORMAL_LETTER, LadderStage.ESCALATION]
LADDER_SHORT: dict[str, str] = {
    LadderStage.MEETING: "Meeting with principal / CEO",
    LadderStage.FORMAL_LETTER: "Formal letter to the trust chair",
    LadderStage.ESCALATION: "Escalated to the DfE",
}


class ConcernQuerySet(models.QuerySet):
    def open(self) -> Self:
        return self.filter(status=ConcernStatus.OPEN)


class Concern(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="academy_concerns")
    source = models.CharField(max_length=20, choices=ConcernSource.choices)
    raised_by_ofsted = models.BooleanField(
        "raised by Ofsted", default=False, help_text="Its outcome is then reported to Ofsted too"
    )
    concern_types = models.ManyToManyField(ConcernType, related_name="concerns")
    description = models.TextField()
    raised_on = models.DateField("date received or raised")
    rag = models.CharField("RAG rating", max_length=5, choices=Rag.choices)
    rag_reason = models.TextField("reason for the RAG rating")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="academy_concerns"
    )
    next_review_on = models.DateField("next review date", null=True, blank=True)
    status = models.CharField(max_length=10, choices=ConcernStatus.choices, default=ConcernStatus.OPEN, db_index=True)
    outcome = models.TextField(blank=True)
    ended_on = models.DateField("date resolved or closed", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[concern_types])
    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_on", "-id"]

    def __str__(self):
        return f"Concern about {self.school.name} raised {self.raised_on:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("academies:detail", kwargs={"pk": self.pk})

    @property
    def read_label(self) -> str:
        """How the read log names a read of this concern (its page, the meeting pack)."""
        return f"Concern about {self.school.name}"

    @property
    def is_open(self) -> bool:
        return self.status == ConcernStatus.OPEN

    @property
    def is_whistleblowing(self) -> bool:
        return self.source == ConcernSource.WHISTLEBLOWING


class ConcernStep(models.Model):
    """One rung of the escalation ladder, dated, with notes and its outcome."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="steps")
    stage = models.CharField(max_length=20, choices=LadderStage.choices)
    taken_on = models.DateField("date")
    notes = models.TextField()
    outcome = models.TextField(blank=True)
    to_esfa = models.BooleanField("the ESFA (DfE)", default=False)
    to_regional_director = models.BooleanField("the DfE Regional Director", default=False)
    to_ofsted = models.BooleanField("Ofsted", default=False)
    letter = models.ForeignKey(
        Letter,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The issued letter to the trust this step was (one of the concern's letters, ConcernLetter)",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["taken_on", "id"]

    def __str__(self):
        return f"{self.get_stage_display()} ({self.taken_on:%-d %B %Y})"

    @property
    def bodies(self) -> list[str]:
        names = [
            ("to_esfa", "the ESFA"),
            ("to_regional_director", "the DfE Regional Director"),
            ("to_ofsted", "Ofsted"),
        ]
        return [label for field, label in names if getattr(self, field)]


class ConcernLetter(models.Model):
    """A letter to the academy's trust (letters app: the letter to the chair seeking a meeting, the
    letter of concern to the chief executive) drafted from this concern. The link lives here because
    academies sits above letters (INSTALLED_APPS order): letters knows nothing of concerns. A letter
    belongs to one concern; a concern may have several letters (a second letter, a CEO letter)."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="letter_links")
    letter = models.OneToOneField(Letter, on_delete=models.PROTECT, related_name="academy_concern_link")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.letter} (concern {self.concern_id})"


class RagChange(models.Model):
    """A RAG rating given to a concern, with its reason: the concern's direction of travel."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="rag_changes")
    rag = models.CharField("RAG rating", max_length=5, choices=Rag.choices)
    reason = models.TextField()
    rated_on = models.DateField()
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rated_on", "id"]

    def __str__(self):
        return f"{self.get_rag_display()} on {self.rated_on:%-d %B %Y}"


class DecisionKind(models.TextChoices):
    DECISION = "decision", "Decision"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"


class ConcernDecision(models.Model):
    """A decision about a concern, with who took it: also each resolution, closure and reopening."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=10, choices=DecisionKind.choices, default=DecisionKind.DECISION)
    text = models.TextField()
    decided_on = models.DateField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_on", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.decided_on:%-d %B %Y}"


class RoutingKind(models.TextChoices):
    PARENT_COMPLAINT = "parent_complaint", "Parent advised to use the academy's complaints procedure"
    WHISTLEBLOWING = "whistleblowing", "Redirected to the ESFA (DfE)"
    SAFEGUARDING = "safeguarding", "Reported to the DfE Regional Director and the academy or trust"


class Routing(models.Model):
    """That what the LA received was routed as the strategy says for its source, by whom and when."""

    concern = models.OneToOneField(Concern, on_delete=models.CASCADE, related_name="routing")
    kind = models.CharField(max_length=20, choices=RoutingKind.choices)
    done_on = models.DateField("date done")
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    notes = models.TextField(blank=True)
    # Parent complaint: also told to go to the ESFA/DfE for undue delay or non-compliance.
    advised_esfa_for_delay = models.BooleanField(
        "parent also advised to contact the ESFA (DfE) about undue delay or non-compliance", default=False
    )
    # Safeguarding.
    reported_to_regional_director = models.BooleanField("reported to the DfE Regional Director", default=False)
    reported_to_trust = models.BooleanField("reported to the academy or trust", default=False)
    outcome_reported_to_ofsted_on = models.DateField("outcome reported to Ofsted on", null=True, blank=True)

    history = HistoricalRecords()

    def __str__(self):
        return f"{self.get_kind_display()} ({self.done_on:%-d %B %Y})"


class SourceTeam(models.TextChoices):
    GOVERNOR_SERVICES = "governor_services", "Governor services"
    SEN_INCLUSION = "sen_inclusion", "SEN and inclusion"
    SAFEGUARDING = "safeguarding", "Education safeguarding"
    HR = "hr", "HR"
    COMPLAINTS = "complaints", "Complaints"
    OTHER = "other", "Other"


class Sensitivity(models.TextChoices):
    NORMAL = "normal", "Normal: LA staff"
    RESTRICTED = "restricted", "Restricted to officers"


class IntelligenceEntry(models.Model):
    """A dated piece of intelligence about any school from another team (strategy "Monitoring")."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="intelligence")
    received_on = models.DateField("date")
    source_team = models.CharField(max_length=20, choices=SourceTeam.choices)
    summary = models.TextField()
    sensitivity = models.CharField(max_length=10, choices=Sensitivity.choices, default=Sensitivity.NORMAL)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = "intelligence entry"
        verbose_name_plural = "intelligence entries"

    def __str__(self):
        return f"Intelligence about {self.school.name}, {self.received_on:%-d %B %Y}"

    def get_absolute_url(self):
        return reverse("academies:intelligence", kwargs={"pk": self.pk})

    @property
    def is_restricted(self) -> bool:
        return self.sensitivity == Sensitivity.RESTRICTED
