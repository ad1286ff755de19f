"""The adviser's "visits and MSP meetings due" panel reads the stored status (visits.stored_compliance,
SOMETHING_DUE): it lists exactly the link schools whose computed row has something still to do this
term (a visit not met, an MSP group to set up, an MSP meeting not met), counts the adviser's
maintained link schools, and follows a visit recorded since."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from categorisation.models import SupportLevel
from tests.categorisation.factories import ApprovedCategorisationFactory, aware
from tests.factories import SchoolFactory
from visits import panels, services
from visits.compliance import compliance_rows, compliance_schools
from visits.entitlement import ComplianceStatus

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)  # a Monday in the second half of the autumn term


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def something_due(adviser) -> list[str]:
    """The oracle: the rule applied to fully computed rows of the adviser's maintained schools, what
    is overdue (a visit or MSP meeting, or an MSP group to set up) first, then by name."""
    rows = compliance_rows(today=TODAY, schools=compliance_schools().filter(link_adviser=adviser))
    due = [
        r
        for r in rows
        if r.visits.status != ComplianceStatus.MET
        or r.msp_to_set_up
        or (r.msp and r.msp.status != ComplianceStatus.MET)
    ]
    overdue = ComplianceStatus.OVERDUE

    def urgent(r) -> bool:
        return r.visits.status == overdue or r.msp_to_set_up or bool(r.msp and r.msp.status == overdue)

    return [r.school.name for r in sorted(due, key=lambda r: (not urgent(r), r.school.name))]


@pytest.fixture
def caseload(adviser, officer):
    visited = SchoolFactory(name="Avocet Primary School", link_adviser=adviser)
    ApprovedCategorisationFactory(school=visited, level=SupportLevel.LOW, approved_at=aware(2026, 9, 20))
    visit = services.visit_plan(school=visited, adviser=adviser, visit_date=TODAY - timedelta(days=10), actor=adviser)
    services.visit_complete(visit=visit, actor=adviser, today=TODAY)
    unvisited = SchoolFactory(name="Bittern Primary School", link_adviser=adviser)
    ApprovedCategorisationFactory(school=unvisited, level=SupportLevel.MEDIUM, approved_at=aware(2026, 9, 20))
    high = SchoolFactory(name="Curlew Primary School", link_adviser=adviser)
    ApprovedCategorisationFactory(school=high, level=SupportLevel.HIGH, approved_at=aware(2026, 9, 20))
    SchoolFactory(name="Dunlin Academy", link_adviser=adviser, academy=True)  # no entitlement
    SchoolFactory(name="Egret Primary School", link_adviser=officer)  # another's link school
    return {"unvisited": unvisited}


def panel(request_factory, user) -> dict:
    request = request_factory.get("/")
    request.user = user
    return panels.adviser_due(request, user)


def test_the_panel_lists_the_link_schools_with_something_due_overdue_first_and_counts_the_maintained_ones(
    rf, adviser, caseload
):
    shown = panel(rf, adviser)
    assert [r.school.name for r in shown["rows"]] == something_due(adviser)
    # Curlew, at high support without an MSP group, is overdue; Bittern's visit is only due.
    assert [r.school.name for r in shown["rows"]] == ["Curlew Primary School", "Bittern Primary School"]
    assert shown["rows"][0].msp_to_set_up
    assert shown["school_count"] == 3
    assert shown["due_count"] == 2


def test_the_panel_shows_the_most_urgent_few_and_says_how_many_are_due(rf, client_as, adviser, caseload):
    for n in range(panels.DUE_PANEL_LIMIT):
        school = SchoolFactory(name=f"Whimbrel {n:02d} Primary School", link_adviser=adviser)
        ApprovedCategorisationFactory(school=school, level=SupportLevel.MEDIUM, approved_at=aware(2026, 9, 20))
    shown = panel(rf, adviser)
    assert shown["due_count"] == panels.DUE_PANEL_LIMIT + 2
    assert [r.school.name for r in shown["rows"]] == something_due(adviser)[: panels.DUE_PANEL_LIMIT]
    assert shown["rows"][0].school.name == "Curlew Primary School"
    page = client_as("adviser").get(reverse("dashboard:home")).content.decode()
    assert f"{panels.DUE_PANEL_LIMIT + 2} of your link schools have something still to do this term" in page
    assert f"The {panels.DUE_PANEL_LIMIT} most urgent, overdue first" in page


def test_a_visit_recorded_since_takes_the_school_off_the_panel(rf, adviser, caseload):
    panel(rf, adviser)
    visit = services.visit_plan(
        school=caseload["unvisited"], adviser=adviser, visit_date=TODAY - timedelta(days=2), actor=adviser
    )
    services.visit_complete(visit=visit, actor=adviser, today=TODAY)
    shown = panel(rf, adviser)
    assert [r.school.name for r in shown["rows"]] == something_due(adviser) == ["Curlew Primary School"]


def test_the_adviser_home_shows_the_panel(client_as, adviser, caseload):
    page = client_as("adviser").get(reverse("dashboard:home")).content.decode()
    panel_html = page[page.index("Link schools whose visit or MSP meeting is due") :]
    assert "Bittern Primary School" in panel_html
    assert "Group to set up" in panel_html
    assert "Avocet Primary School" not in panel_html[: panel_html.index("</table>")]


def test_other_roles_get_no_panel(rf, officer, governor):
    assert panel(rf, officer) is None
    assert panel(rf, governor) is None
