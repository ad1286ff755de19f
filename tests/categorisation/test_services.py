"""The categorisation workflow and framework management, through the services."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from categorisation import services
from categorisation.models import Categorisation, CategorisationEvent, Criterion, Framework, Status, Tick
from categorisation.rules import (
    ACADEMY_NOT_CATEGORISED,
    EVIDENCE_REQUIRED,
    LEVEL_REQUIRED,
    NOTHING_TICKED,
    OWN_JUDGEMENT,
    TERM_BEFORE_CURRENT,
    a_departure_from_the_suggestion_needs_a_rationale,
    a_new_categorisation_is_for_the_current_categorys_term_or_a_later_one,
    elected_members_are_alerted_of_significant_concern,
    the_la_categorises_its_maintained_schools,
)
from categorisation.selectors import current_category, framework_in_use
from schools.models import Councillor, ElectedMemberAlert, ElectedMemberAlertKind
from tests.categorisation.factories import (
    STRATEGY_FRAMEWORK,
    ApprovedCategorisationFactory,
    CategorisationFactory,
    aware,
)
from tests.factories import InspectionFactory, SchoolFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)


def criterion(code: str) -> Criterion:
    return Criterion.objects.get(area__framework__name=STRATEGY_FRAMEWORK, code=code)


def ticks_of(categorisation) -> dict[str, str]:
    return {t.criterion.code: t.evidence for t in categorisation.ticks.select_related("criterion")}


def high_ticks() -> dict[int, str]:
    codes = ["LM-H2", "LM-H3", "QE-H1", "QE-H5", "BA-H2", "PD-H1"]
    return {criterion(code).pk: f"Evidence for {code}" for code in codes}


@pytest.fixture
def draft(school, adviser):
    return services.categorisation_start(school=school, actor=adviser, on=TODAY)


def submitted(categorisation, actor, level="high"):
    return services.categorisation_submit(
        categorisation=categorisation, actor=actor, ticks=high_ticks(), level=level, rationale=""
    )


# ---- starting ---------------------------------------------------------------------------------


def test_starting_uses_the_framework_in_use_and_the_term_of_the_day(draft):
    assert draft.framework.name == STRATEGY_FRAMEWORK
    assert (draft.academic_year, draft.term, draft.status) == (2026, "autumn", Status.DRAFT)
    assert draft.events.get().kind == "started"
    assert draft.history.first().history_user.username == "adviser"


def test_facts_pre_tick_their_statements_as_suggestions_labelled_with_their_source(school, adviser):
    school.head_appointment = "interim"
    school.save()
    InspectionFactory(school=school, overall_effectiveness=3, start_date=date(2025, 3, 10))
    categorisation = services.categorisation_start(school=school, actor=adviser, on=TODAY)
    sources = {t.criterion.code: t.fact_source for t in categorisation.ticks.select_related("criterion")}
    assert sources == {
        "LM-M4": "Ofsted: requires improvement (10 March 2025)",
        "LM-M5": "School register: interim or acting headteacher",
    }
    assert categorisation.suggested_level == "medium"


def test_the_adviser_can_untick_a_suggested_statement(school, adviser):
    InspectionFactory(school=school, overall_effectiveness=3, start_date=date(2025, 3, 10))
    categorisation = services.categorisation_start(school=school, actor=adviser, on=TODAY)
    services.categorisation_save(categorisation=categorisation, actor=adviser, ticks={})
    assert not categorisation.ticks.exists()
    assert categorisation.history.filter(history_type="~").exists() or Tick.history.filter(history_type="-").exists()


def test_academies_are_not_categorised_by_the_la(adviser):
    academy = SchoolFactory(academy=True)
    with pytest.raises(ValidationError) as error:
        services.categorisation_start(school=academy, actor=adviser, on=TODAY)
    assert error.value.messages == [ACADEMY_NOT_CATEGORISED]
    assert the_la_categorises_its_maintained_schools(academy) == [ACADEMY_NOT_CATEGORISED]
    assert not Categorisation.objects.exists()


def test_a_school_has_only_one_categorisation_in_progress(draft, school, officer):
    with pytest.raises(ValidationError, match="already has a categorisation in progress"):
        services.categorisation_start(school=school, actor=officer, on=TODAY)


# ---- saving and submitting ------------------------------------------------------------------


def test_saving_keeps_ticks_with_evidence_and_recomputes_the_suggestion(draft, adviser):
    services.categorisation_save(categorisation=draft, actor=adviser, ticks=high_ticks(), level="", rationale="")
    draft.refresh_from_db()
    assert draft.suggested_level == "high"
    assert ticks_of(draft)["QE-H1"] == "Evidence for QE-H1"
    assert draft.status == Status.DRAFT


def test_submitting_needs_ticks_evidence_and_a_level_and_saves_nothing_when_refused(draft, adviser):
    with pytest.raises(ValidationError) as error:
        services.categorisation_submit(categorisation=draft, actor=adviser, ticks={}, level="", rationale="")
    assert error.value.message_dict == {"__all__": [NOTHING_TICKED], "level": [LEVEL_REQUIRED]}

    no_evidence = {criterion("QE-H1").pk: " "}
    with pytest.raises(ValidationError) as error:
        services.categorisation_submit(
            categorisation=draft, actor=adviser, ticks=no_evidence, level="high", rationale=""
        )
    key = f"evidence_{criterion('QE-H1').pk}"
    assert error.value.message_dict == {key: [EVIDENCE_REQUIRED.format(text=criterion("QE-H1").text)]}
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert not draft.ticks.filter(criterion__code="QE-H1").exists()  # rolled back


def test_a_departure_from_the_suggestion_needs_a_rationale(draft, adviser):
    with pytest.raises(ValidationError) as error:
        services.categorisation_submit(
            categorisation=draft, actor=adviser, ticks=high_ticks(), level="medium", rationale=""
        )
    assert "rationale" in error.value.message_dict
    services.categorisation_submit(
        categorisation=draft, actor=adviser, ticks=high_ticks(), level="medium", rationale="New head, strong plan."
    )
    draft.refresh_from_db()
    assert (draft.status, draft.level, draft.suggested_level) == (Status.SUBMITTED, "medium", "high")
    assert draft.departs_from_suggestion


@pytest.mark.parametrize(
    ("suggested", "level", "rationale", "refused"),
    [
        ("high", "high", "", False),
        ("high", "medium", "", True),
        ("high", "medium", "   ", True),
        ("low", "medium", "Because", False),
        (None, "medium", "", False),
    ],
)
def test_a_departure_from_the_suggestion_needs_a_rationale_rule(suggested, level, rationale, refused):
    errors = a_departure_from_the_suggestion_needs_a_rationale(suggested=suggested, level=level, rationale=rationale)
    assert list(errors) == (["rationale"] if refused else [])


def test_a_submitted_categorisation_cannot_be_edited(draft, adviser):
    submitted(draft, adviser)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.categorisation_save(categorisation=draft, actor=adviser, ticks={})


# ---- review ---------------------------------------------------------------------------------


def test_an_officer_returns_with_comments_and_the_adviser_revises_and_resubmits(draft, adviser, officer):
    submitted(draft, adviser)
    with pytest.raises(ValidationError) as error:
        services.categorisation_return(categorisation=draft, actor=officer, comments=" ")
    assert "comments" in error.value.message_dict
    services.categorisation_return(categorisation=draft, actor=officer, comments="Add evidence on attendance.")
    draft.refresh_from_db()
    assert (draft.status, draft.review_comments) == (Status.RETURNED, "Add evidence on attendance.")
    ticks = high_ticks() | {criterion("BA-H1").pk: "Attendance 89% against 93% nationally."}
    services.categorisation_submit(categorisation=draft, actor=adviser, ticks=ticks, level="high", rationale="")
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert [e.kind for e in draft.events.all()] == ["started", "submitted", "returned", "submitted"]


def test_only_approved_categorisations_change_the_current_category(draft, adviser, officer, school):
    submitted(draft, adviser)
    assert current_category(school) is None
    services.categorisation_approve(categorisation=draft, actor=officer)
    current = current_category(school)
    assert (current.level, current.categorisation_id, current.approved_by) == ("high", draft.pk, "Olivia Okafor")


def test_a_categorisation_cannot_be_approved_twice(draft, adviser, officer, make_user):
    submitted(draft, adviser)
    services.categorisation_approve(categorisation=draft, actor=officer)
    other_officer = make_user("officer", username="officer2")
    with pytest.raises(ValidationError, match="already approved by Olivia Okafor"):
        services.categorisation_approve(categorisation=draft, actor=other_officer)
    with pytest.raises(ValidationError):
        services.categorisation_return(categorisation=draft, actor=other_officer, comments="Too late")
    assert CategorisationEvent.objects.filter(kind="approved").count() == 1


def test_an_officer_cannot_approve_their_own_submission(school, officer):
    categorisation = services.categorisation_start(school=school, actor=officer, on=TODAY)
    submitted(categorisation, officer)
    with pytest.raises(ValidationError, match="another officer must approve it"):
        services.categorisation_approve(categorisation=categorisation, actor=officer)


def test_an_adviser_cannot_approve_or_return(draft, adviser, make_user):
    submitted(draft, adviser)
    second = make_user("adviser", username="adviser2")
    with pytest.raises(PermissionDenied):
        services.categorisation_approve(categorisation=draft, actor=second)
    with pytest.raises(PermissionDenied):
        services.categorisation_return(categorisation=draft, actor=second, comments="No")


def test_an_approved_categorisation_is_never_edited_only_superseded(draft, adviser, officer, school):
    submitted(draft, adviser)
    services.categorisation_approve(categorisation=draft, actor=officer)
    with pytest.raises(ValidationError):
        services.categorisation_save(categorisation=draft, actor=adviser, ticks={})
    with pytest.raises(ValidationError):
        services.categorisation_withdraw(categorisation=draft, actor=adviser)
    later = services.categorisation_supersede(categorisation=draft, actor=adviser, on=TODAY)
    assert ticks_of(later) == ticks_of(draft)
    assert later.level == "high"
    services.categorisation_submit(categorisation=later, actor=adviser, ticks={criterion("QE-M4").pk: "Better"},
                                   level="medium", rationale="")  # fmt: skip
    services.categorisation_approve(categorisation=later, actor=officer)
    later.refresh_from_db()
    assert later.supersedes == draft
    assert current_category(school).direction == "improving"
    draft.refresh_from_db()
    assert (draft.status, draft.level) == (Status.APPROVED, "high")


def test_only_the_current_approved_categorisation_can_be_superseded(school, adviser):
    old = ApprovedCategorisationFactory(school=school, term="spring", approved_at=aware(2026, 2, 1))
    ApprovedCategorisationFactory(school=school, term="summer", approved_at=aware(2026, 5, 1))
    with pytest.raises(ValidationError):
        services.categorisation_supersede(categorisation=old, actor=adviser)


def test_a_draft_can_be_withdrawn_and_a_new_one_started(draft, adviser, school):
    services.categorisation_withdraw(categorisation=draft, actor=adviser)
    draft.refresh_from_db()
    assert draft.status == Status.WITHDRAWN
    assert services.categorisation_start(school=school, actor=adviser, on=TODAY).pk != draft.pk


# ---- elected members ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("previous", "level", "alerted"),
    [(None, "high", True), ("medium", "high", True), ("low", "high", True), ("high", "high", False),
     ("high", "medium", False), (None, "medium", False)],
)  # fmt: skip
def test_elected_members_are_alerted_of_significant_concern(previous, level, alerted):
    assert elected_members_are_alerted_of_significant_concern(previous=previous, level=level) is alerted


def test_approving_high_support_alerts_the_wards_councillors(django_capture_on_commit_callbacks, draft, adviser,
                                                              officer, school):  # fmt: skip
    Councillor.objects.create(ward=school.ward, name="Alex Turner", email="alex.turner@example.gov.uk")
    ApprovedCategorisationFactory(school=school, level="medium", term="summer", academic_year=2025,
                                  approved_at=aware(2026, 5, 15))  # fmt: skip
    submitted(draft, adviser)
    with django_capture_on_commit_callbacks(execute=True):
        services.categorisation_approve(categorisation=draft, actor=officer)
    alert = ElectedMemberAlert.objects.get()
    assert (alert.school, alert.kind, alert.created_by) == (school, ElectedMemberAlertKind.HIGH_SUPPORT, officer)
    assert "high support for Autumn 2026/27 (previously medium support)" in alert.summary
    assert len(mail.outbox) == 1


def test_staying_high_support_does_not_alert_again(draft, adviser, officer, school):
    ApprovedCategorisationFactory(school=school, level="high", term="summer", academic_year=2025,
                                  approved_at=aware(2026, 5, 15))  # fmt: skip
    submitted(draft, adviser)
    services.categorisation_approve(categorisation=draft, actor=officer)
    assert not ElectedMemberAlert.objects.exists()


# ---- frameworks -------------------------------------------------------------------------------


def test_an_officer_builds_a_report_card_framework_and_activates_it_from_a_date(officer, school, adviser):
    framework = services.framework_create(name="Report card areas 2026", description="", actor=officer)
    area = services.area_save(framework=framework, actor=officer, code="inclusion", name="Inclusion", order=1)
    services.criterion_save(area=area, actor=officer, level="high", code="IN-H1",
                            text="Pupils with SEND are not well supported", order=1)  # fmt: skip
    services.criterion_save(area=area, actor=officer, level="low", code="IN-L1", text="Inclusion is strong", order=2)
    with pytest.raises(ValidationError):
        services.framework_activate(framework=framework, active_from=date(2026, 11, 1), actor=officer, today=TODAY)
    services.framework_activate(framework=framework, active_from=date(2027, 1, 4), actor=officer, today=TODAY)

    assert framework_in_use(date(2027, 1, 3)).name == STRATEGY_FRAMEWORK
    assert framework_in_use(date(2027, 1, 4)) == framework
    later = services.categorisation_start(school=school, actor=adviser, on=date(2027, 1, 5))
    assert later.framework == framework


def test_an_activated_framework_cannot_change_so_past_judgements_stay_as_made(officer):
    strategy = Framework.objects.get(name=STRATEGY_FRAMEWORK)
    area = strategy.areas.first()
    with pytest.raises(ValidationError, match="cannot change"):
        services.criterion_save(area=area, actor=officer, level="low", code="LM-L9", text="New")
    with pytest.raises(ValidationError):
        services.criterion_delete(criterion=area.criteria.first(), actor=officer)
    with pytest.raises(ValidationError):
        services.area_save(framework=strategy, actor=officer, code="x", name="X", area=area)
    copy = services.framework_copy(framework=strategy, name="Strategy 2022-2024, revised", actor=officer)
    assert copy.is_draft
    assert copy.copied_from == strategy
    assert Criterion.objects.filter(area__framework=copy).count() == 52
    changed = Criterion.objects.get(area__framework=copy, code="LM-L1")
    services.criterion_save(area=changed.area, actor=officer, criterion=changed, level="low", code="LM-L1",
                            text="Safeguarding is strong.", is_safeguarding=True)  # fmt: skip
    assert criterion("LM-L1").text.startswith("The culture of safeguarding is strong")


def test_framework_names_area_codes_and_statement_codes_are_unique(officer):
    framework = services.framework_create(name="Draft", actor=officer)
    with pytest.raises(ValidationError):
        services.framework_create(name="draft", actor=officer)
    area = services.area_save(framework=framework, actor=officer, code="a", name="A")
    with pytest.raises(ValidationError):
        services.area_save(framework=framework, actor=officer, code="a", name="A again")
    services.criterion_save(area=area, actor=officer, level="low", code="A-1", text="One")
    with pytest.raises(ValidationError):
        services.criterion_save(area=area, actor=officer, level="low", code="A-1", text="Two")
    with pytest.raises(ValidationError):
        services.criterion_save(area=area, actor=officer, level="low", code="A-2", text="Two", fact_key="made_up")


# ---- review findings: terms out of order, four eyes ------------------------------------------------


@pytest.mark.parametrize(
    ("year", "term", "current", "refused"),
    [
        (2026, "autumn", None, False),  # no category yet
        (2026, "autumn", (2026, "autumn"), False),  # a mid-term change
        (2026, "spring", (2026, "autumn"), False),
        (2027, "autumn", (2026, "summer"), False),
        (2025, "summer", (2026, "autumn"), True),  # the previous term, after this term's is approved
        (2026, "autumn", (2026, "spring"), True),
        (2025, "autumn", (2025, "spring"), True),
    ],
)
def test_a_new_categorisation_is_for_the_current_categorys_term_or_a_later_one(year, term, current, refused):
    current_year, current_term = current or (None, None)
    arguments = {"academic_year": year, "term": term, "current_year": current_year, "current_term": current_term}
    errors = a_new_categorisation_is_for_the_current_categorys_term_or_a_later_one(**arguments)
    if refused:
        assert len(errors) == 1
        assert "an earlier term" in errors[0]
    else:
        assert errors == []


def test_a_categorisation_for_a_term_before_the_current_category_cannot_be_started(school, adviser):
    ApprovedCategorisationFactory(school=school, level="low", academic_year=2026, term="autumn",
                                  approved_at=aware(2026, 10, 6))  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.categorisation_start(school=school, actor=adviser, academic_year=2025, term="summer", on=TODAY)
    assert error.value.messages == [TERM_BEFORE_CURRENT.format(current="Autumn 2026/27", term="Summer 2025/26")]
    assert not Categorisation.objects.exclude(status=Status.APPROVED).exists()
    mid_term = services.categorisation_start(school=school, actor=adviser, academic_year=2026, term="autumn", on=TODAY)
    assert mid_term.status == Status.DRAFT


def test_an_older_term_is_never_approved_over_a_later_current_category(school, adviser, officer):
    """Were it approved, the older judgement would become the current category (the latest approved)."""
    older = CategorisationFactory(
        school=school,
        academic_year=2025,
        term="summer",
        status=Status.SUBMITTED,
        level="high",
        suggested_level="high",
        created_by=adviser,
        submitted_by=adviser,
    )
    later = ApprovedCategorisationFactory(school=school, level="low", academic_year=2026, term="autumn",
                                          approved_at=aware(2026, 10, 6))  # fmt: skip
    with pytest.raises(ValidationError, match="an earlier term"):
        services.categorisation_approve(categorisation=older, actor=officer)
    older.refresh_from_db()
    assert older.status == Status.SUBMITTED
    assert current_category(school).categorisation_id == later.pk
    assert not ElectedMemberAlert.objects.exists()


@pytest.fixture
def second_officer(make_user):
    return make_user("officer", username="officer2", first_name="Sam", last_name="Patel")


def test_an_officer_who_started_a_categorisation_does_not_approve_it_though_the_adviser_submitted_it(
    school, adviser, officer, second_officer
):
    school.link_adviser = adviser
    school.save()
    categorisation = services.categorisation_start(school=school, actor=officer, on=TODAY)
    submitted(categorisation, adviser)
    with pytest.raises(ValidationError) as error:
        services.categorisation_approve(categorisation=categorisation, actor=officer)
    assert error.value.messages == [OWN_JUDGEMENT]
    services.categorisation_approve(categorisation=categorisation, actor=second_officer)
    assert current_category(school).approved_by == "Sam Patel"


@pytest.mark.parametrize("change", ["ticks", "evidence", "level", "rationale"])
def test_an_officer_who_changed_the_judgement_does_not_approve_it(draft, adviser, officer, second_officer, change):
    ticks = high_ticks()
    submitted(draft, adviser)
    services.categorisation_return(categorisation=draft, actor=officer, comments="Look again at leadership.")
    level, rationale = "high", ""
    if change == "ticks":
        ticks = ticks | {criterion("LM-H3").pk: "Officer's own evidence"}
    elif change == "evidence":
        ticks = ticks | {criterion("QE-H1").pk: "Officer's own wording"}
    elif change == "level":
        level, rationale = "medium", "The officer's view."
    else:
        rationale = "The officer's note."
    services.categorisation_save(categorisation=draft, actor=officer, ticks=ticks, level=level, rationale=rationale)
    services.categorisation_submit(categorisation=draft, actor=adviser)
    with pytest.raises(ValidationError) as error:
        services.categorisation_approve(categorisation=draft, actor=officer)
    assert error.value.messages == [OWN_JUDGEMENT]
    services.categorisation_approve(categorisation=draft, actor=second_officer)


def test_an_officer_who_only_returned_it_approves_the_resubmission(draft, adviser, officer):
    submitted(draft, adviser)
    services.categorisation_return(categorisation=draft, actor=officer, comments="Add the attendance data.")
    services.categorisation_save(categorisation=draft, actor=officer, ticks=high_ticks(), level="high", rationale="")
    services.categorisation_submit(categorisation=draft, actor=adviser)
    services.categorisation_approve(categorisation=draft, actor=officer)  # saving without a change is no change
    draft.refresh_from_db()
    assert draft.status == Status.APPROVED


def test_the_alert_for_a_school_categorised_for_the_first_time_says_so_plainly(
    django_capture_on_commit_callbacks, draft, adviser, officer
):
    submitted(draft, adviser)
    services.categorisation_approve(categorisation=draft, actor=officer)
    summary = ElectedMemberAlert.objects.get().summary
    assert "high support for Autumn 2026/27 (not categorised before)" in summary
    assert "previously not" not in summary
