"""every_compliance_row: every school's rows are computed once per day and data version, and any
write the rows depend on (a visit, an approval, term dates, a school) makes them be computed again."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from categorisation.models import SupportLevel
from schools.models import Term
from tests.categorisation.factories import ApprovedCategorisationFactory, aware
from tests.factories import SchoolFactory
from tests.visits.factories import MspGroupFactory, VisitFactory
from visits.compliance import compliance_rows, data_version, every_compliance_row
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


def test_unchanged_data_reuses_every_schools_rows_for_one_query(school):
    first = every_compliance_row(today=TODAY)
    with CaptureQueriesContext(connection) as queries:
        again = every_compliance_row(today=TODAY)
    assert again is first
    assert len(queries) == 1  # the data version


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


def test_an_msp_group_a_new_school_and_term_dates_each_change_the_data_version(school):
    versions = [data_version()]
    MspGroupFactory(school=school)
    versions.append(data_version())
    SchoolFactory()
    versions.append(data_version())
    Term.objects.create(academic_year=2026, name="autumn", starts_on=date(2026, 9, 2), ends_on=date(2026, 12, 18),
                        half_term_starts_on=date(2026, 10, 26), half_term_ends_on=date(2026, 10, 30))  # fmt: skip
    versions.append(data_version())
    assert len(set(versions)) == 4


def test_a_new_day_computes_the_rows_again(school):
    assert every_compliance_row(today=TODAY) is not every_compliance_row(today=TODAY + timedelta(days=1))


def test_the_memo_gives_the_same_rows_as_computing_them(school):
    SchoolFactory(name="Avocet Primary School")
    VisitFactory(school=school, visit_date=TODAY - timedelta(days=5), status=VisitStatus.COMPLETED)
    memo = every_compliance_row(today=TODAY)
    fresh = compliance_rows(today=TODAY)
    assert [(r.school.pk, r.level, r.visits.status, r.msp_to_set_up) for r in memo] == [
        (r.school.pk, r.level, r.visits.status, r.msp_to_set_up) for r in fresh
    ]
