"""Every write to letters. Each function is atomic, keyword-only and takes the acting user for the
audit history; state changes lock the letter (select_for_update) so that two people acting at once
cannot both approve or both issue it.

This module holds drafting, approval and issue, and is the entry point for the rest, which it
re-exports: a warning notice's progress (services_warning_notices), templates and indicators
(services_templates), suggestions (services_suggestions); what they share is in services_shared."""

import logging
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import fonts
from core.history import save_as
from core.versions import refuse_if_changed_since
from schools.models import ElectedMemberAlertKind, School
from schools.services import elected_members_alert

from . import documents, issued_documents, placeholders, rules, selectors
from .models import EventAction, Indicator, Letter, LetterKind, LetterStatus, LetterType, WarningNoticeProgress
from .placeholders import long_date
from .services_shared import (
    apply_content,
    day_or_today,
    letter_event,
    locked_letter,
    status_label,
    waits_for_the_lock,
)

# Re-exported: the writes by sub-domain live beside this module and every caller goes on using
# letters.services (with the messages the tests and pages compare against).
from .services_suggestions import DISMISS_NEEDS_REASON as DISMISS_NEEDS_REASON
from .services_suggestions import SUGGESTION_GONE as SUGGESTION_GONE
from .services_suggestions import suggestion_accept as suggestion_accept
from .services_suggestions import suggestion_dismiss as suggestion_dismiss
from .services_suggestions import suggestion_reopen
from .services_templates import indicator_add as indicator_add
from .services_templates import indicator_update as indicator_update
from .services_templates import letter_type_approval_update as letter_type_approval_update
from .services_templates import template_update as template_update
from .services_warning_notices import NONE_WITH_POWERS as NONE_WITH_POWERS
from .services_warning_notices import intervention_decision_record as intervention_decision_record
from .services_warning_notices import warning_notice_intention_give as warning_notice_intention_give
from .services_warning_notices import warning_notice_outcome_record as warning_notice_outcome_record
from .services_warning_notices import warning_notice_response_record as warning_notice_response_record

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

ALERT_KINDS: dict[str, str] = {
    LetterKind.WARNING_NOTICE: ElectedMemberAlertKind.WARNING_NOTICE,
    LetterKind.SIGNIFICANT_CONCERNS_TOP: ElectedMemberAlertKind.SIGNIFICANT_CONCERNS,
}


# ---- drafting --------------------------------------------------------------------------------


def _compliance_period_errors(*, issued_on: date, compliance_end_date: date | None) -> list[str]:
    return rules.compliance_period_ends_after_issue_s60_4(
        issued_on=issued_on, compliance_end_date=compliance_end_date
    ) or rules.compliance_period_within_a_year_of_issue(issued_on=issued_on, compliance_end_date=compliance_end_date)


def letter_content_check(*, school: School, letter_type: LetterType, subject: str, body: str,
                         indicators: list[Indicator], grounds: list[str], compliance_end_date: date | None,
                         today: date) -> None:  # fmt: skip
    """What refuses a letter's words when saved, and when previewed (the same checks): ValidationError by field."""
    errors: dict[str | None, list[str]] = {}
    if problems := (
        rules.letters_only_to_open_schools(school=school)
        + rules.warning_notice_only_for_maintained_schools_s59(school=school, letter_type=letter_type)
        + rules.trust_letters_only_to_academies(school=school, letter_type=letter_type)
    ):
        errors[None] = problems
    data = placeholders.written_in(school, letter_type)  # the school's facts its draft holds: text, never placeholders
    for name, text in (("subject", subject), ("body", body)):
        if problems := placeholders.check(text, letter_type.code, data=data):
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
    letter_content_check(school=school, letter_type=letter_type, subject=subject, body=body,
                         indicators=indicators, grounds=grounds, compliance_end_date=compliance_end_date,
                         today=day_or_today(today))  # fmt: skip
    letter = Letter(school=school, letter_type=letter_type, drafted_by=actor, status=LetterStatus.DRAFT)
    apply_content(letter, subject=subject, body=body, grounds=grounds, compliance_end_date=compliance_end_date)
    save_as(letter, actor=actor)
    letter.indicators.set(indicators)
    letter_event(letter, EventAction.CREATED, actor)
    return letter


@transaction.atomic
def letter_draft_create_once(
    *, school: School, letter_type: LetterType, actor: User, **content: Any
) -> tuple[Letter, bool]:
    """letter_draft_create from the draft page, once: a draft this person already saved for the
    school with exactly this content (a double click, or Back and save again) is returned, not
    copied, with False. The school's row is locked first, so two submissions at once make one."""
    School.objects.select_for_update().filter(pk=school.pk).first()
    if same := selectors.same_draft(school=school, letter_type=letter_type, actor=actor, **content):
        return same, False
    return letter_draft_create(school=school, letter_type=letter_type, actor=actor, **content), True


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
    version: str | None = None,
) -> Letter:
    """Change a draft's content. `version`: the letter's version the page was opened at (a save
    made since, by anyone, refuses this one: core.versions); None for writes with no page."""
    letter = locked_letter(letter)
    if problems := rules.issued_letter_cannot_be_edited(letter):
        raise ValidationError(problems)
    if not letter.is_editable:
        raise ValidationError(NOT_EDITABLE.format(status=status_label(letter)))
    refuse_if_changed_since(letter, version, noun="letter", actor=actor)
    indicators, grounds = list(indicators), [str(g) for g in grounds]
    letter_content_check(school=letter.school, letter_type=letter.letter_type, subject=subject, body=body,
                         indicators=indicators, grounds=grounds, compliance_end_date=compliance_end_date,
                         today=day_or_today(today))  # fmt: skip
    apply_content(letter, subject=subject, body=body, grounds=grounds, compliance_end_date=compliance_end_date)
    save_as(letter, actor=actor)
    letter.indicators.set(indicators)
    letter_event(letter, EventAction.EDITED, actor)
    return letter


@waits_for_the_lock
@transaction.atomic
def letter_submit(*, letter: Letter, actor: User, today: date | None = None) -> Letter:
    """Send a draft (or a returned letter) for an officer's approval, once it is complete."""
    letter = locked_letter(letter)
    if letter.status not in (LetterStatus.DRAFT, LetterStatus.RETURNED):
        raise ValidationError(CANNOT_SUBMIT.format(status=status_label(letter)))
    errors = rules.template_prompts_completed_before_submission(f"{letter.subject}\n{letter.body}")
    if not letter.indicators.exists():
        errors.append(NEEDS_AN_INDICATOR)
    if letter.letter_type.is_warning_notice:
        errors += rules.warning_notice_needs_a_ground_s60_2(letter.grounds)
        errors += _compliance_period_errors(
            issued_on=day_or_today(today), compliance_end_date=letter.compliance_end_date
        )
    # Refused now, while its drafter can change it, not at issue after an officer's approval.
    content = documents.build_content(letter, issue_date=day_or_today(today), draft=True)
    errors += fonts.unprintable_errors(content.as_dict(), document="letter")
    if errors:
        raise ValidationError(errors)
    letter.status, letter.submitted_at = LetterStatus.SUBMITTED, timezone.now()
    save_as(letter, actor=actor)
    letter_event(letter, EventAction.SUBMITTED, actor)
    return letter


@waits_for_the_lock
@transaction.atomic
def letter_approve(*, letter: Letter, actor: User, comments: str = "") -> Letter:
    """Approve a submitted letter. Where its type needs a second officer (always for a warning
    notice and a top-tier letter), the approver must not have drafted, changed or submitted it."""
    letter = locked_letter(letter)
    if letter.status != LetterStatus.SUBMITTED:
        raise ValidationError(CANNOT_APPROVE.format(status=status_label(letter)))
    if problems := rules.four_eyes_an_officer_approves_a_letter_someone_else_wrote(
        approver_id=actor.pk, authors=selectors.letter_authors(letter), letter_type=letter.letter_type
    ):
        raise ValidationError(problems)
    letter.status, letter.approved_at, letter.approved_by = LetterStatus.APPROVED, timezone.now(), actor
    save_as(letter, actor=actor)
    letter_event(letter, EventAction.APPROVED, actor, comments.strip())
    return letter


@waits_for_the_lock
@transaction.atomic
def letter_return(*, letter: Letter, actor: User, comments: str) -> Letter:
    """Send a letter back to its drafter with comments saying what to change."""
    if not comments.strip():
        raise ValidationError({"comments": RETURN_NEEDS_COMMENTS})
    letter = locked_letter(letter)
    if letter.status not in (LetterStatus.SUBMITTED, LetterStatus.APPROVED):
        raise ValidationError(CANNOT_RETURN.format(status=status_label(letter)))
    letter.status, letter.approved_at, letter.approved_by = LetterStatus.RETURNED, None, None
    save_as(letter, actor=actor)
    letter_event(letter, EventAction.RETURNED, actor, comments.strip())
    return letter


@waits_for_the_lock
@transaction.atomic
def letter_withdraw(*, letter: Letter, actor: User, comments: str = "") -> Letter:
    """Withdraw a letter that will not be sent; it stays in the record. The suggestion it was
    drafted from, if any, is open again (services_suggestions.suggestion_reopen)."""
    letter = locked_letter(letter)
    if not letter.may_be_withdrawn:
        raise ValidationError(CANNOT_WITHDRAW.format(status=status_label(letter)))
    letter.status = LetterStatus.WITHDRAWN
    save_as(letter, actor=actor)
    letter_event(letter, EventAction.WITHDRAWN, actor, comments.strip())
    suggestion_reopen(letter=letter, actor=actor)
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
    today = day_or_today(today)
    issued_on = issued_on or today
    letter = locked_letter(letter)
    if letter.status != LetterStatus.APPROVED:
        raise ValidationError(CANNOT_ISSUE.format(status=status_label(letter)))
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
    if problems := fonts.unprintable_errors(content.as_dict(), document="letter"):
        raise ValidationError(problems)  # else issued, then its files never produced (docs/adr/0055)
    letter.status = LetterStatus.ISSUED
    letter.issued_on, letter.issued_at, letter.issued_by = issued_on, timezone.now(), actor
    letter.recipients = documents.recipients_for(letter.school, letter.letter_type)
    letter.copies = copies
    letter.issued_content = issued_documents.issued_words(content, letter.school)
    save_as(letter, actor=actor)
    letter_event(letter, EventAction.ISSUED, actor)
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
