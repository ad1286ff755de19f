"""Each "dismiss a suggestion" page has its own <title>, in the words of its heading and caption, so
two of them open in tabs (or in the history) are told apart."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from tests.factories import SchoolFactory
from tests.letters.conftest import grade_improved

pytestmark = pytest.mark.django_db


def congratulations_suggested(school):
    """A congratulations letter suggested (conftest.grade_improved): its dismiss page."""
    inspection = grade_improved(school)
    return reverse("letters:suggestion_dismiss", kwargs={"urn": school.urn, "key": f"ofsted-{inspection.pk}"})


def title_and_heading(page: str) -> tuple[str, str]:
    title, heading = re.search(r"<title>(.*?)</title>", page, re.S), re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert title is not None
    assert heading is not None
    return title.group(1).strip(), heading.group(1).strip()


def test_each_dismiss_page_is_titled_with_its_heading_and_its_school(client_as):
    rowan, heron = SchoolFactory(name="Rowan Primary School"), SchoolFactory(name="Heron & Reed Academy")
    client = client_as("officer")
    rowan_title, rowan_heading = title_and_heading(client.get(congratulations_suggested(rowan)).content.decode())
    heron_title, _ = title_and_heading(client.get(congratulations_suggested(heron)).content.decode())

    assert rowan_heading == "Dismiss the suggested congratulations letter"
    assert rowan_title.startswith("Dismiss the suggested congratulations letter: Rowan Primary School - ")
    assert heron_title.startswith(f"Dismiss the suggested congratulations letter: {escape('Heron & Reed Academy')} - ")


def test_a_dismiss_page_refused_for_a_missing_reason_keeps_its_title_after_the_error_prefix(client_as):
    url = congratulations_suggested(SchoolFactory(name="Rowan Primary School"))
    page = client_as("officer").post(url, {"reason": ""}).content.decode()
    title, _ = title_and_heading(page)
    assert title.startswith("Error: Dismiss the suggested congratulations letter: Rowan Primary School - ")
