"""The same first-time write to the register made twice at the same moment, each on its own
connection (a double click, two admins): one row, and the other request is told it exists, where
the second once met the database's unique constraint, a 500 (tests.concurrency)."""

import pytest

from accounts.roles import Role
from schools import services
from schools.models import Councillor, Governorship, Ward
from tests.concurrency import at_once, postgresql_only

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), postgresql_only]


def test_one_governor_seat_given_twice_at_once_is_given_once(monkeypatch, make_user, school, admin_user):
    governor = make_user(Role.GOVERNOR, username="gwen", first_name="Gwen", last_name="Price")

    def add():
        return services.governorship_add(user=governor, school=school, actor=admin_user)

    outcomes = at_once(monkeypatch, services, "save_as", add, add)

    assert outcomes.count("done") == 1, outcomes
    assert [services.GOVERNORSHIP_EXISTS.format(user=governor, school=school.name)] in outcomes
    assert Governorship.objects.filter(user=governor, school=school).count() == 1


def test_one_councillor_added_twice_at_once_in_two_cases_is_added_once(monkeypatch, admin_user):
    ward = Ward.objects.create(code="E05000099", name="Park")

    def add(name):
        return lambda: services.councillor_save(
            ward=ward, name=name, email="ann@example.org", party="", actor=admin_user
        )

    outcomes = at_once(monkeypatch, services, "save_as", add("Ann Lee"), add("ann lee"))

    assert outcomes.count("done") == 1, outcomes
    [refused] = [o for o in outcomes if o != "done"]
    assert list(refused) == ["name"]
    assert refused["name"][0].endswith(" is already a councillor for Park.")
    assert Councillor.objects.filter(ward=ward).count() == 1
