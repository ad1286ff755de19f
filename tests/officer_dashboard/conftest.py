"""A known set of schools for the officer dashboard's tests, on Wednesday 18 November 2026 (the
autumn term of 2026/27, second half-term). Default England term dates: autumn 1 runs to 30 October,
the summer term of 2025/26 to 31 August 2026 (holiday included).

    A  low now (high in the summer): improved; a visit done this term; an overdue action;
       a congratulations letter this year
    B  medium since the spring, never reviewed since: review overdue; an MSP group meeting on
       1 December; a warning notice whose compliance period ends in 20 days
    C  high now (low in the summer): declined; missed its autumn 1 visit; no MSP group yet
    D  never categorised: review overdue; a warning notice from last year, eligible for intervention
    F  LA 873, secondary, link adviser Lena: low in the summer and now (stayed); review due
    G  high since September, MSP group set up in August with no meeting since: MSP overdue, visit overdue
    E  an academy with an open red concern (no step yet) and a whistleblowing amber one"""

from dataclasses import dataclass
from datetime import date

import pytest

from academies import services as academy_services
from academies.models import ConcernSource, ConcernType, Rag
from categorisation.models import SupportLevel
from tests.categorisation.factories import ApprovedCategorisationFactory, aware
from tests.factories import SchoolFactory
from tests.letters.factories import eligible_notice, issued
from tests.visits.factories import ActionFactory, AdviserFactory, MspGroupFactory, MspMeetingFactory, VisitFactory
from visits.models import ActionStatus, VisitStatus

DAY = date(2026, 11, 18)


@dataclass
class Known:
    a: object
    b: object
    c: object
    d: object
    e: object
    f: object
    g: object
    lena: object


def approve(school, level, year, term, when):
    return ApprovedCategorisationFactory(school=school, level=level, academic_year=year, term=term, approved_at=when)


@pytest.fixture
def known(on_day, adviser, officer):
    on_day(DAY)
    lena = AdviserFactory(first_name="Lena", last_name="Link")
    a = SchoolFactory(name="Alder Primary")
    b = SchoolFactory(name="Beech Primary")
    c = SchoolFactory(name="Cedar Primary")
    d = SchoolFactory(name="Damson Primary")
    f = SchoolFactory(name="Fir Secondary", la_code="873", phase="Secondary", link_adviser=lena)
    g = SchoolFactory(name="Gorse Primary")
    e = SchoolFactory(name="Elm Academy", academy=True)

    approve(a, SupportLevel.HIGH, 2025, "summer", aware(2026, 5, 1))
    approve(a, SupportLevel.LOW, 2026, "autumn", aware(2026, 10, 1))
    approve(b, SupportLevel.MEDIUM, 2025, "spring", aware(2026, 2, 1))
    approve(c, SupportLevel.LOW, 2025, "summer", aware(2026, 5, 10))
    approve(c, SupportLevel.HIGH, 2026, "autumn", aware(2026, 10, 5))
    approve(f, SupportLevel.LOW, 2025, "summer", aware(2026, 7, 1))
    approve(g, SupportLevel.HIGH, 2026, "autumn", aware(2026, 9, 10))

    VisitFactory(school=a, visit_date=date(2026, 10, 10), status=VisitStatus.COMPLETED)
    ActionFactory(school=a, due_on=date(2026, 11, 1))  # overdue
    ActionFactory(school=a, due_on=date(2026, 11, 1), status=ActionStatus.CLOSED)  # closed: not overdue
    ActionFactory(school=b, due_on=date(2026, 12, 1))  # not due yet

    group_b = MspGroupFactory(school=b, set_up_on=date(2026, 9, 5))
    MspMeetingFactory(group=group_b, held_on=date(2026, 9, 20))
    MspMeetingFactory(group=group_b, held_on=date(2026, 12, 1), planned=True)
    MspGroupFactory(school=g, set_up_on=date(2026, 8, 28))

    issued(a, "congratulations", drafter=adviser, officer=officer, issued_on=date(2026, 10, 20))
    issued(b, "warning_notice", drafter=adviser, officer=officer, issued_on=date(2026, 11, 2),
           compliance_end_date=date(2026, 12, 8))  # fmt: skip
    eligible_notice(d, drafter=adviser, officer=officer, issued_on=date(2026, 6, 1), end=date(2026, 7, 20))

    kinds = [ConcernType.objects.first()]
    for source, rag in ((ConcernSource.LA_MONITORING, Rag.RED), (ConcernSource.WHISTLEBLOWING, Rag.AMBER)):
        academy_services.concern_open(
            school=e, source=source, concern_types=kinds, description="x", raised_on=date(2026, 10, 1), rag=rag,
            rag_reason="x", owner=officer, actor=officer,
        )  # fmt: skip
    return Known(a, b, c, d, e, f, g, lena)
