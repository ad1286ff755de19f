"""The officer dashboard's pages: who may read them, what they show, how many queries they run,
and the terms they cover wherever today falls in the school year."""

from datetime import date
from itertools import pairwise
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from categorisation.models import SupportLevel
from dashboard import charts
from dashboard.history import last_terms
from tests.categorisation.factories import ApprovedCategorisationFactory, aware
from tests.conftest import ROLES
from tests.factories import SchoolFactory
from tests.visits.factories import ActionFactory, MspGroupFactory, VisitFactory
from visits.models import VisitStatus

from .conftest import DAY

pytestmark = pytest.mark.django_db

STAFF = {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 200, "officer": 200, "admin": 403}
PAGES = {
    "dashboard": reverse("dashboard:officer"),
    "levels chart": reverse("dashboard:chart", args=["levels"]),
    "letters chart": reverse("dashboard:chart", args=["letters"]),
    "figure": reverse("dashboard:figure") + "?figure=review.due",
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_la_staff_read_the_dashboard_and_its_lists_governors_headteachers_and_admins_do_not(
    client_as, school, governor, other_governor, adviser, officer, admin_user, page, role
):
    response = client_as(role).get(PAGES[page])
    if role == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == STAFF[role]


def test_an_unknown_figure_is_not_found(client_as, officer):
    assert client_as("officer").get(reverse("dashboard:figure") + "?figure=level.1900-autumn.high").status_code == 404
    assert client_as("officer").get(reverse("dashboard:figure")).status_code == 404


def test_unknown_filter_values_are_ignored_not_an_error(client_as, officer):
    query = urlencode({"la": "999", "phase": "<script>", "adviser": "x'; drop", "figure": "review.due"})
    assert client_as("officer").get(reverse("dashboard:officer") + "?" + query).status_code == 200
    assert client_as("officer").get(reverse("dashboard:figure") + "?" + query).status_code == 200


def test_the_dashboard_links_each_number_to_the_schools_behind_it(known, client_as):
    response = client_as("officer").get(reverse("dashboard:officer") + "?la=874")
    html = response.content.decode()
    href = reverse("dashboard:figure") + "?la=874&amp;figure=review.overdue"
    assert f'href="{href}">2<' in html
    listing = client_as("officer").get(reverse("dashboard:figure") + "?la=874&figure=review.overdue")
    assert [school.name for school, _ in listing.context["pagination"].page.object_list] == [
        "Beech Primary",
        "Damson Primary",
    ]


def test_the_charts_are_images_of_their_own_svg_with_an_alt_text_pointing_at_the_table(known, client_as):
    html = client_as("officer").get(reverse("dashboard:officer") + "?la=874").content.decode()
    levels_src = reverse("dashboard:chart", args=["levels"]) + "?la=874"
    letters_src = reverse("dashboard:chart", args=["letters"]) + "?la=874"
    assert html.count('<img class="app-chart"') == 2
    assert (
        f'<img class="app-chart" src="{levels_src}" alt="Maintained schools by support level, last six terms. '
        'The same numbers are in the table beside this chart."' in html
    )
    assert f'src="{letters_src}" alt="Letters issued in 2026/27 by type. The same numbers' in html
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "style=" not in main
    assert "<script" not in main
    assert "<svg" not in main


def test_each_chart_is_an_svg_with_a_title_a_description_of_every_number_and_no_script(known, client_as):
    client = client_as("officer")
    response = client.get(reverse("dashboard:chart", args=["levels"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "no-store" in response["Cache-Control"]
    svg = response.content.decode()
    assert '<title id="chart-title">Maintained schools by support level, last six terms</title>' in svg
    description = "Autumn 2026/27: low support 2, medium support 1, high support 2, not categorised 1"
    assert description in svg
    assert "<script" not in svg
    # The page's table says the same numbers: high support now is 2.
    page = client.get(reverse("dashboard:officer"))
    assert {label: f.count for label, f in page.context["now"]}["High support"] == 2
    letters = client.get(reverse("dashboard:chart", args=["letters"])).content.decode()
    assert '<title id="chart-title">Letters issued in 2026/27 by type</title>' in letters
    assert client.get(reverse("dashboard:chart", args=["pie"])).status_code == 404


def test_a_charts_own_policy_allows_its_style_by_hash_and_nothing_else(known, client_as):
    response = client_as("officer").get(reverse("dashboard:chart", args=["levels"]))
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'none'"
    assert policy["style-src"] == " ".join(charts.style_hashes(response.content))
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "script-src" not in policy  # default-src 'none': no script at all


def test_the_charts_keep_the_dashboards_filters(known, client_as):
    client = client_as("officer")
    everyone = client.get(reverse("dashboard:chart", args=["levels"])).content.decode()
    la_874 = client.get(reverse("dashboard:chart", args=["levels"]) + "?la=874").content.decode()
    first_term = "Spring 2024/25: low support 0, medium support 0, high support 0, not categorised"
    assert f"{first_term} 6;" in everyone
    assert f"{first_term} 5;" in la_874  # Fir Secondary is in LA 873


def _school_with_history(adviser):
    school = SchoolFactory(link_adviser=adviser)
    ApprovedCategorisationFactory(school=school, level=SupportLevel.HIGH, academic_year=2025, term="summer",
                                  approved_at=aware(2026, 5, 1))  # fmt: skip
    ApprovedCategorisationFactory(school=school, level=SupportLevel.LOW, academic_year=2026, term="autumn",
                                  approved_at=aware(2026, 10, 1))  # fmt: skip
    VisitFactory(school=school, visit_date=date(2026, 10, 10), status=VisitStatus.COMPLETED, adviser=adviser)
    ActionFactory(school=school, due_on=date(2026, 11, 1))
    MspGroupFactory(school=school, set_up_on=date(2026, 9, 2))
    return school


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


QUERY_CEILING = 70


@pytest.mark.parametrize(
    "url",
    [
        reverse("dashboard:officer"),
        reverse("dashboard:figure") + "?figure=visits.met",
        reverse("dashboard:chart", args=["levels"]),
        reverse("dashboard:chart", args=["letters"]),
        reverse("dashboard:figure") + "?figure=level.2026-autumn.low",
        reverse("dashboard:figure") + "?figure=move.2026-autumn.stable",
    ],
)
def test_the_dashboard_runs_a_bounded_number_of_queries_whatever_the_number_of_schools(on_day, client_as, adviser, url):
    on_day(DAY)
    client = client_as("officer")
    for _ in range(3):
        _school_with_history(adviser)
    few = _queries(client, url)
    for _ in range(30):
        _school_with_history(adviser)
    many = _queries(client, url)
    assert many == few
    assert many <= QUERY_CEILING


@pytest.mark.parametrize(
    ("today", "first", "last"),
    [
        (date(2026, 11, 18), "Spring 2024/25", "Autumn 2026/27"),  # in term
        (date(2026, 12, 25), "Spring 2024/25", "Autumn 2026/27"),  # the Christmas holiday: still autumn
        (date(2027, 1, 4), "Summer 2024/25", "Spring 2026/27"),  # the first day of spring, a new calendar year
        (date(2026, 8, 31), "Autumn 2024/25", "Summer 2025/26"),  # the summer holiday: still last year's summer
        (date(2026, 9, 1), "Spring 2024/25", "Autumn 2026/27"),  # the first day of a new academic year
    ],
)
def test_the_last_six_terms_end_with_the_term_today_counts_in(on_day, today, first, last):
    on_day(today)
    terms = last_terms(today)
    assert len(terms) == 6
    assert (terms[0].label, terms[-1].label) == (first, last)
    assert all(a.ends_on < b.starts_on for a, b in pairwise(terms))
