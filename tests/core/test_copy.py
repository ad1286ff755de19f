"""Words users read: comparisons with national, who a note was shared with, counts that agree with
their nouns, and the named, focusable scroll region around wide tables."""

import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from core.text import count_of
from schools.models import PerformanceResult
from tests.factories import PerformanceResultFactory
from tests.visits.factories import VisitFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "national", "words"),
    [(55, 62, "worse than national"), (70, 62, "better than national"), (62, 62, "in line with national")],
)
def test_the_school_page_compares_each_measure_with_national_in_plain_words(client_as, school, value, national, words):
    PerformanceResultFactory(school=school, value=value, national_value=national)
    page = client_as("officer").get(school.get_absolute_url()).content.decode()
    assert f'<span class="govuk-visually-hidden">{words}</span>' in page
    assert "than national</span>" not in page.replace("better than national", "").replace("worse than national", "")


def test_no_comparison_is_said_without_a_national_value():
    result = PerformanceResult(value=Decimal(55), national_value=None)
    assert result.compared_to_national_words == ""


def test_sharing_a_note_names_who_it_was_shared_with(client_as, school, adviser):
    school.link_adviser = adviser
    school.save()
    today = timezone.localdate()
    visit = VisitFactory(school=school, adviser=adviser, visit_date=today, completed=True)
    response = client_as("adviser").post(
        reverse("visits:share", kwargs={"pk": visit.pk}),
        {
            "shared_on_0": today.day,
            "shared_on_1": today.month,
            "shared_on_2": today.year,
            "shared_with": "Headteacher (Mrs Marsh)",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Recorded that the note of visit was shared with Headteacher (Mrs Marsh)." in page
    assert "shared with ." not in page


@pytest.mark.parametrize(
    ("count", "words"),
    [(0, "0 rows"), (1, "1 row"), (2, "2 rows"), (12345, "12,345 rows")],
)
def test_count_of_makes_the_noun_agree_with_the_count(count, words):
    assert count_of(count, "row") == words


def test_count_of_takes_an_irregular_plural():
    assert count_of(1, "row is", "rows are") == "1 row is"
    assert count_of(3, "row is", "rows are") == "3 rows are"


def test_a_scroll_region_is_named_and_keyboard_focusable():
    html = Template('{% scroll_region "Schools by category" %}<table></table>{% endscroll_region %}').render(
        Context({})
    )
    assert html == (
        '<div class="app-table-wrap" role="region" aria-label="Schools by category" tabindex="0"><table></table></div>'
    )


def test_a_scroll_region_name_is_escaped_data():
    html = Template("{% scroll_region name %}<table></table>{% endscroll_region %}").render(
        Context({"name": 'Visits to "Oak" <School>'})
    )
    assert 'aria-label="Visits to &quot;Oak&quot; &lt;School&gt;"' in html


def test_every_table_in_the_templates_is_inside_a_scroll_region():
    """Wide tables scroll inside their own region at 320 px; one tag does it (browser test:
    tests/browser/test_reflow.py). PDF templates are paper, not screens."""
    from pathlib import Path

    from django.conf import settings

    unwrapped = []
    for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")):
        if "pdf" in path.parts or path.name.endswith("_pdf.html") or "email" in path.parts:
            continue
        text = path.read_text()
        opened = closed = 0
        for match in re.finditer(r"{% scroll_region|{% endscroll_region %}|<table\b", text):
            token = match.group(0)
            if token == "{% scroll_region":
                opened += 1
            elif token == "{% endscroll_region %}":
                closed += 1
            elif opened == closed:
                unwrapped.append(str(path.relative_to(settings.BASE_DIR)))
    assert unwrapped == []


def test_a_scroll_region_named_in_parts_joins_them():
    html = Template("{% scroll_region area level %}<table></table>{% endscroll_region %}").render(
        Context({"area": "Quality of education", "level": "High support"})
    )
    assert 'aria-label="Quality of education: High support"' in html
