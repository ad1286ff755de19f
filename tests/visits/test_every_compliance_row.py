"""every_compliance_row: every school's rows, computed on each request (no per-process memo: issue
10), so any write the rows depend on (a visit, an approval) is in them at once."""

from datetime import date, timedelta

import pytest

from categorisation.models import SupportLevel
from tests.categorisation.factories import ApprovedCategorisationFactory, aware
from tests.factories import SchoolFactory
from tests.visits.factories import VisitFactory
from visits.compliance import compliance_rows, every_compliance_row
from visits.entitlement import ComplianceStatus
from visits.models import VisitStatus

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


@pytest.fixture
def school():
    school = SchoolFactory(name="Heron Primary School")
    ApprovedCategorisationFactory(school=school, level=SupportLevel.MEDIUM, approved_at=aware(2026, 9, 10))
    return school


def row_of(rows, school):
    return next(r for r in rows if r.school.pk == school.pk)


def test_a_completed_visit_is_in_the_rows_at_once(school):
    assert row_of(every_compliance_row(today=TODAY), school).visits.status == ComplianceStatus.DUE
    VisitFactory(school=school, visit_date=TODAY - timedelta(days=5), status=VisitStatus.COMPLETED)
    assert row_of(every_compliance_row(today=TODAY), school).visits.status == ComplianceStatus.MET


def test_an_approved_categorisation_is_in_the_rows_at_once(school):
    assert row_of(every_compliance_row(today=TODAY), school).level == SupportLevel.MEDIUM
    ApprovedCategorisationFactory(school=school, level=SupportLevel.HIGH, approved_at=aware(2026, 11, 20))
    row = row_of(every_compliance_row(today=TODAY), school)
    assert row.level == SupportLevel.HIGH
    assert row.msp_to_set_up


def test_every_schools_rows_are_the_rows_computed_for_them(school):
    SchoolFactory(name="Avocet Primary School")
    VisitFactory(school=school, visit_date=TODAY - timedelta(days=5), status=VisitStatus.COMPLETED)
    every = every_compliance_row(today=TODAY)
    fresh = compliance_rows(today=TODAY)
    assert [(r.school.pk, r.level, r.visits.status, r.msp_to_set_up) for r in every] == [
        (r.school.pk, r.level, r.visits.status, r.msp_to_set_up) for r in fresh
    ]
