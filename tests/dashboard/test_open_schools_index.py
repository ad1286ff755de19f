"""The open schools' covering index (schools.School.Meta.indexes, "school_open_by_type"): the officer's
Ofsted summary, the outcomes table and a figure's count of it read only columns the index holds, so at
England scale PostgreSQL answers them from the index instead of the register's wide rows (issue 11)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schools.models import School, SchoolStatus
from tests.factories import InspectionFactory, SchoolFactory

pytestmark = pytest.mark.django_db
INDEX = next(i for i in School._meta.indexes if i.name == "school_open_by_type")
PAGES = [
    reverse("dashboard:home"),
    reverse("dashboard:outcomes"),
    reverse("dashboard:outcome_schools") + "?phase=all&governance=all&set=judged",
]


def _over_open_schools(client, url) -> list[str]:
    """The page's queries that group or count the open schools with their latest judgement."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [
        q["sql"]
        for q in captured.captured_queries
        if "schools_latestjudgement" in q["sql"] and ("GROUP BY" in q["sql"] or "COUNT(*)" in q["sql"])
    ]


def _school_columns(sql: str) -> set[str]:
    return set(re.findall(r'"schools_school"\."(\w+)"', sql))


@pytest.fixture
def register():
    for n in range(3):
        InspectionFactory(school=SchoolFactory(name=f"Open {n}"), overall_effectiveness=2)
    SchoolFactory(name="Closed", status=SchoolStatus.CLOSED)


@pytest.mark.parametrize("url", PAGES)
def test_the_open_schools_queries_read_only_columns_the_index_holds(client_as, register, url):
    held = {School._meta.get_field(f).column for f in [*INDEX.fields, *INDEX.include]} | {"status"}
    found = _over_open_schools(client_as("officer"), url)
    assert found, "the page no longer groups or counts the open schools: the index may be unused"
    for sql in found:
        assert _school_columns(sql) <= held, sql


def test_the_index_holds_exactly_the_open_schools():
    assert str(School.objects.filter(INDEX.condition).query) == str(School.objects.open().query)
