"""Writes to the letters suggested to an officer: accepting one (a draft letter pre-filled from the
template) or dismissing it with a reason, each recorded once as a SuggestionDecision. The public
entry point is letters.services, which re-exports these."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from core.history import delete_as, save_as
from schools.models import School

from . import documents, stored_suggestions
from .models import EventAction, Letter, LetterStatus, SuggestionDecision
from .services_shared import apply_content, letter_event
from .suggestions import Suggestion

SUGGESTION_GONE = "This suggestion is no longer open: someone may have accepted or dismissed it already."
DISMISS_NEEDS_REASON = "Enter why the suggestion is dismissed"


@transaction.atomic
def suggestion_accept(*, school: School, source_key: str, actor: User) -> Letter:
    """Turn a suggestion into a draft letter, pre-filled from the template with the indicators the
    fact points to ticked. The draft then goes through approval like any other."""
    suggestion = stored_suggestions.suggestion_by_key(school=school, source_key=source_key)
    if suggestion is None:
        raise ValidationError(SUGGESTION_GONE)
    letter_type = suggestion.letter_type
    subject, body = documents.prefilled_text(school, letter_type)
    letter = Letter(school=school, letter_type=letter_type, drafted_by=actor, status=LetterStatus.DRAFT)
    apply_content(letter, subject=subject, body=body, grounds=(), compliance_end_date=None)
    save_as(letter, actor=actor)
    letter.indicators.set(letter_type.indicators.filter(code__in=suggestion.indicator_codes, is_active=True))
    letter_event(letter, EventAction.CREATED, actor, f"From a suggestion: {suggestion.reason}")
    _decide(suggestion, SuggestionDecision.ACCEPTED, actor, letter=letter)
    return letter


@transaction.atomic
def suggestion_dismiss(*, school: School, source_key: str, reason: str, actor: User) -> SuggestionDecision:
    if not reason.strip():
        raise ValidationError({"reason": DISMISS_NEEDS_REASON})
    suggestion = stored_suggestions.suggestion_by_key(school=school, source_key=source_key)
    if suggestion is None:
        raise ValidationError(SUGGESTION_GONE)
    return _decide(suggestion, SuggestionDecision.DISMISSED, actor, dismissed_reason=reason.strip())


def suggestion_reopen(*, letter: Letter, actor: User) -> None:
    """A letter drafted from a suggestion is withdrawn: the suggestion is open again (its accepted
    decision deleted, with its history), so the fact is not left unanswered for want of a letter
    nobody will send. It is offered again unless another letter answers it (letters.suggestions)."""
    for decision in SuggestionDecision.objects.filter(letter=letter, decision=SuggestionDecision.ACCEPTED):
        delete_as(decision, actor=actor)


def _decide(suggestion: Suggestion, decision: str, actor: User, **fields: Any) -> SuggestionDecision:
    record = SuggestionDecision(
        school=suggestion.school,
        letter_type=suggestion.letter_type,
        source_key=suggestion.source_key,
        reason=suggestion.reason,
        decision=decision,
        decided_by=actor,
        **fields,
    )
    try:
        with transaction.atomic():
            save_as(record, actor=actor)
    except IntegrityError as exc:
        raise ValidationError(SUGGESTION_GONE) from exc
    return record
