"""The school hears its category (issue 14 "Hear its category", docs/adr/0027).

When an officer approves a categorisation (services.categorisation_approve), in the same transaction a
CategoryNotice records what the school is told: the support level, what it means for the school, and the reasons
in plain words (`Categorisation.school_reasons`, never the evidence notes, the rationale or the officer's
comments). Each headteacher of the school and the chair of governors is emailed (a CategoryNoticeEmail row queued
for categorisation.tasks.send_category_notice_email after commit); a chair with no account in the service is
recorded as not emailed. The headteacher may agree or challenge it, with reasons, until `respond_by` (see
respond_by_for); an officer decides a challenge, with reasons. Each step is on its history (CategorisationEvent)."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.headships import headteachers_of
from accounts.models import User
from accounts.permissions import is_governor, is_headteacher_of_school
from accounts.roles import Role
from core import tasks as queue
from core.emails import A_HEADTEACHER, NO_EMAIL_ADDRESS, THE_CHAIR, not_sent_to, send_and_record
from core.history import save_as
from schools.models import GovernorRole, Governorship, School
from schools.terms import working_day_on_or_after

from .models import (
    Categorisation,
    CategorisationEvent,
    CategoryNotice,
    CategoryNoticeEmail,
    ChallengeDecision,
    EventKind,
    NoticeEmailKind,
    NoticeRecipientRole,
    NoticeResponse,
    Status,
    SupportLevel,
)

# What each level means for the school (the strategy's categorisation and "Support - overview"; visits.entitlement).
ENTITLEMENT = {
    SupportLevel.LOW: (
        "Low support: the school is performing well. Its entitlement is a half-day visit from its School "
        "Improvement Adviser each term; the autumn visit covers the quality of education, outcomes, the school's "
        "self-evaluation, its improvement priorities and pupil targets, and the other two are shaped with the school."
    ),
    SupportLevel.MEDIUM: (
        "Medium support: the school requires improvement and/or is vulnerable. Its entitlement is a half-day visit "
        "from its School Improvement Adviser each term; the autumn visit covers the quality of education, outcomes, "
        "the school's self-evaluation, its improvement priorities and pupil targets, and the other two are shaped "
        "with the school. The school is expected to take part in the enhanced offer at the reduced rate."
    ),
    SupportLevel.HIGH: (
        "High support: the local authority has significant concerns about the school. It will be visited by its "
        "School Improvement Adviser at least every half-term, and a Monitoring Support Partnership (MSP) group, "
        "with the headteacher, the chair or vice-chair of governors and the School Improvement Adviser, will meet "
        "at least every half-term to agree and review the support. The school is expected to take part in the "
        "enhanced programme of support at a reduced cost, and may expect an external review of aspects of the "
        "quality of education or of leadership and management, including governance."
    ),
}
ENHANCED_OFFER = (
    "Every school can also buy the enhanced offer: up to six half-day visits a year, at least three of them from "
    "its own School Improvement Adviser."
)

NO_REASONS_WRITTEN = (
    "The local authority did not write its reasons for the school with this category. Ask {adviser} to explain "
    "them; if you disagree with the category, you can challenge it here."
)
NO_CHAIR_ACCOUNT = "Not sent: the chair of governors has no account in this service."
NO_CHAIR_KNOWN = "Not sent: no chair of governors is known for the school."

NOT_THE_HEADTEACHER = "Only the school's headteacher can answer for the school."
WINDOW_CLOSED = (
    "The time to agree or challenge this category ended on {day}. If the school still disagrees, contact its "
    "School Improvement Adviser."
)
ALREADY_ANSWERED = "The school has already answered: it {answer} on {day}."
ANSWERED_ALREADY = "The school has already answered: its answer is shown below."
NOT_CURRENT = "This category has been replaced by a later one: answer that one instead."
ANSWER_REQUIRED = "Choose whether the school agrees with the category or challenges it"
CHALLENGE_REASONS_REQUIRED = "Say why the school challenges the category"
OFFICER_ONLY = "Only an officer may decide a challenge."
NOT_A_CHALLENGE = "There is no challenge to decide: the school has not challenged this category."
ALREADY_DECIDED = "This challenge was already decided by {user} on {day}."
DECIDED_ALREADY = "This challenge has already been decided: the decision is shown below."
DECISION_REQUIRED = "Choose whether the challenge is upheld"
DECISION_REASONS_REQUIRED = "Give the reasons for your decision: they are sent to the school"


# ---- rules ----------------------------------------------------------------------------------------


def the_school_answers_within_the_set_days(*, respond_by: date, today: date) -> bool:
    """Issue 14: "the school can record agreement or a challenge with its reasons within a set
    period": CATEGORY_RESPONSE_DAYS calendar days (10 by default) from the day the category is sent,
    up to and including `respond_by`; after it the window is closed."""
    return today <= respond_by


def respond_by_for(sent_on: date, days: int | None = None) -> date:
    """The last day of the window: the day sent plus CATEGORY_RESPONSE_DAYS calendar days, or the
    next working day after a weekend or bank holiday (sent 15 December 2026: not Christmas Day)."""
    return working_day_on_or_after(sent_on + timedelta(days=settings.CATEGORY_RESPONSE_DAYS if days is None else days))


def a_challenge_needs_reasons(*, response: str, reasons: str) -> dict[str, list[str]]:
    """Issue 14: "agreement or a challenge with its reasons": an answer is required, and a challenge
    says why (an officer cannot decide it without them). Reasons given with an agreement are kept."""
    if response not in NoticeResponse.values:
        return {"response": [ANSWER_REQUIRED]}
    if response == NoticeResponse.CHALLENGE and not reasons.strip():
        return {"reasons": [CHALLENGE_REASONS_REQUIRED]}
    return {}


def a_decision_on_a_challenge_gives_its_reasons(*, decision: str, reasons: str) -> dict[str, list[str]]:
    """Issue 14: "a challenge goes to an officer to decide and is recorded on the categorisation's
    history": upheld or not, with the reasons the school is told. Both missing: both named."""
    errors = {} if decision in ChallengeDecision.values else {"decision": [DECISION_REQUIRED]}
    if not reasons.strip():
        errors["reasons"] = [DECISION_REASONS_REQUIRED]
    return errors


def entitlement_for(level: str) -> str:
    return f"{ENTITLEMENT[SupportLevel(level)]} {ENHANCED_OFFER}"


def reasons_for_school(categorisation: Categorisation) -> str:
    """The reasons in plain words as the school is told them: the officer's or adviser's
    `school_reasons`, or, when none was written, a clear statement that none was (never the
    evidence notes or the rationale, which are written for the LA)."""
    if categorisation.school_reasons.strip():
        return categorisation.school_reasons.strip()
    adviser = categorisation.school.link_adviser
    return NO_REASONS_WRITTEN.format(
        adviser=f"your School Improvement Adviser, {adviser.get_full_name() or adviser.username}"
        if adviser
        else "your School Improvement Adviser"
    )


# ---- reads ----------------------------------------------------------------------------------------


def chairs_of(school: School) -> QuerySet:
    """Governor accounts holding the chair of the school's governing body."""
    return (
        User.objects.filter(
            is_active=True,
            governorships__school=school,
            governorships__role=GovernorRole.CHAIR,
            groups__name=Role.GOVERNOR.value,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def is_chair_of_school(user, school) -> bool:
    """The user holds the governor role and chairs this school's governing body."""
    if school is None or not user.is_authenticated or not is_governor(user):
        return False
    return Governorship.objects.filter(user=user, school=school, role=GovernorRole.CHAIR).exists()


def may_read_notices_of(user, school) -> bool:
    """The school's headteachers and its chair of governors read the category sent to the school."""
    return is_headteacher_of_school(user, school) or is_chair_of_school(user, school)


def latest_notice(school: School) -> CategoryNotice | None:
    """The category most recently sent to the school (its current approved category's notice)."""
    return (
        CategoryNotice.objects.filter(categorisation__school=school)
        .select_related("categorisation", "responded_by", "decided_by")
        .order_by("-sent_at", "-id")
        .first()
    )


def open_challenges() -> QuerySet:
    """Challenges no officer has decided yet, oldest first."""
    return (
        CategoryNotice.objects.filter(response=NoticeResponse.CHALLENGE, decision="")
        .select_related("categorisation__school", "categorisation__approved_by", "responded_by")
        .order_by("responded_at", "id")
    )


def notices_awaiting_answer(user, today: date) -> list[CategoryNotice]:
    """A headteacher's schools' categories they may still agree or challenge."""
    notices = (
        CategoryNotice.objects.filter(categorisation__school__headships__user=user, response="", respond_by__gte=today)
        .exclude(categorisation__superseded_by__status=Status.APPROVED)
        .select_related("categorisation__school")
        .order_by("respond_by", "id")
    )
    return list(notices)


def is_current(notice: CategoryNotice) -> bool:
    """The notice is of the school's latest approved categorisation (a later one replaces it)."""
    return not Categorisation.objects.filter(supersedes_id=notice.categorisation_id, status=Status.APPROVED).exists()


# ---- writes ---------------------------------------------------------------------------------------


def _event(categorisation: Categorisation, kind: str, actor: User | None, comments: str = "") -> None:
    CategorisationEvent.objects.create(
        categorisation=categorisation, kind=kind, actor=actor, comments=comments, at=timezone.now()
    )


def _queue(email: CategoryNoticeEmail) -> None:
    from . import tasks

    if email.address and not email.error:
        queue.defer(tasks.send_category_notice_email, queueing_lock=f"category-email-{email.pk}", email_id=email.pk)


def category_notice_send(*, categorisation: Categorisation, actor: User) -> CategoryNotice:
    """Called in categorisation_approve's transaction: record what the school is told and email its
    headteachers and chair of governors (after commit). Recorded even when nobody can be emailed:
    the headteacher reads it in the service when their account is added."""
    now = timezone.now()
    notice = CategoryNotice(
        categorisation=categorisation,
        level=categorisation.level,
        entitlement=entitlement_for(categorisation.level),
        reasons=reasons_for_school(categorisation),
        sent_at=now,
        sent_by=actor,
        respond_by=respond_by_for(timezone.localdate(now)),
    )
    save_as(notice, actor=actor)
    emails = [
        CategoryNoticeEmail(
            notice=notice,
            role=NoticeRecipientRole.HEADTEACHER,
            recipient=head,
            name=str(head),
            address=head.email,
            queued_at=now,
            error="" if head.email else NO_EMAIL_ADDRESS,
        )
        for head in headteachers_of(categorisation.school)
    ]
    chairs = list(chairs_of(categorisation.school))
    for chair in chairs:
        emails.append(
            CategoryNoticeEmail(
                notice=notice,
                role=NoticeRecipientRole.CHAIR,
                recipient=chair,
                name=str(chair),
                address=chair.email,
                queued_at=now,
                error="" if chair.email else NO_EMAIL_ADDRESS,
            )
        )
    if not chairs:
        name = categorisation.school.chair_of_governors.strip()
        emails.append(
            CategoryNoticeEmail(
                notice=notice,
                role=NoticeRecipientRole.CHAIR,
                name=name,
                queued_at=now,
                error=NO_CHAIR_ACCOUNT if name else NO_CHAIR_KNOWN,
            )
        )
    for email in emails:
        email.save()
        _queue(email)
    names = ", ".join(f"{e.name or 'chair of governors'} ({e.get_role_display().lower()})" for e in emails)
    until = f"{notice.respond_by:%-d %B %Y}"
    _event(categorisation, EventKind.SENT, actor, f"Sent to {names}; the school may answer until {until}.")
    return notice


@transaction.atomic
def category_notice_answer(
    *, notice: CategoryNotice, actor: User, response: str, reasons: str = "", today: date | None = None
) -> CategoryNotice:
    """The headteacher agrees with the category, or challenges it with reasons, within the window."""
    notice = CategoryNotice.objects.select_for_update().select_related("categorisation__school").get(pk=notice.pk)
    if not is_headteacher_of_school(actor, notice.categorisation.school):
        raise PermissionDenied(NOT_THE_HEADTEACHER)
    if notice.response:
        raise ValidationError(
            ALREADY_ANSWERED.format(
                answer="agreed" if notice.response == NoticeResponse.AGREE else "challenged the category",
                day=f"{timezone.localtime(notice.responded_at):%-d %B %Y}",
            )
        )
    today = today or timezone.localdate()
    if not the_school_answers_within_the_set_days(respond_by=notice.respond_by, today=today):
        raise ValidationError(WINDOW_CLOSED.format(day=f"{notice.respond_by:%-d %B %Y}"))
    if not is_current(notice):
        raise ValidationError(NOT_CURRENT)
    if errors := a_challenge_needs_reasons(response=response, reasons=reasons):
        raise ValidationError(errors)
    notice.response, notice.response_reasons = response, reasons.strip()
    notice.responded_at, notice.responded_by = timezone.now(), actor
    save_as(notice, actor=actor)
    kind = EventKind.AGREED if response == NoticeResponse.AGREE else EventKind.CHALLENGED
    _event(notice.categorisation, kind, actor, notice.response_reasons)
    return notice


@transaction.atomic
def category_challenge_decide(*, notice: CategoryNotice, actor: User, decision: str, reasons: str) -> CategoryNotice:
    """An officer upholds or rejects the school's challenge, with reasons. The approved
    categorisation is never changed: an upheld challenge is reconsidered by starting a new
    categorisation that supersedes it. The headteachers are emailed the decision."""
    if not actor.has_perm("categorisation.decide_challenges"):
        raise PermissionDenied(OFFICER_ONLY)
    notice = CategoryNotice.objects.select_for_update().select_related("categorisation__school").get(pk=notice.pk)
    if notice.response != NoticeResponse.CHALLENGE:
        raise ValidationError(NOT_A_CHALLENGE)
    if notice.decision:
        decider = notice.decided_by
        raise ValidationError(
            ALREADY_DECIDED.format(
                user=(decider.get_full_name() or decider.username) if decider else "an officer",
                day=f"{timezone.localtime(notice.decided_at):%-d %B %Y}",
            )
        )
    if errors := a_decision_on_a_challenge_gives_its_reasons(decision=decision, reasons=reasons):
        raise ValidationError(errors)
    reasons = reasons.strip()
    notice.decision, notice.decision_reasons = decision, reasons
    notice.decided_at, notice.decided_by = timezone.now(), actor
    save_as(notice, actor=actor)
    _event(notice.categorisation, EventKind.DECIDED, actor, f"{ChallengeDecision(decision).label}. {reasons}")
    school = notice.categorisation.school
    now = timezone.now()
    for role, people in (
        (NoticeRecipientRole.HEADTEACHER, headteachers_of(school)),
        (NoticeRecipientRole.CHAIR, chairs_of(school)),
    ):
        for person in people:
            email = CategoryNoticeEmail.objects.create(
                notice=notice,
                kind=NoticeEmailKind.DECISION,
                role=role,
                recipient=person,
                name=str(person),
                address=person.email,
                queued_at=now,
                error="" if person.email else NO_EMAIL_ADDRESS,
            )
            _queue(email)
    return notice


# ---- the email task's work ------------------------------------------------------------------------


def category_email_send(email_id: int, *, last_attempt: bool = True) -> None:
    """Send one CategoryNoticeEmail (task categorisation.tasks.send_category_notice_email): the level, what it
    means, the reasons and the window (or the decision), a link to the school's page; only to a recipient still the
    school's headteacher or chair, as queued. A failure is recorded on the row and may be retried (core.emails)."""
    email = CategoryNoticeEmail.objects.select_related("notice__categorisation__school", "recipient").get(pk=email_id)
    if email.emailed_at or not email.address or email.recipient is None:  # (no account: no address)
        return
    notice, school, chair = email.notice, email.notice.categorisation.school, email.role == NoticeRecipientRole.CHAIR
    entitled = (is_chair_of_school if chair else is_headteacher_of_school)(email.recipient, school)
    decided = email.kind == NoticeEmailKind.DECISION
    body = render_to_string(
        "categorisation/email/category_notice.txt",
        {
            "email": email,
            "notice": notice,
            "school": school,
            "decided": decided,
            "level": SupportLevel(notice.level).label.lower(),
            "url": settings.SITE_URL.rstrip("/") + school.get_absolute_url(),
            "service": settings.SERVICE_NAME,
            "council": settings.COUNCIL_NAME,
        },
    )
    what = "the decision on the school's challenge to its category" if decided else "the school's support category"
    send_and_record(
        CategoryNoticeEmail.objects.filter(pk=email_id),
        subject=f"{settings.SERVICE_NAME}: {what}, {school.name}",
        body=body,
        address=email.address,
        last_attempt=last_attempt,
        what="category",
        not_sent=not_sent_to(email.recipient, entitled=entitled, seat=THE_CHAIR if chair else A_HEADTEACHER),
    )
