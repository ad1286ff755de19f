"""The adviser's own dashboard (/dashboard/adviser/, docs/adr/0029): their link schools with category,
next visit due and overdue actions, their drafts, what was returned to them and their notes of visit
awaiting the school's acknowledgement. On Wednesday 18 November 2026 (autumn 2 of 2026/27)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from categorisation.models import Status, SupportLevel
from dashboard.adviser import adviser_dashboard, next_visit_due
from tests.categorisation.factories import ApprovedCategorisationFactory, CategorisationFactory, aware
from tests.conftest import ROLES
from tests.factories import SchoolFactory
from tests.letters.factories import draft
from tests.visits.factories import ActionFactory, VisitFactory
from visits import acknowledgement
from visits.compliance import year_calendar
from visits.models import ActionStatus, StoredCompliance
from visits.stored_compliance import stored_compliance

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 18)
URL = reverse("dashboard:adviser")
ALLOWED = {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 200, "officer": 403, "admin": 403}


@pytest.mark.parametrize("role", ROLES)
def test_only_advisers_have_an_adviser_dashboard(client_as, school, governor, other_governor, headteacher, adviser,
                                                 officer, admin_user, role):  # fmt: skip
    response = client_as(role).get(URL)
    assert response.status_code == (302 if role == "anonymous" else ALLOWED[role])


@pytest.fixture
def mine(on_day, adviser, officer, school, headteacher):
    """Kingfisher (high since September, visited each half-term, note shared and awaiting the head),
    Heron (low, not visited this term, a visit planned, two overdue actions, a draft categorisation,
    a draft letter), an academy, and another adviser's school."""
    on_day(DAY)
    school.link_adviser = adviser
    school.save()
    heron = SchoolFactory(name="Heron Primary School", link_adviser=adviser)
    academy = SchoolFactory(name="Ash Academy", academy=True, link_adviser=adviser)
    SchoolFactory(name="Someone Else's Primary")
    ApprovedCategorisationFactory(school=school, level=SupportLevel.HIGH, academic_year=2026, term="autumn",
                                  approved_at=aware(2026, 9, 10))  # fmt: skip
    ApprovedCategorisationFactory(school=heron, level=SupportLevel.LOW, academic_year=2026, term="autumn",
                                  approved_at=aware(2026, 9, 12))  # fmt: skip
    VisitFactory(school=school, adviser=adviser, completed=True, visit_date=date(2026, 10, 5))
    visit = VisitFactory(school=school, adviser=adviser, completed=True, visit_date=date(2026, 11, 10))
    acknowledgement.note_share_with_school(visit=visit, actor=adviser)
    VisitFactory(school=heron, adviser=adviser, visit_date=date(2026, 12, 1))
    ActionFactory(school=heron, due_on=date(2026, 11, 1))
    ActionFactory(school=heron, due_on=date(2026, 11, 17))
    ActionFactory(school=heron, due_on=date(2026, 11, 1), status=ActionStatus.CLOSED)
    ActionFactory(school=heron, due_on=date(2026, 11, 18))  # due today: not overdue
    CategorisationFactory(school=heron, created_by=adviser, academic_year=2026, term="spring")
    draft(heron, "congratulations", actor=adviser)
    return {"kingfisher": school, "heron": heron, "academy": academy, "visit": visit}


def test_each_link_school_shows_its_category_next_visit_due_and_overdue_actions(mine, adviser):
    board = adviser_dashboard(user=adviser, today=DAY)
    rows = {row.school.name: row for row in board.schools}
    assert list(rows) == ["Ash Academy", "Heron Primary School", "Kingfisher Primary School"]
    calendar = year_calendar(DAY)
    kingfisher, heron, academy = rows["Kingfisher Primary School"], rows["Heron Primary School"], rows["Ash Academy"]
    assert (kingfisher.category, kingfisher.next_visit.status) == ("High support", "met")
    spring_1 = calendar.half_terms[2]
    assert kingfisher.next_visit.by == calendar.teaching_ends[spring_1]
    assert kingfisher.next_visit.text.startswith("Next in Spring 1: by ")
    assert (heron.category, heron.next_visit.status) == ("Low support", "due")
    assert heron.next_visit.by == calendar.teaching_ends[calendar.current_term]
    assert heron.planned_on == date(2026, 12, 1)
    assert (heron.overdue_actions, kingfisher.overdue_actions) == (2, 0)
    assert academy.category == "Not LA maintained"
    assert academy.next_visit.status == ""
    assert board.overdue_actions == 2


def test_the_category_and_visit_status_are_read_from_the_stored_compliance_status(mine, adviser):
    stored_compliance(today=DAY)  # fresh for the day
    StoredCompliance.objects.filter(school=mine["heron"]).update(visits_status="overdue", level="medium")
    row = next(r for r in adviser_dashboard(user=adviser, today=DAY).schools if r.school == mine["heron"])
    assert (row.category, row.next_visit.status, row.next_visit.overdue) == ("Medium support", "overdue", True)


def test_after_the_summer_term_is_met_the_next_visit_is_owed_in_the_next_academic_year(on_day, adviser):
    day = on_day(date(2027, 7, 1))
    school = SchoolFactory(link_adviser=adviser)
    VisitFactory(school=school, adviser=adviser, completed=True, visit_date=date(2027, 6, 10))
    row = stored_compliance(today=day).get(school=school)
    assert row.visits_status == "met"
    assert next_visit_due(calendar=year_calendar(day), stored=row).text == (
        "Next in the autumn term of the next academic year"
    )


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 12, 18), "This term: by 18 December 2026"),  # the last teaching day
        (date(2026, 12, 19), "This term: teaching ended 18 December 2026; a visit until 3 January 2027 counts"),
        (date(2027, 1, 3), "This term: teaching ended 18 December 2026; a visit until 3 January 2027 counts"),
        (date(2027, 1, 4), "This term: by 25 March 2027"),  # spring: Good Friday is 26 March
    ],
)
def test_in_the_holiday_after_a_term_the_visit_owed_says_teaching_has_ended_and_until_when_a_visit_counts(
    on_day, adviser, day, text
):
    on_day(day)
    school = SchoolFactory(link_adviser=adviser)
    row = stored_compliance(today=day).get(school=school)
    assert row.visits_status in ("due", "overdue")
    assert next_visit_due(calendar=year_calendar(day), stored=row).text == text


def test_drafts_returned_items_and_notes_awaiting_acknowledgement_are_listed(mine, adviser, officer, headteacher):
    returned = CategorisationFactory(
        school=mine["kingfisher"], created_by=adviser, academic_year=2026, term="spring",
        status=Status.RETURNED, returned_by=officer, returned_at=aware(2026, 11, 16),
    )  # fmt: skip
    board = adviser_dashboard(user=adviser, today=DAY)
    assert sorted(i.kind for i in board.drafts.items) == ["Categorisation", "Letter"]
    assert board.drafts.total == 2
    assert [(i.kind, i.url) for i in board.returned.items] == [("Categorisation", returned.get_absolute_url())]
    [awaiting] = board.awaiting_acknowledgement.items
    assert awaiting.school == mine["kingfisher"]
    assert awaiting.text == "Visit of 10 November 2026: shared 18 November 2026"

    # The headteacher answers "not accurate": the note leaves the awaiting list and is returned to the adviser.
    request = mine["visit"].acknowledgements.get()
    acknowledgement.note_acknowledge(acknowledgement=request, accurate=False, comments="The date is wrong.",
                                     actor=headteacher)  # fmt: skip
    board = adviser_dashboard(user=adviser, today=DAY)
    assert board.awaiting_acknowledgement.total == 0
    assert [i.kind for i in board.returned.items] == ["Note of visit", "Categorisation"]
    acknowledgement.note_reply(acknowledgement=request, reply="Corrected.", actor=adviser)
    assert [i.kind for i in adviser_dashboard(user=adviser, today=DAY).returned.items] == ["Categorisation"]


def test_drafts_someone_else_started_for_the_advisers_schools_are_theirs_and_no_other_schools(mine, adviser, officer):
    elsewhere = SchoolFactory(name="Not Theirs Primary")
    for school in (mine["kingfisher"], elsewhere):
        CategorisationFactory(school=school, created_by=officer, academic_year=2026, term="spring")
        draft(school, "congratulations", actor=officer)
    board = adviser_dashboard(user=adviser, today=DAY)
    assert sorted((i.kind, i.school.name) for i in board.drafts.items) == [
        ("Categorisation", "Heron Primary School"),
        ("Categorisation", "Kingfisher Primary School"),
        ("Letter", "Heron Primary School"),
        ("Letter", "Kingfisher Primary School"),
    ]


def test_the_page_shows_the_schools_and_each_section(mine, client_as):
    html = client_as("adviser").get(URL).content.decode()
    assert "Someone Else" not in html
    for text in ("Kingfisher Primary School", "High support", "Low support", "Not LA maintained",
                 "Drafts awaiting you", "Returned to you", "Nothing has been returned to you.",
                 "Notes of visit awaiting the school&#x27;s acknowledgement", "1 December 2026"):  # fmt: skip
        assert text in html
    assert f'?q={mine["heron"].urn}&amp;status=overdue">2<' in html


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


QUERY_CEILING = 40


def test_the_page_runs_a_bounded_number_of_queries_whatever_the_number_of_link_schools(mine, client_as, adviser):
    client = client_as("adviser")
    client.get(URL)
    few = _queries(client)
    for n in range(25):
        school = SchoolFactory(link_adviser=adviser)
        ApprovedCategorisationFactory(school=school, level=SupportLevel.HIGH if n % 2 else SupportLevel.LOW,
                                      academic_year=2026, term="autumn", approved_at=aware(2026, 9, 10))  # fmt: skip
        VisitFactory(school=school, adviser=adviser, visit_date=date(2026, 12, 2))
        ActionFactory(school=school, due_on=date(2026, 11, 2))
        CategorisationFactory(school=school, created_by=adviser, academic_year=2026, term="spring")
    client.get(URL)  # the stored status of the new schools is computed once
    many = _queries(client)
    assert many == few
    assert many <= QUERY_CEILING
