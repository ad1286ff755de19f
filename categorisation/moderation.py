"""Moderation of a term's proposed categories (issue 14 "Moderation", docs/adr/0032).

Before a term's categories are approved, officers may hold a moderation session: a sheet of that
term's submitted categorisations across schools (proposed level, previous level, direction of
travel, adviser, headline reasons), where each proposal is confirmed or changed with a recorded
reason. A change sets the submitted categorisation's final level at once, with the reason on its
history (a "Moderated" event); approval stays the existing step, by another officer (four eyes:
the officer who changed the level is one of the judgement's authors). Each decision keeps the row
as the officers saw it, and a closed session's sheet is kept unchanged (read only).

Writes (keyword-only, atomic, with the acting user) and the sheet's reads are both here, as in
categorisation.notices."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from core.history import save_as
from schools.models import TermName
from schools.terms import term_on

from .models import (
    Categorisation,
    CategorisationEvent,
    EventKind,
    ModerationDecision,
    ModerationOutcome,
    ModerationSession,
    Status,
    SupportLevel,
    direction_between,
)
from .selectors import current_categories

OFFICER_ONLY = "Only an officer may hold a moderation session or record its decisions."
SESSION_OPEN_ALREADY = "A moderation session for {term} is already open. Continue that one, or close it first."
SESSION_CLOSED = "This moderation session was closed on {when}: its sheet is kept as it was."
UNKNOWN_TERM = "Choose a term"
HELD_ON_REQUIRED = "Enter the date the session is held"
LEVEL_REQUIRED = "Choose the moderated level"
REASON_REQUIRED = "Enter the reason for changing the level"
NOT_SUBMITTED = (
    "{school}'s categorisation is no longer waiting for approval (it is {status}), so it cannot be moderated."
)
WRONG_TERM = "{school}'s categorisation is for {term}, not the term of this moderation session."
DECIDED_ALREADY = "{school}'s proposal was already moderated in this session ({outcome} by {user})."

HEADLINE_LENGTH = 300


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def headline_reasons(categorisation: Categorisation) -> str:
    """The reasons in plain words written for the school, else the rationale, shortened."""
    text = " ".join((categorisation.school_reasons or categorisation.rationale or "").split())
    if len(text) > HEADLINE_LENGTH:
        text = text[: HEADLINE_LENGTH - 1].rstrip() + "…"
    return text


def only_an_officer_moderates(actor: User) -> bool:
    """Issue 14, "Moderation": "officers can hold a moderation session". Advisers read the sheet
    (they read categorisations anyway); only officers open, decide and close."""
    return actor.has_perm("categorisation.moderate")


def a_closed_moderation_sheet_is_kept_unchanged(session: ModerationSession) -> list[str]:
    """Issue 14, "Moderation": "the sheet is kept". Once closed, no decision is added or changed."""
    if session.closed_at is not None:
        return [SESSION_CLOSED.format(when=f"{timezone.localtime(session.closed_at):%-d %B %Y}")]
    return []


def moderation_outcome(*, proposed: str, level: str) -> str:
    """The same level as proposed confirms the proposal; another level changes it."""
    return (ModerationOutcome.CONFIRMED if level == proposed else ModerationOutcome.CHANGED).value


def a_change_of_level_at_moderation_has_a_recorded_reason(
    *, proposed: str, level: str, reason: str
) -> dict[str, list[str]]:
    """Issue 14, "Moderation": "each proposal is confirmed or changed with a recorded reason". A
    level other than the proposed one is a change and needs a reason; the same level confirms it
    (a reason is optional). The error is on the `reason` field."""
    if level != proposed and not reason.strip():
        return {"reason": [REASON_REQUIRED]}
    return {}


def only_the_terms_proposals_are_moderated(*, session: ModerationSession, categorisation: Categorisation) -> list[str]:
    """Issue 14, "Moderation": "a sheet of that term's proposed categories": a categorisation
    waiting for approval (submitted), for the session's term."""
    school = categorisation.school.name
    if categorisation.status != Status.SUBMITTED:
        return [NOT_SUBMITTED.format(school=school, status=categorisation.get_status_display().lower())]
    if (categorisation.academic_year, categorisation.term) != (session.academic_year, session.term):
        return [WRONG_TERM.format(school=school, term=categorisation.term_label)]
    return []


# ---- writes -------------------------------------------------------------------------------------


def _check_officer(actor: User) -> None:
    if not only_an_officer_moderates(actor):
        raise PermissionDenied(OFFICER_ONLY)


def _check_open(session: ModerationSession) -> None:
    if errors := a_closed_moderation_sheet_is_kept_unchanged(session):
        raise ValidationError(errors)


@transaction.atomic
def moderation_session_open(
    *,
    actor: User,
    academic_year: int | None = None,
    term: str | None = None,
    held_on: date | None = None,
    notes: str = "",
) -> ModerationSession:
    """Open a moderation session for a term (by default the term of `held_on`, by default today).
    One open session a term."""
    _check_officer(actor)
    held_on = held_on or timezone.localdate()
    if academic_year is None or term is None:
        period = term_on(held_on)
        academic_year, term = period.academic_year, period.term
    if term not in TermName.values:
        raise ValidationError({"term": UNKNOWN_TERM})
    session = ModerationSession(
        academic_year=academic_year, term=term, held_on=held_on, held_by=actor, notes=notes.strip()
    )
    if ModerationSession.objects.filter(academic_year=academic_year, term=term, closed_at__isnull=True).exists():
        raise ValidationError(SESSION_OPEN_ALREADY.format(term=session.term_label))
    try:
        with transaction.atomic():
            save_as(session, actor=actor)
    except IntegrityError as error:  # a concurrent open
        raise ValidationError(SESSION_OPEN_ALREADY.format(term=session.term_label)) from error
    return session


@transaction.atomic
def moderation_decision_record(
    *, session: ModerationSession, categorisation: Categorisation, level: str, reason: str, actor: User
) -> ModerationDecision:
    """Confirm a proposal (same level) or change it (another level, with a reason). A change sets
    the categorisation's final level now, still waiting for approval; a rationale left empty by the
    adviser gets the moderation's reason (a departure from the suggestion is explained). Either way
    the decision is a "Moderated" event on the categorisation's history."""
    _check_officer(actor)
    session = ModerationSession.objects.select_for_update().get(pk=session.pk)
    _check_open(session)
    categorisation = Categorisation.objects.select_for_update().get(pk=categorisation.pk)
    if errors := only_the_terms_proposals_are_moderated(session=session, categorisation=categorisation):
        raise ValidationError(errors)
    earlier = (
        ModerationDecision.objects.filter(session=session, categorisation=categorisation)
        .select_related("decided_by")
        .first()
    )
    if earlier is not None:
        raise ValidationError(
            DECIDED_ALREADY.format(
                school=categorisation.school.name,
                outcome=earlier.get_outcome_display().lower(),
                user=_name(earlier.decided_by) or "an officer",
            )
        )
    if level not in SupportLevel.values:
        raise ValidationError({"level": LEVEL_REQUIRED})
    reason = reason.strip()
    proposed = categorisation.level
    if refusal := a_change_of_level_at_moderation_has_a_recorded_reason(proposed=proposed, level=level, reason=reason):
        raise ValidationError(refusal)
    outcome = moderation_outcome(proposed=proposed, level=level)
    current = current_categories([categorisation.school_id]).get(categorisation.school_id)
    previous = current.level if current else ""
    adviser = categorisation.school.link_adviser or categorisation.created_by
    decision = ModerationDecision(
        session=session,
        categorisation=categorisation,
        proposed_level=proposed,
        moderated_level=level,
        outcome=outcome,
        reason=reason,
        previous_level=previous,
        direction=direction_between(previous or None, proposed) or "",
        adviser_name=_name(adviser),
        headline=headline_reasons(categorisation),
        decided_by=actor,
    )
    save_as(decision, actor=actor)
    label = SupportLevel(proposed).label.lower()
    if outcome == ModerationOutcome.CHANGED:
        categorisation.level = level
        if (
            not categorisation.rationale.strip()
            and categorisation.suggested_level
            and level != categorisation.suggested_level
        ):
            categorisation.rationale = f"Moderation ({session.term_label}): {reason}"
        save_as(categorisation, actor=actor)
        comments = f"Changed at moderation from {label} to {SupportLevel(level).label.lower()}: {reason}"
    else:
        comments = f"Confirmed at moderation as {label}" + (f": {reason}" if reason else ".")
    CategorisationEvent.objects.create(
        categorisation=categorisation, kind=EventKind.MODERATED, actor=actor, comments=comments, at=decision.decided_at
    )
    return decision


@transaction.atomic
def moderation_session_close(*, session: ModerationSession, actor: User) -> ModerationSession:
    """Close a session: its sheet (the decisions, as recorded) is kept, read only."""
    _check_officer(actor)
    session = ModerationSession.objects.select_for_update().get(pk=session.pk)
    _check_open(session)
    session.closed_at, session.closed_by = timezone.now(), actor
    save_as(session, actor=actor)
    return session


# ---- reads --------------------------------------------------------------------------------------


@dataclass
class SheetRow:
    """One proposal on the sheet: its decision when made, else the proposal as it stands."""

    categorisation: Categorisation
    proposed_level: str
    previous_level: str
    direction: str
    adviser: str
    headline: str
    decision: ModerationDecision | None
    form: Any = None  # the row's decision form, set by the view for an officer while the session is open


def sessions_list() -> QuerySet[ModerationSession]:
    return ModerationSession.objects.select_related("held_by", "closed_by")


def term_proposals(academic_year: int, term: str) -> QuerySet[Categorisation]:
    """The term's categorisations waiting for approval, by school name."""
    return (
        Categorisation.objects.filter(academic_year=academic_year, term=term, status=Status.SUBMITTED)
        .select_related("school", "school__link_adviser", "created_by")
        .order_by("school__name", "id")
    )


def moderation_sheet(session: ModerationSession) -> list[SheetRow]:
    """The sheet, in a constant number of queries: every decision recorded in the session (as the
    officers saw the row) and, while it is open, every other proposal of the term waiting for
    approval. Ordered by school name."""
    decisions = list(
        session.decisions.select_related(
            "decided_by", "categorisation", "categorisation__school", "categorisation__school__link_adviser"
        )
    )
    rows = [
        SheetRow(
            categorisation=d.categorisation,
            proposed_level=d.proposed_level,
            previous_level=d.previous_level,
            direction=d.direction,
            adviser=d.adviser_name,
            headline=d.headline,
            decision=d,
        )
        for d in decisions
    ]
    if not session.is_closed:
        decided = {d.categorisation_id for d in decisions}
        pending = [c for c in term_proposals(session.academic_year, session.term) if c.pk not in decided]
        current = current_categories([c.school_id for c in pending])
        for categorisation in pending:
            found = current.get(categorisation.school_id)
            previous = found.level if found else ""
            rows.append(
                SheetRow(
                    categorisation=categorisation,
                    proposed_level=categorisation.level,
                    previous_level=previous,
                    direction=direction_between(previous or None, categorisation.level) or "",
                    adviser=_name(categorisation.school.link_adviser or categorisation.created_by),
                    headline=headline_reasons(categorisation),
                    decision=None,
                )
            )
    rows.sort(key=lambda row: (row.categorisation.school.name.lower(), row.categorisation.pk))
    return rows
