"""Writes to Monitoring Support Partnership (MSP) groups and their meetings: who the strategy says
sits on a group, setting one up, changing its members and closing it; planning, recording,
cancelling a meeting and publishing its summary key points to governors. As in visits.services
(re-exported there): atomic, keyword-only, the acting user recorded in the audit history, the
rules checked here so that a bad request changes nothing."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from core.history import delete_as, save_as
from schools.models import School

from . import rules
from .models import (
    Action,
    MspActionProgress,
    MspGroup,
    MspGroupStatus,
    MspMeeting,
    MspMeetingStatus,
    MspMember,
    MspMemberRole,
    MspRecommendation,
    RagRating,
)
from .services_actions import NewAction, _create_actions, _today

MSP_CHAIR_ROLE = "The chair must be an officer (the Senior SIA or the Strategic Lead for Governance)."
MSP_MEMBER_ADVISER_ROLE = "The link adviser member must be a user with the adviser or officer role."
MSP_GROUP_EXISTS = "{school} already has an open MSP group."
MSP_GROUP_CLOSED = "This MSP group is closed."
MSP_GROUP_NOT_MAINTAINED = "MSP groups are for LA maintained schools; {school} is not one."
MSP_CLOSE_REASON_REQUIRED = "Enter why the MSP group is closed"
MSP_GROUP_SET_UP_IN_FUTURE = "The date the group was set up cannot be in the future"
MSP_GROUP_CLOSED_IN_FUTURE = "The date the group closed cannot be in the future"
MSP_GROUP_CLOSED_BEFORE_SET_UP = "The date the group closed cannot be before it was set up, on {set_up_on:%-d %B %Y}"
MSP_MEETING_BEFORE_SET_UP = "The date of the meeting cannot be before the group was set up, on {set_up_on:%-d %B %Y}"
MSP_GROUP_CLOSED_BEFORE_MEETING = "The date the group closed cannot be before its meeting of {held_on:%-d %B %Y}"
MSP_MEETING_CANCELLED = "This meeting was cancelled, so it cannot be changed."
MSP_MEETING_NOT_PLANNED = "Only a planned meeting can be cancelled."
MSP_MEETING_IN_FUTURE = "A meeting dated in the future cannot be recorded as held. Plan it instead."
MSP_SUMMARY_LOCKED = "The summary key points were published to governors, so they can no longer be changed."
MSP_REFOCUS_DETAILS_REQUIRED = "Say how the support is refocused"
MSP_RECOMMENDATION_REQUIRED = "Choose the meeting's recommendation"
MSP_ACTION_OF_OTHER_SCHOOL = "An action of another school cannot be reviewed at this meeting."


# ---- MSP groups -------------------------------------------------------------------------------


@dataclass
class MspProposal:
    """Who the strategy says sits on a school's MSP group, proposed from the school record."""

    chair: object | None
    headteacher: str
    chair_of_governors: str
    link_adviser: object | None


def officers() -> QuerySet[User]:
    officer = User.objects.filter(groups__name=Role.OFFICER, is_active=True)
    return officer.distinct().order_by("first_name", "last_name", "username")


def msp_group_proposal(*, school: School, actor: User) -> MspProposal:
    """ "The progress the school is making will be evaluated through a Monitoring Support
    Partnership (MSP) group which will be chaired by either the Senior School Improvement Adviser or
    Strategic Lead for Governance ... The MSP group will include the Headteacher and Chair or Vice
    Chair of Governors and the link SIA."

    The chair proposed is the acting officer, else the first officer; members come from the school
    record (the group's members are checked by rules.msp_group_includes_the_headteacher_a_governor_and_the_link_sia)."""
    chair = actor if actor is not None and actor.role == Role.OFFICER else officers().first()
    return MspProposal(
        chair=chair,
        headteacher=school.headteacher,
        chair_of_governors=school.chair_of_governors,
        link_adviser=school.link_adviser,
    )


def _check_chair(chair: User | None) -> User:
    if chair is None or chair.role != Role.OFFICER:
        raise ValidationError({"chair": MSP_CHAIR_ROLE})
    return chair


def _set_members(
    *,
    group: MspGroup,
    headteacher: str,
    governor_name: str,
    governor_role: str,
    link_adviser: User | None,
    others: Iterable[str],
    actor: User,
) -> None:
    errors = rules.msp_group_includes_the_headteacher_a_governor_and_the_link_sia(
        headteacher=headteacher, governor_name=governor_name, link_adviser=link_adviser
    )
    if link_adviser is not None and link_adviser.role not in (Role.ADVISER, Role.OFFICER):
        errors["link_adviser"] = [MSP_MEMBER_ADVISER_ROLE]
    if errors:
        raise ValidationError(errors)
    for member in group.members.all():
        delete_as(member, actor=actor)
    wanted = [
        MspMember(group=group, name=headteacher.strip(), role=MspMemberRole.HEADTEACHER),
        MspMember(group=group, name=governor_name.strip(), role=MspMemberRole(governor_role)),
        MspMember(group=group, name=str(link_adviser), role=MspMemberRole.LINK_ADVISER, user=link_adviser),
    ]
    for name in others:
        if name.strip():
            wanted.append(MspMember(group=group, name=name.strip(), role=MspMemberRole.OTHER))
    for member in wanted:
        save_as(member, actor=actor)


@transaction.atomic
def msp_group_set_up(
    *,
    school: School,
    chair: User | None,
    set_up_on: date,
    headteacher: str,
    governor_name: str,
    governor_role: str = MspMemberRole.CHAIR_OF_GOVERNORS,
    link_adviser: User | None = None,
    other_members: list[str] | None = None,
    actor: User,
    today: date | None = None,
) -> MspGroup:
    """Set up a school's MSP group (one open group per school), on a day that has come: a group
    dated ahead would count towards the half-term's meetings before it exists."""
    if set_up_on > (today or _today()):
        raise ValidationError({"set_up_on": MSP_GROUP_SET_UP_IN_FUTURE})
    school = School.objects.select_for_update().select_related("establishment_type").get(pk=school.pk)
    if not school.is_maintained:
        raise ValidationError(MSP_GROUP_NOT_MAINTAINED.format(school=school.name))
    chair = _check_chair(chair)
    if MspGroup.objects.filter(school=school, status=MspGroupStatus.OPEN).exists():
        raise ValidationError(MSP_GROUP_EXISTS.format(school=school.name))
    group = MspGroup(school=school, chair=chair, set_up_on=set_up_on, created_by=actor)
    try:
        with transaction.atomic():
            save_as(group, actor=actor)
    except IntegrityError as error:  # another officer set one up at the same moment
        raise ValidationError(MSP_GROUP_EXISTS.format(school=school.name)) from error
    _set_members(
        group=group,
        headteacher=headteacher,
        governor_name=governor_name,
        governor_role=governor_role,
        link_adviser=link_adviser,
        others=other_members or [],
        actor=actor,
    )
    return group


@transaction.atomic
def msp_group_update(
    *,
    group: MspGroup,
    chair: User | None,
    headteacher: str,
    governor_name: str,
    governor_role: str,
    link_adviser: User | None,
    other_members: list[str],
    actor: User,
) -> MspGroup:
    group = MspGroup.objects.select_for_update().get(pk=group.pk)
    if not group.is_open:
        raise ValidationError(MSP_GROUP_CLOSED)
    chair = _check_chair(chair)
    group.chair = chair
    save_as(group, actor=actor)
    _set_members(
        group=group,
        headteacher=headteacher,
        governor_name=governor_name,
        governor_role=governor_role,
        link_adviser=link_adviser,
        others=other_members,
        actor=actor,
    )
    return group


@transaction.atomic
def msp_group_close(
    *, group: MspGroup, closed_on: date, reason: str, actor: User, today: date | None = None
) -> MspGroup:
    """Close a group (the school has left high support, or the MSP recommended exit), on a day
    between its set-up (and its last meeting held) and today."""
    group = MspGroup.objects.select_for_update().get(pk=group.pk)
    if not group.is_open:
        raise ValidationError(MSP_GROUP_CLOSED)
    errors = {}
    last_held = group.meetings.filter(status=MspMeetingStatus.HELD).aggregate(last=Max("held_on"))["last"]
    if closed_on > (today or _today()):
        errors["closed_on"] = MSP_GROUP_CLOSED_IN_FUTURE
    elif closed_on < group.set_up_on:
        errors["closed_on"] = MSP_GROUP_CLOSED_BEFORE_SET_UP.format(set_up_on=group.set_up_on)
    elif last_held is not None and closed_on < last_held:
        errors["closed_on"] = MSP_GROUP_CLOSED_BEFORE_MEETING.format(held_on=last_held)
    if not reason.strip():
        errors["reason"] = MSP_CLOSE_REASON_REQUIRED
    if errors:
        raise ValidationError(errors)
    group.status, group.closed_on, group.closed_reason = MspGroupStatus.CLOSED, closed_on, reason.strip()
    save_as(group, actor=actor)
    return group


# ---- MSP meetings -----------------------------------------------------------------------------


@transaction.atomic
def msp_meeting_plan(*, group: MspGroup, held_on: date, start_time: time | None = None, actor: User) -> MspMeeting:
    """Plan a meeting of an open group, at most 2 years ahead (a plan sent twice gives the one planned)."""
    group = MspGroup.objects.select_for_update().get(pk=group.pk)
    if not group.is_open:
        raise ValidationError(MSP_GROUP_CLOSED)
    if errors := rules.planned_no_more_than_two_years_ahead(day=held_on, today=_today(), field="held_on"):
        raise ValidationError(errors)
    if held_on < group.set_up_on:  # a meeting of a group that did not exist yet
        raise ValidationError({"held_on": MSP_MEETING_BEFORE_SET_UP.format(set_up_on=group.set_up_on)})
    same = group.meetings.filter(held_on=held_on, start_time=start_time, status=MspMeetingStatus.PLANNED).first()
    if same is not None:
        return same
    meeting = MspMeeting(group=group, held_on=held_on, start_time=start_time, recorded_by=actor)
    save_as(meeting, actor=actor)
    return meeting


@dataclass(frozen=True)
class ActionReview:
    """The RAG rating of one open action at a meeting."""

    action: Action
    rating: str
    comment: str = ""


@transaction.atomic
def msp_meeting_record(
    *,
    meeting: MspMeeting,
    held_on: date,
    start_time: time | None,
    attendees: str,
    reviews: list[ActionReview],
    impact_of_support: str,
    support_refocused: bool | None,
    refocus_details: str,
    minutes: str,
    summary_key_points: str,
    recommendation: str,
    new_actions: list[NewAction] | None = None,
    school_attendees: list[User] | None = None,
    actor: User,
    today: date | None = None,
) -> MspMeeting:
    """Record a meeting as held: attendees, progress on each open action (RAG), impact of support,
    whether support is refocused and how, confidential minutes, summary key points and the
    recommendation. Published summary key points can no longer change."""
    meeting = MspMeeting.objects.select_for_update().select_related("group").get(pk=meeting.pk)
    if meeting.status == MspMeetingStatus.CANCELLED:
        raise ValidationError(MSP_MEETING_CANCELLED)
    if meeting.status == MspMeetingStatus.PLANNED and not meeting.group.is_open:
        raise ValidationError(MSP_GROUP_CLOSED)  # a held meeting's record stays correctable
    if errors := _meeting_record_errors(
        meeting=meeting,
        held_on=held_on,
        support_refocused=support_refocused,
        refocus_details=refocus_details,
        recommendation=recommendation,
        summary_key_points=summary_key_points,
        today=today or _today(),
    ):
        raise ValidationError(errors)
    _check_attendees_and_reviews(meeting=meeting, school_attendees=school_attendees, reviews=reviews)
    meeting.held_on, meeting.start_time = held_on, start_time
    meeting.status = MspMeetingStatus.HELD
    meeting.attendees, meeting.impact_of_support = attendees.strip(), impact_of_support.strip()
    meeting.support_refocused = support_refocused
    meeting.refocus_details = refocus_details.strip() if support_refocused else ""
    meeting.minutes, meeting.summary_key_points = minutes.strip(), summary_key_points.strip()
    meeting.recommendation = MspRecommendation(recommendation)
    meeting.recorded_by = meeting.recorded_by or actor
    save_as(meeting, actor=actor)
    existing = {p.action_id: p for p in meeting.action_progress.all()}
    for review in reviews:
        progress = existing.get(review.action.pk) or MspActionProgress(meeting=meeting, action=review.action)
        progress.rating, progress.comment = RagRating(review.rating), review.comment.strip()
        save_as(progress, actor=actor)
    if school_attendees is not None:
        meeting.school_attendees.set(school_attendees)  # who reads the minutes (docs/adr/0031)
    _create_actions(school=meeting.group.school, msp_meeting=meeting, new_actions=new_actions, actor=actor)
    return meeting


def _meeting_record_errors(
    *,
    meeting: MspMeeting,
    held_on: date,
    support_refocused: bool | None,
    refocus_details: str,
    recommendation: str,
    summary_key_points: str,
    today: date,
) -> dict[str, str]:
    """The errors in a meeting's record, by field (all of them at once, for the form)."""
    errors: dict[str, str] = {}
    if held_on > today:
        errors["held_on"] = MSP_MEETING_IN_FUTURE
    elif held_on < meeting.group.set_up_on:
        errors["held_on"] = MSP_MEETING_BEFORE_SET_UP.format(set_up_on=meeting.group.set_up_on)
    if support_refocused and not refocus_details.strip():
        errors["refocus_details"] = MSP_REFOCUS_DETAILS_REQUIRED
    if recommendation not in MspRecommendation.values:
        errors["recommendation"] = MSP_RECOMMENDATION_REQUIRED
    if meeting.is_published and summary_key_points.strip() != meeting.summary_key_points:
        errors["summary_key_points"] = MSP_SUMMARY_LOCKED
    return errors


def _check_attendees_and_reviews(
    *, meeting: MspMeeting, school_attendees: list[User] | None, reviews: list[ActionReview]
) -> None:
    """Refuse a school attendee who is not one of the school's eligible members, and a review of
    another school's action."""
    school_id = meeting.group.school_id
    if school_attendees is not None:
        from .msp_members import MSP_ATTENDEE_NOT_A_MEMBER, school_members_eligible

        eligible = set(school_members_eligible(school=meeting.group.school).values_list("pk", flat=True))
        for person in school_attendees:
            if person.pk not in eligible:
                raise ValidationError({"school_attendees": MSP_ATTENDEE_NOT_A_MEMBER.format(user=person)})
    for review in reviews:
        if review.action.school_id != school_id:
            raise ValidationError(MSP_ACTION_OF_OTHER_SCHOOL)


@transaction.atomic
def msp_meeting_record_new(
    *, group: MspGroup, held_on: date, start_time: time | None, actor: User, **record: Any
) -> MspMeeting:
    """Record a meeting that was not planned beforehand: plan and record it in one transaction. The
    same record sent twice (a double click) gives the meeting already recorded, not a second one."""
    group = MspGroup.objects.select_for_update().get(pk=group.pk)
    same = group.meetings.filter(
        status=MspMeetingStatus.HELD,
        held_on=held_on,
        start_time=start_time,
        attendees=record.get("attendees", "").strip(),
        minutes=record.get("minutes", "").strip(),
        summary_key_points=record.get("summary_key_points", "").strip(),
    ).first()
    if same is not None:
        return same
    meeting = msp_meeting_plan(group=group, held_on=held_on, start_time=start_time, actor=actor)
    return msp_meeting_record(meeting=meeting, held_on=held_on, start_time=start_time, actor=actor, **record)


@transaction.atomic
def msp_meeting_cancel(*, meeting: MspMeeting, actor: User) -> MspMeeting:
    meeting = MspMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != MspMeetingStatus.PLANNED:
        raise ValidationError(MSP_MEETING_NOT_PLANNED)
    meeting.status = MspMeetingStatus.CANCELLED
    save_as(meeting, actor=actor)
    return meeting


@transaction.atomic
def msp_meeting_publish_summary(*, meeting: MspMeeting, actor: User) -> MspMeeting:
    """Publish the summary key points to the school's governors
    (rules.msp_summary_shared_with_governing_body)."""
    meeting = MspMeeting.objects.select_for_update().get(pk=meeting.pk)
    if errors := rules.msp_summary_shared_with_governing_body(
        is_held=meeting.is_held, summary=meeting.summary_key_points, published_at=meeting.summary_published_at
    ):
        raise ValidationError(errors)
    meeting.summary_published_at, meeting.summary_published_by = timezone.now(), actor
    save_as(meeting, actor=actor)
    return meeting
