"""A warning notice's forms name every problem in one round (docs/adr/0070): the draft's mistyped
date with a bad placeholder; the response with neither date nor summary; the notice of intention
with no power and a date the rules refuse."""

from datetime import timedelta

import pytest
from django.urls import reverse

from core.forms import DATE_REQUIRED
from letters import rules, services, services_warning_notices
from letters.placeholders import UNKNOWN_DOUBLE_BRACES

from .conftest import NOTICE_END
from .factories import draft

pytestmark = pytest.mark.django_db

END = NOTICE_END  # conftest's `notice` fixture


@pytest.mark.parametrize(
    ("day", "month", "year", "date_error"),
    [
        ("31", "2", "2027", "End of the compliance period must be a real date"),
        ("1", "3", "27", "End of the compliance period must include a year with 4 numbers, like 2027"),
    ],
)
def test_a_draft_with_a_mistyped_date_names_its_placeholder_error_in_the_same_round(
    client_as, adviser, link_school, day, month, year, date_error
):
    letter = draft(link_school, "warning_notice", actor=adviser)
    posted = {
        "subject": "Warning notice {{ x }}", "body": letter.body, "grounds": ["a"],
        "indicators": [i.pk for i in letter.indicators.all()],
        "compliance_end_date_0": day, "compliance_end_date_1": month, "compliance_end_date_2": year,
    }  # fmt: skip
    response = client_as("officer").post(reverse("letters:edit", kwargs={"pk": letter.pk}), posted)
    errors = response.context["form"].errors
    assert errors["compliance_end_date"] == [date_error]
    assert errors["subject"] == [UNKNOWN_DOUBLE_BRACES.format(typed="{{ x }}")]
    letter.refresh_from_db()
    assert "{{ x }}" not in letter.subject


def test_a_blank_response_names_the_missing_date_and_summary_together(client_as, notice):
    response = client_as("officer").post(reverse("letters:response", kwargs={"pk": notice.pk}), {})
    errors = response.context["form"].errors
    assert errors["received_on"] == [DATE_REQUIRED.format(label="date the response was received")]
    assert errors["text"] == [services_warning_notices.RESPONSE_TEXT_REQUIRED]


def test_a_notice_of_intention_with_no_power_and_an_early_date_names_both(client_as, officer, notice):
    services.warning_notice_outcome_record(
        letter=notice, actor=officer, outcome="not_complied", today=END + timedelta(days=1)
    )
    posted = {"given_on_0": END.day, "given_on_1": END.month, "given_on_2": END.year, "text": "We propose {powers}."}
    response = client_as("officer").post(reverse("letters:intention", kwargs={"pk": notice.pk}), posted)
    errors = response.context["form"].errors
    assert errors["powers"] == [services_warning_notices.INTENTION_NEEDS_POWERS]
    assert errors["given_on"] == [rules.INTENTION_BEFORE_PERIOD_END.format(end=END)]
    notice.progress.refresh_from_db()
    assert notice.progress.intention_given_on is None
