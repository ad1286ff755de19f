"""Pages keep a constant number of SQL queries as categorisations grow: 3 schools with 2 terms of
history against 500 schools with 12 terms each (created in bulk)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from categorisation.models import Categorisation, Status
from schools.models import EstablishmentType, School
from schools.terms import term_on
from tests.categorisation.factories import strategy_framework

pytestmark = pytest.mark.django_db
TERMS = ["autumn", "spring", "summer"]
LEVELS = ["low", "medium", "high"]


def populate(count: int, history: int, *, adviser, officer, first_urn: int) -> list[School]:
    """`count` maintained schools, each with `history` approved categorisations (one a term, ending
    this term for every other school), and one in ten with a categorisation waiting for approval."""
    maintained = EstablishmentType.objects.get(code=1)
    schools = School.objects.bulk_create(
        [
            School(
                urn=first_urn + n,
                la_code="874",
                name=f"Bulk School {first_urn + n}",
                establishment_type=maintained,
                phase="Primary",
                link_adviser=adviser if n % 2 else officer,
            )
            for n in range(count)
        ]
    )
    framework = strategy_framework()
    now = term_on(timezone.localdate())
    start_year = now.academic_year - (history + 2) // 3
    rows = []
    for n, school in enumerate(schools):
        for k in range(history):
            term_index = k + (0 if n % 2 else -1)  # half the schools are not categorised this term
            year, term = start_year + term_index // 3, TERMS[term_index % 3]
            approved_at = timezone.now() - timedelta(days=120 * (history - k) + (0 if n % 2 else 120))
            rows.append(
                Categorisation(
                    school=school,
                    framework=framework,
                    academic_year=year,
                    term=term,
                    status=Status.APPROVED,
                    started_on=approved_at.date(),
                    level=LEVELS[(n + k) % 3],
                    suggested_level=LEVELS[(n + k) % 3],
                    created_by=adviser,
                    submitted_by=adviser,
                    submitted_at=approved_at,
                    approved_by=officer,
                    approved_at=approved_at,
                )
            )
        if n % 10 == 0:
            rows.append(
                Categorisation(
                    school=school,
                    framework=framework,
                    academic_year=now.academic_year,
                    term=now.term,
                    status=Status.SUBMITTED,
                    started_on=timezone.localdate(),
                    level="high",
                    suggested_level="high",
                    created_by=adviser,
                    submitted_by=adviser,
                    submitted_at=timezone.now(),
                )
            )
    Categorisation.objects.bulk_create(rows, batch_size=1000)
    return schools


def queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def pages(client_as, school) -> dict[str, int]:
    officer, adviser = client_as("officer"), None
    counts = {
        "school page": queries(officer, school.get_absolute_url()),
        "list": queries(officer, reverse("categorisation:list")),
        "list filtered": queries(officer, reverse("categorisation:list"), {"level": "high", "phase": "Primary"}),
        "review due": queries(officer, reverse("categorisation:review_due")),
        "queue": queries(officer, reverse("categorisation:queue")),
        "officer home": queries(officer, reverse("dashboard:home")),
    }
    adviser = client_as("adviser")
    counts["review due (mine)"] = queries(adviser, reverse("categorisation:review_due"), {"mine": "on"})
    counts["adviser home"] = queries(adviser, reverse("dashboard:home"))
    counts["adviser school page"] = queries(adviser, school.get_absolute_url())
    return counts


def test_pages_run_the_same_number_of_queries_for_500_schools_with_12_terms_of_history(client_as, adviser, officer):
    # Each measure follows one warming read: the first read after writes brings the stored
    # compliance status up to date (visits.stored_compliance, its own query tests), which is not
    # what this compares.
    small_schools = populate(3, 2, adviser=adviser, officer=officer, first_urn=500000)
    pages(client_as, small_schools[1])
    small = pages(client_as, small_schools[1])

    large_schools = populate(500, 12, adviser=adviser, officer=officer, first_urn=600000)
    assert Categorisation.objects.filter(status=Status.APPROVED).count() == 3 * 2 + 500 * 12
    pages(client_as, large_schools[1])
    large = pages(client_as, large_schools[1])

    assert large == small
    own = ("list", "list filtered", "review due", "queue", "review due (mine)")
    assert max(large[name] for name in own) <= 15  # the school page and homes also hold other apps' sections
    assert section_queries(client_as, large_schools[1]) <= 3


def section_queries(client_as, school) -> int:
    """The queries of this app's school page section alone (the page holds other apps' too)."""
    from django.test import RequestFactory

    from categorisation.panels import section_context

    request = RequestFactory().get(school.get_absolute_url())
    request.user = client_as("officer").get(school.get_absolute_url()).wsgi_request.user
    with CaptureQueriesContext(connection) as captured:
        context = section_context(request, school)
    assert len(context["history"]) == 12
    return len(captured)


def test_the_categorisation_page_runs_the_same_number_of_queries_however_long_the_history(client_as, adviser, officer):
    schools = populate(1, 2, adviser=adviser, officer=officer, first_urn=700000)
    submitted = Categorisation.objects.get(school=schools[0], status=Status.SUBMITTED)
    url = submitted.get_absolute_url()
    queries(client_as("officer"), url)  # warms the stored compliance status and the read log's caches
    few = queries(client_as("officer"), url)
    Categorisation.objects.filter(school=schools[0]).delete()
    schools = populate(1, 12, adviser=adviser, officer=officer, first_urn=700001)
    submitted = Categorisation.objects.get(school=schools[0], status=Status.SUBMITTED)
    queries(client_as("officer"), submitted.get_absolute_url())
    assert queries(client_as("officer"), submitted.get_absolute_url()) == few


def test_the_in_progress_list_fetches_its_schools_by_id_rather_than_joining_the_register(adviser):
    """At England scale the planner, unable to tell how few rows `created_by OR link school` finds,
    hashed all 22,000 schools for the join (bench/pages.py: the adviser's home 229 ms, 170 ms without)."""
    from categorisation.selectors import in_progress_for
    from tests.categorisation.factories import CategorisationFactory
    from tests.factories import SchoolFactory

    mine, theirs = SchoolFactory(link_adviser=adviser), SchoolFactory()
    CategorisationFactory(school=mine)
    CategorisationFactory(school=theirs, created_by=adviser)
    CategorisationFactory(school=SchoolFactory())  # neither: not listed
    with CaptureQueriesContext(connection) as queries:
        listed = {c.school.name for c in in_progress_for(adviser)}
    assert listed == {mine.name, theirs.name}
    [categorisations, schools] = [q["sql"] for q in queries.captured_queries]
    assert 'JOIN "schools_school"' not in categorisations
    assert schools.startswith('SELECT "schools_school"')
