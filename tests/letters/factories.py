"""Letters for tests, made through the real services (so their history and events are real)."""

from datetime import date, timedelta

from django.utils import timezone

from letters import documents, services
from letters.models import Letter, LetterType
from tests.conftest import moment


def _today():
    return timezone.localdate()


def letter_type(code: str) -> LetterType:
    return LetterType.objects.select_related("template").get(code=code)


def draft(school, code: str, *, actor, indicators=None, grounds=("a",), compliance_end_date=None, today=None,
          body=None) -> Letter:  # fmt: skip
    """A draft of the type's template for the school, its [prompts] completed, first indicator ticked.
    `today` (default: the clock's) is the day it is drafted."""
    today = today or _today()
    kind = letter_type(code)
    subject, prefilled = documents.prefilled_text(school, kind)
    if body is None:
        body = prefilled.replace("[", "").replace("]", "")
    if indicators is None:
        indicators = list(kind.indicators.filter(is_active=True)[:1])
    if kind.is_warning_notice and compliance_end_date is None:
        compliance_end_date = today + timedelta(weeks=8)
    letter = services.letter_draft_create(
        school=school,
        letter_type=kind,
        actor=actor,
        subject=subject,
        body=body,
        indicators=indicators,
        grounds=grounds if kind.is_warning_notice else (),
        compliance_end_date=compliance_end_date,
        today=today,
    )
    if today != _today():
        # Drafted on that day: its created date is the draft date the issue date is checked against.
        Letter.objects.filter(pk=letter.pk).update(created_at=moment(today))
        letter.refresh_from_db()
    return letter


def approved(school, code: str, *, drafter, officer, today=None, **kwargs) -> Letter:
    """Drafted and submitted by `drafter`, approved by `officer` (who, for a warning notice or a
    top-tier letter, must not be the drafter: four eyes)."""
    today = today or _today()
    letter = draft(school, code, actor=drafter, today=today, **kwargs)
    services.letter_submit(letter=letter, actor=drafter, today=today)
    return services.letter_approve(letter=letter, actor=officer)


def issued(school, code: str, *, drafter, officer, issued_on=None, today=None, **kwargs) -> Letter:
    today = today or _today()
    issued_on = issued_on or today
    letter = approved(school, code, drafter=drafter, officer=officer, today=min(issued_on, today), **kwargs)
    return services.letter_issue(letter=letter, actor=officer, issued_on=issued_on, today=today)


def eligible_notice(school, *, drafter, officer, issued_on=date(2026, 8, 1), end=date(2026, 10, 1),
                    today=None) -> Letter:  # fmt: skip
    """An issued warning notice, not complied with, notice of intention given: eligible for intervention.
    Each step is done on its own date (`today` defaults to the day the notice of intention is given).
    `drafter` writes it and `officer` approves it: a warning notice needs a second officer."""
    today = today or end + timedelta(days=3)
    letter = issued(
        school, "warning_notice", drafter=drafter, officer=officer, issued_on=issued_on, today=today,
        compliance_end_date=end,
    )  # fmt: skip
    services.warning_notice_outcome_record(letter=letter, actor=officer, outcome="not_complied",
                                           today=end + timedelta(days=1))  # fmt: skip
    services.warning_notice_intention_give(
        letter=letter, actor=officer, given_on=end + timedelta(days=3), powers=["s64"],
        text="To the governing body of {school_name}\n\nWe propose to appoint additional governors.", today=today,
    )  # fmt: skip
    letter.refresh_from_db()
    return letter
