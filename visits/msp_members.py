"""MSP members from the school (docs/adr/0031): the headteacher and the chair or vice-chair of
governors who sit on the school's MSP group read the minutes of the meetings they attended and the
actions the school owns from those meetings. The governing body as a whole still sees only the
published summary key points.

Attendance is recorded per meeting by account (MspMeeting.school_attendees), chosen on the meeting
record from the school's eligible members: its headteachers and the governors whose seat is chair
or vice-chair. A member who loses the seat (or the headship) loses the minutes with it."""

from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.roles import Role
from schools.models import SCHOOL_MEMBER_SEATS

from .models import Action, ActionOwner, MspGroupStatus, MspMeeting, MspMeetingStatus

MSP_ATTENDEE_NOT_A_MEMBER = (
    "{user} is not the school's headteacher, chair or vice-chair of governors: only they can be recorded "
    "as school members who attended"
)


def school_members_eligible(*, school) -> QuerySet:
    """The accounts that may attend an MSP meeting as the school's members: "The MSP group will
    include the Headteacher and Chair or Vice Chair of Governors". Active headteachers of the school
    and active governors whose seat at the school is chair or vice-chair."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(groups__name=Role.HEADTEACHER.value, headships__school=school)
            | Q(
                groups__name=Role.GOVERNOR.value,
                governorships__school=school,
                governorships__role__in=SCHOOL_MEMBER_SEATS,
            )
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _member_seat(user) -> Q | None:
    """The meetings of the schools where the user is an MSP member: the headship, or the chair's or
    vice-chair's seat. None for LA staff or admins (they have their own pages) or anyone else."""
    if not user.is_authenticated or user.role not in (Role.HEADTEACHER, Role.GOVERNOR):
        return None
    if user.role == Role.HEADTEACHER:
        return Q(group__school__headships__user=user)
    return Q(group__school__governorships__user=user, group__school__governorships__role__in=SCHOOL_MEMBER_SEATS)


def meetings_attended_by(user) -> QuerySet[MspMeeting]:
    """Held MSP meetings the user attended as a school member, of a school where they still hold
    the headship or the chair or vice-chair seat; newest first."""
    seat = _member_seat(user)
    if seat is None:
        return MspMeeting.objects.none()
    return (
        MspMeeting.objects.filter(status=MspMeetingStatus.HELD, school_attendees=user)
        .filter(seat)
        .distinct()
        .select_related("group", "group__school", "group__chair")
        .order_by("-held_on", "-id")
    )


def meetings_to_come_for(user, *, today: date) -> QuerySet[MspMeeting]:
    """members_are_told_of_the_meetings_to_come: "The MSP group will include the Headteacher and
    Chair or Vice Chair of Governors", who must know when it meets. The planned meetings, today or
    later, of the open groups of the schools where the user is a member (a closed group meets no
    more, whatever it had planned): the day, time and chair only, soonest first."""
    seat = _member_seat(user)
    if seat is None:
        return MspMeeting.objects.none()
    return (
        MspMeeting.objects.filter(
            status=MspMeetingStatus.PLANNED, held_on__gte=today, group__status=MspGroupStatus.OPEN
        )
        .filter(seat)
        .distinct()
        .select_related("group__school", "group__chair")
        .only("held_on", "start_time", "group__school__name", "group__chair__first_name", "group__chair__last_name")
        .order_by("held_on", "start_time", "id")
    )


def attended_meeting_for_user(*, user, pk: int) -> MspMeeting:
    """members_read_the_minutes_of_meetings_they_attended: the meeting, if the user attended it
    (404 otherwise: a meeting they did not attend, or another school's, does not exist for them)."""
    meeting = meetings_attended_by(user).filter(pk=pk).first()
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


def school_actions_of(meeting: MspMeeting) -> list[Action]:
    """The actions agreed at the meeting that the school owns (ActionOwner.SCHOOL); the LA's own
    actions stay with the LA."""
    return list(meeting.actions.filter(owner=ActionOwner.SCHOOL).order_by("due_on", "id"))


def meeting_school_attendees_set(*, meeting: MspMeeting, school_attendees: list, actor) -> MspMeeting:
    """Record which of the school's MSP members attended a held meeting (the meeting record form
    does the same through services.msp_meeting_record). Each must be eligible (school_members_eligible)."""
    from django.core.exceptions import ValidationError
    from django.db import transaction

    with transaction.atomic():
        meeting = MspMeeting.objects.select_for_update().select_related("group__school").get(pk=meeting.pk)
        eligible = set(school_members_eligible(school=meeting.group.school).values_list("pk", flat=True))
        for person in school_attendees:
            if person.pk not in eligible:
                raise ValidationError({"school_attendees": MSP_ATTENDEE_NOT_A_MEMBER.format(user=person)})
        meeting.school_attendees.set(school_attendees)
    return meeting
