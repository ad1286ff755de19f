"""Each "dismiss a suggestion" page has its own <title>, in the words of its heading and caption, so
two of them open in tabs (or in the history) are told apart."""

import re
from datetime import timedelta
from typing import cast

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from schools.models import OfstedInspection
from tests.factories import InspectionFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def congratulations_suggested(school):
    """Two graded inspections, Requires improvement then Good: a congratulations letter is suggested."""
    today = timezone.localdate()
    for days, grade in ((4 * 365, 3), (100, 2)):
        when = today - timedelta(days=days)
        inspection = cast(
            OfstedInspection,
            InspectionFactory(
                school=school, start_date=when, publication_date=when + timedelta(days=20), overall_effectiveness=grade
            ),
        )
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
