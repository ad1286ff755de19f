"""Demo categorisations: the demo maintained schools' categories over the last three terms and
the current one, made through the services (start with facts pre-ticked, tick statements with
evidence, submit, approve), so every page has content, history and directions of travel.

- 874001 Kingfisher: medium for three terms, then high this term (declining; the ward's
  councillors are alerted). 874002 Willow Brook and 874006 Cedar Park: high. 874004 Meadowbank:
  medium. Other schools follow their latest Ofsted outcome, one or two improving.
- One categorisation waits for approval (874005), one is returned to the adviser with comments
  (874007), one is a draft (874008); 874003 Heron, 874010, 874017 and 874053 have no
  categorisation this term (review due; 874003 is the browser test's school).

- The school hears its category (docs/adr/0027): Kingfisher (the demo headteacher's and chair's
  school) was sent last term's category, challenged it and an officer did not uphold the
  challenge; this term's high support was approved two days ago and sent, and its window to agree
  or challenge is open. Other approvals are loaded as history, without telling the school.

- Moderation (docs/adr/0032): last term's proposals were moderated in a session, now closed: 874004
  Meadowbank's medium support confirmed, and 874012's proposed high support changed to medium with a
  reason (by the second officer, Sam Patel; the officer approved both). A session for the current
  term is open with 874005's proposal still to moderate.

Idempotent: a school and term that already has a categorisation (not withdrawn) is left alone.
Timestamps of past terms' categorisations are set to dates in their term."""

import datetime as dt
from datetime import date

from django.db.models import Q
from django.utils import timezone

from schools.models import School, SchoolStatus
from schools.terms import term_on, term_periods

from . import moderation, notices, services
from .facts import FactKey, facts_for
from .models import (
    Categorisation,
    CategorisationEvent,
    CategoryNotice,
    Criterion,
    ModerationSession,
    Status,
    SupportLevel,
)
from .selectors import framework_in_use

HIGH, MEDIUM, LOW = SupportLevel.HIGH.value, SupportLevel.MEDIUM.value, SupportLevel.LOW.value
# urn -> levels for the last three terms and the current one (None: no categorisation that term)
KEY_SCHOOLS = {
    874001: [MEDIUM, MEDIUM, MEDIUM, HIGH],
    874002: [HIGH, HIGH, HIGH, HIGH],
    874006: [HIGH, HIGH, HIGH, HIGH],
    874004: [MEDIUM, MEDIUM, MEDIUM, MEDIUM],
    874003: [MEDIUM, MEDIUM, LOW, None],
    874009: [MEDIUM, MEDIUM, LOW, LOW],
    874012: [HIGH, MEDIUM, MEDIUM, MEDIUM],
}
NOT_THIS_TERM = {874003, 874010, 874017, 874053}
SUBMITTED_URN, RETURNED_URN, DRAFT_URN = 874005, 874007, 874008
KINGFISHER_URN = 874001
SCHOOL_REASONS = {
    (KINGFISHER_URN, MEDIUM): (
        "Pupils' progress in reading and writing at Key Stage 2 has been below the national average for two years. "
        "Leaders have a clear plan to improve it, and behaviour and attendance are good."
    ),
    (KINGFISHER_URN, HIGH): (
        "Since the headteacher left in the summer, the school's plan to improve reading has stalled, and the "
        "Key Stage 2 results fell further below the national average. The local authority will support the "
        "interim headteacher and governors more closely this year, with half-termly visits and a Monitoring "
        "Support Partnership group."
    ),
}
CHALLENGE_REASONS = (
    "Our own assessments show reading improving in Years 3 to 5, and the new phonics scheme is in place. We think "
    "low support with a focus on Year 6 would fit better."
)
DECISION_REASONS = (
    "We looked at the school's assessment information with the adviser. The improvement is welcome, but it is "
    "not yet seen in Year 6 outcomes, so the category stays at medium support this term."
)
# Last term's moderation: urn -> (the adviser's proposal, the reason a change was made or "")
MODERATED = {
    874004: (MEDIUM, ""),
    874012: (
        HIGH,
        "Compared with the other schools proposed at high support, the concerns here are narrower: leadership "
        "is secure and the reading plan is working. Medium support, with the adviser's reading focus kept.",
    ),
}
RETURN_COMMENTS = (
    "The evidence for quality of education is thin: add what the Year 6 work scrutiny showed, and the "
    "latest attendance figures, before I approve medium support."
)
EVIDENCE = {
    "leadership": "Meeting with the headteacher and chair; school self-evaluation and improvement plan reviewed.",
    "quality": "Joint lesson observations in Years 2, 4 and 6 and a scrutiny of books in English and maths.",
    "behaviour": "Learning walk at both break times; behaviour and attendance logs reviewed with the deputy head.",
    "personal": "Discussion with pupils and the PSHE lead; the personal development curriculum map reviewed.",
}


def _level_from_facts(keys: set[str]) -> str:
    if FactKey.OFSTED_INADEQUATE_OR_CATEGORY in keys or FactKey.SAFEGUARDING_NOT_MET in keys:
        return HIGH
    if FactKey.OFSTED_REQUIRES_IMPROVEMENT in keys:
        return MEDIUM
    return LOW


def _ticks_for(criteria: list[Criterion], level: str, existing: dict[int, str], rng) -> dict[int, str]:
    """The pre-ticked facts kept, plus two or three statements at the level in each area."""
    ticks = dict(existing)
    by_area: dict[int, list[Criterion]] = {}
    for criterion in criteria:
        if criterion.level == level and not criterion.fact_key and not criterion.is_safeguarding:
            by_area.setdefault(criterion.area_id, []).append(criterion)
    for items in by_area.values():
        for criterion in rng.sample(items, min(len(items), rng.choice([2, 3]))):
            ticks[criterion.pk] = EVIDENCE.get(criterion.area.code, "Seen on visit.")
    return ticks


def _backdate(categorisation: Categorisation, day: date) -> None:
    when = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    Categorisation.objects.filter(pk=categorisation.pk).update(
        created_at=when - dt.timedelta(days=7), submitted_at=when - dt.timedelta(days=2)
    )
    events = CategorisationEvent.objects.filter(categorisation=categorisation)
    events.filter(kind="started").update(at=when - dt.timedelta(days=7))
    events.filter(kind="submitted").update(at=when - dt.timedelta(days=2))


def _make(
    school,
    *,
    period,
    level,
    adviser,
    officer,
    criteria,
    rng,
    approve_on: date | None,
    stop_at: str = "",
    tell_school: bool = False,
    moderate=None,
):
    """Start, tick, save and (unless stopped earlier) submit and approve one categorisation.
    `moderate` is (session, proposed level, reason, moderating officer): the adviser proposes that
    level, and the proposal is moderated to `level` before it is approved."""
    started_on = approve_on - dt.timedelta(days=7) if approve_on else period.starts_on + dt.timedelta(days=21)
    categorisation = services.categorisation_start(
        school=school, actor=adviser, academic_year=period.academic_year, term=period.term, on=started_on
    )
    existing = {t.criterion_id: t.evidence for t in categorisation.ticks.all()}
    ticks = _ticks_for(criteria, level, existing, rng)
    final_level = level
    if moderate is not None:
        level = moderate[1]
    categorisation = services.categorisation_save(
        categorisation=categorisation,
        actor=adviser,
        ticks=ticks,
        level=level,
        rationale="",
        school_reasons=SCHOOL_REASONS.get((school.urn, level), ""),
    )
    if categorisation.suggested_level and categorisation.suggested_level != level:
        categorisation = services.categorisation_save(
            categorisation=categorisation,
            actor=adviser,
            ticks=ticks,
            level=level,
            rationale=(
                "On balance the school fits this level: the statements ticked at the suggested level reflect "
                "the published Ofsted judgement, while our own visits this term show the position described."
            ),
        )
    if stop_at == "draft":
        return categorisation
    categorisation = services.categorisation_submit(categorisation=categorisation, actor=adviser)
    if stop_at == "submitted":
        return categorisation
    if stop_at == "returned":
        return services.categorisation_return(categorisation=categorisation, actor=officer, comments=RETURN_COMMENTS)
    if moderate is not None:
        session, _, reason, moderator = moderate
        moderation.moderation_decision_record(
            session=session, categorisation=categorisation, level=final_level, reason=reason, actor=moderator
        )
    when = timezone.make_aware(dt.datetime.combine(approve_on, dt.time(10, 0)))
    categorisation = services.categorisation_approve(
        categorisation=categorisation, actor=officer, approved_at=when, tell_school=tell_school
    )
    _backdate(categorisation, approve_on)
    if tell_school:
        _backdate_notice(categorisation, when)
    return categorisation


def _backdate_notice(categorisation: Categorisation, when: dt.datetime) -> None:
    """The category was sent when it was approved: its window runs from that day."""
    respond_by = notices.respond_by_for(timezone.localdate(when))
    CategoryNotice.objects.filter(categorisation=categorisation).update(sent_at=when, respond_by=respond_by)
    for event in CategorisationEvent.objects.filter(categorisation=categorisation, kind="sent"):
        event.at = when
        event.comments = f"{event.comments.rsplit('until ', 1)[0]}until {respond_by:%-d %B %Y}."
        event.save()


def _challenge_decided(categorisation: Categorisation, *, head, officer, when: dt.datetime) -> None:
    """Last term's category: the headteacher challenged it within the window, and an officer did not
    uphold the challenge."""
    notice = CategoryNotice.objects.get(categorisation=categorisation)
    if notice.response:
        return
    notices.category_notice_answer(
        notice=notice, actor=head, response="challenge", reasons=CHALLENGE_REASONS, today=timezone.localdate(when)
    )
    notices.category_challenge_decide(notice=notice, actor=officer, decision="rejected", reasons=DECISION_REASONS)
    answered, decided = when + dt.timedelta(days=3), when + dt.timedelta(days=8)
    CategoryNotice.objects.filter(pk=notice.pk).update(responded_at=answered, decided_at=decided)
    events = CategorisationEvent.objects.filter(categorisation=categorisation)
    events.filter(kind="challenged").update(at=answered)
    events.filter(kind="decided").update(at=decided)


def seed(ctx) -> None:
    officer = ctx.users["officer"]
    today = ctx.today
    current = term_on(today)
    periods = term_periods(current.academic_year - 1) + term_periods(current.academic_year)
    index = next(i for i, p in enumerate(periods) if (p.academic_year, p.term) == (current.academic_year, current.term))
    terms = periods[index - 3 : index + 1]  # the last three terms and the current one
    approve_days = [min(p.starts_on + dt.timedelta(days=35), today - dt.timedelta(days=1)) for p in terms]

    schools = list(
        School.objects.maintained()
        .exclude(status=SchoolStatus.CLOSED)
        .filter(la_code="874", urn__range=(874001, 874059))
        .select_related("establishment_type", "link_adviser")
        .order_by("urn")
    )
    if not schools:
        ctx.write("Categorisation: no demo schools, nothing to do.")
        return
    facts = facts_for([s.pk for s in schools], today)
    done = set(
        Categorisation.objects.filter(school__in=schools)
        .filter(~Q(status=Status.WITHDRAWN))
        .values_list("school_id", "academic_year", "term")
    )
    head = ctx.users.get("headteacher")
    by_urn = {s.urn: s for s in schools}
    if head is not None and KINGFISHER_URN in by_urn:
        from accounts.headships import headship_add
        from accounts.models import Headship

        if not Headship.objects.filter(user=head, school=by_urn[KINGFISHER_URN]).exists():
            headship_add(user=head, school=by_urn[KINGFISHER_URN], actor=ctx.users["officer"])
    moderator = ctx.users.get("officer2", officer)
    made = 0
    for school in schools:
        adviser = school.link_adviser or ctx.users["adviser"]
        by_ofsted = _level_from_facts({f.key for f in facts.get(school.pk, [])})
        levels = KEY_SCHOOLS.get(school.urn, [by_ofsted] * 4)
        for n, (period, level, approve_on) in enumerate(zip(terms, levels, approve_days, strict=True)):
            if (school.pk, period.academic_year, period.term) in done:
                continue
            this_term = n == len(terms) - 1
            if this_term and school.urn in NOT_THIS_TERM:
                continue
            if level is None:
                continue
            framework = framework_in_use(approve_on)
            criteria = list(Criterion.objects.filter(area__framework=framework).select_related("area"))
            stop_at = ""
            if this_term:
                stop_at = {SUBMITTED_URN: "submitted", RETURNED_URN: "returned", DRAFT_URN: "draft"}.get(school.urn, "")
            moderate = None
            if n == len(terms) - 2 and school.urn in MODERATED:
                proposed, reason = MODERATED[school.urn]
                moderate = (_moderation_session(period, approve_on, moderator), proposed, reason, moderator)
            tell = school.urn == KINGFISHER_URN and head is not None and n >= len(terms) - 2
            if tell and this_term:  # approved two days ago (within the term): its window is open
                approve_on = max(period.starts_on, today - dt.timedelta(days=2))
            made_now = _make(
                school,
                period=period,
                level=level,
                adviser=adviser,
                officer=officer,
                criteria=criteria,
                rng=ctx.rng,
                approve_on=None if stop_at else approve_on,
                stop_at=stop_at,
                tell_school=tell,
                moderate=moderate,
            )
            if tell and not this_term:
                when = timezone.make_aware(dt.datetime.combine(approve_on, dt.time(10, 0)))
                _challenge_decided(made_now, head=head, officer=ctx.users.get("officer2", officer), when=when)
            made += 1
    _moderation_finish(terms, approve_days, officer=officer, moderator=moderator, today=today)
    ctx.write(
        f"Categorisation: {made} categorisations made ({Categorisation.objects.approved().count()} approved in all; "
        f"one waiting for approval, one returned, one draft)."
    )


def _moderation_session(period, approve_on: date, moderator) -> ModerationSession:
    """Last term's session (opened the day before its approvals), made once."""
    found = ModerationSession.objects.filter(academic_year=period.academic_year, term=period.term).first()
    if found is not None:
        return found
    return moderation.moderation_session_open(
        actor=moderator,
        academic_year=period.academic_year,
        term=period.term,
        held_on=approve_on - dt.timedelta(days=1),
        notes="Sam Patel and Olivia Okafor, with the link advisers of the schools proposed at high support.",
    )


def _moderation_finish(terms, approve_days, *, officer, moderator, today: date) -> None:
    """Close last term's session (dated before its approvals) and open the current term's."""
    last, last_day = terms[-2], approve_days[-2]
    for session in ModerationSession.objects.filter(
        academic_year=last.academic_year, term=last.term, closed_at__isnull=True
    ):
        moderation.moderation_session_close(session=session, actor=moderator)
        when = timezone.make_aware(dt.datetime.combine(last_day - dt.timedelta(days=1), dt.time(16, 0)))
        ModerationSession.objects.filter(pk=session.pk).update(opened_at=when.replace(hour=9), closed_at=when)
        decided = timezone.make_aware(dt.datetime.combine(last_day - dt.timedelta(days=1), dt.time(11, 0)))
        session.decisions.update(decided_at=decided)
        CategorisationEvent.objects.filter(
            kind="moderated", categorisation__in=session.decisions.values("categorisation")
        ).update(at=decided)
    current = terms[-1]
    if not ModerationSession.objects.filter(academic_year=current.academic_year, term=current.term).exists():
        moderation.moderation_session_open(
            actor=officer, academic_year=current.academic_year, term=current.term, held_on=today
        )
