"""Suggestions from facts: Ofsted compared like with like, MSP recommendations; accept or dismiss."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from letters import services, stored_suggestions, suggestions
from letters.models import Letter, LetterStatus, SuggestionDecision
from schools.models import OfstedFramework
from tests.factories import InspectionFactory, SchoolFactory
from visits.models import MspGroup, MspMeeting, MspMeetingStatus, MspRecommendation

from .factories import draft

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
RECENT = TODAY - timedelta(days=100)
OLD = TODAY - timedelta(days=4 * 365)


def graded(school, when, grade, category=""):
    return InspectionFactory(
        school=school, start_date=when, publication_date=when + timedelta(days=20), overall_effectiveness=grade,
        category_of_concern=category,
    )  # fmt: skip


def report_card(school, when, grades, safeguarding_met=True):
    areas = ["rc_inclusion", "rc_curriculum_and_teaching", "rc_achievement"]
    return InspectionFactory(
        school=school, framework=OfstedFramework.REPORT_CARD, start_date=when, publication_date=when,
        overall_effectiveness=None, safeguarding_met=safeguarding_met, **dict(zip(areas, grades, strict=True)),
    )  # fmt: skip


def suggested(school):
    return [(s.letter_type.code, s.indicator_codes) for s in stored_suggestions.suggestions_for(school_ids=[school.pk])]


@pytest.mark.parametrize(
    ("previous", "latest", "expected"),
    [
        (3, 2, [("congratulations", ["ofsted_improved_or_sustained"])]),
        (2, 2, [("congratulations", ["ofsted_improved_or_sustained"])]),
        (1, 1, [("congratulations", ["ofsted_improved_or_sustained"])]),
        (3, 3, []),
        (2, 3, [("significant_concerns", ["ofsted_drop"])]),
        (3, 4, [("significant_concerns", ["ofsted_drop"])]),
    ],
)
def test_graded_inspections_are_compared_with_the_previous_graded_inspection(school, previous, latest, expected):
    graded(school, OLD, previous)
    graded(school, RECENT, latest)
    assert suggested(school) == expected


def test_a_new_category_of_concern_suggests_significant_concerns(school):
    graded(school, OLD, 4)
    graded(school, RECENT, 4, category="SWK")
    assert suggested(school) == [("significant_concerns", ["ofsted_drop"])]


def test_a_report_card_is_never_compared_with_a_graded_inspection(school):
    graded(school, OLD, 4)
    report_card(school, RECENT, [1, 1, 1])
    assert suggested(school) == []


@pytest.mark.parametrize(
    ("previous", "latest", "expected"),
    [
        ([3, 3, 3], [2, 3, 3], "congratulations"),
        ([2, 2, 1], [2, 2, 1], "congratulations"),
        ([2, 3, 3], [2, 4, 3], "significant_concerns"),
        ([3, 3, 3], [3, 3, 3], None),
    ],
)
def test_report_cards_are_compared_area_by_area_with_the_previous_report_card(school, previous, latest, expected):
    report_card(school, OLD, previous)
    report_card(school, RECENT, latest)
    assert [code for code, _ in suggested(school)] == ([expected] if expected else [])


def test_an_ungraded_inspection_saying_the_school_remains_good_suggests_congratulations(school):
    graded(school, OLD, 2)
    InspectionFactory(school=school, framework=OfstedFramework.UNGRADED, start_date=RECENT, publication_date=RECENT,
                      overall_effectiveness=None, outcome="School remains Good")  # fmt: skip
    assert suggested(school) == [("congratulations", ["ofsted_improved_or_sustained"])]


def test_outcomes_older_than_the_look_back_suggest_nothing(school):
    graded(school, OLD - timedelta(days=800), 3)
    graded(school, OLD, 2)
    assert suggested(school) == []


def test_concerns_are_suggested_for_maintained_schools_only(academy):
    graded(academy, OLD, 2)
    graded(academy, RECENT, 3)
    assert suggested(academy) == []


def test_an_msp_recommendation_of_a_warning_notice_suggests_one(school, officer):
    group = MspGroup.objects.create(school=school, chair=officer, set_up_on=OLD)
    MspMeeting.objects.create(group=group, held_on=RECENT, status=MspMeetingStatus.HELD,
                              recommendation=MspRecommendation.WARNING_NOTICE)  # fmt: skip
    MspMeeting.objects.create(group=group, held_on=RECENT - timedelta(days=40), status=MspMeetingStatus.HELD,
                              recommendation=MspRecommendation.CONTINUE)  # fmt: skip
    assert suggested(school) == [("warning_notice", [])]


def test_an_msp_recommendation_older_than_the_lookback_is_not_suggested(school, officer):
    group = MspGroup.objects.create(school=school, chair=officer, set_up_on=OLD - timedelta(days=3 * 365))
    held = timezone.localdate() - timedelta(days=31 * (suggestions.LOOKBACK_MONTHS + 1))
    MspMeeting.objects.create(group=group, held_on=held, status=MspMeetingStatus.HELD,
                              recommendation=MspRecommendation.WARNING_NOTICE)  # fmt: skip
    assert suggested(school) == []


def test_accepting_a_suggestion_drafts_the_letter_with_its_indicator_ticked_and_issues_nothing(
    client_as, link_school, adviser
):
    graded(link_school, OLD, 2)
    inspection = graded(link_school, RECENT, 3)
    response = client_as("adviser").post(
        reverse("letters:suggestion_accept", kwargs={"urn": link_school.urn, "key": f"ofsted-{inspection.pk}"})
    )
    letter = Letter.objects.get()
    assert response["Location"] == reverse("letters:edit", kwargs={"pk": letter.pk})
    assert (letter.status, letter.letter_type.code, letter.drafted_by) == (
        LetterStatus.DRAFT,
        "significant_concerns",
        adviser,
    )
    assert [i.code for i in letter.indicators.all()] == ["ofsted_drop"]
    assert f"Dear {link_school.chair_of_governors}" in letter.body
    decision = SuggestionDecision.objects.get()
    assert (decision.decision, decision.letter) == ("accepted", letter)
    assert suggested(link_school) == []


def test_a_dismissed_suggestion_keeps_its_reason_and_is_not_suggested_again(client_as, link_school, officer):
    graded(link_school, OLD, 3)
    inspection = graded(link_school, RECENT, 2)
    url = reverse("letters:suggestion_dismiss", kwargs={"urn": link_school.urn, "key": f"ofsted-{inspection.pk}"})
    client = client_as("officer")
    assert client.post(url, {"reason": ""}).context["form"].errors["reason"] == [services.DISMISS_NEEDS_REASON]
    client.post(url, {"reason": "Congratulated in person at the governors' meeting."})
    decision = SuggestionDecision.objects.get()
    assert (decision.decision, decision.decided_by) == ("dismissed", officer)
    assert decision.dismissed_reason == "Congratulated in person at the governors' meeting."
    assert suggested(link_school) == []
    with pytest.raises(ValidationError):
        services.suggestion_accept(school=link_school, source_key=f"ofsted-{inspection.pk}", actor=officer)
    assert not Letter.objects.exists()


def test_a_fact_already_answered_by_a_letter_is_not_suggested(link_school, officer):
    graded(link_school, OLD, 2)
    graded(link_school, RECENT, 3)
    draft(link_school, "warning_notice", actor=officer)  # a more serious letter, drafted after the inspection
    assert suggested(link_school) == []


def test_advisers_see_suggestions_for_their_link_schools_only(client_as, link_school, other_school):
    for school in (link_school, other_school):
        graded(school, OLD, 2)
        graded(school, RECENT, 3)
    listed = client_as("adviser").get(reverse("letters:suggestions")).context["suggestions"]
    assert [s.school for s in listed] == [link_school]
    assert len(client_as("officer").get(reverse("letters:suggestions")).context["suggestions"]) == 2
    other = SchoolFactory()
    graded(other, OLD, 2)
    inspection = graded(other, RECENT, 3)
    url = reverse("letters:suggestion_accept", kwargs={"urn": other.urn, "key": f"ofsted-{inspection.pk}"})
    assert client_as("adviser").post(url).status_code == 403


def test_suggestions_are_shown_on_the_school_page_and_home_panels(client_as, link_school):
    graded(link_school, OLD, 2)
    graded(link_school, RECENT, 3)
    page = client_as("adviser").get(link_school.get_absolute_url()).content.decode()
    assert "down from Good" in page
    home = client_as("adviser").get(reverse("dashboard:home")).content.decode()
    assert "down from Good" in home
    assert "down from Good" in client_as("officer").get(reverse("dashboard:home")).content.decode()
    assert "down from Good" not in client_as("governor").get(link_school.get_absolute_url()).content.decode()


def every_suggestion():
    return [(c.school_id, c.kind) for c in stored_suggestions.open_suggestions(school_ids=None)]


def test_every_schools_suggestions_follow_an_inspection_or_a_letter_at_once(school, officer):
    assert every_suggestion() == []
    graded(school, OLD, 2)
    graded(school, RECENT, 3)  # a new inspection is seen at once
    assert every_suggestion() == [(school.pk, "significant_concerns")]

    draft(school, "significant_concerns", actor=officer)  # a letter answering it
    assert every_suggestion() == []
