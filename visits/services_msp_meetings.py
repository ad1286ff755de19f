"""Writes to the meetings of Monitoring Support Partnership (MSP) groups: planning, recording and
cancelling a meeting, and publishing its summary key points to governors. As in visits.services
(re-exported there): atomic, keyword-only, the acting user recorded in the audit history, the
rules checked here so that a bad request changes nothing."""

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.history import save_as
from core.versions import refuse_if_changed_since

from . import rules
from .models import (
    Action,
    MspActionProgress,
    MspGroup,
    MspMeeting,
    MspMeetingStatus,
    MspRecommendation,
    RagRating,
)
from .msp_summary_emails import summary_emails_queue
from .rules import MSP_MEETING_BEFORE_SET_UP as MSP_MEETING_BEFORE_SET_UP
from .services_actions import NewAction, _create_actions, _today
from .services_msp import MSP_GROUP_CLOSED

MSP_MEETING_CANCELLED = "This meeting was cancelled, so it cannot be changed."
MSP_MEETING_NOT_PLANNED = "Only a planned meeting can be cancelled."
MSP_SUMMARY_LOCKED = "The summary key points were published to governors, so they can no longer be changed."
MSP_RECOMMENDATION_REQUIRED = "Choose the meeting's recommendation"
MSP_ACTION_OF_OTHER_SCHOOL = "An action of another school cannot be reviewed at this meeting."


@transaction.atomic
def msp_meeting_plan(
    *, group: MspGroup, held_on: date, start_time: time | None = None, actor: User, today: date | None = None
) -> MspMeeting:
    """Plan a meeting of an open group, at most two years ahead
    (rules.planned_no_more_than_two_years_ahead); the same plan sent twice gives the meeting
    already planned."""
    group = MspGroup.objects.select_for_update().get(pk=group.pk)
    if not group.is_open:
        raise ValidationError(MSP_GROUP_CLOSED)
    today = today or _today()
    if errors := rules.planned_no_more_than_two_years_ahead(day=held_on, today=today, field="held_on"):
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
    version: str | None = None,
) -> MspMeeting:
    """Record a meeting as held: attendees, progress on each open action (RAG), impact of support,
    whether support is refocused and how, confidential minutes, summary key points and the
    recommendation. Published summary key points can no longer change. `version`: the meeting's
    version the page was opened at (a save made since refuses this one: core.versions)."""
    meeting = MspMeeting.objects.select_for_update().select_related("group").get(pk=meeting.pk)
    if meeting.status == MspMeetingStatus.CANCELLED:
        raise ValidationError(MSP_MEETING_CANCELLED)
    if meeting.status == MspMeetingStatus.PLANNED and not meeting.group.is_open:
        raise ValidationError(MSP_GROUP_CLOSED)  # a held meeting's record stays correctable
    refuse_if_changed_since(meeting, version, noun="MSP meeting", actor=actor)
    today = today or _today()
    if errors := meeting_record_problems(
        set_up_on=meeting.group.set_up_on,
        published_summary=meeting.summary_key_points if meeting.is_published else None,
        held_on=held_on,
        support_refocused=support_refocused,
        refocus_details=refocus_details,
        recommendation=recommendation,
        summary_key_points=summary_key_points,
        today=today,
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
    _create_actions(school=meeting.group.school, msp_meeting=meeting, new_actions=new_actions, actor=actor, today=today)
    return meeting


def meeting_record_problems(
    *,
    set_up_on: date,
    published_summary: str | None,
    held_on: date,
    support_refocused: bool | None,
    refocus_details: str,
    recommendation: str,
    summary_key_points: str,
    today: date,
) -> dict[str, list[str]]:
    """The errors in a meeting's record, by field, all of them at once, before anything is written:
    a meeting not yet recorded, and one about to be planned and recorded, are asked alike.
    `published_summary`: the summary key points published to governors, or None."""
    errors = {
        **rules.a_held_meeting_took_place_while_its_group_ran(held_on=held_on, set_up_on=set_up_on, today=today),
        **rules.refocused_support_says_how(support_refocused=support_refocused, refocus_details=refocus_details),
    }
    if recommendation not in MspRecommendation.values:
        errors["recommendation"] = [MSP_RECOMMENDATION_REQUIRED]
    if published_summary is not None and summary_key_points.strip() != published_summary:
        errors["summary_key_points"] = [MSP_SUMMARY_LOCKED]
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
    # Every problem of the record at once, before planning it (whose checks would speak of two years).
    if errors := meeting_record_problems(
        set_up_on=group.set_up_on,
        published_summary=None,
        held_on=held_on,
        support_refocused=record.get("support_refocused"),
        refocus_details=record.get("refocus_details", ""),
        recommendation=record.get("recommendation", ""),
        summary_key_points=record.get("summary_key_points", ""),
        today=record.get("today") or _today(),
    ):
        raise ValidationError(errors)
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
    (rules.msp_summary_shared_with_governing_body), each of whom is emailed (docs/adr/0087)."""
    meeting = MspMeeting.objects.select_for_update().get(pk=meeting.pk)
    if errors := rules.msp_summary_shared_with_governing_body(
        is_held=meeting.is_held, summary=meeting.summary_key_points, published_at=meeting.summary_published_at
    ):
        raise ValidationError(errors)
    meeting.summary_published_at, meeting.summary_published_by = timezone.now(), actor
    save_as(meeting, actor=actor)
    summary_emails_queue(meeting=meeting)
    return meeting
