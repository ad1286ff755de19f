"""The adviser's link schools (their home page and "My schools") are read with only the columns the
table shows (schools.selectors.my_schools, LINK_TABLE_FIELDS, HEADLINE_FIELDS): every column still
shows, and the pages run the same queries for two link schools as for eight, so no column the table
reads was left out (a deferred field would cost a query per school)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schools.models import OfstedFramework, SchoolStatus
from tests.factories import InspectionFactory, SchoolFactory, WardFactory

pytestmark = pytest.mark.django_db
PAGES = [reverse("dashboard:home"), reverse("schools:mine")]


def link_schools(adviser, count: int) -> None:
    kinds = [
        {"overall_effectiveness": 3},
        {"overall_effectiveness": None, "framework": OfstedFramework.REPORT_CARD, "rc_achievement": 3},
        {"overall_effectiveness": 4, "category_of_concern": "SM"},
        None,
    ]
    for n in range(count):
        school = SchoolFactory(name=f"Link School {n}", link_adviser=adviser)
        if kinds[n % 4] is not None:
            InspectionFactory(school=school, start_date=date(2025, 1 + n % 12, 15), **kinds[n % 4])


@pytest.mark.parametrize("url", PAGES)
def test_the_link_schools_pages_run_the_same_queries_for_two_schools_or_eight(client_as, adviser, url):
    client = client_as("adviser")
    link_schools(adviser, 2)
    client.get(url)
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    link_schools(adviser, 6)
    client.get(url)
    with CaptureQueriesContext(connection) as eight:
        response = client.get(url)
    assert response.content.decode().count("Link School") >= 8
    assert len(eight) == len(two), [q["sql"][:120] for q in eight.captured_queries]


@pytest.mark.parametrize("url", PAGES)
def test_every_column_of_a_link_school_shows(client_as, adviser, url):
    ward = WardFactory(name="Orton Waterville")
    school = SchoolFactory(name="Kingfisher Primary School", urn=874321, link_adviser=adviser, phase="Primary",
                           number_on_roll=187, ward=ward, status=SchoolStatus.CLOSED)  # fmt: skip
    InspectionFactory(school=school, framework=OfstedFramework.REPORT_CARD, overall_effectiveness=None,
                      rc_achievement=4, start_date=date(2026, 2, 3))  # fmt: skip
    page = client_as("adviser").get(url).content.decode()
    row = page[page.index("Kingfisher Primary School") :]
    row = row[: row.index("</tr>")]
    for shown in ("874321", "Primary", "Community school", "Orton Waterville", "187", "Closed", "Feb 2026",
                  "Report card (lowest area:"):  # fmt: skip
        assert shown in row, shown
    assert reverse("schools:detail", args=[874321]) in page
