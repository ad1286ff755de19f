"""The term's record on the pages that show compliance (the compliance view and its exports, the
school page, the officer's and the adviser's home), on a day frozen with `on_day`: a miss earlier in
the term keeps a school from "met", a miss in an earlier term stays visible, and every summary count
agrees with the rows its status filter gives.

The school year is England's default 2026/27 (see tests/visits/test_entitlement.py): Spring 1 runs
4 Jan - 19 Feb 2027, Spring 2 from 20 Feb; 1 March 2027 is a Monday in Spring 2."""

import csv
import io
import re
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from categorisation.models import SupportLevel
from tests.categorisation.factories import ApprovedCategorisationFactory, aware
from tests.conftest import collapsed
from tests.factories import SchoolFactory
from tests.visits.conftest import content
from tests.visits.factories import MspGroupFactory, MspMeetingFactory, VisitFactory
from visits.compliance import STATUS_FILTERS
from visits.models import VisitStatus

pytestmark = pytest.mark.django_db

SPRING_2 = date(2027, 3, 1)
AUTUMN_1, AUTUMN_2, SPRING_1, SPRING_2_VISIT = (
    date(2026, 9, 15),
    date(2026, 11, 10),
    date(2027, 1, 12),
    date(2027, 2, 25),
)


MISSED_EARLIER_TAG = 'app-tag--nowrap">Missed earlier</strong>'


def school_with(name, level, visits, *, adviser=None, msp=True):
    """A maintained school at `level` since June 2026 (None: not categorised) with completed visits
    on the days given, and (high support) an MSP group meeting each half-term."""
    school = SchoolFactory(name=name, link_adviser=adviser)
    if level:
        ApprovedCategorisationFactory(school=school, level=level, approved_at=aware(2026, 6, 1))
    for day in visits:
        VisitFactory(school=school, visit_date=day, status=VisitStatus.COMPLETED)
    if level == SupportLevel.HIGH and msp:
        group = MspGroupFactory(school=school, set_up_on=date(2026, 6, 10))
        for day in (AUTUMN_1, AUTUMN_2, SPRING_1, SPRING_2_VISIT):
            MspMeetingFactory(group=group, held_on=day)
    return school


@pytest.fixture
def schools(on_day, adviser):
    on_day(SPRING_2)
    return {
        # high support, every half-term visited; Spring 2's visit still to come
        "Alder": school_with("Alder Primary School", SupportLevel.HIGH, [AUTUMN_1, AUTUMN_2, SPRING_1],
                             adviser=adviser),
        # high support, missed autumn 2, this term met
        "Beech": school_with("Beech Primary School", SupportLevel.HIGH, [AUTUMN_1, SPRING_1, SPRING_2_VISIT]),
        # the issue's case: high support, missed Spring 1, Spring 2's visit done
        "Cedar": school_with("Cedar Primary School", SupportLevel.HIGH, [AUTUMN_1, AUTUMN_2, SPRING_2_VISIT],
                             adviser=adviser),
        # medium support, missed the autumn term, visited this term
        "Dunlin": school_with("Dunlin Primary School", SupportLevel.MEDIUM, [SPRING_1]),
        # not categorised, visited in the autumn only
        "Elm": school_with("Elm Primary School", None, [AUTUMN_1]),
        # high support without an MSP group, this term met
        "Fern": school_with("Fern Primary School", SupportLevel.HIGH, [AUTUMN_1, AUTUMN_2, SPRING_1, SPRING_2_VISIT],
                            msp=False),
    }  # fmt: skip


def names(response) -> list[str]:
    return [row.school.name.split()[0] for row in response.context["rows"]]


def test_a_miss_earlier_in_the_term_keeps_a_school_from_met_and_out_of_the_met_count(client_as, schools):
    response = client_as("officer").get(reverse("visits:compliance"))
    rows = {row.school.name.split()[0]: row for row in response.context["rows"]}

    assert rows["Cedar"].visits.status == "overdue"
    assert rows["Cedar"].visits.record_text == "Spring 1: missed; Spring 2: visited 25 Feb"
    assert response.context["summary"].met == 3  # Beech, Dunlin, Fern: not Cedar
    page = content(response)
    assert "<strong>Spring 1</strong>: missed" in page
    assert "<strong>Spring 2</strong>: visited 25 Feb" in page


def test_the_compliance_page_shows_each_schools_term_record_and_what_it_missed_earlier(client_as, schools):
    response = client_as("officer").get(reverse("visits:compliance"))
    rows = {row.school.name.split()[0]: row for row in response.context["rows"]}

    assert {name: (row.visits.status, row.visits.record_text, row.visits.missed_earlier_text)
            for name, row in rows.items()} == {
        "Alder": ("due", "Spring 1: visited 12 Jan; Spring 2: due", ""),
        "Beech": ("met", "Spring 1: visited 12 Jan; Spring 2: visited 25 Feb", "Autumn 2 2026/27"),
        "Cedar": ("overdue", "Spring 1: missed; Spring 2: visited 25 Feb", ""),
        "Dunlin": ("met", "Spring term: visited 12 Jan", "Autumn 2026/27"),
        "Elm": ("due", "Spring term: due", ""),
        "Fern": ("met", "Spring 1: visited 12 Jan; Spring 2: visited 25 Feb", ""),
    }  # fmt: skip
    page = content(response)
    assert page.count(MISSED_EARLIER_TAG) == 2
    assert f'{MISSED_EARLIER_TAG}<br><span class="govuk-body-s">Autumn 2<' in collapsed(page)  # Beech
    assert f'{MISSED_EARLIER_TAG}<br><span class="govuk-body-s">Autumn term<' in collapsed(page)  # Dunlin
    assert "Which visits count" in page
    assert "led by any of the LA's advisers or officers</strong>, the link adviser or another" in page


@pytest.mark.parametrize("status", sorted(STATUS_FILTERS))
def test_each_summary_count_is_the_number_of_rows_its_status_filter_gives(client_as, schools, status):
    client = client_as("officer")
    page = client.get(reverse("visits:compliance"))
    link = page.context["status_links"][status]
    filtered = client.get(reverse("visits:compliance") + link)

    expected = {
        "met": ["Beech", "Dunlin", "Fern"],
        "due": ["Alder", "Elm"],
        "overdue": ["Cedar"],
        "missed_earlier": ["Beech", "Dunlin"],
        "attention": ["Cedar", "Fern"],  # overdue; an MSP group to set up
    }[status]
    assert names(filtered) == expected
    count = {"attention": "needs_attention"}.get(status, status)
    assert getattr(page.context["summary"], count) == len(expected)
    # the counts stay those of every status, whichever is chosen
    assert filtered.context["summary"] == page.context["summary"]
    assert f'href="{link.replace("&", "&amp;")}">{len(expected)}<' in content(page)


def test_an_advisers_summary_cards_keep_their_link_schools(client_as, schools):
    client = client_as("adviser")
    page = client.get(reverse("visits:compliance"))  # starts on "My link schools": Alder and Cedar
    assert names(page) == ["Alder", "Cedar"]
    summary = page.context["summary"]
    assert (summary.met, summary.due, summary.overdue, summary.total) == (0, 1, 1, 2)
    overdue = client.get(reverse("visits:compliance") + page.context["status_links"]["overdue"])
    assert names(overdue) == ["Cedar"]


def test_the_officer_home_counts_agree_with_the_compliance_filters(client_as, schools):
    client = client_as("officer")
    home = content(client.get(reverse("dashboard:home")))
    for status in ("met", "due", "overdue", "missed_earlier"):
        match = re.search(rf'href="/visits/compliance/\?status={status}">(\d+)<', home)
        assert match, status
        rows = client.get(reverse("visits:compliance"), {"status": status}).context["rows"]
        assert int(match.group(1)) == len(rows), status
    assert "met this term" in home
    assert "missed a visit earlier this year" in home


def test_the_exports_have_the_terms_record_and_the_misses_earlier_this_year(client_as, schools):
    client = client_as("officer")
    response = client.get(reverse("visits:compliance_export", kwargs={"fmt": "csv"}), {"status": "missed_earlier"})
    rows = list(csv.reader(io.StringIO(content(response).lstrip("\ufeff"))))
    header = rows[0]
    by_name = {r[1].split()[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert sorted(by_name) == ["Beech", "Dunlin"]
    beech = by_name["Beech"]
    assert (beech["Term"], beech["Periods due so far this term"], beech["Periods met this term"]) == (
        "Spring 2026/27", "2", "2")  # fmt: skip
    assert beech["This term's record"] == "Spring 1: visited 12 Jan; Spring 2: visited 25 Feb"
    assert (beech["Status"], beech["Missed earlier this year"]) == ("Met", "Autumn 2 2026/27")
    assert (beech["Period under way"], beech["Visits completed in it"]) == ("Spring 2 2026/27", "1")

    xlsx = client.get(reverse("visits:compliance_export", kwargs={"fmt": "xlsx"}), {"status": "overdue"})
    sheet = [list(r) for r in load_workbook(io.BytesIO(xlsx.content)).active.values]
    cedar = dict(zip(sheet[0], sheet[1], strict=True))
    assert len(sheet) == 2
    assert (cedar["Status"], cedar["This term's record"], cedar["Periods met this term"]) == (
        "Overdue", "Spring 1: missed; Spring 2: visited 25 Feb", 1)  # fmt: skip


def test_the_school_page_shows_the_terms_record_and_a_miss_earlier_this_year(client_as, schools):
    page = content(client_as("adviser").get(schools["Beech"].get_absolute_url()))
    assert "Spring 2026/27" in page
    assert "<strong>Spring 1</strong>: visited 12 Jan" in page
    assert "<strong>Spring 2</strong>: visited 25 Feb" in page
    assert "Earlier this year" in page
    assert f'{MISSED_EARLIER_TAG}<br><span class="govuk-body-s">Autumn 2<' in collapsed(page)
    cedar = content(client_as("adviser").get(schools["Cedar"].get_absolute_url()))
    assert "<strong>Spring 1</strong>: missed" in cedar
    assert "Earlier this year" not in cedar


def test_the_adviser_home_lists_link_schools_not_met_with_their_record(client_as, schools):
    page = content(client_as("adviser").get(reverse("dashboard:home")))
    assert "Alder Primary School" in page
    assert "Cedar Primary School" in page
    assert "<strong>Spring 1</strong>: missed" in page


def test_an_msp_group_that_missed_a_half_term_this_term_shows_overdue_and_names_it_on_each_page(
    client_as, on_day, adviser
):
    """Spring 1 went without a meeting; Spring 2's is held: overdue until the spring term ends (docs/adr/0060)."""
    on_day(SPRING_2)
    school = SchoolFactory(name="Hazel Primary School", link_adviser=adviser)
    ApprovedCategorisationFactory(school=school, level=SupportLevel.HIGH, approved_at=aware(2026, 6, 1))
    group = MspGroupFactory(school=school, set_up_on=date(2026, 6, 10))
    for day in (AUTUMN_1, AUTUMN_2, SPRING_2_VISIT):
        MspMeetingFactory(group=group, held_on=day)
    client = client_as("officer")

    page = collapsed(content(client.get(reverse("visits:compliance"), {"q": "Hazel"})))
    msp_cell = re.search(r"MSP group<span[^>]*> of Hazel Primary School</span></a>: meeting (.*?)</td>", page)
    assert msp_cell is not None
    assert ">Overdue</strong>" in msp_cell[1]
    assert "No meeting in Spring 1</span>" in msp_cell[1]
    school_page = collapsed(content(client_as("adviser").get(school.get_absolute_url())))
    assert "No meeting in Spring 1 this academic year" in school_page

    response = client.get(reverse("visits:compliance_export", kwargs={"fmt": "csv"}), {"q": "Hazel"})
    rows = list(csv.reader(io.StringIO(content(response).lstrip("\ufeff"))))
    hazel = dict(zip(rows[0], rows[1], strict=True))
    assert (hazel["MSP meetings"], hazel["MSP half-terms missed this year"]) == ("Overdue", "Spring 1 2026/27")
