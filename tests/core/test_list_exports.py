"""Every list page exports its filtered rows (issue 13): CSV streamed, XLSX built in the background
(core.views_exports.list_export over core.export_jobs.KINDS). The list's own permission decides,
for every role; the rows are the ones the page lists for that user with those filters. The XLSX is
stored, so it is asked for by POST (the list's button, with the CSRF token): a GET records nothing."""

import csv
import io
import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from academies import services as academy_services
from academies.models import ConcernSource, ConcernType, Rag
from core.export_jobs import KINDS
from core.models import Export, ExportStatus
from tests.conftest import ROLES
from tests.factories import SchoolFactory
from tests.role_matrix import SIGN_IN, Redirect, assert_role_posts
from tests.visits.factories import ActionFactory, VisitFactory
from visits.models import ActionStatus

pytestmark = pytest.mark.django_db

# The lists' exports; a document built in the background (a case file's PDF, docs/adr/0037) is
# asked for from its own page, never through the list export URL.
LIST_KINDS = sorted(key for key, kind in KINDS.items() if kind.build is None)


def export_url(kind: str, fmt: str = "csv", query: str = "") -> str:
    return reverse("core:list_export", kwargs={"kind": kind, "fmt": fmt}) + (f"?{query}" if query else "")


def post_form(body: str, action: str) -> str:
    """The page's POST form to `action`, as text."""
    found = re.search(rf'<form method="post"\s+action="{re.escape(action)}".*?</form>', body, re.S)
    assert found, f"no POST form to {action}"
    return found.group(0)


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def users(school, governor, other_governor, headteacher, adviser, officer, admin_user):
    return {
        "governor": governor,
        "other_governor": other_governor,
        "headteacher": headteacher,
        "adviser": adviser,
        "officer": officer,
        "admin": admin_user,
    }


def test_every_export_kind_names_a_list_page_that_links_to_it():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    linked = "\n".join(p.read_text() for p in root.rglob("*.html"))
    for key in LIST_KINDS:
        if key == "schools":  # the schools list links its own export URL (schools:export)
            continue
        assert f'kind="{key}"' in linked, f"no list page offers the {key} export"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", LIST_KINDS)
@pytest.mark.parametrize("role", ROLES)
def test_a_list_export_is_given_to_exactly_the_roles_that_may_read_the_list(client_as, users, kind, role, fmt):
    # On GET the XLSX URL shows the page with the button (an old bookmark): it records nothing.
    response = client_as(role).get(export_url(kind, fmt=fmt, query="figure=review.due"))
    assert not Export.objects.exists()
    if role == "anonymous":
        assert response.status_code == 302
        return
    allowed = users[role].has_perm(KINDS[kind].permission)
    assert response.status_code == (200 if allowed else 403)
    page = client_as(role).get(reverse(KINDS[kind].list_url))
    assert (page.status_code == 200) == allowed, f"{kind}: the list page and its export disagree for {role}"


@pytest.mark.parametrize("kind", LIST_KINDS)
@pytest.mark.parametrize("role", ROLES)
def test_a_list_spreadsheet_is_asked_for_by_post_by_exactly_the_roles_that_may_read_the_list(
    client_as, users, kind, role
):
    allowed = role != "anonymous" and users[role].has_perm(KINDS[kind].permission)
    expected = Redirect("/exports/") if allowed else (SIGN_IN if role == "anonymous" else 403)
    assert_role_posts(client_as(role), role, export_url(kind, fmt="xlsx"), expected, {"figure": "review.due"})
    assert list(Export.objects.values_list("kind", "params")) == (
        [(kind, [["figure", "review.due"]])] if allowed else []
    )


def test_a_get_of_a_list_spreadsheet_records_nothing_and_offers_the_button_with_the_filters(client_as, officer):
    client = client_as("officer")
    page = client.get(export_url("visits", fmt="xlsx", query="q=Oak&status=planned&page=3"))
    assert page.status_code == 200
    assert not Export.objects.exists()
    body = page.content.decode()
    assert "Prepare your visits spreadsheet" in body
    form = post_form(body, export_url("visits", fmt="xlsx"))
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<input type="hidden" name="q" value="Oak">' in form
    assert '<input type="hidden" name="status" value="planned">' in form
    assert 'name="page"' not in form  # the filters, not the page
    assert ">Prepare the spreadsheet</button>" in form


def test_a_list_page_asks_for_its_spreadsheet_by_post_with_its_filters_escaped(client_as, officer):
    hostile = '"><script>alert(1)</script>'
    body = client_as("officer").get(reverse("visits:list"), {"q": hostile, "page": "2"}).content.decode()
    form = post_form(body, export_url("visits", fmt="xlsx"))
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<input type="hidden" name="q" value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">' in form
    assert 'name="page"' not in form
    assert "<script>alert" not in body
    assert re.search(
        r'<button type="submit"[^>]*>Excel<span class="govuk-visually-hidden"> spreadsheet of these visits', form
    )
    assert 'href="/exports/visits.xlsx' not in body  # no link a prefetcher could follow
    assert 'href="/exports/visits.csv?q=' in form  # the CSV streams and stores nothing: still a link


def test_a_spreadsheet_asked_for_without_the_csrf_token_is_refused_and_records_nothing(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    assert client.post(export_url("visits", fmt="xlsx"), {"q": "Oak"}).status_code == 403
    assert not Export.objects.exists()


def test_an_unknown_list_or_format_is_not_found(client_as, officer):
    client = client_as("officer")
    assert client.get(export_url("no-such-list")).status_code == 404
    assert client.get(export_url("visits", fmt="docx")).status_code == 404
    assert client.get(export_url("case-file", query="urn=1")).status_code == 404  # a document, not a list


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("query", ["", "figure=bogus", "figure=bogus.due"])
def test_the_export_of_a_dashboard_figure_of_no_section_is_not_found_rather_than_empty(client_as, officer, fmt, query):
    client = client_as("officer")
    assert client.get(export_url("dashboard-figure", fmt=fmt, query=query)).status_code == 404
    if fmt == "xlsx":
        data = dict([query.split("=")]) if query else {}
        assert client.post(export_url("dashboard-figure", fmt=fmt), data).status_code == 404
    assert not Export.objects.exists()
    assert client.get(export_url("dashboard-figure", fmt="csv", query="figure=review.due")).status_code == 200


def test_the_visits_export_holds_the_filtered_visits_the_page_lists(client_as, adviser, officer):
    oak, ash = SchoolFactory(name="Oak Primary"), SchoolFactory(name="Ash Primary")
    VisitFactory(school=oak, adviser=adviser, visit_date=date(2026, 10, 1))
    VisitFactory(school=ash, adviser=adviser, visit_date=date(2026, 10, 2))
    VisitFactory(school=oak, visit_date=date(2026, 10, 3))  # another adviser's
    rows = csv_rows(client_as("officer").get(export_url("visits", query="q=Oak")))
    assert rows[0] == KINDS["visits"].header
    assert sorted(r[1] for r in rows[1:]) == ["Oak Primary", "Oak Primary"]
    # An adviser's list starts with their own visits: so does its export without filters.
    mine = csv_rows(client_as("adviser").get(export_url("visits")))
    assert sorted(r[1] for r in mine[1:]) == ["Ash Primary", "Oak Primary"]


def test_the_actions_export_keeps_the_status_filter_and_neutralises_formulas(client_as, officer, on_day):
    on_day(date(2026, 11, 18))
    school = SchoolFactory(name="Oak Primary")
    ActionFactory(school=school, due_on=date(2026, 11, 1), description="=HYPERLINK(1)")
    ActionFactory(school=school, due_on=date(2026, 12, 1), description="Later")
    ActionFactory(school=school, due_on=date(2026, 11, 1), description="Done", status=ActionStatus.CLOSED)
    rows = csv_rows(client_as("officer").get(export_url("actions", query="status=overdue")))
    assert [(r[2], r[5]) for r in rows[1:]] == [("'=HYPERLINK(1)", "Overdue")]


def test_the_concerns_export_leaves_out_whistleblowing_for_those_who_may_not_see_it(client_as, adviser, officer):
    academy = SchoolFactory(name="Elm Academy", academy=True)
    for source, rag in ((ConcernSource.LA_MONITORING, Rag.RED), (ConcernSource.WHISTLEBLOWING, Rag.AMBER)):
        academy_services.concern_open(
            school=academy, source=source, concern_types=[ConcernType.objects.first()], description="x",
            raised_on=date(2026, 10, 1), rag=rag, rag_reason="x", owner=officer, actor=officer,
        )  # fmt: skip
    by_officer = csv_rows(client_as("officer").get(export_url("academy-concerns")))
    by_adviser = csv_rows(client_as("adviser").get(export_url("academy-concerns")))
    rag = by_officer[0].index("RAG")
    assert sorted(r[rag] for r in by_officer[1:]) == ["Amber", "Red"]
    assert [r[rag] for r in by_adviser[1:]] == ["Red"]


def test_the_users_export_keeps_the_search(client_as, admin_user, adviser, officer):
    rows = csv_rows(client_as("admin").get(export_url("users", query="role=adviser")))
    assert [r[1] for r in rows[1:]] == [adviser.username]


def test_a_list_exported_as_xlsx_is_built_in_the_background_with_the_same_rows(client_as, officer):
    SchoolFactory(name="Oak Primary")
    oak = SchoolFactory(name="Oak Secondary")
    VisitFactory(school=oak, visit_date=date(2026, 10, 1))
    client = client_as("officer")
    response = client.post(export_url("visits", fmt="xlsx"), {"q": "Oak Secondary"})
    export = Export.objects.get()
    assert response.url == reverse("core:export_detail", kwargs={"pk": export.pk})
    assert (export.kind, export.status, export.rows) == ("visits", ExportStatus.READY, 1)
    download = client.get(reverse("core:export_download", kwargs={"pk": export.pk}))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert [c.value for c in sheet[1]] == KINDS["visits"].header
    assert sheet["A1"].font.b
    assert sheet["B2"].value == "Oak Secondary"
