"""Writes (visits.services): each rule refuses bad input and changes nothing; every change is audited."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import Role
from tests.factories import SchoolFactory
from tests.visits.factories import ActionFactory, MspGroupFactory, MspMeetingFactory, VisitFactory
from visits import services
from visits.models import (
    Action,
    ActionStatus,
    ActionUpdate,
    CalendarFeedToken,
    MspGroup,
    MspMeetingStatus,
    MspMemberRole,
    MspRecommendation,
    RagRating,
    Visit,
    VisitStatus,
    VisitType,
)
from visits.rules import (
    ALREADY_PUBLISHED,
    MSP_GOVERNOR_REQUIRED,
    MSP_HEADTEACHER_REQUIRED,
    MSP_LINK_ADVISER_REQUIRED,
    NOT_PUBLISHABLE_UNTIL_HELD,
    VISIT_IN_FUTURE,
    VISIT_NOT_PLANNED,
)

pytestmark = pytest.mark.django_db


# Before every literal meeting date below, whatever day the tests run on (a factory group is set up
# 320 days before today, and a meeting cannot be before its group's set-up).
SET_UP = date(2026, 1, 12)


def record(visit, adviser, **changes):
    fields = {
        "visit": visit,
        "adviser": adviser,
        "visit_date": visit.visit_date,
        "start_time": None,
        "length": visit.length,
        "visit_type": visit.visit_type,
        "focus_areas": ["outcomes"],
        "purpose": "",
        "activities": ["lesson_observation", "not-an-activity"],
        "strengths": "Strong phonics.",
        "areas_for_development": "Writing.",
        "notes": "",
        "actor": adviser,
    }
    fields.update(changes)
    return services.visit_record(**fields)


# ---- visits -----------------------------------------------------------------------------------


def test_an_autumn_core_visit_planned_without_focus_starts_with_the_strategy_agenda(linked, adviser):
    visit = services.visit_plan(school=linked, adviser=adviser, visit_date=date(2026, 10, 5), actor=adviser)
    assert visit.focus_areas[:2] == ["quality_of_education", "outcomes"]
    assert len(visit.focus_areas) == 5
    assert visit.history.first().history_user == adviser
    spring = services.visit_plan(school=linked, adviser=adviser, visit_date=date(2027, 2, 1), actor=adviser)
    assert spring.focus_areas == []
    chosen = services.visit_plan(  # (another day: a second core visit on the 5th is refused)
        school=linked, adviser=adviser, visit_date=date(2026, 10, 6), focus_areas=["safeguarding"], actor=adviser
    )
    assert chosen.focus_areas == ["safeguarding"]


def test_a_visit_is_led_by_an_adviser_or_officer(linked, governor, adviser):
    with pytest.raises(ValidationError) as raised:
        services.visit_plan(school=linked, adviser=governor, visit_date=date(2026, 10, 5), actor=adviser)
    assert raised.value.message_dict == {"adviser": [services.VISIT_LEAD_ROLE]}
    assert not Visit.objects.exists()


def test_recording_a_visit_saves_the_note_and_its_actions_and_can_complete_it(linked, adviser, today):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    actions = [services.NewAction("Improve writing", "school", today + timedelta(days=30))]

    record(visit, adviser, new_actions=actions, complete=True)

    visit.refresh_from_db()
    assert visit.status == VisitStatus.COMPLETED
    assert visit.completed_at is not None
    assert visit.activities == ["lesson_observation"]  # unknown values dropped
    assert list(visit.actions.values_list("description", "owner", "school_id")) == [
        ("Improve writing", "school", linked.pk)
    ]
    assert visit.history.first().history_user == adviser


def test_completing_a_future_visit_while_recording_saves_nothing(linked, adviser, today):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today + timedelta(days=1))
    actions = [services.NewAction("Improve writing", "school", today + timedelta(days=30))]

    with pytest.raises(ValidationError) as raised:
        record(visit, adviser, strengths="Changed", new_actions=actions, complete=True)

    assert raised.value.message_dict == {"visit_date": [VISIT_IN_FUTURE]}
    visit.refresh_from_db()
    assert (visit.status, visit.strengths) == (VisitStatus.PLANNED, "")
    assert not Action.objects.exists()


def test_a_completed_visit_cannot_be_moved_into_the_future(linked, adviser, today):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today, completed=True)
    with pytest.raises(ValidationError, match="future"):
        record(visit, adviser, visit_date=today + timedelta(days=3))


def test_marking_completed_is_refused_for_a_future_or_already_completed_visit(linked, adviser, today):
    future = VisitFactory(school=linked, adviser=adviser, visit_date=today + timedelta(days=2))
    with pytest.raises(ValidationError, match="future"):
        services.visit_complete(visit=future, actor=adviser)
    done = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    services.visit_complete(visit=done, actor=adviser)
    with pytest.raises(ValidationError) as raised:
        services.visit_complete(visit=done, actor=adviser)
    assert raised.value.messages == [VISIT_NOT_PLANNED.format(status="completed")]


def test_cancelling_needs_a_reason_and_a_planned_visit(linked, adviser):
    visit = VisitFactory(school=linked, adviser=adviser)
    with pytest.raises(ValidationError):
        services.visit_cancel(visit=visit, reason=" ", actor=adviser)
    services.visit_cancel(visit=visit, reason="Head ill", actor=adviser)
    visit.refresh_from_db()
    assert (visit.status, visit.cancelled_reason) == (VisitStatus.CANCELLED, "Head ill")
    with pytest.raises(ValidationError):
        services.visit_cancel(visit=visit, reason="Again", actor=adviser)
    with pytest.raises(ValidationError, match=services.VISIT_CANCELLED_NO_EDIT):
        record(visit, adviser)


def test_a_cancelled_visits_reason_is_kept_without_its_surrounding_spaces(linked, adviser):
    # Moved here from the rule's test: the service, not the rule, keeps the reason (ADR 0042).
    visit = VisitFactory(school=linked, adviser=adviser)
    services.visit_cancel(visit=visit, reason="  Head ill  ", actor=adviser)
    visit.refresh_from_db()
    assert visit.cancelled_reason == "Head ill"


@pytest.mark.parametrize(
    ("shared_on", "shared_with", "errors"),
    [
        (date(2026, 11, 9), "Head", {"shared_on": [services.SHARE_DATE_BEFORE_VISIT]}),
        (date(2026, 11, 23), "Head", {"shared_on": [services.SHARE_DATE_IN_FUTURE]}),
        (date(2026, 11, 12), " ", {"shared_with": [services.SHARED_WITH_REQUIRED]}),
        (date(2026, 11, 12), "Headteacher", None),
    ],
)
def test_sharing_the_note_records_a_date_between_the_visit_and_today_and_with_whom(
    linked, adviser, shared_on, shared_with, errors
):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=date(2026, 11, 10), completed=True)
    share = {"visit": visit, "shared_on": shared_on, "shared_with": shared_with, "actor": adviser}
    if errors:
        with pytest.raises(ValidationError) as raised:
            services.visit_share_note(**share, today=date(2026, 11, 22))
        assert raised.value.message_dict == errors
        return
    services.visit_share_note(**share, today=date(2026, 11, 22))
    visit.refresh_from_db()
    assert (visit.shared_on, visit.shared_with, visit.shared_by) == (shared_on, "Headteacher", adviser)


def test_the_note_of_a_visit_not_completed_cannot_be_shared(linked, adviser):
    visit = VisitFactory(school=linked, adviser=adviser)
    with pytest.raises(ValidationError, match=services.SHARE_NOT_COMPLETED):
        services.visit_share_note(visit=visit, shared_on=date(2026, 11, 10), shared_with="Head", actor=adviser)


# ---- actions ----------------------------------------------------------------------------------


def test_an_action_is_updated_and_closed_with_notes_and_audited(linked, adviser, officer):
    action = ActionFactory(school=linked)
    with pytest.raises(ValidationError) as raised:
        services.action_update(
            action=action, description="x", owner="la", due_on=date(2027, 1, 1), note="", actor=adviser
        )
    assert raised.value.message_dict == {"note": [services.ACTION_NOTE_REQUIRED]}

    services.action_update(
        action=action, description="Write the plan", owner="la", due_on=date(2027, 1, 1), note="Moved", actor=adviser
    )
    services.action_close(action=action, note="Plan written", actor=officer)

    action.refresh_from_db()
    assert (action.status, action.owner, action.due_on, action.closed_by) == ("closed", "la", date(2027, 1, 1), officer)
    assert list(action.updates.values_list("kind", "note")) == [("closed", "Plan written"), ("updated", "Moved")]
    assert [h.history_user for h in action.history.all()[:2]] == [officer, adviser]
    with pytest.raises(ValidationError, match=services.ACTION_ALREADY_CLOSED):
        services.action_close(action=action, note="Again", actor=officer)
    services.action_reopen(action=action, note="Not done after all", actor=officer)
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN
    assert action.closed_at is None


def test_an_action_agreed_at_a_visit_is_due_on_or_after_the_visit(linked, adviser, today):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    late = [services.NewAction("LA to broker support.", "la", today - timedelta(days=1))]
    with pytest.raises(ValidationError) as raised:
        record(visit, adviser, strengths="Changed", new_actions=late, complete=True)
    assert raised.value.messages == [
        services.ACTION_DUE_BEFORE_AGREED.format(
            action="LA to broker support.", due_on=today - timedelta(days=1), occasion="visit", agreed_on=today
        )
    ]
    visit.refresh_from_db()
    assert (visit.status, visit.strengths) == (VisitStatus.PLANNED, "")  # nothing saved
    assert not Action.objects.exists()
    record(visit, adviser, new_actions=[services.NewAction("LA to broker support.", "la", today)])
    assert visit.actions.get().due_on == today


def test_an_action_agreed_at_an_msp_meeting_is_due_on_or_after_the_meeting(linked, officer):
    meeting = MspMeetingFactory(group__school=linked, group__set_up_on=SET_UP, planned=True)
    late = [services.NewAction("Governors' standards committee", "school", date(2026, 11, 11))]
    with pytest.raises(ValidationError, match="before the meeting on 12 November 2026"):
        meeting_record(meeting, officer, new_actions=late)
    meeting.refresh_from_db()
    assert meeting.status == MspMeetingStatus.PLANNED
    assert not Action.objects.exists()


def test_an_actions_due_date_cannot_be_moved_before_the_day_it_was_agreed(linked, adviser, today):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today - timedelta(days=10))
    action = ActionFactory(school=linked, visit=visit, due_on=today - timedelta(days=20))  # as a legacy row holds
    with pytest.raises(ValidationError) as raised:
        services.action_update(
            action=action, description="x", owner="la", due_on=today - timedelta(days=11), note="Moved", actor=adviser
        )
    assert raised.value.message_dict == {
        "due_on": [services.ACTION_UPDATE_DUE_BEFORE_AGREED.format(agreed_on=today - timedelta(days=10))]
    }
    # A due date it already has is kept, so the wording can still change.
    services.action_update(
        action=action, description="y", owner="la", due_on=today - timedelta(days=20), note="Reworded", actor=adviser
    )
    action.refresh_from_db()
    assert (action.description, action.due_on) == ("y", today - timedelta(days=20))


def test_closing_an_action_needs_a_note(linked, adviser):
    action = ActionFactory(school=linked)
    with pytest.raises(ValidationError) as raised:
        services.action_close(action=action, note="  ", actor=adviser)
    assert raised.value.message_dict == {"note": [services.ACTION_CLOSE_NOTE_REQUIRED]}
    assert not ActionUpdate.objects.exists()


# ---- enhanced offer ---------------------------------------------------------------------------


@pytest.mark.parametrize(("half_days", "ok"), [(-1, False), (0, True), (6, True), (7, False)])
def test_an_enhanced_offer_is_up_to_six_half_days(school, officer, half_days, ok):
    if not ok:
        with pytest.raises(ValidationError):
            services.enhanced_offer_set(school=school, academic_year=2026, half_days=half_days, actor=officer)
        return
    services.enhanced_offer_set(school=school, academic_year=2026, half_days=half_days, actor=officer)
    offer = services.enhanced_offer_set(school=school, academic_year=2026, half_days=half_days, actor=officer)
    assert offer.half_days == half_days
    assert school.enhanced_offers.count() == 1  # one per school and year, updated in place


# ---- MSP groups and meetings --------------------------------------------------------------------


def test_the_msp_group_proposal_comes_from_the_school_record(linked, officer, adviser):
    linked.chair_of_governors = "Grace Holt"
    linked.save()
    proposal = services.msp_group_proposal(school=linked, actor=officer)
    assert (proposal.chair, proposal.headteacher, proposal.chair_of_governors, proposal.link_adviser) == (
        officer,
        "Mrs Jane Smith",
        "Grace Holt",
        adviser,
    )
    assert services.msp_group_proposal(school=linked, actor=adviser).chair == officer  # the first officer


def set_up(school, chair, adviser, actor, **changes):
    fields = {
        "school": school,
        "chair": chair,
        "set_up_on": date(2026, 11, 1),
        "headteacher": "Mrs Jane Smith",
        "governor_name": "Grace Holt",
        "governor_role": MspMemberRole.VICE_CHAIR,
        "link_adviser": adviser,
        "other_members": ["Jo Bloggs, SENCo", " "],
        "actor": actor,
        "today": date(2026, 11, 22),
    }
    fields.update(changes)
    return services.msp_group_set_up(**fields)


def test_an_msp_group_is_set_up_with_an_officer_chair_and_its_members(linked, officer, adviser):
    group = set_up(linked, officer, adviser, officer)
    assert [(m.name, m.role, m.user) for m in group.members.all()] == [
        ("Mrs Jane Smith", "headteacher", None),
        ("Grace Holt", "vice_chair", None),
        ("Adam Reid", "link_adviser", adviser),
        ("Jo Bloggs, SENCo", "other", None),
    ]
    with pytest.raises(ValidationError, match="already has an open MSP group"):
        set_up(linked, officer, adviser, officer)


def test_an_msp_group_without_the_headteacher_a_governor_or_the_link_adviser_is_refused_whole(linked, officer, adviser):
    with pytest.raises(ValidationError) as raised:
        set_up(linked, officer, None, officer, headteacher=" ", governor_name="")
    assert raised.value.message_dict == {
        "headteacher": [MSP_HEADTEACHER_REQUIRED],
        "governor_name": [MSP_GOVERNOR_REQUIRED],
        "link_adviser": [MSP_LINK_ADVISER_REQUIRED],
    }
    assert not MspGroup.objects.exists()
    group = set_up(linked, officer, adviser, officer)
    with pytest.raises(ValidationError) as raised:
        services.msp_group_update(
            group=group, chair=officer, headteacher="Mrs Jane Smith", governor_name="Grace Holt",
            governor_role=MspMemberRole.CHAIR_OF_GOVERNORS, link_adviser=None, other_members=[], actor=officer,
        )  # fmt: skip
    assert raised.value.message_dict == {"link_adviser": [MSP_LINK_ADVISER_REQUIRED]}
    assert group.members.filter(role=MspMemberRole.LINK_ADVISER, user=adviser).exists()


def test_the_msp_chair_must_be_an_officer_and_the_school_maintained(linked, officer, adviser):
    with pytest.raises(ValidationError) as raised:
        set_up(linked, adviser, adviser, officer)
    assert raised.value.message_dict == {"chair": [services.MSP_CHAIR_ROLE]}
    academy = SchoolFactory(academy=True)
    with pytest.raises(ValidationError, match="not one"):
        set_up(academy, officer, adviser, officer)
    assert not MspGroup.objects.exists()


def meeting_record(meeting, actor, **changes):
    fields = {
        "meeting": meeting,
        "held_on": date(2026, 11, 12),
        "start_time": None,
        "attendees": "All members",
        "reviews": [],
        "impact_of_support": "Some",
        "support_refocused": False,
        "refocus_details": "",
        "minutes": "Confidential minutes",
        "summary_key_points": "Key points",
        "recommendation": MspRecommendation.CONTINUE,
        "actor": actor,
        "today": date(2026, 11, 22),
    }
    fields.update(changes)
    return services.msp_meeting_record(**fields)


def test_recording_an_msp_meeting_rates_open_actions_and_adds_new_ones(linked, officer):
    group = MspGroupFactory(school=linked, chair=officer, set_up_on=SET_UP)
    meeting = services.msp_meeting_plan(group=group, held_on=date(2026, 11, 12), actor=officer)
    action = ActionFactory(school=linked)
    new = [services.NewAction("Governors' standards committee", "school", date(2027, 1, 15))]

    meeting_record(meeting, officer, reviews=[services.ActionReview(action, RagRating.AMBER, "Started")],
                   recommendation=MspRecommendation.WARNING_NOTICE, new_actions=new)  # fmt: skip

    meeting.refresh_from_db()
    assert meeting.status == MspMeetingStatus.HELD
    assert [(p.action, p.rating, p.comment) for p in meeting.action_progress.all()] == [(action, "amber", "Started")]
    assert list(meeting.actions.values_list("description", flat=True)) == ["Governors' standards committee"]
    assert meeting.history.first().history_user == officer


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"held_on": date(2026, 11, 23)}, "held_on"),
        ({"support_refocused": True, "refocus_details": " "}, "refocus_details"),
        ({"recommendation": ""}, "recommendation"),
    ],
)
def test_an_msp_meeting_record_with_bad_input_saves_nothing(linked, officer, changes, field):
    meeting = MspMeetingFactory(group__school=linked, group__set_up_on=SET_UP, planned=True)
    with pytest.raises(ValidationError) as raised:
        meeting_record(meeting, officer, **changes)
    assert field in raised.value.message_dict
    meeting.refresh_from_db()
    assert meeting.status == MspMeetingStatus.PLANNED
    assert meeting.minutes == ""


def test_an_action_of_another_school_cannot_be_rated(linked, officer, other_school):
    meeting = MspMeetingFactory(group__school=linked, group__set_up_on=SET_UP, planned=True)
    stranger = ActionFactory(school=other_school)
    with pytest.raises(ValidationError, match=services.MSP_ACTION_OF_OTHER_SCHOOL):
        meeting_record(meeting, officer, reviews=[services.ActionReview(stranger, RagRating.RED)])


def test_the_summary_is_published_once_and_then_cannot_change(linked, officer):
    planned = MspMeetingFactory(group__school=linked, group__set_up_on=SET_UP, planned=True)
    with pytest.raises(ValidationError, match=NOT_PUBLISHABLE_UNTIL_HELD):
        services.msp_meeting_publish_summary(meeting=planned, actor=officer)
    meeting = MspMeetingFactory(group=planned.group)
    services.msp_meeting_publish_summary(meeting=meeting, actor=officer)
    meeting.refresh_from_db()
    assert meeting.summary_published_by == officer
    with pytest.raises(ValidationError) as raised:
        services.msp_meeting_publish_summary(meeting=meeting, actor=officer)
    assert raised.value.messages[0].startswith(ALREADY_PUBLISHED.split("{")[0])
    with pytest.raises(ValidationError) as raised:
        meeting_record(meeting, officer, summary_key_points="Rewritten after publishing")
    assert raised.value.message_dict == {"summary_key_points": [services.MSP_SUMMARY_LOCKED]}
    meeting_record(meeting, officer, summary_key_points=meeting.summary_key_points, minutes="Corrected minutes")


def test_a_new_calendar_link_replaces_the_old_one_and_only_its_hash_is_kept(adviser):
    first = services.calendar_token_regenerate(user=adviser, actor=adviser)
    second = services.calendar_token_regenerate(user=adviser, actor=adviser)
    stored = CalendarFeedToken.objects.get(user=adviser)
    assert first != second
    assert len(second) >= 40
    assert stored.token_hash == services.hash_token(second) != second
    services.calendar_token_revoke(user=adviser, actor=adviser)
    assert not CalendarFeedToken.objects.exists()


def test_officers_are_listed_for_the_chair(officer, adviser, make_user):
    make_user(Role.OFFICER, username="lead", first_name="Amira", last_name="Begum")
    assert [u.username for u in services.officers()] == ["lead", "officer"]


def test_visit_types_match_the_issue():
    assert VisitType.labels == ["Core entitlement", "Enhanced offer", "Monitoring", "External review", "Other"]


# ---- the same request sent twice (review) --------------------------------------------------------


def test_the_same_visit_record_sent_twice_agrees_each_action_once(linked, adviser, today):
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=today)
    actions = [
        services.NewAction("Improve writing", "school", today + timedelta(days=30)),
        services.NewAction("Broker phonics support", "la", today + timedelta(days=20)),
    ]
    record(visit, adviser, new_actions=actions)
    record(visit, adviser, new_actions=actions, complete=True)  # the form sent again
    assert sorted(visit.actions.values_list("description", flat=True)) == ["Broker phonics support", "Improve writing"]
    # a genuinely different action is still added
    record(visit, adviser, new_actions=[services.NewAction("Improve writing", "la", today + timedelta(days=30))])
    assert visit.actions.count() == 3


def test_the_same_visit_plan_sent_twice_plans_one_visit(linked, adviser):
    plan = {"school": linked, "adviser": adviser, "visit_date": date(2026, 12, 3), "actor": adviser}
    first = services.visit_plan(**plan)
    assert services.visit_plan(**plan) == first
    assert Visit.objects.count() == 1
    afternoon = services.visit_plan(**plan, start_time=time(13, 15))
    assert afternoon != first  # another visit the same day is still possible


def test_a_second_visit_of_a_kind_to_a_school_at_the_same_time_of_a_day_is_refused(linked, adviser, make_user):
    """The review: a second core visit to the school on a day that had one, planned from another
    page, was taken, and the headteacher asked twice to prepare."""
    from visits import rules

    day = date(2026, 12, 10)
    first = services.visit_plan(school=linked, adviser=adviser, visit_date=day, actor=adviser)
    other = make_user(Role.ADVISER, username="adviser3")
    with pytest.raises(ValidationError) as refused:
        services.visit_plan(school=linked, adviser=other, visit_date=day, purpose="Phonics", actor=other)
    expected = rules.VISIT_ALREADY_THAT_DAY.format(
        kind="core entitlement", school=linked.name, status="planned", day=day
    )
    assert refused.value.message_dict == {"visit_date": [expected]}
    assert services.visit_plan(school=linked, adviser=adviser, visit_date=day, visit_type="monitoring", actor=adviser)
    services.visit_cancel(visit=first, reason="Snow", actor=adviser)
    assert services.visit_plan(school=linked, adviser=other, visit_date=day, purpose="Phonics", actor=other)


def test_a_visit_recorded_as_on_the_day_and_time_of_another_of_its_kind_is_refused(linked, adviser):
    """The rule holds when a visit is moved, not only when it is planned: recording the afternoon
    visit as at no time, on a day with an untimed core visit, would count and ask twice."""
    from visits import rules

    day, today = date(2026, 12, 10), date(2026, 12, 1)
    services.visit_plan(school=linked, adviser=adviser, visit_date=day, actor=adviser, today=today)
    afternoon = services.visit_plan(
        school=linked, adviser=adviser, visit_date=day, start_time=time(13, 15), actor=adviser, today=today
    )
    later = services.visit_plan(
        school=linked, adviser=adviser, visit_date=date(2026, 12, 17), actor=adviser, today=today
    )
    with pytest.raises(ValidationError) as refused:
        record(afternoon, adviser, start_time=None, today=today)
    expected = rules.VISIT_MOVED_ONTO_ANOTHER.format(
        kind="core entitlement", school=linked.name, status="planned", day=day
    )
    assert refused.value.message_dict == {"visit_date": [expected]}
    with pytest.raises(ValidationError):
        record(later, adviser, visit_date=day, today=today)
    later.refresh_from_db()
    assert (later.visit_date, later.strengths) == (date(2026, 12, 17), "")  # nothing saved
    record(afternoon, adviser, start_time=time(13, 15), today=today)  # unmoved: saved
    record(later, adviser, visit_date=day, start_time=time(9, 0), visit_type="monitoring", today=today)  # its own


def test_the_same_msp_meeting_record_sent_twice_makes_one_meeting(linked, officer):
    group = MspGroupFactory(school=linked, chair=officer, set_up_on=SET_UP)
    fields = {
        "group": group, "held_on": date(2026, 11, 12), "start_time": None, "attendees": "All members",
        "reviews": [], "impact_of_support": "Some", "support_refocused": False, "refocus_details": "",
        "minutes": "Minutes", "summary_key_points": "Key points", "recommendation": MspRecommendation.CONTINUE,
        "new_actions": [services.NewAction("Governors' standards committee", "school", date(2027, 1, 15))],
        "actor": officer, "today": date(2026, 11, 22),
    }  # fmt: skip
    first = services.msp_meeting_record_new(**fields)
    assert services.msp_meeting_record_new(**fields) == first
    assert group.meetings.count() == 1
    assert Action.objects.count() == 1
    planned = services.msp_meeting_plan(group=group, held_on=date(2026, 12, 9), actor=officer)
    assert services.msp_meeting_plan(group=group, held_on=date(2026, 12, 9), actor=officer) == planned


def test_an_msp_group_cannot_be_set_up_on_a_day_still_to_come(linked, officer, adviser):
    with pytest.raises(ValidationError) as raised:
        set_up(linked, officer, adviser, officer, set_up_on=date(2026, 11, 23))
    assert raised.value.message_dict == {"set_up_on": [services.MSP_GROUP_SET_UP_IN_FUTURE]}
    assert not MspGroup.objects.exists()
    assert set_up(linked, officer, adviser, officer, set_up_on=date(2026, 11, 22)).set_up_on == date(2026, 11, 22)


def test_an_msp_group_closes_between_its_set_up_and_today(linked, officer, adviser):
    group = set_up(linked, officer, adviser, officer, set_up_on=date(2026, 9, 1))
    today = date(2026, 11, 22)
    for closed_on, message in (
        (date(2026, 11, 23), services.MSP_GROUP_CLOSED_IN_FUTURE),
        (date(2026, 8, 31), services.MSP_GROUP_CLOSED_BEFORE_SET_UP.format(set_up_on=date(2026, 9, 1))),
    ):
        with pytest.raises(ValidationError) as raised:
            services.msp_group_close(group=group, closed_on=closed_on, reason="Exit", actor=officer, today=today)
        assert raised.value.message_dict == {"closed_on": [message]}
    assert "1 September 2026" in services.MSP_GROUP_CLOSED_BEFORE_SET_UP.format(set_up_on=date(2026, 9, 1))
    MspMeetingFactory(group=group, held_on=date(2026, 10, 5))  # held
    with pytest.raises(ValidationError) as raised:
        services.msp_group_close(group=group, closed_on=date(2026, 10, 4), reason="Exit", actor=officer, today=today)
    assert raised.value.message_dict == {
        "closed_on": [services.MSP_GROUP_CLOSED_BEFORE_MEETING.format(held_on=date(2026, 10, 5))]
    }
    group.refresh_from_db()
    assert group.is_open
    services.msp_group_close(group=group, closed_on=date(2026, 10, 5), reason="Exit", actor=officer, today=today)
    group.refresh_from_db()
    assert (group.is_open, group.closed_on) == (False, date(2026, 10, 5))


def test_a_meeting_cannot_be_planned_or_recorded_before_its_group_was_set_up(linked, officer, adviser):
    group = set_up(linked, officer, adviser, officer, set_up_on=date(2026, 9, 1))
    before = services.MSP_MEETING_BEFORE_SET_UP.format(set_up_on=date(2026, 9, 1))
    assert "1 September 2026" in before
    with pytest.raises(ValidationError) as raised:
        services.msp_meeting_plan(group=group, held_on=date(2026, 8, 31), actor=officer)
    assert raised.value.message_dict == {"held_on": [before]}
    meeting = services.msp_meeting_plan(group=group, held_on=date(2026, 9, 1), actor=officer)  # the day itself
    with pytest.raises(ValidationError) as raised:
        meeting_record(meeting, officer, held_on=date(2026, 8, 28))
    assert raised.value.message_dict == {"held_on": [before]}
    meeting.refresh_from_db()
    assert (meeting.status, meeting.held_on) == (MspMeetingStatus.PLANNED, date(2026, 9, 1))
    assert meeting_record(meeting, officer, held_on=date(2026, 9, 1)).status == MspMeetingStatus.HELD


def test_a_planned_meeting_of_a_closed_group_cannot_be_recorded(linked, officer):
    meeting = MspMeetingFactory(group__school=linked, group__set_up_on=date(2026, 1, 12), planned=True)
    services.msp_group_close(
        group=meeting.group, closed_on=date(2026, 11, 20), reason="Exit", actor=officer, today=date(2026, 11, 22)
    )
    with pytest.raises(ValidationError, match=services.MSP_GROUP_CLOSED):
        meeting_record(meeting, officer)
    meeting.refresh_from_db()
    assert meeting.status == MspMeetingStatus.PLANNED
