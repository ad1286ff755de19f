"""The officer's overview: open schools by their latest overall Ofsted grade."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboard.views import ofsted_summary
from schools.models import OfstedFramework, SchoolStatus
from tests.factories import InspectionFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def test_the_overview_counts_open_schools_by_the_grade_of_their_latest_graded_inspection():
    improved = SchoolFactory()
    InspectionFactory(school=improved, start_date=date(2021, 3, 1), overall_effectiveness=3)
    InspectionFactory(school=improved, start_date=date(2025, 3, 1), overall_effectiveness=2)
    InspectionFactory(school=SchoolFactory(), overall_effectiveness=4)
    SchoolFactory()  # never inspected: in the total only
    InspectionFactory(school=SchoolFactory(status=SchoolStatus.CLOSED), overall_effectiveness=1)  # closed
    InspectionFactory(school=SchoolFactory(academy=True), overall_effectiveness=1)
    InspectionFactory(school=SchoolFactory(academy=True), framework=OfstedFramework.REPORT_CARD,
                      overall_effectiveness=None, start_date=date(2026, 1, 10))  # fmt: skip

    ofsted_summary()  # counted once (dashboard.stored_ofsted), then read from one row
    with CaptureQueriesContext(connection) as queries:
        maintained, academies = ofsted_summary()
    assert len(queries) == 1
    assert (maintained["governance"], maintained["total"]) == ("maintained", 3)
    assert [n for _grade, n in maintained["grades"]] == [0, 1, 0, 1]
    # Good or better of those with an overall grade (ADR 0029): 1 of 2; the school never inspected is not in it.
    assert maintained["good_or_better_percent"] == Decimal("50.0")
    assert (academies["total"], [n for _grade, n in academies["grades"]]) == (2, [1, 0, 0, 0])
    assert academies["good_or_better_percent"] == Decimal("100.0")  # the report card is not in the share
