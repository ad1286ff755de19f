"""Demo letters, made through the real services (draft, submit, approve, issue, with their PDF and
Word files and the councillors' alerts). Runs after the visits demo; safe to run again: a letter
already made for a school is left alone.

- a congratulations letter issued to a good school;
- a significant concerns letter issued ten days ago to 874001 Kingfisher (the demo governor's and
  the demo headteacher's school), whose action plan is due in the coming weeks (docs/adr/0033: the
  headteacher uploads it); every letter of concern below asks for a plan too (overdue ones show on
  the LA's list of plans);
- a warning notice issued to 874002 Willow Brook, its compliance period ending in three weeks;
- a warning notice issued to 874006 Cedar Park: period ended, not complied with, notice of
  intention given, so the school is eligible for intervention (drafted by the officer, so approved
  by the second officer: a warning notice needs four eyes);
- a warning notice issued to 874004 Meadowbank whose period has just ended, outcome to record;
- a significant concerns letter drafted by the adviser, awaiting approval;
- and the suggestions the Ofsted history (and any MSP recommendation) gives."""

import re
from datetime import date, datetime, time, timedelta

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from schools.models import Governance, OfstedFramework, OfstedInspection, School
from schools.terms import working_day_on_or_before

from . import documents, services, stored_suggestions
from .models import ComplianceOutcome, EventAction, InterventionPower, Letter, LetterEvent, LetterKind, LetterType

KINGFISHER, WILLOW_BROOK, MEADOWBANK, CEDAR_PARK = 874001, 874002, 874004, 874006

FILL = {
    "evidence": (
        "Key stage 2 results have been below national for three years and fell again in 2024/25; the local "
        "authority's monitoring visits of this year found that leaders' actions have not yet improved the "
        "quality of teaching in years 5 and 6."
    ),
    "Action required 1": (
        "Agree with the local authority, within two weeks, a rapid improvement plan for reading, writing and "
        "mathematics in key stage 2, with measurable half-termly milestones."
    ),
    "Action required 2": (
        "Commission an external review of governance and act on its recommendations; report progress to each "
        "Monitoring Support Partnership meeting."
    ),
}


def _fill(text: str) -> str:
    def replace(match):
        inside = match.group(0)[1:-1]
        for key, value in FILL.items():
            if key in inside:
                return value
        return FILL["evidence"]

    return re.sub(r"\[[^\[\]\n]+\]", replace, text)


def _drafted_on(letter: Letter, day: date) -> None:
    """Date the draft (made today through the services) on the day it was written, before its date
    of issue, which cannot precede it."""
    when = _at(day, 10)
    Letter.objects.filter(pk=letter.pk).update(created_at=when)
    LetterEvent.objects.filter(letter=letter, action=EventAction.CREATED).update(at=when)
    letter.refresh_from_db()


def issue_dated(letter: Letter, *, drafter, approver, issued_on: date, today: date, **issue) -> Letter:
    """Submitted by the drafter, approved by `approver` (a second officer where the type needs one)
    and issued by them on `issued_on` (`issue`: letter_issue's other arguments), with its dates and
    timeline on the working days it happened, not at the moment the demo was made: drafted and
    changed, submitted two working days later, approved the working day before issue, issued on its
    date. The academies' demo issues its letter to a trust with it too."""
    approved = working_day_on_or_before(issued_on - timedelta(days=1))
    submitted = working_day_on_or_before(approved - timedelta(days=2))
    drafted = working_day_on_or_before(submitted - timedelta(days=2))
    _drafted_on(letter, drafted)
    services.letter_submit(letter=letter, actor=drafter, today=issued_on)
    services.letter_approve(letter=letter, actor=approver)
    letter = services.letter_issue(letter=letter, actor=approver, issued_on=issued_on, today=today, **issue)
    times = {
        EventAction.EDITED: _at(drafted, 14),
        EventAction.SUBMITTED: _at(submitted, 11),
        EventAction.APPROVED: _at(approved, 15),
        EventAction.ISSUED: _at(issued_on, 9),
    }
    for action, when in times.items():
        LetterEvent.objects.filter(letter=letter, action=action).update(at=when)
    Letter.objects.filter(pk=letter.pk).update(
        submitted_at=times[EventAction.SUBMITTED], approved_at=times[EventAction.APPROVED],
        issued_at=times[EventAction.ISSUED],
    )  # fmt: skip
    letter.refresh_from_db()
    return letter


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _draft(school, code, *, actor, indicator_codes, grounds=(), compliance_end_date=None, on):
    letter_type = LetterType.objects.get(code=code)
    subject, body = documents.prefilled_text(school, letter_type)
    return services.letter_draft_create(
        school=school,
        letter_type=letter_type,
        actor=actor,
        subject=subject,
        body=_fill(body),
        indicators=letter_type.indicators.filter(code__in=indicator_codes),
        grounds=grounds,
        compliance_end_date=compliance_end_date,
        today=on,
    )


def _exists(school, code) -> bool:
    return Letter.objects.filter(school=school, letter_type__code=code).exists()


def _from_suggestion(school, code, *, actor, extra_codes):
    """Accept the system's suggestion for the school when there is one, else draft directly."""
    for suggestion in stored_suggestions.suggestions_for(school_ids=[school.pk]):
        if suggestion.letter_type.code == code:
            letter = services.suggestion_accept(school=school, source_key=suggestion.source_key, actor=actor)
            codes = set(suggestion.indicator_codes) | set(extra_codes)
            return services.letter_draft_update(
                letter=letter,
                actor=actor,
                subject=letter.subject,
                body=_fill(letter.body),
                indicators=letter.letter_type.indicators.filter(code__in=codes),
            )
    return None


def _good_school():
    """A maintained school whose latest graded inspection is good or outstanding, not one of the
    schools the concern letters are about."""
    latest = Subquery(
        OfstedInspection.objects.filter(school=OuterRef("pk"), framework=OfstedFramework.GRADED)
        .order_by("-start_date")
        .values("overall_effectiveness")[:1]
    )
    return (
        School.objects.open()
        .filter(establishment_type__governance=Governance.MAINTAINED)
        .exclude(urn__in=[KINGFISHER, WILLOW_BROOK, MEADOWBANK, CEDAR_PARK])
        .annotate(latest_grade=latest)
        .filter(latest_grade__in=[1, 2])
        .order_by("urn")
        .first()
    )


def seed(ctx) -> None:
    today = ctx.today
    officer, second_officer, adviser = ctx.users["officer"], ctx.users["officer2"], ctx.users["adviser"]
    schools = School.objects.select_related("establishment_type", "link_adviser").in_bulk(
        [KINGFISHER, WILLOW_BROOK, MEADOWBANK, CEDAR_PARK], field_name="urn"
    )
    if len(schools) < 4:
        ctx.write("Letters: the demo schools are missing; nothing added.")
        return
    made = []

    good = _good_school()
    if good and not Letter.objects.filter(letter_type__code=LetterKind.CONGRATULATIONS).exists():
        letter = _from_suggestion(good, LetterKind.CONGRATULATIONS, actor=officer, extra_codes=[])
        letter = letter or _draft(
            good, LetterKind.CONGRATULATIONS, actor=officer, indicator_codes=["ofsted_improved_or_sustained"], on=today
        )
        issue_dated(
            letter,
            drafter=officer,
            approver=officer,
            issued_on=working_day_on_or_before(today - timedelta(days=20)),
            today=today,
        )
        made.append(f"congratulations to {good.name}")

    kingfisher = schools[KINGFISHER]
    if not _exists(kingfisher, LetterKind.SIGNIFICANT_CONCERNS):
        codes = ["ofsted_drop", "declining_performance", "leadership_capacity"]
        letter = _from_suggestion(kingfisher, LetterKind.SIGNIFICANT_CONCERNS, actor=adviser, extra_codes=codes)
        letter = letter or _draft(
            kingfisher, LetterKind.SIGNIFICANT_CONCERNS, actor=adviser, indicator_codes=codes, on=today
        )
        # Issued ten days ago: its action plan (due ACTION_PLAN_DAYS after issue) is for the demo
        # headteacher to upload.
        issue_dated(
            letter,
            drafter=adviser,
            approver=officer,
            issued_on=working_day_on_or_before(today - timedelta(days=10)),
            today=today,
        )
        made.append(f"significant concerns to {kingfisher.name}, its action plan due")

    notices = [
        # (school, issued days ago, compliance period ends in days (negative: ended), grounds, drafter)
        (schools[WILLOW_BROOK], 35, 21, ["a", "b"], adviser),
        (schools[CEDAR_PARK], 100, -16, ["a", "b", "c"], officer),
        (schools[MEADOWBANK], 70, -3, ["a"], officer),
    ]
    for school, issued_ago, ends_in, grounds, drafter in notices:
        if _exists(school, LetterKind.WARNING_NOTICE):
            continue
        issued_on = working_day_on_or_before(today - timedelta(days=issued_ago))
        letter = _draft(
            school,
            LetterKind.WARNING_NOTICE,
            actor=drafter,
            indicator_codes=["low_standards", "leaders_not_acting", "governors_not_challenging"],
            grounds=grounds,
            compliance_end_date=today + timedelta(days=ends_in),
            on=issued_on - timedelta(days=5),
        )
        # A warning notice needs a second officer: the one who drafted it does not approve it.
        approver = second_officer if drafter == officer else officer
        issue_dated(letter, drafter=drafter, approver=approver, issued_on=issued_on, today=today)
        made.append(f"warning notice to {school.name}")
        if school.urn == CEDAR_PARK:
            end = letter.compliance_end_date
            services.warning_notice_response_record(
                letter=letter,
                actor=officer,
                received_on=issued_on + timedelta(days=14),
                text=(
                    "The governing body accepts the concerns and has appointed a new vice-chair. It asks for more "
                    "time to recruit a substantive headteacher."
                ),
                today=today,
            )
            services.warning_notice_outcome_record(
                letter=letter,
                actor=officer,
                outcome=ComplianceOutcome.NOT_COMPLIED,
                notes="The required actions were not completed; pupils' outcomes and safeguarding remain of concern.",
                today=end + timedelta(days=2),
            )
            services.warning_notice_intention_give(
                letter=letter,
                actor=officer,
                given_on=working_day_on_or_before(end + timedelta(days=6)),
                powers=[InterventionPower.ADDITIONAL_GOVERNORS, InterventionPower.INTERIM_EXECUTIVE_BOARD],
                text=_fill(
                    "To the governing body of {school_name}\n\n"
                    "The compliance period of the warning notice ended on {compliance_end_date}. The local authority "
                    "is not satisfied that the governing body has complied with it, and gives notice that it proposes "
                    "to appoint additional governors (section 64) and to seek to replace the governing body with an "
                    "interim executive board (section 65).\n\n"
                    "The powers in sections 63 and 64 can only be used until {powers_deadline}.\n\n"
                    "Yours faithfully,"
                ),
                today=today,
            )

    awaiting = (
        School.objects.open()
        .filter(link_adviser=adviser, establishment_type__governance=Governance.MAINTAINED)
        .exclude(urn__in=[KINGFISHER, WILLOW_BROOK, MEADOWBANK, CEDAR_PARK])
        .exclude(letters__isnull=False)
        .order_by("urn")
        .first()
    )
    if awaiting and not Letter.objects.filter(status="submitted").exists():
        letter = _draft(
            awaiting,
            LetterKind.SIGNIFICANT_CONCERNS,
            actor=adviser,
            indicator_codes=["declining_performance", "self_evaluation"],
            on=today,
        )
        services.letter_submit(letter=letter, actor=adviser, today=today)
        made.append(f"a draft to {awaiting.name} awaiting approval")

    open_count = stored_suggestions.open_suggestions(school_ids=None, today=today).count()
    ctx.write(f"Letters: {', '.join(made) if made else 'already present'}; {open_count} suggestions open.")
