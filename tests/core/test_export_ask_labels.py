"""The pages of a stored export name its filters as the list page's own filter form does: the page a
GET of the export's address shows (core.views_exports.ask_for_export) and the export's own page
(export_detail). Each filter by its label and the chosen option's label ("Link adviser: Adam Reid"),
every chosen label of a multiple choice, an order in words, never the query string's names and
values; the page number and empty values are no filter. A value the form does not offer (a stale id,
hand-made text) is left out or shown as escaped text; a list whose filters apply all or nothing names
none while its form refuses one. A default the list applies (open actions, open concerns) is named.

Each app names its list's form with `ExportKind.filters` (core.export_jobs.described_filters): these
tests read the kinds as the apps register them."""

import csv
import io
import re
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from core.models import Export
from tests.factories import SchoolFactory
from tests.visits.factories import ActionFactory
from visits.models import ActionOwner, ActionStatus

pytestmark = pytest.mark.django_db

SCHOOLS_XLSX = reverse("schools:export", kwargs={"fmt": "xlsx"})
HOSTILE = '{{ request.user.password }}"><script>alert(1)</script>'
WHOLE_LIST = "None: the whole list"


def export_url(kind: str) -> str:
    return reverse("core:list_export", kwargs={"kind": kind, "fmt": "xlsx"})


def shown_filters(response) -> list[str]:
    """The lines of the page's "Filters" row, as the page writes them (escaped)."""
    assert response.status_code == 200
    body = response.content.decode()
    row = re.search(r"Filters</dt>\s*<dd[^>]*>(.*?)</dd>", body, re.S)
    assert row, "no Filters row"
    return [line.strip() for line in re.findall(r"<li>(.*?)</li>", row.group(1), re.S)]


def shows_the_whole_list(response) -> bool:
    row = re.search(r"Filters</dt>\s*<dd[^>]*>(.*?)</dd>", response.content.decode(), re.S)
    return shown_filters(response) == [] and WHOLE_LIST in row.group(1)


# ---- schools -----------------------------------------------------------------------------------


def test_the_schools_export_page_names_each_filter_and_chosen_option_as_the_list_form_does(client_as, officer, adviser):
    SchoolFactory(phase="Secondary")
    query = {
        "link_adviser": adviser.pk,
        "phase": "Secondary",
        "ofsted": "2",
        "status": "all",
        "q": "Heron",
        "trust_name": "",
        "page": "3",
        "filter": "Apply filters",
    }
    response = client_as("officer").get(SCHOOLS_XLSX, query)
    assert shown_filters(response) == [
        "Name, URN or postcode: Heron",
        "Phase: Secondary",
        "Latest Ofsted: Good",
        "Link adviser: Adam Reid",
        "Status: Open and closed",
    ]
    assert not Export.objects.exists()


def test_the_schools_export_page_shows_the_status_the_list_keeps_when_none_is_chosen(client_as, officer):
    response = client_as("officer").get(SCHOOLS_XLSX, {"status": "", "q": "   ", "page": "2"})
    assert shown_filters(response) == ["Status: Open"]


@pytest.mark.parametrize("stale", ["999999", "99999999999999999999", "abc"])
def test_a_stale_adviser_or_hostile_text_on_the_schools_export_page_is_left_out_or_escaped(client_as, officer, stale):
    query = {"link_adviser": stale, "phase": HOSTILE, "ofsted": "x", "q": HOSTILE, "status": "<b>closed</b>"}
    response = client_as("officer").get(SCHOOLS_XLSX, query)
    body = response.content.decode()
    assert shown_filters(response) == [
        "Name, URN or postcode: {{ request.user.password }}&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;",
    ]
    assert "<script>alert" not in body
    assert "md5$" not in body  # the text is shown, never run as a template (the tests' password hasher)


# ---- visits, actions, MSP groups ---------------------------------------------------------------


def test_the_visits_export_page_names_the_adviser_status_and_type_by_their_labels(client_as, officer, adviser):
    query = f"adviser={adviser.pk}&status=planned&visit_type=external_review&q=&page=4"
    response = client_as("officer").get(f"{export_url('visits')}?{query}")
    assert shown_filters(response) == ["Adviser: Adam Reid", "Status: Planned", "Type: External review"]
    assert not Export.objects.exists()


def test_the_visits_export_page_of_an_adviser_with_no_filter_names_the_adviser_the_list_starts_with(client_as, adviser):
    response = client_as("adviser").get(export_url("visits"), {"page": "2"})
    assert shown_filters(response) == ["Adviser: Adam Reid"]


@pytest.mark.parametrize(
    "query",
    [
        "adviser=999999",
        "adviser=99999999999999999999",
        "adviser=abc&status=planned",
        "adviser=1%3Cb%3E&visit_type=%3Cscript%3E",
    ],
)
def test_a_stale_or_odd_value_on_the_visits_export_page_leaves_the_list_unfiltered_as_the_list_does(
    client_as, officer, query
):
    response = client_as("officer").get(f"{export_url('visits')}?{query}&page=2")
    assert shows_the_whole_list(response)
    assert "<script>" not in response.content.decode()


def test_the_actions_export_page_names_the_owner_status_and_link_adviser_by_their_labels(client_as, officer, adviser):
    query = {"owner": "la", "status": "overdue", "link_adviser": adviser.pk, "q": "", "page": "5"}
    response = client_as("officer").get(export_url("actions"), query)
    assert shown_filters(response) == ["Owner: Local authority", "Status: Open and overdue", "Link adviser: Adam Reid"]


@pytest.mark.parametrize("query", [{}, {"status": "", "page": "2"}, {"owner": "school", "status": ""}])
def test_the_actions_export_page_with_no_status_chosen_says_it_holds_the_open_actions(client_as, officer, query):
    response = client_as("officer").get(export_url("actions"), query)
    expected = ["Owner: School"] if query.get("owner") else []
    assert shown_filters(response) == [*expected, "Status: Open"]


@pytest.mark.parametrize("stale", ["999999", "99999999999999999999", "abc"])
def test_a_stale_adviser_on_the_actions_export_page_leaves_the_open_actions_the_list_keeps(client_as, officer, stale):
    response = client_as("officer").get(export_url("actions"), {"link_adviser": stale, "owner": "la", "status": "all"})
    assert shown_filters(response) == ["Status: Open"]  # every filter or none (ListFilter), then open ones


def test_the_actions_export_that_says_status_open_holds_the_open_actions_only(client_as, officer, on_day):
    on_day(date(2026, 11, 18))
    ActionFactory(description="Still to do", owner=ActionOwner.SCHOOL)
    ActionFactory(description="Done", owner=ActionOwner.LA, status=ActionStatus.CLOSED)
    query = {"link_adviser": "999999", "owner": "la", "status": "all"}
    client = client_as("officer")
    assert shown_filters(client.get(export_url("actions"), query)) == ["Status: Open"]
    csv_url = reverse("core:list_export", kwargs={"kind": "actions", "fmt": "csv"})
    text = b"".join(client.get(csv_url, query).streaming_content).decode("utf-8-sig")
    assert [row[2] for row in list(csv.reader(io.StringIO(text)))[1:]] == ["Still to do"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"page": "2"}, ["Status: Open"]),
        ({"status": "closed", "page": "2"}, ["Status: Closed"]),
        ({"status": ""}, []),  # every group, as the list shows it
        ({"status": "<b>bogus</b>"}, []),
    ],
)
def test_the_msp_groups_export_page_names_the_status_the_list_keeps(client_as, officer, query, expected):
    response = client_as("officer").get(export_url("msp-groups"), query)
    assert shown_filters(response) == expected
    assert "<b>" not in response.content.decode()


# ---- concerns about academies ------------------------------------------------------------------


def test_the_concerns_export_page_names_the_search_and_status_by_their_labels(client_as, officer):
    response = client_as("officer").get(export_url("academy-concerns"), {"q": "Oak", "status": "ended", "page": "2"})
    assert shown_filters(response) == ["Status: Resolved or closed", "Academy name or URN: Oak"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"page": "2"}, ["Status: Open"]),
        ({"q": "Oak", "status": ""}, ["Status: Open", "Academy name or URN: Oak"]),
        ({"q": "Oak", "status": HOSTILE}, ["Status: Open"]),  # both or neither, then the open ones
    ],
)
def test_the_concerns_export_page_says_it_holds_open_concerns_unless_another_status_applies(
    client_as, officer, query, expected
):
    response = client_as("officer").get(export_url("academy-concerns"), query)
    assert shown_filters(response) == expected
    assert "<script>alert" not in response.content.decode()


# ---- schools due for review --------------------------------------------------------------------


def test_the_review_due_export_page_names_each_filter_by_its_label(client_as, officer, adviser):
    SchoolFactory(phase="Primary")
    query = {"q": "Heron", "phase": "Primary", "link_adviser": adviser.pk, "mine": "on", "page": "2"}
    response = client_as("officer").get(export_url("review-due"), query)
    assert shown_filters(response) == [
        "Name or URN: Heron",
        "Phase: Primary",
        "Link adviser: Adam Reid",
        "Only my link schools: Yes",
    ]


@pytest.mark.parametrize("stale", ["999999", "99999999999999999999", "abc"])
def test_a_stale_adviser_on_the_review_due_export_page_is_left_out_as_the_list_ignores_it(client_as, officer, stale):
    response = client_as("officer").get(export_url("review-due"), {"link_adviser": stale, "q": "Heron", "phase": ""})
    assert shown_filters(response) == ["Name or URN: Heron"]


# ---- schools behind a dashboard figure ---------------------------------------------------------


def test_the_dashboard_figure_export_page_names_each_filter_by_its_label(client_as, officer, adviser):
    SchoolFactory(phase="Secondary")
    la = settings.LOCAL_AUTHORITY_CODES[0]
    query = {"figure": "review.due", "la": la, "phase": "Secondary", "adviser": adviser.pk, "page": "2"}
    response = client_as("officer").get(export_url("dashboard-figure"), query)
    assert shown_filters(response) == [f"LA code: {la}", "Phase: Secondary", "Link adviser: Adam Reid"]


@pytest.mark.parametrize("stale", ["999999", "99999999999999999999", "abc"])
def test_a_stale_adviser_on_the_dashboard_figure_export_page_is_left_out_as_the_figure_ignores_it(
    client_as, officer, stale
):
    SchoolFactory(phase="Secondary")
    query = {"figure": "review.due", "adviser": stale, "phase": "Secondary", "la": ""}
    response = client_as("officer").get(export_url("dashboard-figure"), query)
    assert shown_filters(response) == ["Phase: Secondary"]


# ---- a school's case file ----------------------------------------------------------------------


def test_the_case_file_pdf_page_names_every_chosen_kind_and_the_order_in_words(client_as, officer, school):
    url = reverse("dashboard:timeline_pdf", kwargs={"urn": school.urn})
    response = client_as("officer").get(f"{url}?kind=ofsted&kind=letter&order=oldest&filter=Apply+filters&page=2")
    assert shown_filters(response) == ["Show: Ofsted inspections, Letters", "Order: Oldest first"]


@pytest.mark.parametrize("query", [{"order": HOSTILE, "kind": "ofsted"}, {"kind": ["ofsted", "nonsense"]}])
def test_a_refused_choice_on_the_case_file_pdf_page_shows_the_whole_file_the_pdf_holds(
    client_as, officer, school, query
):
    url = reverse("dashboard:timeline_pdf", kwargs={"urn": school.urn})
    response = client_as("officer").get(url, query)
    assert shows_the_whole_list(response)
    assert "<script>alert" not in response.content.decode()


# ---- users -------------------------------------------------------------------------------------


def test_the_users_export_page_names_the_search_and_role_by_their_labels(client_as, db):
    response = client_as("admin").get(export_url("users"), {"q": "reid", "role": "officer", "page": "2"})
    assert shown_filters(response) == ["Name, username or email: reid", "Role: Officer"]


def test_a_role_the_users_list_does_not_know_is_left_off_the_users_export_page(client_as, db):
    assert shows_the_whole_list(client_as("admin").get(export_url("users"), {"role": "superuser"}))


# ---- the export's own page ---------------------------------------------------------------------


def test_the_export_page_names_the_filters_it_was_asked_for_with_by_their_labels(client_as, officer, adviser):
    client = client_as("officer")
    response = client.post(export_url("visits"), {"adviser": adviser.pk, "status": "completed", "q": "", "page": "2"})
    page = client.get(response.url)
    assert shown_filters(page) == ["Adviser: Adam Reid", "Status: Completed"]
    assert "adviser:" not in page.content.decode()


def test_the_export_page_of_the_actions_list_as_it_opens_says_it_holds_the_open_actions(client_as, officer):
    client = client_as("officer")
    response = client.post(export_url("actions"), {"q": "", "page": "2"})
    assert shown_filters(client.get(response.url)) == ["Status: Open"]


def test_a_stored_exports_page_names_its_filters_as_they_were_when_it_was_asked_for(client_as, officer, adviser):
    """The file holds the adviser's schools: the page still says so once the adviser has left."""
    SchoolFactory(link_adviser=adviser)
    SchoolFactory()
    client = client_as("officer")
    filters = {"link_adviser": adviser.pk, "status": "all"}
    asked = client.post(reverse("schools:export", kwargs={"fmt": "xlsx"}), filters)
    assert Export.objects.get().rows == 1
    adviser.is_active = False
    adviser.save()
    assert "Link adviser: Adam Reid" in shown_filters(client.get(asked["Location"]))
