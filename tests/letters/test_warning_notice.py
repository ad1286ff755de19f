"""A warning notice after issue: response, outcome at the end of the compliance period, notice of
intention, eligibility for intervention and the decision on the powers."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from letters import rules, selectors, services, services_warning_notices
from letters.models import ComplianceOutcome

from .conftest import NOTICE_END
from .factories import eligible_notice, issued

pytestmark = pytest.mark.django_db

END = NOTICE_END  # conftest's `notice` fixture


def test_the_outcome_cannot_be_recorded_before_the_compliance_period_has_ended(officer, notice):
    with pytest.raises(ValidationError) as error:
        services.warning_notice_outcome_record(letter=notice, actor=officer, outcome="not_complied", today=END)
    assert error.value.messages == [rules.PERIOD_NOT_EXPIRED.format(end=END, first=END + timedelta(days=1))]
    progress = services.warning_notice_outcome_record(
        letter=notice, actor=officer, outcome="not_complied", today=END + timedelta(days=1)
    )
    assert (progress.outcome, progress.outcome_on, progress.outcome_by) == (
        "not_complied",
        END + timedelta(days=1),
        officer,
    )
    with pytest.raises(ValidationError, match="already been recorded"):
        services.warning_notice_outcome_record(
            letter=notice, actor=officer, outcome="complied", today=END + timedelta(days=2)
        )


def test_the_outcome_page_refuses_an_early_outcome_with_a_message_and_records_nothing(
    client_as, officer, link_school, second_officer
):
    running = issued(link_school, "warning_notice", drafter=second_officer, officer=officer)
    response = client_as("officer").post(reverse("letters:outcome", kwargs={"pk": running.pk}), {"outcome": "complied"})
    assert response.status_code == 200
    assert "the outcome can be recorded once it has ended" in response.content.decode()
    running.progress.refresh_from_db()
    assert running.progress.outcome == ""


def test_a_notice_of_intention_needs_a_recorded_failure_to_comply(officer, notice):
    with pytest.raises(ValidationError) as error:
        services.warning_notice_intention_give(letter=notice, actor=officer, given_on=END, powers=["s64"], text="x")
    assert error.value.messages == [rules.INTENTION_NEEDS_NON_COMPLIANCE]
    services.warning_notice_outcome_record(
        letter=notice, actor=officer, outcome="complied", today=END + timedelta(days=1)
    )
    with pytest.raises(ValidationError):
        services.warning_notice_intention_give(letter=notice, actor=officer, given_on=END, powers=["s64"], text="x")
    notice.progress.refresh_from_db()
    assert not notice.progress.is_eligible_for_intervention


def test_after_non_compliance_and_the_notice_of_intention_the_school_is_eligible_for_intervention(
    officer, link_school, second_officer
):
    letter = eligible_notice(link_school, drafter=second_officer, officer=officer, end=END)
    progress = letter.progress
    assert progress.is_eligible_for_intervention
    assert progress.intention_powers == ["s64"]
    pdf = PdfReader(io.BytesIO(progress.intention_pdf.read()))
    assert link_school.name in "".join(p.extract_text() for p in pdf.pages)
    stage = selectors.notice_stage(letter, END + timedelta(days=10))
    assert (stage.label, stage.eligible, stage.deadline) == ("Eligible for intervention", True, date(2026, 12, 1))
    assert [row[0] for row in selectors.eligible_for_intervention(END + timedelta(days=10))] == [letter]


def test_the_letter_and_school_pages_show_eligibility_with_the_powers_and_the_two_month_window(
    client_as, officer, link_school, second_officer
):
    letter = eligible_notice(link_school, drafter=second_officer, officer=officer, end=END)
    page = client_as("officer").get(letter.get_absolute_url()).content.decode()
    assert "Eligible for intervention" in page
    for power in ("(s63)", "(s64)", "(s65)", "(s66)"):
        assert power in page
    assert "until 1 December 2026" in page
    school_page = client_as("adviser").get(link_school.get_absolute_url()).content.decode()
    assert "Eligible for intervention" in school_page


def test_the_decision_names_the_powers_and_s63_or_s64_only_within_two_months(officer, link_school, second_officer):
    letter = eligible_notice(link_school, drafter=second_officer, officer=officer, end=END)
    late = date(2026, 12, 2)
    with pytest.raises(ValidationError) as error:
        services.intervention_decision_record(letter=letter, actor=officer, decided_on=late, powers=["s64"], today=late)
    assert error.value.message_dict["powers"] == [rules.POWER_WINDOW_CLOSED.format(deadline=date(2026, 12, 1))]
    with pytest.raises(ValidationError) as error:
        services.intervention_decision_record(
            letter=letter, actor=officer, decided_on=late, powers=["none", "s65"], today=late
        )
    assert error.value.message_dict["powers"] == [services.NONE_WITH_POWERS]
    last_day = date(2026, 12, 1)  # s64 was proposed (eligible_notice); within the window it is recorded
    progress = services.intervention_decision_record(
        letter=letter, actor=officer, decided_on=last_day, powers=["s64"], notes="Two governors.", today=late
    )
    assert progress.decision_labels == ["Appoint additional governors (s64)"]
    assert selectors.notice_stage(letter, late).open is False


def test_no_decision_before_the_school_is_eligible(officer, notice):
    with pytest.raises(ValidationError) as error:
        services.intervention_decision_record(letter=notice, actor=officer, decided_on=END, powers=["s65"])
    assert error.value.messages == [rules.DECISION_NEEDS_ELIGIBILITY]


def test_the_governing_bodys_response_is_recorded_and_can_be_corrected(client_as, officer, notice):
    url = reverse("letters:response", kwargs={"pk": notice.pk})
    client = client_as("officer")
    response = client.post(
        url, {"received_on_0": "1", "received_on_1": "7", "received_on_2": "2026", "text": "We agree."}
    )
    assert "cannot have been received before the notice was issued" in response.content.decode()
    client.post(url, {"received_on_0": "15", "received_on_1": "8", "received_on_2": "2026", "text": "We agree."})
    notice.progress.refresh_from_db()
    assert (notice.progress.response_received_on, notice.progress.response_text) == (date(2026, 8, 15), "We agree.")


def test_the_stages_of_a_warning_notice(officer, notice):
    assert selectors.notice_stage(notice, END).label == "Compliance period running"
    assert (
        selectors.notice_stage(notice, END + timedelta(days=1)).label == "Compliance period ended: record the outcome"
    )
    services.warning_notice_outcome_record(
        letter=notice, actor=officer, outcome=ComplianceOutcome.NOT_COMPLIED, today=END + timedelta(days=1)
    )
    notice.progress.refresh_from_db()
    assert selectors.notice_stage(notice, END + timedelta(days=2)).label == "Not complied: notice of intention to give"


def test_each_stage_has_a_key_for_templates_to_compare_not_its_label(officer, notice):
    after = END + timedelta(days=1)
    assert [selectors.notice_stage(notice, END).key, selectors.notice_stage(notice, after).key] == [
        selectors.StageKey.RUNNING,
        selectors.StageKey.ENDED,
    ]
    services.warning_notice_outcome_record(
        letter=notice, actor=officer, outcome=ComplianceOutcome.NOT_COMPLIED, today=after
    )
    notice.progress.refresh_from_db()
    assert selectors.notice_stage(notice, END + timedelta(days=2)).key == selectors.StageKey.NOT_COMPLIED


def test_deadlines_in_the_next_four_weeks_are_on_the_officers_home_page(
    client_as, officer, link_school, second_officer
):
    today = timezone.localdate()
    soon = issued(
        link_school,
        "warning_notice",
        drafter=second_officer,
        officer=officer,
        compliance_end_date=today + timedelta(days=20),
    )
    issued(
        link_school,
        "warning_notice",
        drafter=second_officer,
        officer=officer,
        compliance_end_date=today + timedelta(days=60),
    )
    panels = client_as("officer").get(reverse("dashboard:home")).context["panels"]
    ctx = next(ctx for section, ctx in panels if section.key == "letters-officer")
    assert [letter for letter, _ in ctx["deadlines"]] == [soon]


def test_the_notice_of_intention_is_refused_with_prompts_left_in_it(client_as, officer, notice):
    services.warning_notice_outcome_record(letter=notice, actor=officer, outcome="not_complied",
                                           today=END + timedelta(days=1))  # fmt: skip
    today = timezone.localdate()
    data = {"given_on_0": today.day, "given_on_1": today.month, "given_on_2": today.year, "powers": ["s64"]}
    client = client_as("officer")
    url = reverse("letters:intention", kwargs={"pk": notice.pk})
    prefilled = client.get(url).context["form"].initial["text"]
    form = client.post(url, {**data, "text": prefilled}).context["form"]
    assert form.errors["text"][0].startswith("Complete or remove the text in square brackets")
    response = client.post(url, {**data, "text": prefilled.replace("[", "").replace("]", "")})
    assert response.status_code == 302
    notice.progress.refresh_from_db()
    assert notice.progress.is_eligible_for_intervention


def test_a_notice_of_intention_with_a_mistyped_date_names_its_other_problems_in_the_same_round(
    client_as, officer, notice
):
    services.warning_notice_outcome_record(letter=notice, actor=officer, outcome="not_complied",
                                           today=END + timedelta(days=1))  # fmt: skip
    client = client_as("officer")
    url = reverse("letters:intention", kwargs={"pk": notice.pk})
    prefilled = client.get(url).context["form"].initial["text"]
    form = client.post(url, {"given_on_0": "31", "given_on_1": "2", "given_on_2": "2027", "text": prefilled}).context[
        "form"
    ]
    assert form.errors["given_on"] == ["Date the notice was given must be a real date"]
    assert form.errors["powers"] == [services_warning_notices.INTENTION_NEEDS_POWERS]
    assert form.errors["text"][0].startswith("Complete or remove the text in square brackets")
    notice.progress.refresh_from_db()
    assert notice.progress.intention_given_on is None


def test_a_decision_with_a_mistyped_date_names_its_missing_choice_in_the_same_round(
    client_as, officer, link_school, second_officer
):
    letter = eligible_notice(link_school, drafter=second_officer, officer=officer, end=END)
    url = reverse("letters:decision", kwargs={"pk": letter.pk})
    posted = {"decided_on_0": "31", "decided_on_1": "2", "decided_on_2": "2027"}
    form = client_as("officer").post(url, posted).context["form"]
    assert form.errors["decided_on"] == ["Date of the decision must be a real date"]
    assert form.errors["powers"] == [services_warning_notices.DECISION_NEEDS_CHOICE]
    both = client_as("officer").post(url, {**posted, "powers": ["none", "s65"]}).context["form"]
    assert both.errors["powers"] == [services.NONE_WITH_POWERS]
    letter.progress.refresh_from_db()
    assert letter.progress.decision_on is None
