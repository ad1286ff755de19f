"""Two officers adding an indicator with the same words to a letter type at the same moment, each
on its own connection: both are added, each with its own code and place at the end of the list.
letters.services_templates.indicator_add locks the letter type first; both once took the same code
and the second met unique_indicator_code, a 500 (tests.concurrency)."""

import pytest

from letters import services_templates
from letters.models import LetterType
from tests.concurrency import at_once, postgresql_only

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), postgresql_only]


def test_one_indicator_added_twice_at_once_is_added_twice_with_its_own_code_and_place(monkeypatch, officer):
    letter_type = LetterType.objects.get(code="congratulations")
    last = max(letter_type.indicators.values_list("order", flat=True), default=0)

    def add():
        return services_templates.indicator_add(letter_type=letter_type, text="Attendance above 97%", actor=officer)

    assert at_once(monkeypatch, services_templates, "save_as", add, add) == ["done", "done"]

    added = letter_type.indicators.filter(text="Attendance above 97%").order_by("order")
    assert [(i.code, i.order) for i in added] == [
        ("attendance-above-97", last + 1),
        ("attendance-above-97-2", last + 2),
    ]
