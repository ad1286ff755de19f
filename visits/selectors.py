"""Reads of visits, actions and MSP groups, scoped to the user. Every function runs a bounded
number of queries whatever the number of schools, visits or meetings."""

from collections.abc import Iterable
from datetime import date, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.permissions import is_la_staff
from schools.models import Governorship, School

if TYPE_CHECKING:
    from .models import NoteAcknowledgement

from .models import (
    Action,
    ActionStatus,
    MspActionProgress,
    MspGroup,
    MspGroupStatus,
    MspMeeting,
    MspMeetingStatus,
    MspMember,
    MspRecommendation,
    Visit,
    VisitStatus,
    overdue_actions_q,
)


def visit_of_a_kind_that_day(
    *, school: School, visit_date: date, start_time: time | None, visit_type: str, other_than: int | None = None
) -> Visit | None:
    """The planned or completed visit of the kind to the school on the day at the time (or with no
    time, when none is given), other than `other_than`: rules.one_visit_of_a_kind_to_a_school_a_day's clash."""
    found = Visit.objects.filter(school=school, visit_date=visit_date, start_time=start_time, visit_type=visit_type)
    found = found.exclude(status=VisitStatus.CANCELLED)
    return (found if other_than is None else found.exclude(pk=other_than)).first()


# ---- for the letters app -----------------------------------------------------------------------


def warning_notice_recommendations(
    school_ids: Iterable[int] | None = None, *, since: date | None = None
) -> list[MspMeeting]:
    """MSP meetings held (on or after `since`, when given) whose recommendation is a warning notice,
    newest first, with their group and school selected (the letters app suggests a warning-notice
    draft from each). One query."""
    meetings = MspMeeting.objects.filter(
        status=MspMeetingStatus.HELD, recommendation=MspRecommendation.WARNING_NOTICE
    ).select_related("group", "group__school", "group__chair")
    if since is not None:
        meetings = meetings.filter(held_on__gte=since)
    if school_ids is not None:
        meetings = meetings.filter(group__school_id__in=list(school_ids))
    return list(meetings.order_by("-held_on", "-id"))


# ---- visits -----------------------------------------------------------------------------------


def visits_visible_to(user: User) -> QuerySet[Visit]:
    """Every visit for LA staff (advisers read all, write for their link schools); none otherwise."""
    if not user.is_authenticated or not is_la_staff(user):
        return Visit.objects.none()
    return Visit.objects.all()


def visit_list(*, user: User) -> QuerySet[Visit]:
    """The visits list, newest first (visits/filters.py filters it)."""
    return visits_visible_to(user).select_related("school", "adviser").order_by("-visit_date", "-id")


def visit_for_user(*, user: User, pk: int) -> Visit:
    return get_object_or_404(
        visits_visible_to(user).select_related("school", "school__establishment_type", "adviser", "shared_by"), pk=pk
    )


def visit_actions(*, visit: Visit) -> list[Action]:
    return list(visit.actions.all().order_by("due_on", "id"))


def school_visits(*, school: School, limit: int = 10) -> list[Visit]:
    return list(Visit.objects.filter(school=school).select_related("adviser").order_by("-visit_date", "-id")[:limit])


# ---- actions ----------------------------------------------------------------------------------


def actions_visible_to(user: User) -> QuerySet[Action]:
    if not user.is_authenticated or not is_la_staff(user):
        return Action.objects.none()
    return Action.objects.all()


def action_list(*, user: User) -> QuerySet[Action]:
    """The actions list, by school and due date (visits/filters.py filters it)."""
    return (
        actions_visible_to(user)
        .select_related("school", "school__link_adviser", "visit", "msp_meeting", "msp_meeting__group")
        .order_by("school__name", "due_on", "id")
    )


def action_for_user(*, user: User, pk: int) -> Action:
    return get_object_or_404(
        actions_visible_to(user).select_related(
            "school", "school__link_adviser", "visit", "visit__adviser", "msp_meeting", "closed_by", "created_by"
        ),
        pk=pk,
    )


def open_actions(*, school_ids: Iterable[int] | QuerySet[Any] | None) -> QuerySet[Action]:
    """Open actions of `school_ids` (None: of every school)."""
    actions = Action.objects.filter(status=ActionStatus.OPEN)
    return actions if school_ids is None else actions.filter(school_id__in=school_ids)


def overdue_open_actions(*, school_ids: Iterable[int] | QuerySet[Any] | None, today: date) -> QuerySet[Action]:
    """The one definition of an overdue action (Action.is_overdue): still open, and its due date has
    passed. `school_ids` may be a subquery, or None for every school."""
    actions = Action.objects.filter(overdue_actions_q(today))
    return actions if school_ids is None else actions.filter(school_id__in=school_ids)


def overdue_actions(*, school_ids: Iterable[int], today: date, limit: int = 50) -> list[Action]:
    return list(
        overdue_open_actions(school_ids=school_ids, today=today)
        .select_related("school")
        .order_by("due_on", "school__name")[:limit]
    )


def governor_school_actions(*, school: School) -> list[Action]:
    """The open actions the school owns that the LA has shared with it (shared_with_the_school_q),
    for its governors and headteacher: what and by when (never the note of visit or the minutes)."""
    from .models import shared_with_the_school_q

    return list(
        Action.objects.filter(shared_with_the_school_q(), school=school, status=ActionStatus.OPEN)
        .only("id", "description", "due_on", "owner", "status", "school_id")
        .order_by("due_on", "id")
    )


# ---- MSP --------------------------------------------------------------------------------------


def msp_groups_visible_to(user: User) -> QuerySet[MspGroup]:
    if not user.is_authenticated or not is_la_staff(user):
        return MspGroup.objects.none()
    return MspGroup.objects.all()


def msp_group_for_user(*, user: User, pk: int) -> MspGroup:
    return get_object_or_404(
        msp_groups_visible_to(user)
        .select_related("school", "school__link_adviser", "chair", "created_by")
        .prefetch_related(Prefetch("members", queryset=MspMember.objects.select_related("user"))),
        pk=pk,
    )


def msp_group_list(*, user: User) -> QuerySet[MspGroup]:
    """The MSP groups list, by school (visits/filters.py filters it by status)."""
    return msp_groups_visible_to(user).select_related("school", "chair").order_by("school__name", "-set_up_on")


def open_msp_group(*, school: School) -> MspGroup | None:
    return (
        MspGroup.objects.filter(school=school, status=MspGroupStatus.OPEN)
        .select_related("chair")
        .prefetch_related("members")
        .first()
    )


def msp_meeting_for_user(*, user: User, pk: int) -> MspMeeting:
    """A meeting with its confidential minutes: LA staff only (404 otherwise, as for any object
    outside the user's scope; the view refuses governors and admins with 403 first)."""
    return get_object_or_404(
        MspMeeting.objects.filter(group__in=msp_groups_visible_to(user)).select_related(
            "group", "group__school", "group__chair", "group__school__link_adviser", "summary_published_by"
        ),
        pk=pk,
    )


def meeting_progress(*, meeting: MspMeeting) -> list[MspActionProgress]:
    return list(meeting.action_progress.select_related("action").order_by("action__due_on", "action_id"))


def group_meetings(*, group: MspGroup) -> list[MspMeeting]:
    return list(group.meetings.order_by("-held_on", "-id"))


def published_summaries(*, school: School, limit: int | None = None) -> list[MspMeeting]:
    """Published summary key points of the school's MSP meetings, newest first. Only the fields a
    governor may read are loaded (never the minutes)."""
    meetings = (
        MspMeeting.objects.filter(
            group__school=school, status=MspMeetingStatus.HELD, summary_published_at__isnull=False
        )
        .only("id", "held_on", "summary_key_points", "summary_published_at", "group_id", "status")
        .order_by("-held_on", "-id")
    )
    return list(meetings[:limit] if limit else meetings)


def summaries_to_share(*, chair: User) -> QuerySet[MspMeeting]:
    """Held meetings of the open groups `chair` chairs whose summary key points are not shared with
    the governing body yet ("after each meeting"), oldest first."""
    return (
        MspMeeting.objects.filter(
            group__chair=chair,
            group__status=MspGroupStatus.OPEN,
            status=MspMeetingStatus.HELD,
            summary_published_at__isnull=True,
        )
        .select_related("group__school")
        .order_by("held_on", "id")
    )


def published_summary_for_user(*, user: User, pk: int) -> MspMeeting:
    """A published summary: LA staff, or a governor or headteacher of the meeting's school; 404 for
    anyone else and for a summary not (yet) published."""
    meetings = MspMeeting.objects.filter(status=MspMeetingStatus.HELD, summary_published_at__isnull=False)
    if not is_la_staff(user):
        from accounts.headships import schools_headed_by

        governed = Governorship.objects.filter(user=user).values("school_id")
        headed = schools_headed_by(user).values("pk")
        meetings = meetings.filter(Q(group__school_id__in=governed) | Q(group__school_id__in=headed))
    return get_object_or_404(
        meetings.select_related("group", "group__school").only(
            "id",
            "held_on",
            "summary_key_points",
            "summary_published_at",
            "status",
            "group__id",
            "group__school__id",
            "group__school__name",
            "group__school__urn",
        ),
        pk=pk,
    )


# ---- calendar ---------------------------------------------------------------------------------


def user_msp_meetings(*, user: User) -> QuerySet[MspMeeting]:
    """MSP meetings of groups the user chairs or is a member of. The groups as two subqueries, not
    a join: an OR across the members' join read every member of every group and needed DISTINCT
    (6 ms at England scale, for the adviser's home)."""
    chaired = MspGroup.objects.filter(chair=user).values("pk")
    member_of = MspMember.objects.filter(user=user).values("group_id")
    return MspMeeting.objects.filter(Q(group__in=chaired) | Q(group__in=member_of))


def calendar_entries(
    *, user: User, starts_on: date, ends_on: date, include_completed: bool = False
) -> tuple[list[Visit], list[MspMeeting]]:
    """The user's planned visits (that they lead; also completed ones if asked) and planned or held
    MSP meetings (of groups they chair or belong to) between two dates. Two queries."""
    statuses = [VisitStatus.PLANNED, VisitStatus.COMPLETED] if include_completed else [VisitStatus.PLANNED]
    visits = list(
        Visit.objects.filter(adviser=user, status__in=statuses, visit_date__range=(starts_on, ends_on))
        .select_related("school")
        .order_by("visit_date", "start_time", "id")
    )
    meetings = list(
        user_msp_meetings(user=user)
        .filter(held_on__range=(starts_on, ends_on))
        .exclude(status=MspMeetingStatus.CANCELLED)
        .select_related("group__school")
        .order_by("held_on", "start_time", "id")
    )
    return visits, meetings


def feed_entries(*, user: User, today: date) -> tuple[list[Visit], list[MspMeeting]]:
    """What the iCalendar feed carries: the last 60 days and the next year, visits done included
    (so an event does not vanish from the calendar once the visit is recorded)."""
    return calendar_entries(
        user=user, starts_on=today - timedelta(days=60), ends_on=today + timedelta(days=366), include_completed=True
    )


# ---- notes of visit shared with the school (docs/adr/0023) ------------------------------------------


def notes_shared_with(*, user: User) -> QuerySet[Visit]:
    """The visits whose notes were shared in the service with the schools a headteacher leads."""
    from accounts.headships import schools_headed_by

    return (
        Visit.objects.filter(school__in=schools_headed_by(user), acknowledgements__isnull=False)
        .distinct()
        .select_related("school", "adviser")
        .order_by("-visit_date", "-id")
    )


def shared_note_for_headteacher(*, user: User, pk: int) -> Visit:
    """A visit whose note was shared with the headteacher's school, or 404 (another school's, a note
    not shared, or anyone who is not its headteacher)."""
    return get_object_or_404(notes_shared_with(user=user), pk=pk)


def acknowledgements_awaiting(*, adviser: User | None = None) -> "QuerySet[NoteAcknowledgement]":
    """Requests still awaiting the school's answer, oldest first (an adviser's own visits, or all)."""
    from .models import AcknowledgementStatus, NoteAcknowledgement

    awaiting = NoteAcknowledgement.objects.filter(status=AcknowledgementStatus.AWAITING)
    if adviser is not None:
        awaiting = awaiting.filter(visit__adviser=adviser)
    return awaiting.select_related("visit__school", "visit__adviser").order_by("requested_at", "id")


def notes_disputed(*, adviser: User) -> "QuerySet[NoteAcknowledgement]":
    """The adviser's notes of visit the school answered "not accurate" and the adviser has not
    replied to yet, latest answer first."""
    from .models import AcknowledgementStatus, NoteAcknowledgement

    return (
        NoteAcknowledgement.objects.filter(
            status=AcknowledgementStatus.NOT_ACCURATE, visit__adviser=adviser, replied_at__isnull=True
        )
        .select_related("visit__school")
        .order_by("-responded_at", "-id")
    )


def visit_acknowledgements(*, visit: Visit) -> "list[NoteAcknowledgement]":
    """Every request to acknowledge the visit's note with its emails, newest first."""
    return list(
        visit.acknowledgements.select_related("requested_by", "responded_by", "replied_by")
        .prefetch_related("emails__recipient")
        .order_by("-requested_at", "-id")
    )
