"""Every write to letters. Each function is atomic, keyword-only and takes the acting user for the
audit history; state changes lock the letter (select_for_update) so that two people acting at once
cannot both approve or both issue it."""

import functools
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from core.history import save_as
from schools.models import ElectedMemberAlertKind, School
from schools.services import elected_members_alert

from . import documents, issued_documents, placeholders, rules, selectors, stored_suggestions
from .models import (
    DECISION_CHOICES,
    NO_INTERVENTION,
    ComplianceOutcome,
    EventAction,
    Indicator,
    InterventionPower,
    Letter,
    LetterEvent,
    LetterKind,
    LetterStatus,
    LetterTemplate,
    LetterType,
    SuggestionDecision,
    WarningNoticeProgress,
)
from .placeholders import long_date
from .suggestions import Suggestion

log = logging.getLogger(__name__)

NOT_EDITABLE = "This letter is {status} and can no longer be changed."
CANNOT_SUBMIT = "Only a draft or a returned letter can be submitted for approval; this one is {status}."
CANNOT_APPROVE = "Only a letter awaiting approval can be approved; this one is {status}."
CANNOT_RETURN = "Only a letter awaiting approval or approved can be returned; this one is {status}."
CANNOT_ISSUE = "Only an approved letter can be issued; this one is {status}."
CANNOT_WITHDRAW = "This letter is {status} and cannot be withdrawn."
RETURN_NEEDS_COMMENTS = "Enter comments saying what needs to change"
NEEDS_AN_INDICATOR = "Tick at least one indicator that applies"
INDICATOR_NOT_OF_TYPE = "Choose indicators from this letter type's list"
NOT_A_WARNING_NOTICE = "This is not an issued warning notice."
OUTCOME_ALREADY = "The outcome of this warning notice has already been recorded."
INTENTION_ALREADY = "The notice of intention has already been given."
DECISION_ALREADY = "The decision on the intervention powers has already been recorded."
DATE_IN_FUTURE = "The date cannot be in the future"
RESPONSE_BEFORE_ISSUE = "The response cannot have been received before the notice was issued ({issued_on:%-d %B %Y})"
INTENTION_BEFORE_OUTCOME = "The notice of intention cannot be dated before the outcome was recorded ({on:%-d %B %Y})"
INTENTION_NEEDS_POWERS = "Choose at least one power the local authority proposes to use"
TEXT_REQUIRED = "Enter the text of the notice"
RESPONSE_TEXT_REQUIRED = "Enter a summary of the governing body's response"
DECISION_BEFORE_INTENTION = "The decision cannot be dated before the notice of intention ({on:%-d %B %Y})"
DECISION_NEEDS_CHOICE = "Choose the power or powers the local authority decided to use, or that it will not use them"
NONE_WITH_POWERS = "Choose either the powers used or not to use them, not both"
SUGGESTION_GONE = "This suggestion is no longer open: someone may have accepted or dismissed it already."
DISMISS_NEEDS_REASON = "Enter why the suggestion is dismissed"
INDICATOR_TEXT_REQUIRED = "Enter the indicator's text"

ALERT_KINDS: dict[str, str] = {
    LetterKind.WARNING_NOTICE: ElectedMemberAlertKind.WARNING_NOTICE,
    LetterKind.SIGNIFICANT_CONCERNS_TOP: ElectedMemberAlertKind.SIGNIFICANT_CONCERNS,
}


# About 30 seconds in all (0.05 s doubling to 1 s a try): issuing renders two documents inside the
# lock, which on a loaded machine takes several seconds.
LOCK_ATTEMPTS = 35
P = ParamSpec("P")
R = TypeVar("R")


def waits_for_the_lock(func: Callable[P, R]) -> Callable[P, R]:
    """Run a state change again when SQLite reports the database locked by another writer (its
    IMMEDIATE transactions take the write lock on BEGIN; PostgreSQL waits on select_for_update
    instead). The retry then finds the other writer's result, e.g. the letter already issued."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(LOCK_ATTEMPTS):
            try:
                return func(*args, **kwargs)
            except OperationalError as error:
                if connection.in_atomic_block or "locked" not in str(error) or attempt == LOCK_ATTEMPTS - 1:
                    raise
                time.sleep(min(0.05 * 2**attempt, 1.0))
        raise AssertionError("unreachable")  # pragma: no cover

    return wrapper


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _event(letter: Letter, action: str, actor: User, comments: str = "") -> None:
    LetterEvent.objects.create(letter=letter, action=action, actor=actor, comments=comments)


def _locked(letter: Letter) -> Letter:
    return Letter.objects.select_for_update().select_related("letter_type", "school").get(pk=letter.pk)


def _status_label(letter: Letter) -> str:
    return letter.get_status_display().lower()


# ---- drafting --------------------------------------------------------------------------------


def _compliance_period_errors(*, issued_on: date, compliance_end_date: date | None) -> list[str]:
    return rules.compliance_period_ends_after_issue_s60_4(
        issued_on=issued_on, compliance_end_date=compliance_end_date
    ) or rules.compliance_period_within_a_year_of_issue(issued_on=issued_on, compliance_end_date=compliance_end_date)


def _check_content(*, school: School, letter_type: LetterType, subject: str, body: str, indicators: list[Indicator],
                   grounds: list[str], compliance_end_date: date | None, today: date) -> None:  # fmt: skip
    errors: dict[str | None, list[str]] = {}
    if problems := (
        rules.letters_only_to_open_schools(school=school)
        + rules.warning_notice_only_for_maintained_schools_s59(school=school, letter_type=letter_type)
        + rules.trust_letters_only_to_academies(school=school, letter_type=letter_type)
    ):
        errors[None] = problems
    for name, text in (("subject", subject), ("body", body)):
        if problems := placeholders.check(text, letter_type.code):
            errors[name] = problems
    if any(i.letter_type_id != letter_type.pk for i in indicators):
        errors["indicators"] = [INDICATOR_NOT_OF_TYPE]
    if problems := rules.warning_notice_grounds_are_those_of_s60_2(
        grounds=grounds, is_warning_notice=letter_type.is_warning_notice
    ):
        errors["grounds"] = problems
    if letter_type.is_warning_notice:
        if "grounds" not in errors and (problems := rules.warning_notice_needs_a_ground_s60_2(list(grounds))):
            errors["grounds"] = problems
        if problems := _compliance_period_errors(issued_on=today, compliance_end_date=compliance_end_date):
            errors["compliance_end_date"] = problems
    if errors:
        raise ValidationError({k or "__all__": v for k, v in errors.items()})


def _apply(
    letter: Letter, *, subject: str, body: str, grounds: Sequence[str], compliance_end_date: date | None
) -> None:
    letter.subject, letter.body = subject.strip(), body.strip()
    given = set(grounds) if letter.letter_type.is_warning_notice else set()
    letter.ground_a, letter.ground_b, letter.ground_c = ("a" in given, "b" in given, "c" in given)
    letter.compliance_end_date = compliance_end_date if letter.letter_type.is_warning_notice else None


@transaction.atomic
def letter_draft_create(
    *,
    school: School,
    letter_type: LetterType,
    actor: User,
    subject: str,
    body: str,
    indicators: Iterable[Indicator] = (),
    grounds: Iterable[str] = (),
    compliance_end_date: date | None = None,
    today: date | None = None,
) -> Letter:
    """A new draft letter (adviser for a link school, or officer: the view checks who)."""
    indicators, grounds = list(indicators), [str(g) for g in grounds]
    _check_content(school=school, letter_type=letter_type, subject=subject, body=body, indicators=indicators,
                   grounds=grounds, compliance_end_date=compliance_end_date, today=_today(today))  # fmt: skip
    letter = Letter(school=school, letter_type=letter_type, drafted_by=actor, status=LetterStatus.DRAFT)
    _apply(letter, subject=subject, body=body, grounds=grounds, compliance_end_date=compliance_end_date)
    save_as(letter, actor=actor)
    letter.indicators.set(indicators)
    _event(letter, EventAction.CREATED, actor)
    return letter


@waits_for_the_lock
@transaction.atomic
def letter_draft_update(
    *,
    letter: Letter,
    actor: User,
    subject: str,
    body: str,
    indicators: Iterable[Indicator] = (),
    grounds: Iterable[str] = (),
    compliance_end_date: date | None = None,
    today: date | None = None,
) -> Letter:
    letter = _locked(letter)
    if problems := rules.issued_letter_cannot_be_edited(letter):
        raise ValidationError(problems)
    if not letter.is_editable:
        raise ValidationError(NOT_EDITABLE.format(status=_status_label(letter)))
    indicators, grounds = list(indicators), [str(g) for g in grounds]
    _check_content(school=letter.school, letter_type=letter.letter_type, subject=subject, body=body,
                   indicators=indicators, grounds=grounds, compliance_end_date=compliance_end_date,
                   today=_today(today))  # fmt: skip
    _apply(letter, subject=subject, body=body, grounds=grounds, compliance_end_date=compliance_end_date)
    save_as(letter, actor=actor)
    letter.indicators.set(indicators)
    _event(letter, EventAction.EDITED, actor)
    return letter


@waits_for_the_lock
@transaction.atomic
def letter_submit(*, letter: Letter, actor: User, today: date | None = None) -> Letter:
    """Send a draft (or a returned letter) for an officer's approval, once it is complete."""
    letter = _locked(letter)
    if letter.status not in (LetterStatus.DRAFT, LetterStatus.RETURNED):
        raise ValidationError(CANNOT_SUBMIT.format(status=_status_label(letter)))
    errors = rules.template_prompts_completed_before_submission(f"{letter.subject}\n{letter.body}")
    if not letter.indicators.exists():
        errors.append(NEEDS_AN_INDICATOR)
    if letter.letter_type.is_warning_notice:
        errors += rules.warning_notice_needs_a_ground_s60_2(letter.grounds)
        errors += _compliance_period_errors(issued_on=_today(today), compliance_end_date=letter.compliance_end_date)
    if errors:
        raise ValidationError(errors)
    letter.status, letter.submitted_at = LetterStatus.SUBMITTED, timezone.now()
    save_as(letter, actor=actor)
    _event(letter, EventAction.SUBMITTED, actor)
    return letter


@waits_for_the_lock
@transaction.atomic
def letter_approve(*, letter: Letter, actor: User, comments: str = "") -> Letter:
    """Approve a submitted letter. Where its type needs a second officer (always for a warning
    notice and a top-tier letter), the approver must not have drafted, changed or submitted it."""
    letter = _locked(letter)
    if letter.status != LetterStatus.SUBMITTED:
        raise ValidationError(CANNOT_APPROVE.format(status=_status_label(letter)))
    if problems := rules.four_eyes_an_officer_approves_a_letter_someone_else_wrote(
        approver_id=actor.pk, authors=selectors.letter_authors(letter), letter_type=letter.letter_type
    ):
        raise ValidationError(problems)
    letter.status, letter.approved_at, letter.approved_by = LetterStatus.APPROVED, timezone.now(), actor
    save_as(letter, actor=actor)
    _event(letter, EventAction.APPROVED, actor, comments.strip())
    return letter


@waits_for_the_lock
@transaction.atomic
def letter_return(*, letter: Letter, actor: User, comments: str) -> Letter:
    """Send a letter back to its drafter with comments saying what to change."""
    if not comments.strip():
        raise ValidationError({"comments": RETURN_NEEDS_COMMENTS})
    letter = _locked(letter)
    if letter.status not in (LetterStatus.SUBMITTED, LetterStatus.APPROVED):
        raise ValidationError(CANNOT_RETURN.format(status=_status_label(letter)))
    letter.status, letter.approved_at, letter.approved_by = LetterStatus.RETURNED, None, None
    save_as(letter, actor=actor)
    _event(letter, EventAction.RETURNED, actor, comments.strip())
    return letter


@waits_for_the_lock
@transaction.atomic
def letter_withdraw(*, letter: Letter, actor: User, comments: str = "") -> Letter:
    """Withdraw a letter that will not be sent; it stays in the record."""
    letter = _locked(letter)
    if letter.status in (LetterStatus.ISSUED, LetterStatus.WITHDRAWN):
        raise ValidationError(CANNOT_WITHDRAW.format(status=_status_label(letter)))
    letter.status = LetterStatus.WITHDRAWN
    save_as(letter, actor=actor)
    _event(letter, EventAction.WITHDRAWN, actor, comments.strip())
    return letter


# ---- issue -----------------------------------------------------------------------------------


@waits_for_the_lock
@transaction.atomic
def letter_issue(
    *,
    letter: Letter,
    actor: User,
    issued_on: date | None = None,
    other_copies: Sequence[str] = (),
    copy_to: Sequence[str] = (),
    today: date | None = None,
) -> Letter:
    """Issue an approved letter: record the date of issue, who it went to (for a letter to a trust,
    the bodies in `copy_to` it is copied to: documents.copies_at_issue) and its words, queue the
    production of its final PDF and Word files (letters.issued_documents), start a warning notice's
    progress record, and
    alert the ward's councillors for a warning notice or a top-tier concerns letter (emailed once
    this transaction commits). The letter row is locked first: if two officers issue it at once,
    the second waits, then finds it issued and is refused, so there is one issued letter and one
    alert."""
    today = _today(today)
    issued_on = issued_on or today
    letter = _locked(letter)
    if letter.status != LetterStatus.APPROVED:
        raise ValidationError(CANNOT_ISSUE.format(status=_status_label(letter)))
    date_errors = rules.issue_date_not_in_future(issued_on=issued_on, today=today)
    date_errors += rules.issue_date_not_before_draft_date(issued_on=issued_on, drafted_on=drafted_on(letter))
    if letter.letter_type.is_warning_notice:
        date_errors += _compliance_period_errors(issued_on=issued_on, compliance_end_date=letter.compliance_end_date)
    errors = rules.letters_only_to_open_schools(school=letter.school)
    errors += rules.warning_notice_only_for_maintained_schools_s59(school=letter.school, letter_type=letter.letter_type)
    errors += rules.trust_letters_only_to_academies(school=letter.school, letter_type=letter.letter_type)
    errors += rules.trust_letters_name_their_addressee(school=letter.school, letter_type=letter.letter_type)
    if errors or date_errors:
        raise ValidationError({key: value for key, value in (("issued_on", date_errors), ("__all__", errors)) if value})

    copies = documents.copies_at_issue(letter.letter_type, chosen=copy_to, other=other_copies)
    content = documents.build_content(letter, issue_date=issued_on, copies=copies)
    letter.status = LetterStatus.ISSUED
    letter.issued_on, letter.issued_at, letter.issued_by = issued_on, timezone.now(), actor
    letter.recipients = documents.recipients_for(letter.school, letter.letter_type)
    letter.copies = copies
    letter.issued_content = issued_documents.issued_words(content, letter.school)
    save_as(letter, actor=actor)
    _event(letter, EventAction.ISSUED, actor)
    if letter.letter_type.is_warning_notice:
        progress = WarningNoticeProgress(letter=letter)
        save_as(progress, actor=actor)
    from .action_plans import action_plan_request

    action_plan_request(letter=letter, actor=actor)
    if letter.letter_type.code in ALERT_KINDS:
        elected_members_alert(
            school=letter.school,
            kind=ALERT_KINDS[letter.letter_type.code],
            summary=_alert_summary(letter),
            actor=actor,
        )
    issued_documents.documents_requested(letter=letter)
    letter.refresh_from_db()  # inline (no queue), the files were produced on another copy of the row
    return letter


def drafted_on(letter: Letter) -> date:
    """The day the letter was drafted (its created date, in the LA's time zone)."""
    return timezone.localdate(letter.created_at)


def _alert_summary(letter: Letter) -> str:
    summary = f"{letter.letter_type.name} issued on {long_date(letter.issued_on)} (reference {letter.reference})."
    if letter.letter_type.is_warning_notice:
        summary += (
            f" Grounds: {'; '.join(letter.ground_short_labels)}."
            f" The compliance period ends on {long_date(letter.compliance_end_date)}."
        )
    return summary


# ---- templates and indicators ------------------------------------------------------------------


@transaction.atomic
def template_update(*, template: LetterTemplate, actor: User, subject: str, body: str) -> LetterTemplate:
    """Save a letter type's template (its subject and text; the letterhead and signatory are the
    LA's, schools.services.letterhead_save). Every placeholder is checked here, so an unknown one
    is an error on the form, never at issue."""
    kind = template.letter_type.code
    errors = {}
    for name, text in (("subject", subject), ("body", body)):
        if problems := placeholders.check(text, kind):
            errors[name] = problems
    if errors:
        raise ValidationError(errors)
    template.subject, template.body = subject.strip(), body.strip()
    template.updated_by = actor
    save_as(template, actor=actor)
    return template


@transaction.atomic
def letter_type_approval_update(*, letter_type: LetterType, actor: User, second_officer_approval: bool) -> LetterType:
    """The LA's setting: whether a letter of this type needs a second officer's approval. It can
    be switched on or off for congratulations and significant concerns letters; a warning notice and
    a top-tier letter always need one (rules.second_officer_approval_cannot_be_switched_off)."""
    if problems := rules.second_officer_approval_cannot_be_switched_off(
        code=letter_type.code, letter_type=letter_type.name, setting=second_officer_approval
    ):
        raise ValidationError({"second_officer_approval": problems})
    letter_type.second_officer_approval = bool(second_officer_approval)
    save_as(letter_type, actor=actor, update_fields=["second_officer_approval"])
    return letter_type


@transaction.atomic
def indicator_add(*, letter_type: LetterType, text: str, actor: User) -> Indicator:
    text = " ".join(text.split())
    if not text:
        raise ValidationError({"text": INDICATOR_TEXT_REQUIRED})
    base = slugify(text)[:50] or "indicator"
    code, n = base, 1
    while Indicator.objects.filter(letter_type=letter_type, code=code).exists():
        n += 1
        code = f"{base[:45]}-{n}"
    order = (letter_type.indicators.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    indicator = Indicator(letter_type=letter_type, code=code, text=text, order=order)
    save_as(indicator, actor=actor)
    return indicator


@transaction.atomic
def indicator_update(*, indicator: Indicator, text: str, is_active: bool, actor: User) -> Indicator:
    """Reword or retire an indicator. Issued letters keep the words they were sent with."""
    text = " ".join(text.split())
    if not text:
        raise ValidationError({"text": INDICATOR_TEXT_REQUIRED})
    indicator.text, indicator.is_active = text, is_active
    save_as(indicator, actor=actor)
    return indicator


# ---- warning notice progress -------------------------------------------------------------------


def _locked_notice(letter: Letter) -> tuple[Letter, WarningNoticeProgress]:
    letter = _locked(letter)
    if not (letter.letter_type.is_warning_notice and letter.is_issued):
        raise ValidationError(NOT_A_WARNING_NOTICE)
    progress = WarningNoticeProgress.objects.select_for_update().get(letter=letter)
    progress.letter = letter
    return letter, progress


@waits_for_the_lock
@transaction.atomic
def warning_notice_response_record(
    *, letter: Letter, actor: User, received_on: date, text: str, today: date | None = None
) -> WarningNoticeProgress:
    """Record the governing body's response to the warning notice (it may be updated)."""
    letter, progress = _locked_notice(letter)
    assert letter.issued_on is not None  # an issued letter's (_locked_notice)
    errors = {}
    if received_on > _today(today):
        errors["received_on"] = [DATE_IN_FUTURE]
    elif received_on < letter.issued_on:
        errors["received_on"] = [RESPONSE_BEFORE_ISSUE.format(issued_on=letter.issued_on)]
    if not text.strip():
        errors["text"] = [RESPONSE_TEXT_REQUIRED]
    if errors:
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
    today = _today(today)
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
    assert progress.outcome_on is not None  # recorded before non-compliance (the rule above)
    errors = {}
    if given_on > _today(today):
        errors["given_on"] = [DATE_IN_FUTURE]
    elif given_on < progress.outcome_on:
        errors["given_on"] = [INTENTION_BEFORE_OUTCOME.format(on=progress.outcome_on)]
    powers = [p for p in powers if p in InterventionPower.values]
    if not powers:
        errors["powers"] = [INTENTION_NEEDS_POWERS]
    if not text.strip():
        errors["text"] = [TEXT_REQUIRED]
    elif problems := (
        placeholders.check(text, LetterKind.WARNING_NOTICE) or rules.template_prompts_completed_before_submission(text)
    ):
        errors["text"] = problems
    if errors:
        raise ValidationError(errors)
    progress.intention_given_on, progress.intention_powers = given_on, powers
    progress.intention_text, progress.intention_by = text.strip(), actor
    content = documents.intention_content(letter, progress, given_on=given_on)
    progress.intention_content = issued_documents.issued_words(content, letter.school)
    save_as(progress, actor=actor)
    issued_documents.documents_requested(letter=letter, document=issued_documents.INTENTION)
    progress.refresh_from_db()
    return progress


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
    errors = {}
    if not powers:
        errors["powers"] = [DECISION_NEEDS_CHOICE]
    elif NO_INTERVENTION in powers and len(powers) > 1:
        errors["powers"] = [NONE_WITH_POWERS]
    if decided_on > _today(today):
        errors["decided_on"] = [DATE_IN_FUTURE]
    elif decided_on < progress.intention_given_on:
        errors["decided_on"] = [DECISION_BEFORE_INTENTION.format(on=progress.intention_given_on)]
    elif problems := rules.decision_within_powers_window_s63_3_s64_2(
        compliance_end_date=letter.compliance_end_date, decided_on=decided_on, powers=powers
    ):
        errors["powers"] = problems
    if errors:
        raise ValidationError(errors)
    progress.decision_on, progress.decision_powers = decided_on, powers
    progress.decision_notes, progress.decision_by = notes.strip(), actor
    save_as(progress, actor=actor)
    return progress


# ---- suggestions ------------------------------------------------------------------------------


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
    _apply(letter, subject=subject, body=body, grounds=(), compliance_end_date=None)
    save_as(letter, actor=actor)
    letter.indicators.set(letter_type.indicators.filter(code__in=suggestion.indicator_codes, is_active=True))
    _event(letter, EventAction.CREATED, actor, f"From a suggestion: {suggestion.reason}")
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
