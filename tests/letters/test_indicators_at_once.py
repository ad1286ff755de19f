"""Two officers adding an indicator with the same words to a letter type at the same moment, each
on its own connection: one is added, the other is told the list has it. indicator_add locks the
letter type before it looks (letters.services_templates). Without the lock both once took the same
code and the second met unique_indicator_code, a 500; with the lock but no check, both were added
("-2"), the list naming one indicator twice (tests.concurrency)."""

import pytest

from letters import services_templates
from letters.models import LetterType
from tests.concurrency import at_once, postgresql_only

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), postgresql_only]


def test_one_indicator_added_twice_at_once_is_added_once_and_the_second_is_told(monkeypatch, officer):
    letter_type = LetterType.objects.get(code="congratulations")
    last = max(letter_type.indicators.values_list("order", flat=True), default=0)

    def add():
        return services_templates.indicator_add(letter_type=letter_type, text="Attendance above 97%", actor=officer)

    outcomes = at_once(monkeypatch, services_templates, "save_as", add, add)

    told = services_templates.INDICATOR_ALREADY_LISTED.format(letter_type=letter_type.name, text="Attendance above 97%")
    assert sorted(outcomes, key=str) == sorted(["done", {"text": [told]}], key=str)
    added = letter_type.indicators.filter(text="Attendance above 97%")
    assert [(i.code, i.order) for i in added] == [("attendance-above-97", last + 1)]
