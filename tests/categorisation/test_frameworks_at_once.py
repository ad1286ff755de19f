"""Two officers naming two frameworks alike, or activating two from the same day, at the same
moment, each on its own connection: one framework has the name (in any case) or the day, and the
other officer is told so (FRAMEWORK_NAME_TAKEN, ACTIVE_FROM_TAKEN). The services' checks alone let
both through: the name check ignores case where the column's unique index did not, and activation
locks only its own framework. The constraints unique_framework_name_ci and one_framework_a_day
back them (tests.concurrency)."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from categorisation import services_frameworks as services
from categorisation.models import Framework
from tests.concurrency import at_once, postgresql_only

TODAY = date(2026, 11, 16)
DAY = date(2027, 9, 1)


@pytest.mark.django_db
def test_the_database_refuses_a_second_framework_of_a_name_in_any_case_or_from_the_same_day():
    Framework.objects.create(name="Report card 2027", active_from=DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Framework.objects.create(name="REPORT CARD 2027")
    with pytest.raises(IntegrityError), transaction.atomic():
        Framework.objects.create(name="Report card 2028", active_from=DAY)
    Framework.objects.create(name="Draft one")
    Framework.objects.create(name="Draft two")  # drafts share their empty date


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_frameworks_named_alike_at_once_are_one_framework(monkeypatch, officer):
    def create(name):
        return lambda: services.framework_create(name=name, actor=officer)

    outcomes = at_once(monkeypatch, services, "save_as", create("Report card 2027"), create("report card 2027"))

    assert outcomes.count("done") == 1, outcomes
    [refused] = [o for o in outcomes if o != "done"]
    assert refused in (
        {"name": [services.FRAMEWORK_NAME_TAKEN.format(name="Report card 2027")]},
        {"name": [services.FRAMEWORK_NAME_TAKEN.format(name="report card 2027")]},
    )
    assert Framework.objects.filter(name__iexact="report card 2027").count() == 1


def _draft(name: str, officer) -> Framework:
    framework = services.framework_create(name=name, actor=officer)
    area = services.area_save(framework=framework, actor=officer, code="inclusion", name="Inclusion", order=1)
    services.criterion_save(area=area, actor=officer, level="high", code="IN-H1", text="SEND needs unmet")
    return framework


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_frameworks_activated_from_one_day_at_once_are_activated_once(monkeypatch, officer):
    drafts = [_draft("Report card 2027", officer), _draft("Report card 2027, revised", officer)]

    def activate(framework):
        return lambda: services.framework_activate(framework=framework, active_from=DAY, actor=officer, today=TODAY)

    outcomes = at_once(monkeypatch, services, "save_as", *(activate(f) for f in drafts))

    assert outcomes.count("done") == 1, outcomes
    [active] = Framework.objects.filter(active_from=DAY)
    assert {"active_from": [services.ACTIVE_FROM_TAKEN.format(framework=active.name)]} in outcomes
    assert Framework.objects.filter(name__startswith="Report card 2027", active_from__isnull=True).count() == 1
