"""Reads of concerns, trusts, the meeting pack and the intelligence log, scoped to the user:
whistleblowing concerns and restricted intelligence exist for officers only (404 for anyone else)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from letters.models import Letter, LetterStatus
from schools.models import School, Trust

from . import rules
from .models import (
    LADDER_ORDER,
    LADDER_SHORT,
    RAG_SEVERITY,
    Concern,
    ConcernLetter,
    ConcernQuerySet,
    ConcernSource,
    ConcernStep,
    ConcernType,
    IntelligenceEntry,
    LadderStage,
    RagChange,
    Sensitivity,
)


def can_see_restricted(user: User) -> bool:
    return user.has_perm("academies.view_restricted")


def concerns_visible_to(user: User) -> ConcernQuerySet[Concern]:
    concerns = Concern.objects.select_related("school", "school__trust", "owner").prefetch_related(
        "concern_types",
        Prefetch("steps", queryset=ConcernStep.objects.select_related("letter").order_by("taken_on", "id")),
    )
    if not can_see_restricted(user):
        concerns = concerns.exclude(source=ConcernSource.WHISTLEBLOWING)
    return concerns


def concern_for_user(*, user: User, pk: int) -> Concern:
    return get_object_or_404(concerns_visible_to(user), pk=pk)


def academies_open() -> QuerySet[School]:
    return School.objects.academies().open().select_related("trust", "establishment_type")


def active_concern_types() -> QuerySet[ConcernType]:
    return ConcernType.objects.filter(is_active=True)


def stage_of(concern: Concern) -> str:
    """The highest rung of the ladder taken (from the prefetched steps), or ""."""
    stages = {step.stage for step in concern.steps.all()}
    reached = [stage for stage in LADDER_ORDER if stage in stages]
    return reached[-1] if reached else ""


def last_step(concern: Concern) -> ConcernStep | None:
    steps = list(concern.steps.all())
    return steps[-1] if steps else None


@dataclass
class Direction:
    word: str  # "worsening", "improving", "no change", ""
    previous: RagChange | None


def direction_of_travel(changes: list[RagChange]) -> Direction:
    """The latest rating against the one before it."""
    if len(changes) < 2:
        return Direction("", None)
    latest, previous = RAG_SEVERITY[changes[-1].rag], RAG_SEVERITY[changes[-2].rag]
    word = "worsening" if latest > previous else "improving" if latest < previous else "no change"
    return Direction(word, changes[-2])


def rag_history(concern: Concern) -> list[RagChange]:
    return list(concern.rag_changes.select_related("rated_by").order_by("rated_on", "id"))


@dataclass
class PackRow:
    concern: Concern
    stage: str
    stage_label: str
    last_action: str
    last_action_on: date | None
    next_step: str


def meeting_pack(*, user: User) -> list[PackRow]:
    """The academies with open significant concerns, for the LA's meetings with Ofsted and the DfE:
    one row per concern, the reddest and furthest up the ladder first."""
    rows = []
    for concern in concerns_visible_to(user).open().order_by("school__name", "raised_on", "id"):
        stage = stage_of(concern)
        if not rules.significant_concerns_are_raised_at_the_ofsted_and_dfe_meetings(
            status=concern.status, rag=concern.rag, stage=stage
        ):
            continue
        step = last_step(concern)
        rows.append(
            PackRow(
                concern=concern,
                stage=stage,
                stage_label=LADDER_SHORT.get(stage, "Concern recorded") if stage else "Concern recorded",
                last_action=f"{LADDER_SHORT[step.stage]}: {step.outcome or step.notes}" if step else "Concern recorded",
                last_action_on=step.taken_on if step else concern.raised_on,
                next_step=rules.next_step(stage=stage, status=concern.status),
            )
        )
    rows.sort(
        key=lambda r: (-RAG_SEVERITY[r.concern.rag], -(LADDER_ORDER.index(LadderStage(r.stage)) if r.stage else -1))
    )
    return rows


def trust_for_code(code: str) -> Trust:
    return get_object_or_404(Trust, code=code)


def trust_concerns(*, user: User, trust: Trust) -> QuerySet[Concern]:
    return concerns_visible_to(user).filter(school__trust=trust).order_by("status", "school__name", "-raised_on")


def trust_academies(trust: Trust) -> QuerySet[School]:
    return School.objects.filter(trust=trust).open().order_by("name")


def intelligence_visible_to(user: User) -> QuerySet[IntelligenceEntry]:
    entries = IntelligenceEntry.objects.select_related("school", "recorded_by")
    if not can_see_restricted(user):
        entries = entries.exclude(sensitivity=Sensitivity.RESTRICTED)
    return entries


def school_intelligence(*, user: User, school: School, limit: int = 20) -> list[IntelligenceEntry]:
    return list(intelligence_visible_to(user).filter(school=school).order_by("-received_on", "-id")[:limit])


def intelligence_for_user(*, user: User, pk: int) -> IntelligenceEntry:
    return get_object_or_404(intelligence_visible_to(user), pk=pk)


def stage_label(concern: Concern) -> str:
    stage = stage_of(concern)
    return LADDER_SHORT[stage] if stage else "Concern recorded"


def concern_letters(concern: Concern) -> list[Letter]:
    """The letters to the trust drafted from the concern, oldest first (letters.Letter)."""
    links = ConcernLetter.objects.filter(concern=concern).select_related(
        "letter", "letter__letter_type", "letter__school"
    )
    return [link.letter for link in links.order_by("created_at", "id")]


def letters_for_a_step(concern: Concern) -> QuerySet[Letter]:
    """The concern's issued letters not yet recorded with a step: those a new step may carry."""
    return (
        Letter.objects.filter(academy_concern_link__concern=concern, status=LetterStatus.ISSUED)
        .exclude(pk__in=ConcernStep.objects.filter(letter__isnull=False).values("letter_id"))
        .select_related("letter_type")
        .order_by("issued_on", "id")
    )


def concern_of_letter(user: User, letter: Letter) -> tuple[str, str] | None:
    """The concern a letter to the trust was drafted from, as (label, url), if the user may open it
    (letters.links: the letter page links back to it)."""
    if not user.has_perm("academies.view_concerns"):
        return None
    link = ConcernLetter.objects.filter(letter=letter).select_related("concern", "concern__school").first()
    if link is None or (link.concern.is_whistleblowing and not can_see_restricted(user)):
        return None
    concern = link.concern
    return f"Concern about {concern.school.name}, raised {concern.raised_on:%-d %B %Y}", concern.get_absolute_url()
