"""core.segments.IdsBySegment: a list sorted first by a column of few values, read a page at a
time, gives exactly the rows and order of the whole sorted list, in two queries per page."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.segments import IdsBySegment
from schools.models import School
from tests.factories import SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db

ORDERS = [
    (("link_adviser__first_name", "link_adviser__last_name"), ("name", "urn")),
    (("-link_adviser__first_name", "-link_adviser__last_name"), ("-name", "-urn")),
]


@pytest.fixture
def schools(db):
    """Segments of 9 schools (no adviser), 13 (two advisers sharing a name), 1 and 2."""
    ann, other_ann = UserFactory(first_name="Ann", last_name="Smith"), UserFactory(first_name="Ann", last_name="Smith")
    bea, cal = UserFactory(first_name="Bea", last_name="Cole"), UserFactory(first_name="Cal", last_name="Dunn")
    for n, adviser in enumerate([None] * 9 + [ann, other_ann] * 6 + [other_ann, bea, cal, cal]):
        SchoolFactory(name=f"School {n % 4}", link_adviser=adviser)


@pytest.mark.parametrize(("leading", "within"), ORDERS)
def test_every_slice_holds_the_rows_the_whole_sorted_list_holds_there(schools, leading, within):
    whole = list(School.objects.order_by(*leading, *within).values_list("pk", flat=True))
    ids = IdsBySegment(School.objects.all(), leading=leading, within=within)
    assert ids.count() == len(whole) == 25
    for start in range(len(whole) + 1):
        for stop in range(start, len(whole) + 2):
            assert ids[start:stop] == whole[start:stop]


@pytest.mark.parametrize(("leading", "within"), ORDERS)
def test_a_page_costs_two_queries_however_many_segments_it_spans(schools, leading, within):
    for number in (1, 2, 3, 4):
        ids = IdsBySegment(School.objects.all(), leading=leading, within=within)
        with CaptureQueriesContext(connection) as queries:
            page = Paginator(ids, 7).page(number)
            list(page.object_list)
        assert len(queries) == 2


def test_a_filtered_list_counts_and_pages_only_its_rows(schools):
    leading, within = ORDERS[0]
    filtered = School.objects.filter(name="School 1")
    ids = IdsBySegment(filtered, leading=leading, within=within)
    whole = list(filtered.order_by(*leading, *within).values_list("pk", flat=True))
    assert ids.count() == len(whole)
    assert ids[0:100] == whole


def test_it_is_read_a_page_at_a_time(schools):
    ids = IdsBySegment(School.objects.all(), leading=ORDERS[0][0], within=ORDERS[0][1])
    with pytest.raises(TypeError):
        ids[3]
