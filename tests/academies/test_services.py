"""The strategy's academy rules, through the services (real database, no mocks)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from academies import rules, services
from academies.models import (
    Concern,
    ConcernSource,
    ConcernStatus,
    ConcernType,
    DecisionKind,
    LadderStage,
    Rag,
    RoutingKind,
)
from academies.selectors import direction_of_travel, meeting_pack, rag_history, stage_of
from tests.factories import SchoolFactory

from .conftest import DAY

pytestmark = pytest.mark.django_db

STRATEGY_WORDS = [
    "declining trend in pupil performance",
    "high absence or persistent absence",
    "high exclusions",
    "persistent underperformance of disadvantaged groups, e.g. those eligible for Pupil Premium or with SEN",
    "continued reluctance to admit, or provide for, disadvantaged groups",
    "behaviour and/or safety",
    "evidence of a breakdown in leadership or management",
    "refusal to engage with the LA through ongoing processes",
    "inadequate progress towards becoming a good school",
    "a drop in Ofsted rating",
]


def test_the_concern_types_are_the_strategys_words_in_its_order():
    assert list(ConcernType.objects.values_list("text", flat=True)) == STRATEGY_WORDS


def test_a_concern_cannot_be_opened_about_a_maintained_school(make_concern, on_day):
    on_day(DAY)
    maintained = SchoolFactory(name="Heron Primary School")
    with pytest.raises(ValidationError) as error:
        make_concern(maintained)
    assert error.value.messages == [rules.NOT_AN_ACADEMY.format(school="Heron Primary School")]


def test_opening_a_concern_records_its_first_rag_rating(academy, make_concern, on_day):
    on_day(DAY)
    concern = make_concern(academy, rag=Rag.RED)
    assert [(c.rag, c.rated_on) for c in rag_history(concern)] == [(Rag.RED, DAY)]


def test_the_ladder_cannot_be_skipped(academy, make_concern, officer, on_day):
    on_day(DAY)
    concern = make_concern(academy)
    with pytest.raises(ValidationError) as error:
        services.concern_record_step(
            concern=concern, stage=LadderStage.FORMAL_LETTER, taken_on=DAY, notes="Letter", actor=officer
        )
    assert error.value.messages == [rules.STEP_SKIPS_THE_LADDER.format(previous=LadderStage.MEETING.label.lower())]


def test_a_step_is_dated_after_the_concern_and_the_rungs_below_it(academy, make_concern, officer, on_day):
    """The review: a meeting dated before the concern was raised, and a formal letter dated before
    the meeting it follows, were both accepted."""
    from datetime import timedelta

    on_day(DAY)
    concern = make_concern(academy, raised_on=DAY - timedelta(days=10))
    raised = concern.raised_on

    def step(stage, on):
        return services.concern_record_step(concern=concern, stage=stage, taken_on=on, notes="Done", actor=officer)

    with pytest.raises(ValidationError) as error:
        step(LadderStage.MEETING, raised - timedelta(days=1))
    assert error.value.message_dict == {"taken_on": [rules.STEP_BEFORE_THE_CONCERN.format(raised_on=raised)]}
    step(LadderStage.MEETING, raised + timedelta(days=2))
    step(LadderStage.MEETING, raised + timedelta(days=1))  # a rung repeated: in any order
    with pytest.raises(ValidationError) as error:
        step(LadderStage.FORMAL_LETTER, raised + timedelta(days=1))
    expected = rules.STEP_BEFORE_AN_EARLIER_RUNG.format(
        taken_on=raised + timedelta(days=2),
        previous="meeting with the principal and/or the trust CEO, arranged by the Director of Education",
    )
    assert error.value.message_dict == {"taken_on": [expected]}
    assert step(LadderStage.FORMAL_LETTER, raised + timedelta(days=2)).stage == LadderStage.FORMAL_LETTER


def test_an_escalation_must_name_who_it_went_to(academy, make_concern, officer, on_day):
    on_day(DAY)
    concern = make_concern(academy)
    for stage in (LadderStage.MEETING, LadderStage.FORMAL_LETTER):
        services.concern_record_step(concern=concern, stage=stage, taken_on=DAY, notes="Done", actor=officer)
    with pytest.raises(ValidationError) as error:
        services.concern_record_step(
            concern=concern, stage=LadderStage.ESCALATION, taken_on=DAY, notes="Escalate", actor=officer
        )
    assert error.value.messages == [rules.ESCALATION_NEEDS_A_BODY]
    step = services.concern_record_step(
        concern=concern, stage=LadderStage.ESCALATION, taken_on=DAY, notes="Escalate", to_regional_director=True,
        actor=officer,
    )  # fmt: skip
    assert step.bodies == ["the DfE Regional Director"]
    assert stage_of(concern) == LadderStage.ESCALATION


def test_a_whistleblowing_concern_is_routed_to_the_esfa(academy, make_concern, officer, on_day):
    on_day(DAY)
    concern = make_concern(academy, source=ConcernSource.WHISTLEBLOWING)
    routing = services.concern_record_routing(concern=concern, done_on=DAY, actor=officer)
    assert (routing.kind, routing.done_by, routing.done_on) == (RoutingKind.WHISTLEBLOWING, officer, DAY)
    with pytest.raises(ValidationError):
        services.concern_record_routing(concern=concern, done_on=DAY, actor=officer)


def test_a_safeguarding_concern_is_reported_to_both_the_regional_director_and_the_trust(
    academy, make_concern, officer, on_day
):
    on_day(DAY)
    concern = make_concern(academy, source=ConcernSource.SAFEGUARDING, codes=("behaviour_safety",))
    with pytest.raises(ValidationError) as error:
        services.concern_record_routing(concern=concern, done_on=DAY, reported_to_regional_director=True, actor=officer)
    assert error.value.messages == [rules.SAFEGUARDING_NEEDS_BOTH]
    with pytest.raises(ValidationError) as error:
        services.concern_record_routing(
            concern=concern, done_on=DAY, reported_to_regional_director=True, reported_to_trust=True,
            outcome_reported_to_ofsted_on=DAY, actor=officer,
        )  # fmt: skip
    assert error.value.messages == [rules.OFSTED_OUTCOME_ONLY_WHERE_OFSTED_RAISED]
    routing = services.concern_record_routing(
        concern=concern, done_on=DAY, reported_to_regional_director=True, reported_to_trust=True, actor=officer
    )
    assert routing.kind == RoutingKind.SAFEGUARDING


def test_the_las_own_monitoring_needs_no_routing(academy, make_concern, officer, on_day):
    on_day(DAY)
    concern = make_concern(academy)
    assert rules.routing_for_source(concern.source) is None
    with pytest.raises(ValidationError):
        services.concern_record_routing(concern=concern, done_on=DAY, actor=officer)


def test_a_reopened_concern_keeps_its_steps_ratings_and_earlier_outcome(academy, make_concern, officer, on_day):
    on_day(DAY)
    concern = make_concern(academy)
    services.concern_record_step(concern=concern, stage=LadderStage.MEETING, taken_on=DAY, notes="Met", actor=officer)
    services.concern_end(concern=concern, status=ConcernStatus.CLOSED, outcome="Plan agreed", actor=officer)
    with pytest.raises(ValidationError):
        services.concern_record_step(
            concern=concern, stage=LadderStage.MEETING, taken_on=DAY, notes="Again", actor=officer
        )
    services.concern_reopen(concern=concern, reason="Results fell again", actor=officer)
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.OPEN
    assert concern.outcome == ""
    assert concern.steps.count() == 1
    assert list(concern.decisions.values_list("kind", "text")) == [
        (DecisionKind.CLOSED, "Plan agreed"),
        (DecisionKind.REOPENED, "Results fell again"),
    ]
    assert concern.history.filter(status=ConcernStatus.CLOSED).exists()


def test_a_decision_on_a_resolved_or_closed_concern_is_refused_until_it_is_reopened(
    academy, make_concern, officer, on_day
):
    """Its page offers no decision once it has ended; a form posted from a page opened before is
    refused too (the academies journey: a decision was recorded under the resolution)."""
    on_day(DAY)
    concern = make_concern(academy)
    services.concern_end(concern=concern, status=ConcernStatus.RESOLVED, outcome="Met", actor=officer)
    with pytest.raises(ValidationError) as refused:
        services.concern_record_decision(concern=concern, text="Decision after resolving", actor=officer)
    assert refused.value.messages == [rules.CONCERN_NOT_OPEN.format(status="resolved")]
    services.concern_reopen(concern=concern, reason="Results fell again", actor=officer)
    services.concern_record_decision(concern=concern, text="Ask the trust for its plan", actor=officer)
    assert concern.decisions.filter(kind=DecisionKind.DECISION).count() == 1


def test_the_direction_of_travel_compares_the_latest_two_ratings(academy, make_concern, officer, on_day):
    on_day(DAY)
    concern = make_concern(academy, rag=Rag.AMBER)
    services.concern_rate(concern=concern, rag=Rag.RED, reason="No response from the trust", actor=officer)
    assert direction_of_travel(rag_history(concern)).word == "worsening"
    services.concern_rate(concern=concern, rag=Rag.GREEN, reason="Plan in place", actor=officer)
    assert direction_of_travel(rag_history(concern)).word == "improving"


def test_the_meeting_pack_lists_open_red_concerns_and_those_taken_to_the_trust_chair(
    academy, make_concern, officer, on_day
):
    on_day(DAY)
    red = make_concern(academy, rag=Rag.RED)
    amber_letter = make_concern(SchoolFactory(name="Teal Academy", academy=True), rag=Rag.AMBER)
    for stage in (LadderStage.MEETING, LadderStage.FORMAL_LETTER):
        services.concern_record_step(concern=amber_letter, stage=stage, taken_on=DAY, notes="Done", actor=officer)
    make_concern(SchoolFactory(name="Wren Academy", academy=True), rag=Rag.AMBER)  # not significant
    closed = make_concern(SchoolFactory(name="Skylark Academy", academy=True), rag=Rag.RED)
    services.concern_end(concern=closed, status=ConcernStatus.RESOLVED, outcome="Met", actor=officer)
    assert [row.concern for row in meeting_pack(user=officer)] == [red, amber_letter]


def test_dates_in_the_future_are_refused(academy, make_concern, on_day):
    on_day(DAY)
    with pytest.raises(ValidationError):
        make_concern(academy, raised_on=date(2026, 11, 17))


def test_a_whistleblowing_concerns_owner_changes_only_to_an_officer_and_an_earlier_owner_holds_nothing_up(
    academy, make_concern, officer, adviser, on_day
):
    on_day(DAY)
    concern = make_concern(academy, source=ConcernSource.WHISTLEBLOWING)
    types = list(concern.concern_types.all())
    with pytest.raises(ValidationError) as refused:
        services.concern_update(
            concern=concern, concern_types=types, description="x", owner=adviser, next_review_on=None, actor=officer
        )
    assert refused.value.message_dict == {"owner": [rules.WHISTLEBLOWING_OWNER_NOT_AN_OFFICER]}
    Concern.objects.filter(pk=concern.pk).update(owner=adviser)  # an owner from before the rule
    concern.refresh_from_db()
    services.concern_update(
        concern=concern, concern_types=types, description="Now with the ESFA", owner=adviser, next_review_on=None,
        actor=officer,
    )  # fmt: skip
    concern.refresh_from_db()
    assert (concern.description, concern.owner) == ("Now with the ESFA", adviser)


@pytest.mark.parametrize(
    ("today", "refused", "kept"),
    [
        (DAY, date(2026, 11, 15), date(2026, 11, 16)),
        (date(2027, 1, 1), date(2026, 12, 31), date(2027, 1, 1)),  # across the year's end
        (date(2028, 3, 1), date(2028, 2, 29), date(2028, 3, 1)),  # after a leap day
    ],
)
def test_a_next_review_is_still_to_come(academy, make_concern, on_day, today, refused, kept):
    on_day(today)
    with pytest.raises(ValidationError) as error:
        make_concern(academy, raised_on=today, next_review_on=refused)
    assert error.value.message_dict == {"next_review_on": [rules.NEXT_REVIEW_IN_THE_PAST]}
    assert not Concern.objects.exists()
    assert make_concern(academy, raised_on=today, next_review_on=kept).next_review_on == kept


def test_a_next_review_date_that_has_passed_is_kept_on_an_edit_but_not_set_again(
    academy, make_concern, officer, on_day
):
    on_day(DAY)
    concern = make_concern(academy, next_review_on=date(2026, 11, 30))
    types = list(concern.concern_types.all())
    on_day(date(2026, 12, 7))  # the review date has passed
    services.concern_update(
        concern=concern, concern_types=types, description="Updated", owner=officer,
        next_review_on=date(2026, 11, 30), actor=officer,
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.concern_update(
            concern=concern, concern_types=types, description="Updated", owner=officer,
            next_review_on=date(2026, 12, 1), actor=officer,
        )  # fmt: skip
    assert error.value.message_dict == {"next_review_on": [rules.NEXT_REVIEW_IN_THE_PAST]}
    concern.refresh_from_db()
    assert (concern.description, concern.next_review_on) == ("Updated", date(2026, 11, 30))


def test_an_edit_from_a_page_opened_before_the_concern_was_resolved_is_refused_and_leaves_it_resolved(
    academy, make_concern, officer, adviser, on_day
):
    on_day(DAY)
    concern = make_concern(academy)
    page_copy = Concern.objects.get(pk=concern.pk)  # the adviser opens the edit page
    services.concern_end(concern=concern, status=ConcernStatus.RESOLVED, outcome="Results recovered", actor=officer)

    with pytest.raises(ValidationError) as refused:
        services.concern_update(
            concern=page_copy, concern_types=list(page_copy.concern_types.all()), description="Updated",
            owner=officer, next_review_on=None, actor=adviser,
        )  # fmt: skip

    assert refused.value.messages == [rules.CONCERN_NOT_OPEN.format(status="resolved")]
    concern.refresh_from_db()
    assert (concern.status, concern.outcome, concern.description) == (
        ConcernStatus.RESOLVED, "Results recovered", "Key stage 2 results fell for the third year.",
    )  # fmt: skip


def test_an_edit_keeps_a_rating_given_since_its_page_was_opened(academy, make_concern, officer, on_day):
    on_day(DAY)
    concern = make_concern(academy)
    page_copy = Concern.objects.get(pk=concern.pk)
    services.concern_rate(concern=concern, rag=Rag.RED, reason="Exclusions doubled", actor=officer)

    services.concern_update(
        concern=page_copy, concern_types=list(page_copy.concern_types.all()), description="Updated",
        owner=officer, next_review_on=None, actor=officer,
    )  # fmt: skip

    concern.refresh_from_db()
    assert (concern.rag, concern.rag_reason, concern.description) == (Rag.RED, "Exclusions doubled", "Updated")


def test_a_save_of_a_trusts_contacts_keeps_the_name_gias_gave_it_since_the_page_was_opened(officer):
    from schools.models import Trust

    trust = Trust.objects.create(code="90003", name="Fen Trust")
    page_copy = Trust.objects.get(pk=trust.pk)
    Trust.objects.filter(pk=trust.pk).update(name="Fen and Nene Trust")  # a GIAS import renames it

    services.trust_update_contacts(
        trust=page_copy,
        ceo_name="Dr Ann Lee",
        chair_name="Ravi Shah",
        address="1 Fen Road\nPeterborough",
        actor=officer,
    )

    trust.refresh_from_db()
    assert (trust.name, trust.ceo_name, trust.address) == (
        "Fen and Nene Trust",
        "Dr Ann Lee",
        "1 Fen Road\nPeterborough",
    )
