"""Writes to a warning notice's progress after issue (Education and Inspections Act 2006 s60): the
governing body's response, the outcome at the end of the compliance period, the notice of
intention to use the intervention powers and the decision on them. Each locks the letter and its
progress record first. The public entry point is letters.services, which re-exports these."""

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from core import fonts
from core.history import save_as
from core.versions import refuse_if_changed_since

from . import documents, issued_documents, placeholders, rules
from .models import (
    DECISION_CHOICES,
    NO_INTERVENTION,
    ComplianceOutcome,
    InterventionPower,
    Letter,
    LetterKind,
    WarningNoticeProgress,
)
from .services_shared import day_or_today, locked_letter, waits_for_the_lock

NOT_A_WARNING_NOTICE = "This is not an issued warning notice."
OUTCOME_ALREADY = "The outcome of this warning notice has already been recorded."
INTENTION_ALREADY = "The notice of intention has already been given."
DECISION_ALREADY = "The decision on the intervention powers has already been recorded."
# GOV.UK's "[Whatever it is] must be today or in the past", naming each date as its form labels it.
RESPONSE_DATE_IN_FUTURE = "Date the response was received must be today or in the past"
INTENTION_DATE_IN_FUTURE = "Date the notice was given must be today or in the past"
DECISION_DATE_IN_FUTURE = "Date of the decision must be today or in the past"
RESPONSE_BEFORE_ISSUE = "The response cannot have been received before the notice was issued ({issued_on:%-d %B %Y})"
INTENTION_NEEDS_POWERS = "Choose at least one power the local authority proposes to use"
TEXT_REQUIRED = "Enter the text of the notice"
RESPONSE_TEXT_REQUIRED = "Enter a summary of the governing body's response"
DECISION_BEFORE_INTENTION = "The decision cannot be dated before the notice of intention ({on:%-d %B %Y})"
DECISION_NEEDS_CHOICE = "Choose the power or powers the local authority decided to use, or that it will not use them"
NONE_WITH_POWERS = "Choose either the powers used or not to use them, not both"


def _locked_notice(letter: Letter) -> tuple[Letter, WarningNoticeProgress]:
    letter = locked_letter(letter)
    if not (letter.letter_type.is_warning_notice and letter.is_issued):
        raise ValidationError(NOT_A_WARNING_NOTICE)
    progress = WarningNoticeProgress.objects.select_for_update().get(letter=letter)
    progress.letter = letter
    return letter, progress


@waits_for_the_lock
@transaction.atomic
def warning_notice_response_record(
    *, letter: Letter, actor: User, received_on: date, text: str, today: date | None = None, version: str | None = None
) -> WarningNoticeProgress:
    """Record the governing body's response to the warning notice (it may be updated). `version`:
    the notice's record as the page was opened (a save made since refuses this one: core.versions)."""
    letter, progress = _locked_notice(letter)
    assert letter.issued_on is not None  # an issued letter's (_locked_notice)
    refuse_if_changed_since(progress, version, noun="warning notice's record", actor=actor)
    if errors := response_problems(received_on=received_on, text=text, issued_on=letter.issued_on, today=today):
        raise ValidationError(errors)
    progress.response_received_on, progress.response_text = received_on, text.strip()
    save_as(progress, actor=actor)
    return progress


@waits_for_the_lock
@transaction.atomic
def warning_notice_outcome_record(
    *, letter: Letter, actor: User, outcome: str, notes: str = "", today: date | None = None
) -> WarningNoticeProgress:
    """At the end of the compliance period, record whether the governing body complied with the
    notice to the authority's satisfaction (never before the period has expired)."""
    today = day_or_today(today)
    letter, progress = _locked_notice(letter)
    if progress.outcome:
        raise ValidationError(OUTCOME_ALREADY)
    assert letter.compliance_end_date is not None  # an issued warning notice's (s60(4))
    if problems := rules.compliance_period_has_expired_s60_1b(
        compliance_end_date=letter.compliance_end_date, today=today
    ):
        raise ValidationError(problems)
    progress.outcome = ComplianceOutcome(outcome)
    progress.outcome_on, progress.outcome_notes, progress.outcome_by = today, notes.strip(), actor
    save_as(progress, actor=actor)
    return progress


@waits_for_the_lock
@transaction.atomic
def warning_notice_intention_give(
    *, letter: Letter, actor: User, given_on: date, powers: list[str], text: str, today: date | None = None
) -> WarningNoticeProgress:
    """Record the written notice to the governing body that the authority proposes to use its
    intervention powers (s60(1)(d)), and queue its PDF and Word files. The school is then eligible
    for intervention."""
    letter, progress = _locked_notice(letter)
    if progress.intention_given_on:
        raise ValidationError(INTENTION_ALREADY)
    if problems := rules.notice_of_intention_after_non_compliance_s60_1d(progress):
        raise ValidationError(problems)
    assert letter.compliance_end_date is not None  # an issued warning notice's (s60(4))
    powers = [p for p in powers if p in InterventionPower.values]
    errors = intention_problems(
        powers=powers, text=text, given_on=given_on, compliance_end_date=letter.compliance_end_date, today=today
    )
    if errors:
        raise ValidationError(errors)
    progress.intention_given_on, progress.intention_powers = given_on, powers
    progress.intention_text, progress.intention_by = text.strip(), actor
    content = documents.intention_content(letter, progress, given_on=given_on)
    if problems := fonts.unprintable_errors(content.as_dict(), document="notice of intention"):
        raise ValidationError(problems)  # docs/adr/0055
    progress.intention_content = issued_documents.issued_words(content, letter.school)
    save_as(progress, actor=actor)
    issued_documents.documents_requested(letter=letter, document=issued_documents.INTENTION)
    progress.refresh_from_db()
    return progress


def response_problems(
    *, received_on: date | None, text: str, issued_on: date, today: date | None = None
) -> dict[str, list[str]]:
    """What refuses the governing body's response: its form asks too, so that a date left out or
    mistyped (None here) does not hide a missing summary for a round (docs/adr/0070)."""
    errors: dict[str, list[str]] = {}
    if received_on is not None and received_on > day_or_today(today):
        errors["received_on"] = [RESPONSE_DATE_IN_FUTURE]
    elif received_on is not None and received_on < issued_on:
        errors["received_on"] = [RESPONSE_BEFORE_ISSUE.format(issued_on=issued_on)]
    if not text.strip():
        errors["text"] = [RESPONSE_TEXT_REQUIRED]
    return errors


def intention_problems(
    *,
    powers: Sequence[str],
    text: str,
    given_on: date | None = None,
    compliance_end_date: date | None = None,
    today: date | None = None,
) -> dict[str, list[str]]:
    """What refuses a notice of intention: its form asks too, so that a mistyped date (None here)
    does not hide the other problems for a round (docs/adr/0070). Its date is checked against the
    end of the compliance period (the law's limit), not the day the outcome was typed in."""
    errors: dict[str, list[str]] = {}
    if given_on is not None and given_on > day_or_today(today):
        errors["given_on"] = [INTENTION_DATE_IN_FUTURE]
    elif (given_on is not None and compliance_end_date is not None) and (
        problems := rules.notice_of_intention_given_after_the_compliance_period_s60_1b(
            compliance_end_date=compliance_end_date, given_on=given_on
        )
    ):
        errors["given_on"] = problems
    if not [p for p in powers if p in InterventionPower.values]:
        errors["powers"] = [INTENTION_NEEDS_POWERS]
    if not text.strip():
        errors["text"] = [TEXT_REQUIRED]
    elif problems := (
        placeholders.check(text, LetterKind.WARNING_NOTICE) or rules.template_prompts_completed_before_submission(text)
    ):
        errors["text"] = problems
    return errors


def decision_choice_problems(*, powers: Sequence[str], proposed: Sequence[str] | None = None) -> dict[str, list[str]]:
    """What refuses the choice of a decision on the intervention powers, whatever its date (its form
    asks too, as intention_problems): nothing chosen, "not to use them" with powers, or a power the
    notice of intention did not propose (`proposed`; None when there is no notice to compare)."""
    if not powers:
        return {"powers": [DECISION_NEEDS_CHOICE]}
    if NO_INTERVENTION in powers and len(powers) > 1:
        return {"powers": [NONE_WITH_POWERS]}
    if proposed is not None and (
        problems := rules.decision_uses_only_the_powers_proposed_s60_1d(proposed=proposed, powers=powers)
    ):
        return {"powers": problems}
    return {}


def decision_problems(
    *,
    powers: Sequence[str],
    decided_on: date | None,
    proposed: Sequence[str] | None,
    intention_given_on: date | None,
    compliance_end_date: date | None,
    today: date | None = None,
) -> dict[str, list[str]]:
    """Everything that refuses a decision on the intervention powers, asked by the service and by its
    form (a mistyped date is None here, and its other problems are still named)."""
    errors = decision_choice_problems(powers=powers, proposed=proposed)
    if decided_on is None:
        return errors
    if decided_on > day_or_today(today):
        errors["decided_on"] = [DECISION_DATE_IN_FUTURE]
    elif intention_given_on is not None and decided_on < intention_given_on:
        errors["decided_on"] = [DECISION_BEFORE_INTENTION.format(on=intention_given_on)]
    elif (compliance_end_date is not None and "powers" not in errors) and (
        problems := rules.decision_within_powers_window_s63_3_s64_2(
            compliance_end_date=compliance_end_date, decided_on=decided_on, powers=powers
        )
    ):
        errors["powers"] = problems
    return errors


@waits_for_the_lock
@transaction.atomic
def intervention_decision_record(
    *, letter: Letter, actor: User, decided_on: date, powers: list[str], notes: str = "", today: date | None = None
) -> WarningNoticeProgress:
    """Record which intervention power(s) the authority decided to use, or that it will not."""
    letter, progress = _locked_notice(letter)
    if progress.decision_on:
        raise ValidationError(DECISION_ALREADY)
    if not rules.eligible_for_intervention_s60_1(progress):
        raise ValidationError(rules.DECISION_NEEDS_ELIGIBILITY)
    # set on an eligible notice: issued with a compliance period, then the notice of intention given
    assert letter.compliance_end_date is not None
    assert progress.intention_given_on is not None
    valid = {value for value, _ in DECISION_CHOICES}
    powers = [p for p in powers if p in valid]
    errors = decision_problems(
        powers=powers,
        decided_on=decided_on,
        proposed=progress.intention_powers,
        intention_given_on=progress.intention_given_on,
        compliance_end_date=letter.compliance_end_date,
        today=today,
    )
    if errors:
        raise ValidationError(errors)
    progress.decision_on, progress.decision_powers = decided_on, powers
    progress.decision_notes, progress.decision_by = notes.strip(), actor
    save_as(progress, actor=actor)
    return progress
