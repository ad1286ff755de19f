"""Writes to visits and enhanced offers, and (re-exported from visits.calendar_tokens,
visits.services_actions, visits.services_msp and visits.services_msp_meetings) to calendar tokens,
actions, MSP groups and meetings: the visits app's one entry point for writes, as `from visits import services`.

Every function is atomic, keyword-only and takes the acting user, who is recorded in the audit
history (django-simple-history). Rules are checked here (visits.rules), so a bad request changes
nothing whatever page it comes from; permissions are checked by the views."""

from collections.abc import Iterable
from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from core.history import save_as
from core.versions import refuse_if_changed_since
from schools.models import School

from . import acknowledgement, pre_visit, rules, selectors
from .calendar_tokens import calendar_token_regenerate, calendar_token_revoke, hash_token  # re-exported
from .models import (
    ENHANCED_OFFER_MAX_HALF_DAYS,
    Activity,
    EnhancedOffer,
    FocusArea,
    PreVisitEmailKind,
    Visit,
    VisitLength,
    VisitStatus,
    VisitType,
)
from .pre_visit_emails import pre_visit_tell_of_change
from .rules import (  # re-exported: the words of the rules the writes ask
    MSP_MEETING_IN_FUTURE,
    MSP_REFOCUS_DETAILS_REQUIRED,
    SHARE_DATE_BEFORE_VISIT,
    SHARE_DATE_IN_FUTURE,
    SHARED_WITH_REQUIRED,
)
from .services_actions import (  # re-exported: the actions' writes
    ACTION_ALREADY_CLOSED,
    ACTION_CLOSE_NOTE_REQUIRED,
    ACTION_DESCRIPTION_REQUIRED,
    ACTION_DUE_BEFORE_AGREED,
    ACTION_NOT_CLOSED,
    ACTION_NOTE_REQUIRED,
    ACTION_UPDATE_DUE_BEFORE_AGREED,
    NewAction,
    _create_actions,
    _today,
    action_close,
    action_plan_actions_create,
    action_reopen,
    action_update,
)
from .services_msp import (  # re-exported: the MSP groups' writes
    MSP_CHAIR_ROLE,
    MSP_CLOSE_REASON_REQUIRED,
    MSP_GROUP_CLOSED,
    MSP_GROUP_CLOSED_BEFORE_MEETING,
    MSP_GROUP_CLOSED_BEFORE_SET_UP,
    MSP_GROUP_CLOSED_IN_FUTURE,
    MSP_GROUP_EXISTS,
    MSP_GROUP_NOT_MAINTAINED,
    MSP_GROUP_SET_UP_IN_FUTURE,
    MSP_MEMBER_ADVISER_ROLE,
    MspProposal,
    msp_group_close,
    msp_group_proposal,
    msp_group_set_up,
    msp_group_update,
    officers,
)
from .services_msp_meetings import (  # re-exported: the MSP meetings' writes
    MSP_ACTION_OF_OTHER_SCHOOL,
    MSP_MEETING_BEFORE_SET_UP,
    MSP_MEETING_CANCELLED,
    MSP_MEETING_NOT_PLANNED,
    MSP_RECOMMENDATION_REQUIRED,
    MSP_SUMMARY_LOCKED,
    ActionReview,
    msp_meeting_cancel,
    msp_meeting_plan,
    msp_meeting_publish_summary,
    msp_meeting_record,
    msp_meeting_record_new,
)

__all__ = [
    "ACTION_ALREADY_CLOSED",
    "ACTION_CLOSE_NOTE_REQUIRED",
    "ACTION_DESCRIPTION_REQUIRED",
    "ACTION_DUE_BEFORE_AGREED",
    "ACTION_NOTE_REQUIRED",
    "ACTION_NOT_CLOSED",
    "ACTION_UPDATE_DUE_BEFORE_AGREED",
    "ENHANCED_OFFER_RANGE",
    "MSP_ACTION_OF_OTHER_SCHOOL",
    "MSP_CHAIR_ROLE",
    "MSP_CLOSE_REASON_REQUIRED",
    "MSP_GROUP_CLOSED",
    "MSP_GROUP_CLOSED_BEFORE_MEETING",
    "MSP_GROUP_CLOSED_BEFORE_SET_UP",
    "MSP_GROUP_CLOSED_IN_FUTURE",
    "MSP_GROUP_EXISTS",
    "MSP_GROUP_NOT_MAINTAINED",
    "MSP_GROUP_SET_UP_IN_FUTURE",
    "MSP_MEETING_BEFORE_SET_UP",
    "MSP_MEETING_CANCELLED",
    "MSP_MEETING_IN_FUTURE",
    "MSP_MEETING_NOT_PLANNED",
    "MSP_MEMBER_ADVISER_ROLE",
    "MSP_RECOMMENDATION_REQUIRED",
    "MSP_REFOCUS_DETAILS_REQUIRED",
    "MSP_SUMMARY_LOCKED",
    "SHARED_WITH_REQUIRED",
    "SHARE_DATE_BEFORE_VISIT",
    "SHARE_DATE_IN_FUTURE",
    "SHARE_NOT_COMPLETED",
    "VISIT_CANCELLED_NO_EDIT",
    "VISIT_LEAD_ROLE",
    "ActionReview",
    "MspProposal",
    "NewAction",
    "action_close",
    "action_plan_actions_create",
    "action_reopen",
    "action_update",
    "calendar_token_regenerate",
    "calendar_token_revoke",
    "enhanced_offer_set",
    "hash_token",
    "msp_group_close",
    "msp_group_proposal",
    "msp_group_set_up",
    "msp_group_update",
    "msp_meeting_cancel",
    "msp_meeting_plan",
    "msp_meeting_publish_summary",
    "msp_meeting_record",
    "msp_meeting_record_new",
    "officers",
    "visit_cancel",
    "visit_complete",
    "visit_plan",
    "visit_record",
    "visit_share_note",
]

VISIT_LEAD_ROLE = "The visit must be led by a user with the adviser or officer role."
VISIT_CANCELLED_NO_EDIT = "This visit was cancelled, so it cannot be changed."
SHARE_NOT_COMPLETED = "Mark the visit as completed before recording that its note was shared."
ENHANCED_OFFER_RANGE = f"Enter a number of half-days from 0 to {ENHANCED_OFFER_MAX_HALF_DAYS}"


def _check_lead(user: User | None) -> User:
    if user is None or user.role not in (Role.ADVISER, Role.OFFICER):
        raise ValidationError({"adviser": VISIT_LEAD_ROLE})
    return user


def _clean_choices(values: Iterable[str] | None, choices: type[models.Choices]) -> list[str]:
    allowed = set(choices.values)
    return [v for v in dict.fromkeys(values or []) if v in allowed]


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
    today: date | None = None,
) -> Visit:
    """Plan a visit, at most two years ahead (rules.planned_no_more_than_two_years_ahead). An autumn
    core-entitlement visit planned without focus areas starts with the strategy's agenda
    (rules.autumn_core_visit_agenda). The same plan sent twice (a double click) gives the visit
    already planned rather than a second one."""
    if errors := _within_reach(visit_date, today):
        raise ValidationError(errors)
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
    _refuse_a_second_of_its_kind(school=school, visit_date=visit_date, start_time=start_time, visit_type=visit_type)
    visit = Visit(
        school=school,
        adviser=adviser,
        visit_date=visit_date,
        start_time=start_time,
        length=VisitLength(length),
        visit_type=VisitType(visit_type),
        focus_areas=focus,
        purpose=purpose.strip(),
        notice_given_on=today or _today(),
        created_by=actor,
    )
    save_as(visit, actor=actor)
    from .pre_visit import pre_visit_request

    pre_visit_request(visit=visit)  # the school's headteachers are asked to prepare (docs/adr/0028)
    return visit


def _refuse_a_second_of_its_kind(
    *, school: School, visit_date: date, start_time: time | None, visit_type: str, moved: Visit | None = None
) -> None:
    """rules.one_visit_of_a_kind_to_a_school_a_day, for a visit planned or `moved` (its own excluded)."""
    clash = selectors.visit_of_a_kind_that_day(
        school=school, visit_date=visit_date, start_time=start_time, visit_type=visit_type,
        other_than=moved.pk if moved else None,
    )  # fmt: skip
    if errors := rules.one_visit_of_a_kind_to_a_school_a_day(
        clash=clash, school_name=school.name, visit_date=visit_date, moved=moved is not None
    ):
        raise ValidationError(errors)


def _within_reach(visit_date: date, today: date | None) -> dict[str, list[str]]:
    return rules.planned_no_more_than_two_years_ahead(day=visit_date, today=today or _today(), field="visit_date")


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
    version: str | None = None,
) -> Visit:
    """Record what happened at a visit and the actions agreed; with complete=True also mark it
    completed, all in one transaction (a refused completion saves nothing). `version`: the visit's
    version the page was opened at (a save made since refuses this one: core.versions)."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.status == VisitStatus.CANCELLED:
        raise ValidationError(VISIT_CANCELLED_NO_EDIT)
    refuse_if_changed_since(visit, version, noun="visit", actor=actor)
    adviser = _check_lead(adviser)
    today = today or _today()
    if errors := rules.a_recorded_visits_date_follows_the_rules(
        visit_date=visit_date,
        dated=visit.visit_date,
        completed=complete or visit.status == VisitStatus.COMPLETED,
        today=today,
    ):
        raise ValidationError(errors)
    if (visit_date, start_time, visit_type) != (visit.visit_date, visit.start_time, visit.visit_type):
        School.objects.select_for_update().only("pk").get(pk=visit.school_id)  # as visit_plan: one at a time
        _refuse_a_second_of_its_kind(
            school=visit.school, visit_date=visit_date, start_time=start_time, visit_type=visit_type, moved=visit
        )
    before, when = _note_content(visit), (visit.visit_date, visit.start_time)
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
    moved = (visit_date, start_time) != when and pre_visit.is_open(visit, today)  # still to come: the school told
    if moved:
        visit.notice_given_on = today
    save_as(visit, actor=actor, reason=reason)
    if moved:
        pre_visit_tell_of_change(visit=visit, kind=PreVisitEmailKind.MOVED)
    _create_actions(school=visit.school, visit=visit, new_actions=new_actions, actor=actor, today=today)
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
    pre_visit_tell_of_change(visit=visit, kind=PreVisitEmailKind.CANCELLED)  # those asked to prepare it
    return visit


@transaction.atomic
def visit_share_note(
    *, visit: Visit, shared_on: date, shared_with: str, actor: User, today: date | None = None
) -> Visit:
    """Record when, and with whom, the note of a completed visit was shared with the school
    (rules.a_shared_note_says_when_and_with_whom, which the form asks too)."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != VisitStatus.COMPLETED:
        raise ValidationError(SHARE_NOT_COMPLETED)
    if errors := rules.a_shared_note_says_when_and_with_whom(
        shared_on=shared_on, shared_with=shared_with, visit_date=visit.visit_date, today=today or _today()
    ):
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
    # One save of the school's offers at a time (a double click, two tabs): the second finds the
    # first's offer and changes it, where both would have inserted one (unique per school and year).
    School.objects.select_for_update().only("pk").get(pk=school.pk)
    offer = EnhancedOffer.objects.select_for_update().filter(
        school=school, academic_year=academic_year
    ).first() or EnhancedOffer(school=school, academic_year=academic_year)
    offer.half_days, offer.notes, offer.recorded_by = half_days, notes.strip(), actor
    save_as(offer, actor=actor)
    return offer
