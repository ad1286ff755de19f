"""The fast insert path writes exactly what the ORM would, history included (COPY on PostgreSQL)."""

from datetime import date
from decimal import Decimal

import pytest

from core.bulk import bulk_insert_with_history
from schools.models import School

pytestmark = pytest.mark.django_db


def test_bulk_insert_writes_the_rows_and_their_created_history(admin_user):
    rows = [
        {"urn": 874501, "la_code": "874", "name": "Tab\tand newline\nSchool", "establishment_type_id": 1,
         "open_date": date(2012, 9, 1), "percentage_fsm": Decimal("23.4"), "street": "", "town": "Back\\slash"},
        {"urn": 874502, "la_code": "874", "name": "St Thérèse’s", "establishment_type_id": 1, "number_on_roll": None},
    ]  # fmt: skip
    ids = bulk_insert_with_history(School, rows, user=admin_user, reason="GIAS import #1")

    first, second = School.objects.get(pk=ids[0]), School.objects.get(pk=ids[1])
    assert (first.urn, first.name, first.town, first.street) == (874501, "Tab\tand newline\nSchool", "Back\\slash", "")
    assert (first.open_date, first.percentage_fsm, first.status, first.head_appointment) == (
        date(2012, 9, 1), Decimal("23.4"), "open", "unknown",
    )  # fmt: skip
    assert second.name == "St Thérèse’s"
    assert second.number_on_roll is None
    assert first.created_at is not None
    history = first.history.get()
    assert (history.history_type, history.history_user, history.history_change_reason, history.name) == (
        "+", admin_user, "GIAS import #1", "Tab\tand newline\nSchool",
    )  # fmt: skip
