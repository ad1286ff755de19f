from datetime import date

import pytest

from academies import services
from academies.models import ConcernSource, ConcernType, Rag, Sensitivity, SourceTeam
from tests.factories import SchoolFactory

DAY = date(2026, 11, 16)


@pytest.fixture
def academy(db):
    return SchoolFactory(name="Osprey Academy", academy=True)


@pytest.fixture
def make_concern(officer):
    def make(school, *, source=ConcernSource.LA_MONITORING, codes=("declining_performance",), rag=Rag.AMBER, **kw):
        return services.concern_open(
            school=school,
            source=source,
            concern_types=list(ConcernType.objects.filter(code__in=codes)),
            description=kw.pop("description", "Key stage 2 results fell for the third year."),
            raised_on=kw.pop("raised_on", DAY),
            rag=rag,
            rag_reason=kw.pop("rag_reason", "Falling results, leaders slow to respond."),
            owner=officer,
            actor=kw.pop("actor", officer),
            **kw,
        )

    return make


@pytest.fixture
def make_entry(officer):
    def make(school, *, sensitivity=Sensitivity.NORMAL, summary="Governor vacancies unfilled for two terms."):
        return services.intelligence_record(
            school=school,
            received_on=DAY,
            source_team=SourceTeam.GOVERNOR_SERVICES,
            summary=summary,
            sensitivity=sensitivity,
            actor=officer,
        )

    return make
