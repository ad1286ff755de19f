"""The schools list at England scale (issue 11, docs/adr/0019): trigram name search, URN-exact
search, id-first pagination, ward and trust typed rather than chosen from thousands of options,
and the streamed CSV export of the same filtered rows."""

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.http import QueryDict, StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from schools.filters import NO_MATCH, SEVERAL_MATCH, SORTS, SchoolFilter, apply_sort
from schools.models import EstablishmentType, School
from schools.selectors import phases, school_list, search_condition
from tests.factories import InspectionFactory, SchoolFactory, TrustFactory, UserFactory, WardFactory

pytestmark = pytest.mark.django_db
LIST = reverse("schools:list")
CSV = reverse("schools:export", kwargs={"fmt": "csv"})
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigram indexes (pg_trgm) exist on PostgreSQL only"
)


def names(response) -> list[str]:
    return [s.name for s in response.context["pagination"].page.object_list]


def queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


# ---- search ---------------------------------------------------------------------------------------


def test_a_search_of_digits_finds_the_school_with_that_urn_and_never_part_of_a_number(client_as):
    SchoolFactory(name="Kingfisher Primary School", urn=874001, establishment_number="2001")
    SchoolFactory(name="Year 874001 Memorial School", urn=874002, establishment_number="2002")
    client = client_as("officer")
    assert names(client.get(LIST, {"q": "874001"})) == ["Kingfisher Primary School"]
    assert names(client.get(LIST, {"q": "87400"})) == []
    assert names(client.get(LIST, {"q": "8742002"})) == ["Year 874001 Memorial School"]  # LAESTAB
    assert names(client.get(LIST, {"q": "2001"})) == ["Kingfisher Primary School"]  # establishment number
    assert names(client.get(LIST, {"q": "9" * 30})) == []  # too long to be a URN: no error either


def test_a_search_with_letters_finds_part_of_a_name_a_whole_postcode_or_a_postcode_district(client_as):
    SchoolFactory(name="Kingfisher Primary School", postcode="PE1 4AB")
    SchoolFactory(name="Heron Primary School", postcode="PE2 5CD")
    SchoolFactory(name="Ash Tree School", postcode="PE21 7QT")
    client = client_as("officer")
    assert names(client.get(LIST, {"q": "FISHER"})) == ["Kingfisher Primary School"]
    assert names(client.get(LIST, {"q": "kingfisher  primary"})) == ["Kingfisher Primary School"]  # a space typed twice
    assert names(client.get(LIST, {"q": "pe2 5cd"})) == ["Heron Primary School"]
    assert names(client.get(LIST, {"q": "pe2"})) == ["Heron Primary School"]  # the district, not PE21
    assert names(client.get(LIST, {"q": "PE2 5"})) == []  # a part of a postcode is not a district
    assert names(client.get(LIST, {"q": "pe25cd"})) == ["Heron Primary School"]  # typed without its space
    assert names(client.get(LIST, {"q": " PE2   5CD "})) == ["Heron Primary School"]


def _explain(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@on_postgresql
def test_a_name_search_reads_the_trigram_index_on_postgresql(make_user):
    establishment_type = EstablishmentType.objects.get(code=1)
    words = ["Oakfield", "Riverside", "Meadowbank", "Willow", "Heron", "Castle", "Abbey", "Linnet"]
    School.objects.bulk_create(
        School(
            urn=500000 + n,
            la_code="874",
            name=f"{words[n % 8]} {words[n // 8 % 8]} Primary School {n}",
            establishment_type=establishment_type,
        )
        for n in range(3000)
    )
    SchoolFactory(name="Kingfisher Primary School")
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('school_name_upper_trgm')")
        cursor.execute("ANALYZE schools_school")
        # 3,000 rows is a small table, which a sequential scan may read as fast: forbid it, so that
        # the plan shows whether the index can answer the list's own query at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
    school_filter = SchoolFilter(QueryDict("q=kingfisher"), queryset=school_list(user=make_user(Role.OFFICER)))
    ordered, _ = apply_sort(school_filter.qs, "name")
    ids_plan = _explain(ordered.values_list("pk", flat=True)[:50])
    count_plan = _explain(ordered.values_list("pk", flat=True))
    assert "school_name_upper_trgm" in ids_plan, ids_plan
    assert "school_name_upper_trgm" in count_plan, count_plan
    assert list(ordered.values_list("name", flat=True)) == ["Kingfisher Primary School"]


# ---- pagination -----------------------------------------------------------------------------------


ADVISER_NAMES = [("Ann", "Smith"), ("Ann", "Smith"), ("Zoe", "Adams"), ("Bea", "Cole"), ("Cal", "Dunn"), ("Dee", "Eve")]


def _many_schools(count: int):
    wards = [WardFactory(name=f"Ward {letter}") for letter in "CAB"]
    # Link advisers in segments of every size (core.segments): none, one school, many, and two
    # advisers of the same name, whose schools the list interleaves by school name.
    advisers = [None, *(UserFactory(first_name=first, last_name=last) for first, last in ADVISER_NAMES)]
    for n in range(count):
        school = SchoolFactory(
            name=f"School {n % 7}",  # ties on name, broken by URN
            ward=wards[n % 3],
            link_adviser=advisers[min(n % 9, 5)] if n != 100 else advisers[6],
            number_on_roll=None if n % 5 == 0 else 100 + n % 4,
            phase="Primary" if n % 2 else "Secondary",
        )
        # Every school inspected (on one of three days), so that each page loads inspections.
        InspectionFactory(school=school, overall_effectiveness=1 + n % 4, start_date=date(2024, 1 + n % 3, 10))


@pytest.mark.parametrize("sort", [*SORTS, *(f"-{key}" for key in SORTS)])
def test_a_deep_page_runs_the_same_queries_as_the_first_and_the_pages_list_every_school_once(client_as, sort):
    _many_schools(120)
    client = client_as("officer")
    first = queries(client, LIST, {"sort": sort})
    assert queries(client, LIST, {"sort": sort, "page": 3}) == first
    seen = [
        s.urn
        for page in (1, 2, 3)
        for s in client.get(LIST, {"sort": sort, "page": page}).context["pagination"].page.object_list
    ]
    assert sorted(seen) == sorted(School.objects.values_list("urn", flat=True))
    ordered, _ = apply_sort(school_list(user=client.get(LIST).wsgi_request.user), sort)
    assert seen == list(ordered.values_list("urn", flat=True))


def test_a_page_shows_its_schools_whole_in_the_chosen_order(client_as):
    low = SchoolFactory(name="Alpha", number_on_roll=50)
    InspectionFactory(school=low, overall_effectiveness=2)
    SchoolFactory(name="Beta", number_on_roll=500)
    response = client_as("officer").get(LIST, {"sort": "-pupils"})
    schools = response.context["pagination"].page.object_list
    assert [s.name for s in schools] == ["Beta", "Alpha"]
    assert schools[1].latest_inspection.overall_effectiveness == 2
    assert "Showing 1 to 2 of 2." in response.content.decode()


# ---- ward and trust --------------------------------------------------------------------------------


@pytest.fixture
def wards(db):
    park_north = WardFactory(name="Park North", code="E05000101")
    park_south = WardFactory(name="Park South", code="E05000102")
    central = WardFactory(name="Central", code="E05000103")
    other_central = WardFactory(name="Central", code="E05000999")
    SchoolFactory(name="Kingfisher Primary School", ward=park_north)
    SchoolFactory(name="Heron Primary School", ward=park_south)
    SchoolFactory(name="Osprey Primary School", ward=central)
    SchoolFactory(name="Linnet Primary School", ward=other_central)
    WardFactory(name="Parkside")  # no school: never offered
    return {"park_north": park_north, "central": central}


def test_a_ward_is_typed_by_its_name_part_of_it_or_its_code(client_as, wards):
    client = client_as("officer")
    assert names(client.get(LIST, {"ward_name": "park north"})) == ["Kingfisher Primary School"]
    assert names(client.get(LIST, {"ward_name": "North"})) == ["Kingfisher Primary School"]
    assert names(client.get(LIST, {"ward_name": "e05000103"})) == ["Osprey Primary School"]


def test_a_bookmarked_ward_id_still_filters_and_shows_the_ward_name_in_the_box(client_as, wards):
    response = client_as("officer").get(LIST, {"ward": wards["park_north"].pk})
    assert names(response) == ["Kingfisher Primary School"]
    html = response.content.decode()
    assert 'name="ward_name" value="Park North"' in html
    assert f'<input type="hidden" name="ward" value="{wards["park_north"].pk}">' in html


def test_a_ward_that_matches_nothing_says_so_and_lists_no_schools(client_as, wards):
    response = client_as("officer").get(LIST, {"ward_name": "Parkside"})
    assert names(response) == []
    assert NO_MATCH.format(noun="ward", text="Parkside") in response.content.decode()
    stale = client_as("officer").get(LIST, {"ward": "999999"})
    assert names(stale) == []
    assert NO_MATCH.format(noun="ward", text="999999") in stale.content.decode()


def test_a_ward_name_that_matches_several_offers_each_as_a_link_that_chooses_it(client_as, wards):
    client = client_as("officer")
    response = client.get(LIST, {"ward_name": "Central", "phase": "Primary", "page": "2"})
    html = response.content.decode()
    assert names(response) == []
    assert SEVERAL_MATCH.format(count=2, noun="ward", text="Central") in html
    offers = response.context["filter"].form.offered["ward"]
    assert [(o.name, o.code) for o in offers.matches] == [("Central", "E05000103"), ("Central", "E05000999")]
    chosen = client.get(LIST + offers.matches[0].href)
    assert names(chosen) == ["Osprey Primary School"]
    assert "page=" not in offers.matches[0].href
    assert "phase=Primary" in offers.matches[0].href
    # The chosen id is kept while the box still says its name; typing another ward replaces it.
    park = client.get(LIST, {"ward": wards["central"].pk, "ward_name": "Park South"})
    assert names(park) == ["Heron Primary School"]
    cleared = client.get(LIST, {"ward": wards["central"].pk, "ward_name": ""})
    assert len(names(cleared)) == 4


def test_a_trust_is_typed_by_name_or_code_and_an_old_trust_id_still_works(client_as):
    trust = TrustFactory(name="Fenland Learning Trust", code="16001")
    SchoolFactory(name="Osprey Academy", academy=True, trust=trust)
    SchoolFactory(name="Heron Primary School")
    client = client_as("officer")
    assert names(client.get(LIST, {"trust_name": "fenland"})) == ["Osprey Academy"]
    assert names(client.get(LIST, {"trust_name": "16001"})) == ["Osprey Academy"]
    assert names(client.get(LIST, {"trust": trust.pk})) == ["Osprey Academy"]
    assert "app-named-matches" not in client.get(LIST, {"trust_name": "fenland"}).content.decode()


def test_the_page_ships_no_option_per_ward_or_trust(client_as):
    for _ in range(30):
        SchoolFactory(trust=TrustFactory())
    html = client_as("officer").get(LIST).content.decode()
    assert html.count("<option") < 30


# ---- CSV export ------------------------------------------------------------------------------------


def test_the_csv_export_streams_the_rows_the_page_filters_to(client_as, wards):
    client = client_as("adviser")
    response = client.get(CSV, {"q": "er", "sort": "-name"})
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert [row[2] for row in csv_rows(response)[1:]] == ["Kingfisher Primary School", "Heron Primary School"]
    assert [row[2] for row in csv_rows(client.get(CSV, {"ward_name": "park n"}))[1:]] == ["Kingfisher Primary School"]
    assert [row[2] for row in csv_rows(client.get(CSV, {"ward": wards["central"].pk}))[1:]] == ["Osprey Primary School"]
    # A ward that names several is no filter to quietly drop: the export is as empty as the page.
    assert csv_rows(client.get(CSV, {"ward_name": "Central"}))[1:] == []


def test_the_csv_export_runs_the_same_queries_for_3_or_40_schools(client_as):
    client = client_as("officer")

    def export_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            rows = csv_rows(client.get(CSV))
        return len(captured), len(rows)

    SchoolFactory.create_batch(3)
    few, rows = export_queries()
    assert rows == 4
    for school in SchoolFactory.create_batch(37):
        InspectionFactory(school=school)
    many, rows = export_queries()
    assert (many, rows) == (few, 41)


def test_the_phases_held_are_every_distinct_non_empty_phase_in_the_databases_order(db):
    """schools.selectors.phases steps through the index on phase; it must answer what the plain
    DISTINCT query answers, whitespace, case and accents included."""
    assert phases() == []
    held = ["Primary", "Primary", "", "", "primary", "Secondary", " ", "All-through", "Élan", "Elan", "16 plus"]
    for phase in held:
        SchoolFactory(phase=phase)
    distinct = School.objects.exclude(phase="").values_list("phase", flat=True).distinct().order_by("phase")
    assert phases() == list(distinct)
    assert len(phases()) == 8


@on_postgresql
def test_a_postcode_district_search_reads_the_postcode_index_on_postgresql():
    establishment_type = EstablishmentType.objects.get(code=1)
    School.objects.bulk_create(
        School(urn=500000 + n, la_code="874", name=f"School {n}", postcode=f"PE{n % 40} {n % 9}XY",
               establishment_type=establishment_type)
        for n in range(3000)
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE schools_school")
        cursor.execute("SET LOCAL enable_seqscan = off")  # a small table: does the index answer at all?
    plan = _explain(School.objects.filter(search_condition("pe3")).order_by().values_list("pk", flat=True))
    assert "school_postcode_upper" in plan, plan
    assert "~>=~" in plan, plan  # the district as an index range, not a filter on every row
