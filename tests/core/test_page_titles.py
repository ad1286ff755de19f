"""Each page of a long list has a title of its own: " (page 2 of 3)" after the list's title
({% page_of %} in base.html, from the list's pagination), so a screen reader user, a browser tab
and the history tell the pages apart (WCAG 2.2 2.4.2)."""

import re

import pytest
from django.urls import reverse

from tests.factories import SchoolFactory
from tests.visits.factories import ActionFactory

pytestmark = pytest.mark.django_db

TITLE = re.compile(r"<title>(.*?) - ", re.S)


def title_of(response) -> str:
    assert response.status_code == 200
    return TITLE.search(response.content.decode()).group(1)


def test_a_list_of_one_page_keeps_its_plain_title(client_as):
    SchoolFactory.create_batch(3)
    assert title_of(client_as("officer").get(reverse("schools:list"))) == "Schools"


def test_each_page_of_a_long_list_says_which_page_it_is_in_its_title(client_as):
    SchoolFactory.create_batch(101)  # 50 a page: three pages
    client = client_as("officer")
    assert title_of(client.get(reverse("schools:list"))) == "Schools (page 1 of 3)"
    assert title_of(client.get(reverse("schools:list"), {"page": 2})) == "Schools (page 2 of 3)"
    # A page past the end shows the last page, and says so.
    assert title_of(client.get(reverse("schools:list"), {"page": 99})) == "Schools (page 3 of 3)"


def test_a_filtered_list_counts_the_pages_of_what_it_shows(client_as):
    SchoolFactory.create_batch(60, name="Oak Primary School")
    SchoolFactory.create_batch(10, name="Ash Primary School")
    client = client_as("officer")
    assert title_of(client.get(reverse("schools:list"))) == "Schools (page 1 of 2)"
    assert title_of(client.get(reverse("schools:list"), {"q": "Ash"})) == "Schools"


def test_another_list_gets_the_same_title_pattern(client_as, school):
    ActionFactory.create_batch(51, school=school)
    page = client_as("officer").get(reverse("visits:actions"), {"page": 2})
    assert title_of(page) == "Actions (page 2 of 2)"
