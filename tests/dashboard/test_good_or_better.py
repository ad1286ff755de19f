"""One definition of "good or better" (ADR 0029, dashboard.outcomes.good_or_better_share): the
officer's home and the outcomes table give the same share on the same schools."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from dashboard.models import OutcomePhase
from dashboard.outcomes import (
    BELOW_GOOD,
    GOOD_OR_BETTER,
    NOT_INSPECTED,
    REPORT_CARD,
    good_or_better_share,
    outcomes_table,
)
from dashboard.views import ofsted_summary
from schools.models import Governance, OfstedFramework
from tests.factories import InspectionFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def test_good_or_better_share():
    """Outstanding or good, of those with an overall grade; report cards and schools never inspected
    are in neither the numerator nor the denominator; one decimal place, rounded half up."""
    assert good_or_better_share({GOOD_OR_BETTER: 2, BELOW_GOOD: 1, REPORT_CARD: 5, NOT_INSPECTED: 7}) == Decimal("66.7")
    assert good_or_better_share({GOOD_OR_BETTER: 1, BELOW_GOOD: 7}) == Decimal("12.5")
    assert good_or_better_share({REPORT_CARD: 3, NOT_INSPECTED: 1}) is None  # no overall grade: no share
    assert good_or_better_share({}) is None


def _school(*, grade=None, report_card=False, academy=False):
    made = SchoolFactory(academy=academy)
    if grade is not None:
        InspectionFactory(school=made, overall_effectiveness=grade, start_date=date(2023, 5, 1))
    if report_card:
        InspectionFactory(school=made, framework=OfstedFramework.REPORT_CARD, overall_effectiveness=None,
                          start_date=date(2026, 2, 2))  # fmt: skip
    return made


def test_the_officers_home_and_the_outcomes_table_agree_on_good_or_better(client_as, officer):
    # Maintained: outstanding, good, requires improvement, a good school re-inspected as a report card,
    # one never inspected: 2 of 3 judged (66.7%), whereas 2 of all 5 would be 40%.
    for grade in (1, 2, 3):
        _school(grade=grade)
    _school(grade=2, report_card=True)
    _school()
    # Academies: good, inadequate, inadequate, a report card: 1 of 3 (33.3%), not 1 of 4.
    for grade in (2, 4, 4):
        _school(grade=grade, academy=True)
    _school(report_card=True, academy=True)

    maintained, academies = ofsted_summary()
    table = outcomes_table(chosen={}, year=None)
    every_phase = next(p for p in table.phases if p.phase == OutcomePhase.ALL.value)
    cells = {cell.governance: cell for cell in every_phase.cells}
    assert maintained["good_or_better_percent"] == cells[Governance.MAINTAINED.value].school_share == Decimal("66.7")
    assert academies["good_or_better_percent"] == cells[Governance.ACADEMY.value].school_share == Decimal("33.3")

    home = client_as("officer").get(reverse("dashboard:home")).content.decode()
    outcomes = client_as("officer").get(reverse("dashboard:outcomes")).content.decode()
    for figure in ("66.7%", "33.3%"):
        assert figure in home
        assert figure in outcomes
