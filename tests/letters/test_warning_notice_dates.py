"""The dates of a warning notice's stages, and their messages: a notice of intention is dated
after the compliance period ended (not after the day the outcome was typed in); each date's
messages name it in GOV.UK's words; a date mistyped in every box is named once."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.forms import DATE_REQUIRED
from letters import rules, services, services_warning_notices

from .conftest import NOTICE_END
from .factories import approved, draft, eligible_notice

pytestmark = pytest.mark.django_db

END = NOTICE_END  # conftest's `notice` fixture


def _date(prefix: str, day: date) -> dict:
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def _summary(page: str) -> str:
    return page.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]


@pytest.mark.parametrize(
    ("given_on", "errors"),
    [
        (END - timedelta(days=1), [rules.INTENTION_BEFORE_PERIOD_END.format(end=END)]),
        (END, [rules.INTENTION_BEFORE_PERIOD_END.format(end=END)]),
        (END + timedelta(days=1), []),
        (END + timedelta(days=90), []),
    ],
)
def test_notice_of_intention_given_after_the_compliance_period_s60_1b(given_on, errors):
    assert (
        rules.notice_of_intention_given_after_the_compliance_period_s60_1b(compliance_end_date=END, given_on=given_on)
        == errors
    )


def test_a_notice_of_intention_may_be_dated_before_the_outcome_was_recorded_once_the_period_has_ended(
    client_as, officer, notice
):
    recorded = END + timedelta(days=20)  # the outcome typed in late
    services.warning_notice_outcome_record(letter=notice, actor=officer, outcome="not_complied", today=recorded)
    url = reverse("letters:intention", kwargs={"pk": notice.pk})
    text = "To the governing body of {school_name}\n\nWe propose:\n\n{powers}"
    client = client_as("officer")
    refused = client.post(url, {**_date("given_on", END), "powers": ["s65"], "text": text})
    assert refused.context["form"].errors["given_on"] == [rules.INTENTION_BEFORE_PERIOD_END.format(end=END)]
    response = client.post(url, {**_date("given_on", END + timedelta(days=2)), "powers": ["s65"], "text": text})
    assert response.status_code == 302
    notice.progress.refresh_from_db()
    assert notice.progress.intention_given_on == END + timedelta(days=2)


def test_a_compliance_end_date_mistyped_in_every_box_is_named_once_in_the_error_summary(
    client_as, adviser, link_school
):
    letter = draft(link_school, "warning_notice", actor=adviser)
    posted = {
        "subject": letter.subject, "body": letter.body, "indicators": [i.pk for i in letter.indicators.all()],
        "grounds": ["a"], "compliance_end_date_0": "aa", "compliance_end_date_1": "b", "compliance_end_date_2": "c",
    }  # fmt: skip
    page = client_as("officer").post(reverse("letters:edit", kwargs={"pk": letter.pk}), posted).content.decode()
    assert _summary(page).count("End of the compliance period must be a real date") == 1
    assert 'href="#id_compliance_end_date_0"' in _summary(page)


def test_an_empty_date_of_issue_asks_for_the_date_of_issue(client_as, adviser, officer, link_school):
    letter = approved(link_school, "congratulations", drafter=adviser, officer=officer)
    response = client_as("officer").post(reverse("letters:issue", kwargs={"pk": letter.pk}), {})
    assert response.context["form"].errors["issued_on"] == [DATE_REQUIRED.format(label="date of issue")]
    assert DATE_REQUIRED.format(label="date of issue") == "Enter the date of issue"


def test_dates_in_the_future_are_refused_with_messages_naming_the_date(client_as, officer, link_school, second_officer):
    tomorrow = timezone.localdate() + timedelta(days=1)
    letter = eligible_notice(link_school, drafter=second_officer, officer=officer, end=END)
    client = client_as("officer")
    response = client.post(reverse("letters:response", kwargs={"pk": letter.pk}),
                           {**_date("received_on", tomorrow), "text": "We agree."})  # fmt: skip
    assert response.context["form"].errors["received_on"] == [services_warning_notices.RESPONSE_DATE_IN_FUTURE]
    assert services_warning_notices.RESPONSE_DATE_IN_FUTURE == (
        "Date the response was received must be today or in the past"
    )
    response = client.post(reverse("letters:decision", kwargs={"pk": letter.pk}),
                           {**_date("decided_on", tomorrow), "powers": ["s64"]})  # fmt: skip
    assert response.context["form"].errors["decided_on"] == [services_warning_notices.DECISION_DATE_IN_FUTURE]
    assert services_warning_notices.DECISION_DATE_IN_FUTURE == "Date of the decision must be today or in the past"
