"""Writes to visits, actions, MSP groups and meetings, enhanced offers and calendar tokens.

Every function is atomic, keyword-only and takes the acting user, who is recorded in the audit
history (django-simple-history). Rules are checked here (visits.rules), so a bad request changes
nothing whatever page it comes from; permissions are checked by the views."""

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from core.history import delete_as, save_as
from schools.models import School

if TYPE_CHECKING:
    from letters.models import ActionPlan

from . import acknowledgement, rules
from .models import (
    ENHANCED_OFFER_MAX_HALF_DAYS,
    Action,
    ActionOwner,
    ActionStatus,
    ActionUpdate,
    ActionUpdateKind,
    Activity,
    CalendarFeedToken,
    EnhancedOffer,
    FocusArea,
    MspActionProgress,
    MspGroup,
    MspGroupStatus,
    MspMeeting,
    MspMeetingStatus,
    MspMember,
    MspMemberRole,
    MspRecommendation,
    RagRating,
    Visit,
    VisitLength,
    VisitStatus,
    VisitType,
)

VISIT_LEAD_ROLE = "The visit must be led by a user with the adviser or officer role."
VISIT_CANCELLED_NO_EDIT = "This visit was cancelled, so it cannot be changed."
SHARE_NOT_COMPLETED = "Mark the visit as completed before recording that its note was shared."
SHARE_DATE_BEFORE_VISIT = "The note cannot have been shared before the visit took place"
SHARE_DATE_IN_FUTURE = "The date the note was shared cannot be in the future"
SHARED_WITH_REQUIRED = "Enter who the note of visit was shared with"
ACTION_DESCRIPTION_REQUIRED = "Enter the action"
ACTION_NOTE_REQUIRED = "Enter a note saying what changed"
ACTION_CLOSE_NOTE_REQUIRED = "Enter a note saying why the action is closed"
ACTION_ALREADY_CLOSED = "This action is already closed."
ACTION_NOT_CLOSED = "This action is open."
ENHANCED_OFFER_RANGE = f"Enter a number of half-days from 0 to {ENHANCED_OFFER_MAX_HALF_DAYS}"
MSP_CHAIR_ROLE = "The chair must be an officer (the Senior SIA or the Strategic Lead for Governance)."
MSP_MEMBER_ADVISER_ROLE = "The link adviser member must be a user with the adviser or officer role."
MSP_GROUP_EXISTS = "{school} already has an open MSP group."
MSP_GROUP_CLOSED = "This MSP group is closed."
MSP_GROUP_NOT_MAINTAINED = "MSP groups are for LA maintained schools; {school} is not one."
MSP_CLOSE_REASON_REQUIRED = "Enter why the MSP group is closed"
MSP_MEETING_CANCELLED = "This meeting was cancelled, so it cannot be changed."
MSP_MEETING_NOT_PLANNED = "Only a planned meeting can be cancelled."
MSP_MEETING_IN_FUTURE = "A meeting dated in the future cannot be recorded as held. Plan it instead."
MSP_SUMMARY_LOCKED = "The summary key points were published to governors, so they can no longer be changed."
MSP_REFOCUS_DETAILS_REQUIRED = "Say how the support is refocused"
MSP_RECOMMENDATION_REQUIRED = "Choose the meeting's recommendation"
MSP_ACTION_OF_OTHER_SCHOOL = "An action of another school cannot be reviewed at this meeting."


def _today() -> date:
    return timezone.localdate()


def _check_lead(user: User | None) -> User:
    if user is None or user.role not in (Role.ADVISER, Role.OFFICER):
        raise ValidationError({"adviser": VISIT_LEAD_ROLE})
    return user


def _clean_choices(values: Iterable[str] | None, choices: type[models.Choices]) -> list[str]:
    allowed = set(choices.values)
    return [v for v in dict.fromkeys(values or []) if v in allowed]


# ---- actions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewAction:
    """An action entered with a visit or a meeting."""

    description: str
    owner: str
    due_on: date


def _create_actions(
    *,
    school: School,
    new_actions: Iterable[NewAction] | None,
    actor: User,
    visit: Visit | None = None,
    msp_meeting: MspMeeting | None = None,
    action_plan: "ActionPlan | None" = None,
) -> list[Action]:
    """Add the actions agreed at a visit or meeting. One identical to an action already agreed there
    (same wording, owner and date) is not added again: the same form sent twice (a double click, or
    going back and sending it again) agrees each action once. The caller holds a lock on the visit
    or meeting, so two such requests run one after the other."""
    source = next((s for s in (visit, msp_meeting, action_plan) if s is not None), None)
    agreed = set(source.actions.values_list("description", "owner", "due_on")) if source is not None else set()
    created = []
    for new in new_actions or []:
        description = new.description.strip()
        if not description:
            raise ValidationError(ACTION_DESCRIPTION_REQUIRED)
        key = (description, ActionOwner(new.owner).value, new.due_on)
        if key in agreed:
            continue
        agreed.add(key)
        action = Action(
            school=school,
            visit=visit,
            msp_meeting=msp_meeting,
            action_plan=action_plan,
            description=description,
            owner=ActionOwner(new.owner),
            due_on=new.due_on,
            created_by=actor,
        )
        save_as(action, actor=actor)
        created.append(action)
    return created


def action_plan_actions_create(
    *, plan: "ActionPlan", school: School, new_actions: list[NewAction], actor: "User"
) -> list[Action]:
    """The actions of a school's action plan the LA accepted (letters.action_plans, docs/adr/0033)
    join the school's action list, linked back to the plan. The caller holds a lock on the plan."""
    return _create_actions(school=school, new_actions=new_actions, actor=actor, action_plan=plan)


@transaction.atomic
def action_update(*, action: Action, description: str, owner: str, due_on: date, note: str, actor: User) -> Action:
    """Change an open action's wording, owner or due date, with a note saying what changed."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    if not action.is_open:
        raise ValidationError(ACTION_ALREADY_CLOSED)
    errors = {}
    if not description.strip():
        errors["description"] = ACTION_DESCRIPTION_REQUIRED
    if not note.strip():
        errors["note"] = ACTION_NOTE_REQUIRED
    if errors:
        raise ValidationError(errors)
    action.description, action.owner, action.due_on = description.strip(), ActionOwner(owner), due_on
    action.progress = note.strip()
    save_as(action, actor=actor)
    ActionUpdate.objects.create(action=action, kind=ActionUpdateKind.UPDATED, note=note.strip(), created_by=actor)
    return action


@transaction.atomic
def action_close(*, action: Action, note: str, actor: User) -> Action:
    """Close an open action with a note (what was done, or why it no longer applies)."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    if not action.is_open:
        raise ValidationError(ACTION_ALREADY_CLOSED)
    if not note.strip():
        raise ValidationError({"note": ACTION_CLOSE_NOTE_REQUIRED})
    action.status = ActionStatus.CLOSED
    action.progress = note.strip()
    action.closed_at, action.closed_by = timezone.now(), actor
    save_as(action, actor=actor)
    ActionUpdate.objects.create(action=action, kind=ActionUpdateKind.CLOSED, note=note.strip(), created_by=actor)
    return action


@transaction.atomic
def action_reopen(*, action: Action, note: str, actor: User) -> Action:
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.is_open:
        raise ValidationError(ACTION_NOT_CLOSED)
    if not note.strip():
        raise ValidationError({"note": ACTION_NOTE_REQUIRED})
    action.status = ActionStatus.OPEN
    action.progress = note.strip()
    action.closed_at, action.closed_by = None, None
    save_as(action, actor=actor)
    ActionUpdate.objects.create(action=action, kind=ActionUpdateKind.REOPENED, note=note.strip(), created_by=actor)
    return action


# ---- visits -----------------------------------------------------------------------------------


@transaction.atomic
def visit_plan(
    *,
    school: School,
    adviser: User | None,
    visit_date: date,
    start_time: time | None = None,
    length: str = VisitLength.HALF_DAY,
    visit_type: str = VisitType.CORE,
    focus_areas: list[str] | None = None,
    purpose: str = "",
    actor: User,
) -> Visit:
    """Plan a visit. An autumn core-entitlement visit planned without focus areas starts with the
    strategy's agenda (rules.autumn_core_visit_agenda). The same plan sent twice (a double click)
    gives the visit already planned rather than a second one."""
    adviser = _check_lead(adviser)
    focus = _clean_choices(focus_areas, FocusArea) or rules.autumn_core_visit_agenda(
        visit_type=visit_type, visit_date=visit_date
    )
    School.objects.select_for_update().only("pk").get(pk=school.pk)  # one plan for the school at a time
    planned = Visit.objects.filter(
        school=school,
        adviser=adviser,
        visit_date=visit_date,
        start_time=start_time,
        length=length,
        visit_type=visit_type,
        status=VisitStatus.PLANNED,
    )
    same = next((v for v in planned if v.focus_areas == focus and v.purpose == purpose.strip()), None)
    if same is not None:
        return same
    visit = Visit(
        school=school,
        adviser=adviser,
        visit_date=visit_date,
        start_time=start_time,
        length=VisitLength(length),
        visit_type=VisitType(visit_type),
        focus_areas=focus,
        purpose=purpose.strip(),
        created_by=actor,
    )
    save_as(visit, actor=actor)
    from .pre_visit import pre_visit_request

    pre_visit_request(visit=visit)  # the school's headteachers are asked to prepare (docs/adr/0028)
    return visit


@transaction.atomic
def visit_record(
    *,
    visit: Visit,
    adviser: User | None,
    visit_date: date,
    start_time: time | None,
    length: str,
    visit_type: str,
    focus_areas: list[str],
    purpose: str,
    activities: list[str],
    strengths: str,
    areas_for_development: str,
    notes: str,
    new_actions: list[NewAction] | None = None,
    complete: bool = False,
    actor: User,
    today: date | None = None,
) -> Visit:
    """Record what happened at a visit and the actions agreed; with complete=True also mark it
    completed, all in one transaction (a refused completion saves nothing)."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.status == VisitStatus.CANCELLED:
        raise ValidationError(VISIT_CANCELLED_NO_EDIT)
    adviser = _check_lead(adviser)
    today = today or _today()
    completed = complete or visit.status == VisitStatus.COMPLETED
    if completed and (errors := rules.future_visit_cannot_be_completed(visit_date=visit_date, today=today)):
        raise ValidationError(errors)
    before = _note_content(visit)
    visit.adviser = adviser
    visit.visit_date, visit.start_time = visit_date, start_time
    visit.length, visit.visit_type = VisitLength(length), VisitType(visit_type)
    visit.focus_areas = _clean_choices(focus_areas, FocusArea)
    visit.activities = _clean_choices(activities, Activity)
    visit.purpose, visit.strengths = purpose.strip(), strengths.strip()
    visit.areas_for_development, visit.notes = areas_for_development.strip(), notes.strip()
    if complete and visit.status == VisitStatus.PLANNED:
        visit.status, visit.completed_at = VisitStatus.COMPLETED, timezone.now()
    amended = visit.status == VisitStatus.COMPLETED and _note_content(visit) != before
    reason = acknowledgement.AMENDED_REASON if amended and visit.acknowledgements.exists() else ""
    save_as(visit, actor=actor, reason=reason)
    _create_actions(school=visit.school, visit=visit, new_actions=new_actions, actor=actor)
    if amended or new_actions:
        acknowledgement.note_amended(visit=visit, actor=actor)  # asks the school again (ADR 0023)
    return visit


def _note_content(visit: Visit) -> tuple[object, ...]:
    """What the note of visit shared with the school says."""
    return (
        visit.visit_date,
        visit.length,
        visit.visit_type,
        visit.adviser_id,
        list(visit.focus_areas),
        visit.purpose,
        list(visit.activities),
        visit.strengths,
        visit.areas_for_development,
        visit.notes,
    )


@transaction.atomic
def visit_complete(*, visit: Visit, actor: User, today: date | None = None) -> Visit:
    """Mark a planned visit completed (rules.future_visit_cannot_be_completed)."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != VisitStatus.PLANNED:
        raise ValidationError(rules.VISIT_NOT_PLANNED.format(status=visit.get_status_display().lower()))
    if errors := rules.future_visit_cannot_be_completed(visit_date=visit.visit_date, today=today or _today()):
        raise ValidationError(errors)
    visit.status, visit.completed_at = VisitStatus.COMPLETED, timezone.now()
    save_as(visit, actor=actor)
    return visit


@transaction.atomic
def visit_cancel(*, visit: Visit, reason: str, actor: User) -> Visit:
    """Cancel a planned visit, saying why (rules.cancelled_visit_needs_reason)."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != VisitStatus.PLANNED:
        raise ValidationError(rules.VISIT_NOT_PLANNED.format(status=visit.get_status_display().lower()))
    if errors := rules.cancelled_visit_needs_reason(reason=reason):
        raise ValidationError(errors)
    visit.cancelled_reason = reason.strip()
    visit.status, visit.cancelled_at = VisitStatus.CANCELLED, timezone.now()
    save_as(visit, actor=actor)
    return visit


@transaction.atomic
def visit_share_note(
    *, visit: Visit, shared_on: date, shared_with: str, actor: User, today: date | None = None
) -> Visit:
    """Record when, and with whom, the note of a completed visit was shared with the school."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != VisitStatus.COMPLETED:
        raise ValidationError(SHARE_NOT_COMPLETED)
    errors = {}
    if shared_on < visit.visit_date:
        errors["shared_on"] = SHARE_DATE_BEFORE_VISIT
    elif shared_on > (today or _today()):
        errors["shared_on"] = SHARE_DATE_IN_FUTURE
    if not shared_with.strip():
        errors["shared_with"] = SHARED_WITH_REQUIRED
    if errors:
        raise ValidationError(errors)
    visit.shared_on, visit.shared_with, visit.shared_by = shared_on, shared_with.strip(), actor
    save_as(visit, actor=actor)
    return visit


# ---- enhanced offer ---------------------------------------------------------------------------


@transaction.atomic
def enhanced_offer_set(
    *, school: School, academic_year: int, half_days: int, notes: str = "", actor: User
) -> EnhancedOffer:
    """Record the half-day visits a school bought for a year ("up to six half-day visits")."""
    if not 0 <= half_days <= ENHANCED_OFFER_MAX_HALF_DAYS:
        raise ValidationError({"half_days": ENHANCED_OFFER_RANGE})
    offer = EnhancedOffer.objects.select_for_update().filter(
        school=school, academic_year=academic_year
    ).first() or EnhancedOffer(school=school, academic_year=academic_year)
    offer.half_days, offer.notes, offer.recorded_by = half_days, notes.strip(), actor
    save_as(offer, actor=actor)
    return offer


# ---- MSP groups -------------------------------------------------------------------------------


@dataclass
class MspProposal:
    """Who the strategy says sits on a school's MSP group, proposed from the school record."""

    chair: object | None
    headteacher: str
    chair_of_governors: str
    link_adviser: object | None


def officers() -> QuerySet[User]:
    return (
        User.objects.filter(groups__name=Role.OFFICER, is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def msp_group_proposal(*, school: School, actor: User) -> MspProposal:
    """ "The progress the school is making will be evaluated through a Monitoring Support
    Partnership (MSP) group which will be chaired by either the Senior School Improvement Adviser or
    Strategic Lead for Governance ... The MSP group will include the Headteacher and Chair or Vice
    Chair of Governors and the link SIA."

    The chair proposed is the acting officer, else the first officer; members come from the school
    record."""
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
    if link_adviser is not None and link_adviser.role not in (Role.ADVISER, Role.OFFICER):
        raise ValidationError({"link_adviser": MSP_MEMBER_ADVISER_ROLE})
    for member in group.members.all():
        delete_as(member, actor=actor)
    wanted = []
    if headteacher.strip():
        wanted.append(MspMember(group=group, name=headteacher.strip(), role=MspMemberRole.HEADTEACHER))
    if governor_name.strip():
        wanted.append(MspMember(group=group, name=governor_name.strip(), role=MspMemberRole(governor_role)))
    if link_adviser is not None:
        wanted.append(
            MspMember(group=group, name=str(link_adviser), role=MspMemberRole.LINK_ADVISER, user=link_adviser)
        )
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
) -> MspGroup:
    """Set up a school's MSP group (one open group per school)."""
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
def msp_group_close(*, group: MspGroup, closed_on: date, reason: str, actor: User) -> MspGroup:
    """Close a group (the school has left high support, or the MSP recommended exit)."""
    group = MspGroup.objects.select_for_update().get(pk=group.pk)
    if not group.is_open:
        raise ValidationError(MSP_GROUP_CLOSED)
    if not reason.strip():
        raise ValidationError({"reason": MSP_CLOSE_REASON_REQUIRED})
    group.status, group.closed_on, group.closed_reason = MspGroupStatus.CLOSED, closed_on, reason.strip()
    save_as(group, actor=actor)
    return group


# ---- MSP meetings -----------------------------------------------------------------------------


@transaction.atomic
def msp_meeting_plan(*, group: MspGroup, held_on: date, start_time: time | None = None, actor: User) -> MspMeeting:
    """Plan a meeting of an open group (the same plan sent twice gives the meeting already planned)."""
    group = MspGroup.objects.select_for_update().get(pk=group.pk)
    if not group.is_open:
        raise ValidationError(MSP_GROUP_CLOSED)
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
    errors = {}
    if held_on > (today or _today()):
        errors["held_on"] = MSP_MEETING_IN_FUTURE
    if support_refocused and not refocus_details.strip():
        errors["refocus_details"] = MSP_REFOCUS_DETAILS_REQUIRED
    if recommendation not in MspRecommendation.values:
        errors["recommendation"] = MSP_RECOMMENDATION_REQUIRED
    if meeting.is_published and summary_key_points.strip() != meeting.summary_key_points:
        errors["summary_key_points"] = MSP_SUMMARY_LOCKED
    if errors:
        raise ValidationError(errors)
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


# ---- calendar ---------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_token_regenerate(*, user: User, actor: User) -> str:
    """Make a new secret for the user's calendar feed URL and return it (only its hash is kept;
    the previous URL stops working)."""
    token = secrets.token_urlsafe(32)
    # One request at a time per user (a double click on the button): the second replaces the first.
    User.objects.select_for_update().only("pk").get(pk=user.pk)
    CalendarFeedToken.objects.filter(user=user).delete()
    CalendarFeedToken.objects.create(user=user, token_hash=hash_token(token))
    return token


@transaction.atomic
def calendar_token_revoke(*, user: User, actor: User) -> None:
    CalendarFeedToken.objects.filter(user=user).delete()
