"""Letters pages run the same number of SQL queries however many letters, schools and facts there are."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from letters import services
from tests.factories import InspectionFactory, SchoolFactory

from .factories import approved, draft, eligible_notice, issued

pytestmark = pytest.mark.django_db


def count(client, url) -> int:
    """The queries of one request (each computes everything: nothing is kept between requests)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_letters(officer, adviser, second_officer, schools):
    today = timezone.localdate()
    for school in schools:
        school.link_adviser = adviser
        school.save()
        issued(school, "significant_concerns", drafter=adviser, officer=officer)
        issued(
            school,
            "warning_notice",
            drafter=second_officer,
            officer=officer,
            compliance_end_date=today + timedelta(days=10),
        )
        draft(school, "congratulations", actor=adviser)
        # The officer's "awaiting approval" and "approved, to issue" lists, which name the drafter.
        services.letter_submit(letter=draft(school, "significant_concerns", actor=adviser), actor=adviser)
        approved(school, "significant_concerns_top", drafter=adviser, officer=second_officer)
        InspectionFactory(school=school, start_date=today - timedelta(days=1500), overall_effectiveness=3)
        InspectionFactory(school=school, start_date=today - timedelta(days=60), overall_effectiveness=2)
    eligible_notice(
        schools[0],
        drafter=second_officer,
        officer=officer,
        issued_on=today - timedelta(days=90),
        end=today - timedelta(days=30),
    )


def test_letters_pages_run_a_bounded_number_of_queries(client, officer, second_officer, adviser, governor, school):
    """The register, suggestions, home panels, school page and letter page, for a few letters and
    for three times as many (the data makes real PDFs, so it is built once for every page)."""
    users = {"officer": officer, "adviser": adviser, "governor": governor}
    pages = [
        ("officer", reverse("letters:register")),
        ("adviser", reverse("letters:register") + "?letter_type=warning_notice"),
        ("officer", reverse("letters:suggestions")),
        ("adviser", reverse("letters:suggestions")),
        ("officer", reverse("dashboard:home")),
        ("adviser", reverse("dashboard:home")),
        ("officer", reverse("dashboard:reminders")),
        ("adviser", reverse("dashboard:reminders")),
        ("officer", reverse("letters:export", kwargs={"fmt": "csv"})),
        ("governor", reverse("dashboard:home")),
        ("adviser", school.get_absolute_url()),
        ("governor", school.get_absolute_url()),
    ]

    def counts() -> dict:
        found = {}
        notice = school.letters.filter(progress__intention_given_on__isnull=False).order_by("pk").first()
        for role, url in [*pages, ("adviser", notice.get_absolute_url()), ("governor", notice.get_absolute_url())]:
            client.force_login(users[role])
            found[(role, url.split("/")[-2] if url.endswith("/") else url)] = count(client, url)
        return found

    add_letters(officer, adviser, second_officer, [school, SchoolFactory()])
    small = counts()
    add_letters(officer, adviser, second_officer, [school, *SchoolFactory.create_batch(2)])
    assert counts() == small


# Each table joined costs PostgreSQL planning time on every run of a query: eight tables took 8 to
# 15 ms to plan at England scale, four about 1 ms (letters.selectors.as_listed).
LISTS_JOIN_AT_MOST = 4


def _letter_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries if q["sql"].startswith('SELECT "letters_letter"."id"')]


def test_the_register_and_the_home_pages_lists_of_letters_join_four_tables_at_most(
    client, officer, second_officer, adviser, school
):
    add_letters(officer, adviser, second_officer, [school])
    for user, url in [(officer, reverse("letters:register")), (officer, "/"), (adviser, "/")]:
        client.force_login(user)
        found = _letter_queries(client, url)
        assert found, url
        for sql in found:
            assert sql.count(" JOIN ") <= LISTS_JOIN_AT_MOST, sql


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_a_page_of_the_register_is_read_from_the_newest_first_index(client, officer, second_officer, adviser, school):
    add_letters(officer, adviser, second_officer, [school])
    client.force_login(officer)
    (page,) = _letter_queries(client, reverse("letters:register"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE letters_letter")
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few rows are read as fast in sequence
        cursor.execute("SET LOCAL enable_sort = off")  # and sorted as fast: does the index give the order?
        cursor.execute("EXPLAIN " + page)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan using letter_newest_first on letters_letter" in plan, plan
