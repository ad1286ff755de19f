"""Demo MSP groups (visits.demo runs it): a school's group since the spring term of last year with a
meeting each half-term and their published summaries, and the demo headteacher's attendance; and the
demo's date helpers (a school day, a day into a period)."""

from datetime import date, time, timedelta

from schools.terms import half_term_periods, school_days, term_on, term_periods

from . import services
from .models import (
    ActionOwner,
    MspGroup,
    MspGroupStatus,
    MspMeeting,
    MspMeetingStatus,
    MspRecommendation,
    RagRating,
)


def school_day(day: date) -> date:
    """The first school day on or after `day`: visits and meetings are not held at weekends, in
    the holidays or on bank holidays (a summer holiday and its weekends are under 60 days)."""
    return school_days(day, day + timedelta(days=60))[0]


def in_period(period, offset: int) -> date:
    """The first school day `offset` days or more into a period, but no later than a week before
    its last school day (a period runs on through the holiday after it)."""
    days = school_days(period.starts_on, period.ends_on)
    latest = days[max(0, len(days) - 5)]
    target = period.starts_on + timedelta(days=offset)
    return min(next((day for day in days if day >= target), latest), latest)


MSP_SUMMARIES = [  # three of progress, the warning-notice recommendation, the latest
    "The school has an accurate self-evaluation. Leaders have a clear plan to improve writing. "
    "The group will check the impact of the new writing approach next half-term.",
    "Phonics outcomes are improving: 70% of Year 1 pupils are on track. Attendance remains a concern.",
    "Progress against the improvement plan has slowed since the headteacher left. The interim "
    "headteacher has started well. Governors need to hold leaders to account more sharply.",
    "Concerns remain about leadership capacity and standards in writing. The group recommends that the "
    "local authority considers a formal warning notice.",
    "The interim headteacher has stabilised staffing. Attendance is improving. Governors have set up a "
    "standards committee. The group will review writing outcomes at its next meeting.",
]


def seed_msp_group(ctx, school, officer, adviser, *, meetings_until=None, warning_notice=True, plan_next=True) -> str:
    """The school's MSP group since the spring term of last year, with a meeting each half-term
    (until `meetings_until`, when given: the meetings then stop, so one is overdue)."""
    group = MspGroup.objects.filter(school=school, status=MspGroupStatus.OPEN).first()
    year = term_on(ctx.today).academic_year
    if group is None:
        set_up_on = school_day(term_periods(year - 1)[1].starts_on + timedelta(days=7))
        group = services.msp_group_set_up(
            school=school,
            chair=officer,
            set_up_on=set_up_on,
            headteacher=school.headteacher,
            governor_name=school.chair_of_governors or "Grace Holt",
            link_adviser=adviser,
            actor=officer,
            today=ctx.today,
        )
    halves = [h for y in (year - 1, year) for h in half_term_periods(y) if h.starts_on >= group.set_up_on]
    last_day = min(ctx.today, meetings_until or ctx.today)
    held_days = [in_period(h, 18) for h in halves if in_period(h, 18) < last_day]
    for n, day in enumerate(held_days):
        if MspMeeting.objects.filter(group=group, held_on=day).exists():
            continue
        last = n == len(held_days) - 1
        warning = warning_notice and n == len(held_days) - 2
        recommendation = (
            MspRecommendation.WARNING_NOTICE
            if warning
            else (MspRecommendation.REFOCUS if n == 1 else MspRecommendation.CONTINUE)
        )
        # The summary says what its meeting recommended, however many meetings the seed day leaves.
        summary = MSP_SUMMARIES[-1] if last else MSP_SUMMARIES[3] if warning else MSP_SUMMARIES[min(n, 2)]
        open_actions = list(school.support_actions.filter(status="open").order_by("due_on")[:3])
        meeting = services.msp_meeting_record_new(
            group=group,
            held_on=day,
            start_time=time(15, 30),
            # The chair of governors (the demo governor) is recorded as attending none, so reads the
            # published summaries only (seed_msp_attendance): the text says she sent apologies.
            attendees=f"{officer} (chair)\n{school.headteacher} (headteacher)\n"
            f"Sam Patel (vice-chair of governors)\n{adviser} (link adviser)\n"
            f"Apologies: {school.chair_of_governors or 'Grace Holt'} (chair of governors)",
            reviews=[
                services.ActionReview(action, [RagRating.AMBER, RagRating.RED, RagRating.GREEN][(n + k) % 3])
                for k, action in enumerate(open_actions)
            ],
            impact_of_support="Support for writing has started to show in pupils' books; attendance work is slower.",
            support_refocused=n == 1,
            refocus_details="Support moved from phonics to leadership of writing." if n == 1 else "",
            minutes="Discussion of staffing, the interim headteacher's plans and governors' oversight. "
            "Staffing matters discussed in confidence.",
            summary_key_points=summary,
            recommendation=recommendation,
            new_actions=[
                services.NewAction(
                    description="Governors to receive a half-termly report on writing outcomes.",
                    owner=ActionOwner.SCHOOL,
                    due_on=day + timedelta(days=42),
                )
            ]
            if n % 2 == 0
            else [],
            actor=officer,
            today=ctx.today,
        )
        services.msp_meeting_publish_summary(meeting=meeting, actor=officer)
    next_day = school_day(ctx.today + timedelta(days=17))
    if plan_next and not group.meetings.filter(status=MspMeetingStatus.PLANNED).exists():
        services.msp_meeting_plan(group=group, held_on=next_day, start_time=time(15, 30), actor=officer)
    return f"MSP group for {school.name} with {group.meetings.count()} meetings"


def seed_msp_attendance(ctx, school) -> None:
    """The demo headteacher attended the latest held meeting of their school's MSP group and reads
    its minutes (docs/adr/0031); the demo governor (the chair of governors) attended none recorded,
    so like the rest of the governing body sees only the published summaries."""
    from .msp_members import meeting_school_attendees_set

    head = ctx.users.get("headteacher")
    if head is None:
        return
    latest = (
        MspMeeting.objects.filter(group__school=school, status=MspMeetingStatus.HELD)
        .order_by("-held_on", "-id")
        .first()
    )
    if latest is None:
        return
    if not latest.school_attendees.filter(pk=head.pk).exists():
        meeting_school_attendees_set(meeting=latest, school_attendees=[head], actor=ctx.users["officer"])
    ctx.write(
        f"MSP members: {head.username} attended the MSP meeting of {latest.held_on:%d/%m/%Y} at URN {school.urn}."
    )
