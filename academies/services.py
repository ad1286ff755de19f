"""Writes to academy concerns, their ladder steps, RAG ratings, decisions and routing, the trusts'
CEO and chair, and the intelligence log.

Every function is atomic, keyword-only and takes the acting user, who is recorded in the audit
history (django-simple-history). The strategy's rules are checked here (academies.rules), so a
bad request changes nothing whatever page it comes from; permissions are checked by the views."""

from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.history import save_as
from letters import documents as letter_documents
from letters import services as letter_services
from letters.models import IN_PROGRESS_STATUSES, TRUST_LETTER_KINDS, Letter, LetterType
from schools.models import School, Trust

from . import rules
from .models import (
    Concern,
    ConcernDecision,
    ConcernLetter,
    ConcernSource,
    ConcernStatus,
    ConcernStep,
    ConcernType,
    DecisionKind,
    IntelligenceEntry,
    LadderStage,
    RagChange,
    Routing,
)

CONCERN_TYPES_REQUIRED = "Choose at least one concern type"
DATE_IN_FUTURE = "The date cannot be in the future"
OUTCOME_REQUIRED = "Enter the outcome"
REOPEN_REASON_REQUIRED = "Enter why the concern is reopened"
DECISION_REQUIRED = "Enter the decision"
RAG_REASON_REQUIRED = "Enter the reason for the RAG rating"


def _today() -> date:
    return timezone.localdate()


def _not_future(on: date, field: str) -> None:
    if on > _today():
        raise ValidationError({field: DATE_IN_FUTURE})


@transaction.atomic
def concern_open(
    *, school: School, source: str, concern_types: list[ConcernType], description: str, raised_on: date,
    rag: str, rag_reason: str, owner: User | None, next_review_on: date | None = None, raised_by_ofsted: bool = False,
    actor: User,
) -> Concern:  # fmt: skip
    if errors := rules.the_la_may_have_its_own_concerns_about_an_academy(school=school):
        raise ValidationError(errors)
    problems: dict[str, list[str]] = {}  # every field's, in one round (docs/adr/0070)
    if not concern_types:
        problems["concern_types"] = [CONCERN_TYPES_REQUIRED]
    if not rag_reason.strip():
        problems["rag_reason"] = [RAG_REASON_REQUIRED]
    if owner_problems := rules.whistleblowing_concerns_are_redirected_by_officers(source=source, owner=owner):
        problems["owner"] = owner_problems
    if raised_on > _today():
        problems["raised_on"] = [DATE_IN_FUTURE]
    if review := rules.a_next_review_is_still_to_come(next_review_on=next_review_on, today=_today()):
        problems["next_review_on"] = review
    if problems:
        raise ValidationError(problems)
    concern = Concern(
        school=school,
        source=source,
        raised_by_ofsted=raised_by_ofsted or source == ConcernSource.OFSTED,
        description=description,
        raised_on=raised_on,
        rag=rag,
        rag_reason=rag_reason,
        owner=owner,
        next_review_on=next_review_on,
        created_by=actor,
    )
    save_as(concern, actor=actor)
    concern.concern_types.set(concern_types)
    RagChange.objects.create(concern=concern, rag=rag, reason=rag_reason, rated_on=raised_on, rated_by=actor)
    return concern


@transaction.atomic
def concern_update(
    *,
    concern: Concern,
    concern_types: list[ConcernType],
    description: str,
    owner: User | None,
    next_review_on: date | None,
    actor: User,
) -> Concern:
    """Change an open concern's types, description, owner and next review. The concern's row is read
    again, locked, and only these fields are written: a concern resolved or closed since the page
    was opened is refused, not opened again by saving the page's stale copy."""
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    if not concern.is_open:
        raise ValidationError(rules.CONCERN_NOT_OPEN.format(status=concern.get_status_display().lower()))
    if not concern_types:
        raise ValidationError({"concern_types": CONCERN_TYPES_REQUIRED})
    # Checked when the owner changes: an earlier owner does not hold up a change to anything else.
    owner_problems = rules.whistleblowing_concerns_are_redirected_by_officers(source=concern.source, owner=owner)
    if owner != concern.owner and owner_problems:
        raise ValidationError({"owner": owner_problems})
    review_problems = rules.a_next_review_is_still_to_come(
        next_review_on=next_review_on, today=_today(), current=concern.next_review_on
    )
    if review_problems:
        raise ValidationError({"next_review_on": review_problems})
    concern.description, concern.owner, concern.next_review_on = description, owner, next_review_on
    save_as(concern, actor=actor, update_fields=["description", "owner", "next_review_on", "updated_at"])
    concern.concern_types.set(concern_types)
    return concern


@transaction.atomic
def concern_rate(*, concern: Concern, rag: str, reason: str, rated_on: date | None = None, actor: User) -> RagChange:
    """A new RAG rating with its reason: the concern's direction of travel."""
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    if not concern.is_open:
        raise ValidationError(rules.CONCERN_NOT_OPEN.format(status=concern.get_status_display().lower()))
    if not reason.strip():
        raise ValidationError({"reason": RAG_REASON_REQUIRED})
    rated_on = rated_on or _today()
    _not_future(rated_on, "rated_on")
    concern.rag, concern.rag_reason = rag, reason
    save_as(concern, actor=actor)
    return RagChange.objects.create(concern=concern, rag=rag, reason=reason, rated_on=rated_on, rated_by=actor)


@transaction.atomic
def concern_record_step(
    *, concern: Concern, stage: str, taken_on: date, notes: str, outcome: str = "", to_esfa: bool = False,
    to_regional_director: bool = False, to_ofsted: bool = False, letter: Letter | None = None, actor: User,
) -> ConcernStep:  # fmt: skip
    """A rung of the escalation ladder: in order, on an open concern, an escalation naming its body;
    with the issued letter to the trust it was, if any (the formal letter to the chair)."""
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    taken = set(concern.steps.values_list("stage", flat=True))
    errors = rules.steps_follow_the_ladder(stage=stage, stages_taken=taken, status=concern.status)
    errors += rules.escalation_names_the_body(
        stage=stage, to_esfa=to_esfa, to_regional_director=to_regional_director, to_ofsted=to_ofsted
    )
    errors += rules.a_step_carries_an_issued_letter_of_its_concern(
        stage=stage,
        letter=letter,
        concern_letter_ids=set(concern.letter_links.values_list("letter_id", flat=True)),
        on_other_step=letter is not None and ConcernStep.objects.filter(letter=letter).exists(),
    )
    dated = rules.a_step_is_dated_after_the_concern_and_the_rungs_below_it(
        stage=stage, taken_on=taken_on, raised_on=concern.raised_on,
        steps_taken=list(concern.steps.values_list("stage", "taken_on")),
    )  # fmt: skip
    if errors and dated:  # every problem in one round (docs/adr/0070)
        raise ValidationError({NON_FIELD_ERRORS: errors, "taken_on": dated})
    if errors or dated:
        raise ValidationError(errors or {"taken_on": dated})
    _not_future(taken_on, "taken_on")
    escalation = stage == LadderStage.ESCALATION
    step = ConcernStep(
        concern=concern,
        stage=stage,
        taken_on=taken_on,
        notes=notes,
        outcome=outcome,
        to_esfa=escalation and to_esfa,
        to_regional_director=escalation and to_regional_director,
        to_ofsted=escalation and to_ofsted,
        letter=letter,
        recorded_by=actor,
    )
    save_as(step, actor=actor)
    return step


@transaction.atomic
def concern_draft_trust_letter(*, concern: Concern, kind: str, actor: User) -> tuple[Letter, bool]:
    """Draft a letter to the academy's trust from the concern (letters: the letter to the chair seeking
    a meeting, or the letter of concern to the chief executive), pre-filled from the LA's template with
    the concern's types ticked, and record that it belongs to the concern. It is then completed,
    approved and issued like any letter (letters.services). If a letter of that kind from this concern
    is still in progress, that one is returned instead (False: not created), so a second click drafts
    nothing twice. The view checks that the user may draft letters to the school."""
    if kind not in TRUST_LETTER_KINDS:
        raise ValueError(kind)
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    if errors := rules.the_la_writes_formally_to_the_chair_of_the_academy_trust(
        source=concern.source, status=concern.status
    ):
        raise ValidationError(errors)
    in_progress = (
        Letter.objects.filter(
            academy_concern_link__concern=concern, letter_type__code=kind, status__in=IN_PROGRESS_STATUSES
        )
        .order_by("created_at", "id")
        .first()
    )
    if in_progress is not None:
        return in_progress, False
    letter_type = LetterType.objects.select_related("template").get(code=kind)
    subject, body = letter_documents.prefilled_text(concern.school, letter_type)
    codes = list(concern.concern_types.values_list("code", flat=True))
    letter = letter_services.letter_draft_create(
        school=concern.school,
        letter_type=letter_type,
        actor=actor,
        subject=subject,
        body=body,
        indicators=list(letter_type.indicators.filter(code__in=codes, is_active=True)),
    )
    save_as(ConcernLetter(concern=concern, letter=letter, created_by=actor), actor=actor)
    return letter, True


@transaction.atomic
def concern_record_routing(
    *, concern: Concern, done_on: date, notes: str = "", advised_esfa_for_delay: bool = False,
    reported_to_regional_director: bool = False, reported_to_trust: bool = False,
    outcome_reported_to_ofsted_on: date | None = None, actor: User,
) -> Routing:  # fmt: skip
    """That what the LA received was routed as the strategy says for the concern's source."""
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    rule = rules.routing_for_source(concern.source)
    if rule is None:
        raise ValidationError(rules.ROUTING_NOT_FOR_SOURCE.format(source=concern.get_source_display().lower()))
    if Routing.objects.filter(concern=concern).exists():
        raise ValidationError(rules.ROUTING_ALREADY_RECORDED)
    errors = rules.routing_is_complete(
        source=concern.source,
        raised_by_ofsted=concern.raised_by_ofsted,
        reported_to_regional_director=reported_to_regional_director,
        reported_to_trust=reported_to_trust,
        outcome_reported_to_ofsted_on=outcome_reported_to_ofsted_on,
    )
    if errors:
        raise ValidationError(errors)
    _not_future(done_on, "done_on")
    routing = Routing(
        concern=concern,
        kind=rule.kind,
        done_on=done_on,
        done_by=actor,
        notes=notes,
        advised_esfa_for_delay=concern.source == ConcernSource.PARENT_COMPLAINT and advised_esfa_for_delay,
        reported_to_regional_director=concern.source == ConcernSource.SAFEGUARDING and reported_to_regional_director,
        reported_to_trust=concern.source == ConcernSource.SAFEGUARDING and reported_to_trust,
        outcome_reported_to_ofsted_on=outcome_reported_to_ofsted_on,
    )
    save_as(routing, actor=actor)
    return routing


@transaction.atomic
def concern_record_decision(
    *, concern: Concern, text: str, decided_on: date | None = None, actor: User
) -> ConcernDecision:
    """A decision on an open concern (a resolved or closed one is reopened first, as for its steps
    and ratings: its page offers no decision, and a form posted from a page opened before is refused)."""
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    if not concern.is_open:
        raise ValidationError(rules.CONCERN_NOT_OPEN.format(status=concern.get_status_display().lower()))
    if not text.strip():
        raise ValidationError({"text": DECISION_REQUIRED})
    decided_on = decided_on or _today()
    _not_future(decided_on, "decided_on")
    return ConcernDecision.objects.create(
        concern=concern, kind=DecisionKind.DECISION, text=text, decided_on=decided_on, decided_by=actor
    )


@transaction.atomic
def concern_end(*, concern: Concern, status: str, outcome: str, ended_on: date | None = None, actor: User) -> Concern:
    """Resolve (the concern was met) or close (no further action) an open concern, with its outcome."""
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    if not concern.is_open:
        raise ValidationError(rules.ALREADY_ENDED.format(status=concern.get_status_display().lower()))
    if status not in (ConcernStatus.RESOLVED, ConcernStatus.CLOSED):
        raise ValueError(status)
    if not outcome.strip():
        raise ValidationError({"outcome": OUTCOME_REQUIRED})
    ended_on = ended_on or _today()
    _not_future(ended_on, "ended_on")
    concern.status, concern.outcome, concern.ended_on = status, outcome, ended_on
    save_as(concern, actor=actor)
    kind = DecisionKind.RESOLVED if status == ConcernStatus.RESOLVED else DecisionKind.CLOSED
    ConcernDecision.objects.create(concern=concern, kind=kind, text=outcome, decided_on=ended_on, decided_by=actor)
    return concern


@transaction.atomic
def concern_reopen(*, concern: Concern, reason: str, reopened_on: date | None = None, actor: User) -> Concern:
    """The concern returned: open again, its steps, ratings, routing and earlier outcome kept (the
    outcome stays in the decisions log and the history)."""
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    if concern.is_open:
        raise ValidationError(rules.ALREADY_OPEN)
    if not reason.strip():
        raise ValidationError({"reason": REOPEN_REASON_REQUIRED})
    reopened_on = reopened_on or _today()
    concern.status, concern.outcome, concern.ended_on = ConcernStatus.OPEN, "", None
    save_as(concern, actor=actor)
    ConcernDecision.objects.create(
        concern=concern, kind=DecisionKind.REOPENED, text=reason, decided_on=reopened_on, decided_by=actor
    )
    return concern


@transaction.atomic
def trust_update_contacts(
    *, trust: Trust, ceo_name: str, chair_name: str, address: str | None = None, actor: User
) -> Trust:
    """The trust's chief executive, chair of trustees and (if given) postal address, kept by the LA:
    letters to the trust are addressed from them (letters.documents). The trust's row is read again,
    locked, and only these fields are written: a GIAS import's change since the page read it is kept."""
    trust = Trust.objects.select_for_update().get(pk=trust.pk)
    trust.ceo_name, trust.chair_name = ceo_name.strip(), chair_name.strip()
    if address is not None:
        trust.address = "\n".join(line.strip() for line in address.strip().splitlines())
    save_as(trust, actor=actor, update_fields=["ceo_name", "chair_name", "address"])
    return trust


@transaction.atomic
def intelligence_record(
    *, school: School, received_on: date, source_team: str, summary: str, sensitivity: str, actor: User
) -> IntelligenceEntry:
    _not_future(received_on, "received_on")
    entry = IntelligenceEntry(
        school=school,
        received_on=received_on,
        source_team=source_team,
        summary=summary,
        sensitivity=sensitivity,
        recorded_by=actor,
    )
    save_as(entry, actor=actor)
    return entry
