"""Reporting packs (issue 13, docs/adr/0030): who may produce and download them, what they hold,
that a pack downloads again unchanged, and the movement since the last pack for the same meeting."""

import io
import subprocess
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from categorisation.models import SupportLevel
from dashboard import packs
from dashboard.figures_base import LEAVES_OUT_WHISTLEBLOWING
from dashboard.models import PackAudience, PackStatus, ReportingPack
from dashboard.pack_forms import PackForm
from tests.categorisation.factories import aware
from tests.conftest import ROLES

from .conftest import DAY, approve

pytestmark = pytest.mark.django_db

OFFICERS_ONLY = {
    "governor": 403,
    "other_governor": 403,
    "headteacher": 403,
    "adviser": 403,
    "officer": 200,
    "admin": 403,
}


def produce(officer, audience=PackAudience.CABINET, la_code="") -> ReportingPack:
    pack = packs.pack_request(audience=audience, la_code=la_code, actor=officer)
    pack.refresh_from_db()
    return pack


def download(client, pack, fmt):
    response = client.get(reverse("dashboard:pack_download", kwargs={"pk": pack.pk, "fmt": fmt}))
    assert response.status_code == 200, response.status_code
    return response


@pytest.mark.parametrize("role", ROLES)
def test_only_officers_produce_and_download_reporting_packs(
    client_as, school, governor, other_governor, headteacher, adviser, officer, admin_user, role
):
    pack = produce(officer)
    urls = [
        reverse("dashboard:packs"),
        reverse("dashboard:pack", kwargs={"pk": pack.pk}),
        reverse("dashboard:pack_download", kwargs={"pk": pack.pk, "fmt": "pdf"}),
        reverse("dashboard:pack_download", kwargs={"pk": pack.pk, "fmt": "xlsx"}),
    ]
    client = client_as(role)
    for url in urls:
        expected = 302 if role == "anonymous" else OFFICERS_ONLY[role]
        assert client.get(url).status_code == expected, (role, url)
    response = client.post(reverse("dashboard:packs"), {"audience": PackAudience.BOARD})
    assert response.status_code == (302 if role in ("anonymous", "officer") else 403)
    assert ReportingPack.objects.count() == (2 if role == "officer" else 1)


def test_an_officer_asks_for_a_pack_and_is_shown_it_ready(client_as, officer, known):
    client = client_as("officer")
    response = client.post(reverse("dashboard:packs"), {"audience": PackAudience.CLINIC, "la_code": "874"})
    pack = ReportingPack.objects.get()
    assert response.url == reverse("dashboard:pack", kwargs={"pk": pack.pk})
    assert (pack.status, pack.audience, pack.la_code, pack.as_of) == (PackStatus.READY, "clinic", "874", DAY)
    page = client.get(response.url).content.decode()
    assert "Education Performance Clinic pack, 18 November 2026" in page
    assert "Download the pack (PDF" in page
    assert "Download the figures (XLSX" in page
    listing = client.get(reverse("dashboard:packs")).content.decode()
    assert reverse("dashboard:pack_download", kwargs={"pk": pack.pk, "fmt": "pdf"}) in listing


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "audience", packs.UNKNOWN_AUDIENCE),
        ({"audience": "cabinet-and-more"}, "audience", packs.UNKNOWN_AUDIENCE),
        ({"audience": "cabinet", "la_code": "999"}, "la_code", packs.UNKNOWN_LA),
    ],
)
def test_a_pack_asked_for_wrongly_is_refused_with_a_message_naming_the_field(client_as, officer, data, field, message):
    response = client_as("officer").post(reverse("dashboard:packs"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert not ReportingPack.objects.exists()


def test_the_service_refuses_an_unknown_la_code_even_without_the_form(officer):
    with pytest.raises(packs.ValidationError):
        packs.pack_request(audience="cabinet", la_code="999", actor=officer)
    assert PackForm({"audience": "cabinet", "la_code": "874"}).is_valid()


def test_schools_causing_concern_are_high_support_warning_notices_and_open_academy_concerns(officer, known):
    contents = packs.pack_contents(produce(officer))
    stages = {row.name: row.stage_text for row in contents.causing_concern}
    assert set(stages) == {"Cedar Primary", "Gorse Primary", "Beech Primary", "Damson Primary", "Elm Academy"}
    assert stages["Cedar Primary"] == "High support"
    assert stages["Beech Primary"].startswith("Warning notice: Compliance period running")
    assert stages["Damson Primary"].startswith("Warning notice: Eligible for intervention")
    # The whistleblowing concern (amber) is restricted: never in a document for a meeting.
    assert stages["Elm Academy"] == "Academy concern: Concern recorded, Red"


def test_a_pack_holds_every_figure_of_the_dashboard(client_as, officer, known):
    from dashboard import figures

    contents = packs.pack_contents(produce(officer))
    scope = figures.Scope(today=DAY, user=officer, chosen={}, restricted=False)
    summary = {(section, label): count for section, label, count in contents.summary()}
    assert summary[("Support level now", "High support")] == 2  # Cedar and Gorse
    assert summary[("Categorisation reviews", "Due for review this term")] == len(figures.reviews(scope)[0].entries)
    assert summary[("Actions", "Overdue actions")] == 1
    assert summary[("Open academy concerns", "Concern recorded, no step yet, Red")] == 1
    assert summary[("Open academy concerns", "Concern recorded, no step yet, Amber")] == 0


def test_a_pack_for_one_la_holds_only_that_las_schools(officer, known, settings):
    settings.LOCAL_AUTHORITY_CODES = ["873", "874"]  # the joint service
    contents = packs.pack_contents(produce(officer, la_code="873"))
    assert contents.causing_concern == []
    assert [label for label, row in contents.levels.level_rows if row[-1].count] == ["Low support"]  # Fir


def test_a_pack_downloads_again_unchanged_after_the_data_has_changed(client_as, officer, known):
    pack = produce(officer)
    client = client_as("officer")
    first_pdf, first_xlsx = download(client, pack, "pdf").content, download(client, pack, "xlsx").content
    assert packs.sha256(first_pdf) == pack.pdf_sha256
    assert packs.sha256(first_xlsx) == pack.xlsx_sha256
    approve(known.a, SupportLevel.HIGH, 2026, "autumn", aware(2026, 11, 17))
    assert download(client, pack, "pdf").content == first_pdf
    assert download(client, pack, "xlsx").content == first_xlsx
    assert download(client, pack, "pdf")["Content-Disposition"].startswith('attachment; filename="cabinet-pack-all-')


def test_a_stored_pack_file_that_was_changed_is_refused_with_a_message_not_served(client_as, officer, known):
    pack = produce(officer)
    with pack.xlsx.open("wb") as handle:
        handle.write(b"not the pack")
    response = client_as("officer").get(
        reverse("dashboard:pack_download", kwargs={"pk": pack.pk, "fmt": "xlsx"}), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard:pack", kwargs={"pk": pack.pk})
    assert "it has been changed or damaged since" in response.content.decode()


def test_a_pack_whose_file_is_missing_is_not_found_and_an_unknown_format_too(client_as, officer, known):
    pack = produce(officer)
    pack.pdf.storage.delete(pack.pdf.name)
    client = client_as("officer")
    assert client.get(reverse("dashboard:pack_download", kwargs={"pk": pack.pk, "fmt": "pdf"})).status_code == 404
    assert client.get(reverse("dashboard:pack_download", kwargs={"pk": pack.pk, "fmt": "docx"})).status_code == 404


def test_the_next_pack_for_the_same_meeting_reports_the_movement_since_the_last(officer, known, on_day):
    first = produce(officer)
    on_day(date(2026, 11, 25))
    approve(known.a, SupportLevel.HIGH, 2026, "autumn", aware(2026, 11, 24))  # Alder: low -> high
    other_meeting = produce(officer, audience=PackAudience.BOARD)
    second = produce(officer)
    assert second.previous == first
    assert other_meeting.previous is None
    changes = {(c.name, c.what, c.before, c.after) for c in packs.pack_contents(second).since_last}
    assert ("Alder Primary", "Declined", "Low support", "High support") in changes
    assert ("Alder Primary", "Now causing concern", "", "High support") in changes
    assert len(changes) == 2


def test_changes_since_names_each_kind_of_change():
    before = {
        "levels": {"1": "low", "2": "high", "3": "medium"},
        "concern": {"2": "High support", "4": "Academy concern: Concern recorded, Red"},
        "names": {"1": "One", "2": "Two", "3": "Three", "4": "Four"},
    }
    after = {
        "levels": {"1": "medium", "2": "low", "5": "low"},
        "concern": {"4": "Academy concern: Meeting with the trust, Red"},
        "names": {"1": "One", "2": "Two", "4": "Four", "5": "Five"},
    }
    changes = {(c.urn, c.what) for c in packs.changes_since(before, after)}
    assert changes == {
        (1, "Declined"),
        (2, "Improved"),
        (3, "No longer a maintained school in the pack"),
        (5, "Categorised"),
        (2, "No longer causing concern"),
        (4, "Concern stage changed"),
    }
    assert packs.changes_since(None, after) == []


def test_a_pack_asked_for_by_someone_no_longer_an_officer_is_not_built(officer, known, settings):
    settings.TASKS_INLINE = False  # queued, not built yet
    pack = ReportingPack.objects.create(audience="cabinet", as_of=DAY, requested_by=officer)
    officer.groups.clear()
    officer.__dict__.pop("_perm_cache", None)
    packs.pack_build(pack_id=pack.pk, last_attempt=True)
    pack.refresh_from_db()
    assert (pack.status, pack.error, pack.pdf.name) == (PackStatus.FAILED, packs.NO_LONGER_ALLOWED, "")


def test_the_pack_workbook_has_a_bold_frozen_filtered_sheet_for_each_part(officer, known):
    pack = produce(officer)
    with pack.xlsx.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    assert book.sheetnames == ["Summary", "Support levels", "Outcomes", "Causing concern", "Since the last pack"]
    outcomes = list(book["Outcomes"].iter_rows(min_row=2, values_only=True))
    assert (outcomes[0][0], outcomes[0][1]) == ("Primary", "LA maintained")
    assert len(outcomes) == 9  # primary, secondary, all x maintained, academies, both
    concern = book["Causing concern"]
    assert [c.value for c in concern[1]] == ["URN", "School", "LA code", "Phase", "Support level", "Stage"]
    assert concern["A1"].font.b
    assert concern.freeze_panes == "A2"
    assert concern.auto_filter.ref == "A1:F6"
    assert {row[1] for row in concern.iter_rows(min_row=2, values_only=True)} >= {"Cedar Primary", "Elm Academy"}


def test_the_pack_pdf_is_a4_with_its_sections(officer, known, tmp_path):
    pack = produce(officer)
    path = tmp_path / "pack.pdf"
    with pack.pdf.open("rb") as handle:
        path.write_bytes(handle.read())
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "595.276 x 841.89 pts (A4)" in info
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    headings = ("Cabinet and scrutiny: school improvement pack", "Outcomes: good or better schools")
    for heading in (*headings, "Schools causing concern", "Since the last pack"):
        assert heading in text
    assert "Gorse Primary" in text
    assert "This is the first pack for this meeting and LA." in text


def test_the_pack_pdf_draws_the_dashboards_charts(officer, known, tmp_path):
    """The charts (docs/adr/0035) are drawn in the PDF as vector SVG: their titles, legends and values
    are the PDF's text, beside the tables with the same numbers."""
    pack = produce(officer)
    path = tmp_path / "pack.pdf"
    with pack.pdf.open("rb") as handle:
        path.write_bytes(handle.read())
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Maintained schools by support level, last six terms" in text  # the chart's own title
    assert "Letters issued in 2026/27 by type" in text
    assert "High support" in text
    assert "Medium support" in text


def test_a_pack_says_it_leaves_out_whistleblowers_concerns_the_dashboard_counts(officer, known, tmp_path):
    """The review: the pack's "Concern recorded, no step yet, Red" was 2 where the dashboard said 3,
    headed "Every figure of the officer dashboard", with nothing to say why."""
    pack = produce(officer)
    with pack.xlsx.open("rb") as handle:
        summary = list(load_workbook(io.BytesIO(handle.read()))["Summary"].iter_rows(values_only=True))
    assert summary[-1][:2] == ("Note", LEAVES_OUT_WHISTLEBLOWING)
    path = tmp_path / "pack.pdf"
    with pack.pdf.open("rb") as handle:
        path.write_bytes(handle.read())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Concerns about academies raised by whistleblowers are not counted in this pack" in " ".join(text.split())
