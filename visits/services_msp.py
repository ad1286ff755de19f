"""Writes to Monitoring Support Partnership (MSP) groups: who the strategy says sits on a group,
setting one up, changing its members and closing it (its meetings: visits.services_msp_meetings).
As in visits.services (re-exported there): atomic, keyword-only, the acting user recorded in the
audit history, the rules checked here so that a bad request changes nothing."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet

from accounts.models import User
from accounts.roles import Role
from core.history import delete_as, save_as
from schools.models import School

from . import rules
from .models import (
    MspGroup,
    MspGroupStatus,
    MspMeetingStatus,
    MspMember,
    MspMemberRole,
)
from .services_actions import _today

MSP_CHAIR_ROLE = "The chair must be an officer (the Senior SIA or the Strategic Lead for Governance)."
MSP_MEMBER_ADVISER_ROLE = "The link adviser member must be a user with the adviser or officer role."
MSP_GROUP_EXISTS = "{school} already has an open MSP group."
MSP_GROUP_CLOSED = "This MSP group is closed."
MSP_GROUP_NOT_MAINTAINED = "MSP groups are for LA maintained schools; {school} is not one."
MSP_CLOSE_REASON_REQUIRED = "Enter why the MSP group is closed"
MSP_GROUP_SET_UP_IN_FUTURE = "The date the group was set up cannot be in the future"
MSP_GROUP_CLOSED_IN_FUTURE = "The date the group closed cannot be in the future"
MSP_GROUP_CLOSED_BEFORE_SET_UP = "The date the group closed cannot be before it was set up, on {set_up_on:%-d %B %Y}"
MSP_GROUP_CLOSED_BEFORE_MEETING = "The date the group closed cannot be before its meeting of {held_on:%-d %B %Y}"


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
