"""A date field that takes only days still to come gives an example after today, on any day: a fixed
example ("For example, 4 1 2027") became, in time, a date the same form refuses."""

import re
from datetime import date

import pytest

from categorisation.forms_frameworks import ActivateForm
from letters.forms import LetterForm
from letters.models import LetterType

pytestmark = pytest.mark.django_db

DAYS = [date(2026, 12, 4), date(2027, 12, 31), date(2028, 2, 29)]


def example_in(hint: str) -> date:
    day, month, year = re.search(r"For example, (\d+) (\d+) (\d+)", hint).groups()
    return date(int(year), int(month), int(day))


def date_fields(name: str, day: date) -> dict:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


@pytest.mark.parametrize("today", DAYS)
def test_the_frameworks_in_use_from_example_is_a_day_the_form_takes(on_day, today):
    on_day(today)
    example = example_in(ActivateForm().fields["active_from"].help_text)
    assert example > today
    assert ActivateForm(date_fields("active_from", example)).is_valid()


@pytest.mark.parametrize("today", DAYS)
def test_the_warning_notices_compliance_end_example_is_after_an_issue_today_and_within_a_year(on_day, today):
    on_day(today)
    form = LetterForm(letter_type=LetterType.objects.get(code="warning_notice"))
    example = example_in(form.fields["compliance_end_date"].help_text)
    assert today < example < date(today.year + 1, today.month, 28)
