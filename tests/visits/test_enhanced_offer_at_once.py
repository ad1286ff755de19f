"""A school's first enhanced offer for a year saved twice at the same moment (a double click, two
tabs), each save on its own connection: one offer, and both saves succeed (the second changes the
first's), where the second once met the unique constraint one_enhanced_offer_per_year, a 500
(visits.services.enhanced_offer_set locks the school's row before it looks for the offer)."""

import pytest

from tests.concurrency import at_once, postgresql_only
from visits import services
from visits.models import EnhancedOffer

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), postgresql_only]


def test_a_first_enhanced_offer_saved_twice_at_once_is_one_offer(monkeypatch, school, officer):
    def save(half_days):
        return lambda: services.enhanced_offer_set(
            school=school, academic_year=2026, half_days=half_days, actor=officer
        )

    outcomes = at_once(monkeypatch, services, "save_as", save(4), save(5))

    assert outcomes == ["done", "done"]
    [offer] = EnhancedOffer.objects.filter(school=school)
    assert offer.half_days in (4, 5)
    assert offer.history.count() == 2  # made once, changed once
