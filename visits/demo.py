"""Demo casework for visits (runs after the schools and categorisation demos): a year of visits to
the LA maintained schools (last academic year and this one so far), planned visits for the demo
advisers in the coming weeks, agreed actions (some overdue, some closed), an enhanced offer bought
by two schools, and the Kingfisher Primary School MSP group with a year of meetings: the latest
summary published (the demo governor reads it) and one recommending a warning notice (the letters
app suggests one from it).

Dates are relative to ctx.today and the term dates, so the demo makes sense whenever it runs.
Idempotent: each visit, meeting and group is looked for before it is made; nothing is duplicated."""

from datetime import time, timedelta

from categorisation.models import SupportLevel
from categorisation.selectors import current_categories
from schools.models import School
from schools.terms import half_term_periods, term_on, term_periods

from . import services
from .demo_msp import in_period, school_day, seed_msp_attendance, seed_msp_group
from .models import (
    ActionOwner,
    Activity,
    Visit,
    VisitLength,
    VisitStatus,
    VisitType,
)
from .rules import autumn_core_visit_agenda

KINGFISHER_URN = 874001
CEDAR_PARK_URN = 874006
# A school left "due" this term (no visit done or planned), for the browser journey.
DUE_SCHOOL_URN = 874003
ENHANCED_OFFERS = {874004: 6, 874009: 4}

STRENGTHS = [
    "Leaders have an accurate view of the school's strengths and priorities.",
    "Phonics teaching is consistent across Reception and Year 1.",
    "Pupils behave well in lessons and around the school; relationships are warm.",
    "The curriculum in mathematics is well sequenced and teachers check understanding well.",
    "Governors ask challenging questions about attendance and act on the answers.",
]
DEVELOPMENT = [
    "Writing outcomes at the end of key stage 2 remain below national; extended writing is not yet routine.",
    "Attendance of disadvantaged pupils is below that of their peers.",
    "Subject leaders are new and do not yet check the quality of teaching in their subjects.",
    "Assessment information is not used sharply enough to target support for pupils who fall behind.",
    "The school's self-evaluation is over-generous about the quality of education.",
]
ACTIONS = [
    ("Put in place a whole-school approach to extended writing, with a termly check by the English lead.", "school"),
    ("Analyse attendance of disadvantaged pupils each half-term and report to governors.", "school"),
    ("Broker support from a Phonics Champion school for the Year 1 team.", "la"),
    ("Update the school improvement plan with measurable half-termly milestones.", "school"),
    ("Arrange subject leader training through the CPD programme.", "la"),
    ("Governors to visit to check the impact of the new reading scheme.", "school"),
]


def _planned_or_done(ctx, *, school, adviser, visit_date, visit_type, length, index, complete, actions=0):
    """The demo visit on that day, made (and recorded) if it is not there yet."""
    existing = Visit.objects.filter(school=school, visit_date=visit_date, adviser=adviser).first()
    if existing is not None:
        return existing, False
    visit = services.visit_plan(
        school=school,
        adviser=adviser,
        visit_date=visit_date,
        start_time=time(9, 0) if index % 2 == 0 else time(13, 15),
        length=length,
        visit_type=visit_type,
        focus_areas=autumn_core_visit_agenda(visit_type=visit_type, visit_date=visit_date)
        or (["leadership", "attendance"] if index % 2 else ["quality_of_education", "phonics"]),
        purpose="" if visit_type == VisitType.CORE else "Bespoke visit agreed with the headteacher.",
        actor=adviser,
    )
    if not complete:
        return visit, True
    new_actions = [
        services.NewAction(
            description=ACTIONS[(index + k) % len(ACTIONS)][0],
            owner=ActionOwner(ACTIONS[(index + k) % len(ACTIONS)][1]),
            due_on=visit_date + timedelta(days=35 + 14 * k),
        )
        for k in range(actions)
    ]
    services.visit_record(
        visit=visit,
        adviser=adviser,
        visit_date=visit_date,
        start_time=visit.start_time,
        length=length,
        visit_type=visit_type,
        focus_areas=visit.focus_areas,
        purpose=visit.purpose,
        activities=[Activity.LESSON_OBSERVATION, Activity.WORK_SCRUTINY, Activity.STAFF]
        + ([Activity.GOVERNORS] if index % 3 == 0 else [Activity.PUPILS]),
        strengths=STRENGTHS[index % len(STRENGTHS)],
        areas_for_development=DEVELOPMENT[index % len(DEVELOPMENT)],
        notes="",
        new_actions=new_actions,
        complete=True,
        actor=adviser,
        today=ctx.today,
    )
    visit.refresh_from_db()
    if index % 4 != 3:
        services.visit_share_note(
            visit=visit,
            shared_on=min(visit_date + timedelta(days=3), ctx.today),
            shared_with="Headteacher and chair of governors",
            actor=adviser,
            today=ctx.today,
        )
    return visit, True


def _seed_visits(ctx, schools, advisers) -> tuple[int, int]:
    year = term_on(ctx.today).academic_year
    made = planned = 0
    halves = [h for y in (year - 1, year) for h in half_term_periods(y) if h.starts_on <= ctx.today]
    terms = [t for y in (year - 1, year) for t in term_periods(y) if t.starts_on <= ctx.today]
    days = {min(period.ends_on, ctx.today) for period in [*halves, *terms]}
    by_day = {day: current_categories([s.pk for s in schools], on=day) for day in days}
    for index, school in enumerate(schools):
        adviser = school.link_adviser or advisers[index % 2]
        level_on = {day: found.get(school.pk) for day, found in by_day.items()}
        for term in terms:
            current = ctx.today in term
            term_level = level_on[min(term.ends_on, ctx.today)]
            high = term_level is not None and term_level.level == SupportLevel.HIGH
            if current and school.urn == DUE_SCHOOL_URN and not high:
                continue  # left due for the browser journey
            if high:
                made += _seed_half_termly_visits(
                    ctx, school=school, adviser=adviser, index=index, term=term, halves=halves
                )
                continue
            term_made, term_planned = _seed_termly_visit(ctx, school=school, adviser=adviser, index=index, term=term)
            made += term_made
            planned += term_planned
    return made, planned


def _seed_half_termly_visits(ctx, *, school, adviser, index: int, term, halves) -> int:
    """A high-support school's monitoring visits in the half-terms of a term, with some due,
    missed or overdue this term; how many were made."""
    current = ctx.today in term
    made = 0
    term_halves = [h for h in halves if h.term == term.term and h.academic_year == term.academic_year]
    for half in term_halves:
        if ctx.today in half and (index % 3 == 0 or school.urn == DUE_SCHOOL_URN):
            continue  # due this half-term
        if current and half.half == 1 and index % 4 == 1 and school.urn != DUE_SCHOOL_URN:
            continue  # missed autumn 1
        if ctx.today in half and index % 4 == 1 and index % 3 == 1:
            continue  # and nothing this half-term either: overdue
        day = in_period(half, 10 + index % 9)
        done = day < ctx.today
        if not done and half.half == 1:
            continue
        _, new = _planned_or_done(ctx, school=school, adviser=adviser, visit_date=day,
                                  visit_type=VisitType.MONITORING, length=VisitLength.HALF_DAY,
                                  index=index, complete=done, actions=1 if done else 0)  # fmt: skip
        made += new
    return made


def _seed_termly_visit(ctx, *, school, adviser, index: int, term) -> tuple[int, int]:
    """A school's core visit of a term: done, or this term (for some schools) planned or not yet
    made; how many were (made, planned)."""
    current = ctx.today in term
    if current:
        pattern = (index + index // 2) % 4  # mixes both advisers' schools
        if pattern == 3:
            return 0, 0  # due: nothing yet
        if pattern == 2:
            day = school_day(ctx.today + timedelta(days=3 + index % 18))
            _, new = _planned_or_done(ctx, school=school, adviser=adviser, visit_date=day,
                                      visit_type=VisitType.CORE, length=VisitLength.HALF_DAY,
                                      index=index, complete=False)  # fmt: skip
            return 0, new
    day = in_period(term, 12 + (index * 5) % 40)
    if day >= ctx.today:
        day = school_day(term.starts_on + timedelta(days=8 + index % 10))
    if day >= ctx.today:
        return 0, 0
    _, new = _planned_or_done(ctx, school=school, adviser=adviser, visit_date=day,
                              visit_type=VisitType.CORE, length=VisitLength.HALF_DAY, index=index,
                              complete=True, actions=2 if current or index % 2 == 0 else 1)  # fmt: skip
    return new, 0


def _seed_enhanced_offers(ctx, by_urn, officer) -> None:
    year = term_on(ctx.today).academic_year
    autumn = term_periods(year)[0]
    for n, (urn, half_days) in enumerate(ENHANCED_OFFERS.items()):
        school = by_urn.get(urn)
        if school is None:
            continue
        if not school.enhanced_offers.filter(academic_year=year).exists():
            services.enhanced_offer_set(
                school=school,
                academic_year=year,
                half_days=half_days,
                notes="Bought at the reduced rate.",
                actor=officer,
            )
        adviser = school.link_adviser
        if adviser is None:
            continue
        done_day = in_period(autumn, 20 + 7 * n)
        if done_day < ctx.today:
            _planned_or_done(ctx, school=school, adviser=adviser, visit_date=done_day, visit_type=VisitType.ENHANCED,
                             length=VisitLength.FULL_DAY, index=n, complete=True, actions=1)  # fmt: skip
        later = school_day(ctx.today + timedelta(days=9 + n))
        _planned_or_done(ctx, school=school, adviser=adviser, visit_date=later, visit_type=VisitType.ENHANCED,
                         length=VisitLength.HALF_DAY, index=n, complete=False)  # fmt: skip


def _close_and_age_actions(ctx, schools) -> None:
    """Close actions more than a fortnight past due, with a note, except about one in four of
    those less than four months overdue (a real caseload has a few recent overdue actions, not
    year-old ones) and each MSP group's newest action, which its next meeting reviews.

    Which actions stay open depends on their dates only, never on their ids: the ids a database
    hands out differ from run to run, and the browser tests record a meeting that reviews one."""
    from .models import Action, ActionStatus

    open_actions = Action.objects.filter(school__in=schools, status=ActionStatus.OPEN)
    newest_msp_action = {
        action.school_id: action.pk
        for action in open_actions.filter(msp_meeting__isnull=False).order_by("school_id", "due_on", "id")
    }
    older = open_actions.filter(due_on__lt=ctx.today - timedelta(days=14))
    for action in older.select_related("visit").order_by("due_on", "id"):
        recent = action.due_on >= ctx.today - timedelta(days=120)
        if recent and action.due_on.toordinal() % 4 == 0:  # by date, so a second run closes nothing more
            continue
        if newest_msp_action.get(action.school_id) == action.pk:
            continue
        closer = action.visit.adviser if action.visit else action.created_by
        if closer is None:  # the demo's actions all have their author
            continue
        services.action_close(action=action, note="Done: checked at the following visit.", actor=closer)


def _seed_cancelled_visit(ctx, school, adviser) -> None:
    day = school_day(ctx.today - timedelta(days=20))
    if Visit.objects.filter(school=school, visit_date=day, status=VisitStatus.CANCELLED).exists():
        return
    visit = services.visit_plan(school=school, adviser=adviser, visit_date=day, visit_type=VisitType.OTHER,
                                purpose="Meeting with the new chair of governors.", actor=adviser)  # fmt: skip
    services.visit_cancel(visit=visit, reason="The chair of governors was ill; to be rearranged.", actor=adviser)


def _seed_headteacher_notes(ctx, school) -> None:
    """The demo headteacher leads the demo governor's school (docs/adr/0023): of its two latest
    completed visits, the older note is shared and acknowledged as accurate, the latest shared and
    awaiting their answer."""
    from accounts.headships import headship_add
    from accounts.models import Headship

    from . import acknowledgement

    head = ctx.users.get("headteacher")
    if head is None:
        return
    if not Headship.objects.filter(user=head, school=school).exists():
        headship_add(user=head, school=school, actor=ctx.users["officer"])  # an officer gives a school (ADR 0061)
    latest = list(
        Visit.objects.filter(school=school, status=VisitStatus.COMPLETED, visit_date__lte=ctx.today).order_by(
            "-visit_date", "-id"
        )[:2]
    )
    for n, visit in enumerate(reversed(latest)):
        if visit.acknowledgements.exists():
            continue
        request = acknowledgement.note_share_with_school(visit=visit, actor=visit.adviser, today=ctx.today)
        if n == 0 and len(latest) == 2:
            acknowledgement.note_acknowledge(acknowledgement=request, accurate=True, actor=head)
    ctx.write(f"Headteacher: {head.username} leads URN {school.urn}; a note of visit awaits their acknowledgement.")


def _seed_pre_visit(ctx, school) -> None:
    """A planned visit to the demo headteacher's school early next half-term (so this half-term's
    compliance is unchanged), whose pre-visit section the headteacher is asked to complete
    (docs/adr/0028). Planning it emails the headteacher through the queue, once."""
    from schools.terms import half_term_on

    if ctx.users.get("headteacher") is None:
        return
    day = school_day(half_term_on(ctx.today).ends_on + timedelta(days=8))
    if not Visit.objects.filter(school=school, status=VisitStatus.PLANNED, visit_date__gte=day).exists():
        adviser = school.link_adviser or ctx.users["adviser"]
        services.visit_plan(
            school=school,
            adviser=adviser,
            visit_date=day,
            start_time=time(9, 0),
            length=VisitLength.HALF_DAY,
            visit_type=VisitType.MONITORING,
            focus_areas=["quality_of_education", "attendance", "improvement_priorities"],
            purpose="Monitoring visit: progress against the warning notice's priorities.",
            actor=adviser,
        )
    ctx.write(f"Pre-visit: a visit to URN {school.urn} on {day:%d/%m/%Y} for the headteacher to prepare.")


def seed(ctx) -> None:
    officer, advisers = ctx.users["officer"], [ctx.users["adviser"], ctx.users["adviser2"]]
    schools = list(School.objects.open().maintained().select_related("link_adviser").order_by("urn"))
    if not schools:
        ctx.write("Visits: no maintained schools, nothing to add.")
        return
    by_urn = {s.urn: s for s in schools}
    made, planned = _seed_visits(ctx, schools, advisers)
    _seed_enhanced_offers(ctx, by_urn, officer)
    if 874005 in by_urn:
        _seed_cancelled_visit(ctx, by_urn[874005], by_urn[874005].link_adviser or advisers[0])
    msp = ""
    if KINGFISHER_URN in by_urn:
        kingfisher = by_urn[KINGFISHER_URN]
        msp = "; " + seed_msp_group(ctx, kingfisher, officer, kingfisher.link_adviser or advisers[0])
    if CEDAR_PARK_URN in by_urn:
        # A second group whose meetings stopped in the summer: its autumn meeting is overdue.
        cedar = by_urn[CEDAR_PARK_URN]
        summer_end = term_periods(term_on(ctx.today).academic_year - 1)[2].ends_on
        msp += "; " + seed_msp_group(ctx, cedar, officer, cedar.link_adviser or advisers[1], meetings_until=summer_end,
                                warning_notice=False, plan_next=False)  # fmt: skip
    if KINGFISHER_URN in by_urn:
        _seed_headteacher_notes(ctx, by_urn[KINGFISHER_URN])
        _seed_pre_visit(ctx, by_urn[KINGFISHER_URN])
        seed_msp_attendance(ctx, by_urn[KINGFISHER_URN])
    _close_and_age_actions(ctx, schools)  # last, so that a second run finds nothing new to close
    ctx.facts["visits_due_school_urn"] = DUE_SCHOOL_URN
    ctx.write(f"Visits: {made} visits recorded, {planned} planned{msp}.")
