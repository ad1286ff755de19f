"""Issue 13 in a real browser: an officer reads the officer dashboard on the demo data (its charts
with their tables), narrows it with the filters (a GET form, no JavaScript needed) and follows a
figure to the list of schools behind it. Axe checks both pages."""

import re
from pathlib import Path

from playwright.sync_api import expect

from .conftest import assert_no_axe_violations, sign_in

SHOTS = Path("/tmp/dashboard_charts")  # screenshots for a person to look at


def test_an_officer_reads_the_dashboard_and_follows_a_figure_to_its_schools(page, demo_site):
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if m.type == "error" and "Content Security Policy" in m.text else None,
    )
    sign_in(page, demo_site, "officer")
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_role("heading", name="Officer dashboard", level=1)).to_be_visible()
    chart = page.get_by_role("img", name=re.compile("Maintained schools by support level, last six terms"))
    expect(chart).to_be_visible()
    # Both charts (pygal's SVG, docs/adr/0035) load as images under the page's policy, drawn at size.
    page.wait_for_load_state("load")
    for img in page.locator("img.app-chart").all():
        assert img.evaluate("i => i.complete && i.naturalWidth > 0"), img.get_attribute("src")
    src = chart.get_attribute("src")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)
    expect(page.get_by_role("table", name=re.compile("Support levels over the last six terms"))).to_be_visible()
    assert_no_axe_violations(page)

    page.select_option("#id_la", "874")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    assert "la=874" in page.url

    reviews = page.locator(".govuk-summary-list__row", has_text="Due for review this term")
    link = reviews.get_by_role("link")
    count = int(re.match(r"\d+", link.inner_text()).group())
    assert count > 0  # the demo leaves part of the current term's categorisations still due
    link.click()
    expect(page.get_by_role("heading", name="Due for review this term", level=1)).to_be_visible()
    assert "figure=review.due" in page.url
    assert "la=874" in page.url
    rows = page.locator("table.govuk-table tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() == min(count, 50)
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Back to the dashboard").click()
    expect(page.get_by_role("heading", name="Officer dashboard", level=1)).to_be_visible()
    assert "la=874" in page.url

    # Opened on its own, the SVG's own policy allows its style (by hash) and nothing else is needed.
    response = page.goto(demo_site + src)
    assert response.headers["content-type"] == "image/svg+xml"
    assert "style-src 'sha256-" in response.headers["content-security-policy"]
    title = page.locator("svg > title").first.text_content()
    assert title == "Maintained schools by support level, last six terms"
    # pygal's stylesheet applied: the plot's background is white (its unstyled default would be black).
    assert (
        page.locator("svg .plot > .background").first.evaluate("r => getComputedStyle(r).fill") == "rgb(255, 255, 255)"
    )
    assert violations == [], violations


def test_an_officer_produces_a_reporting_pack_and_downloads_its_pdf(page, demo_site, tmp_path):
    sign_in(page, demo_site, "officer")
    page.goto(demo_site + "/dashboard/")
    page.get_by_role("link", name="Reporting packs").click()
    expect(page.get_by_role("heading", name="Reporting packs", level=1)).to_be_visible()
    assert_no_axe_violations(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Produce the pack").click()  # no meeting chosen
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose which meeting the pack is for")

    page.get_by_label("School Improvement Board").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Produce the pack").click()
    expect(
        page.get_by_role("heading", name=re.compile(r"School Improvement Board pack, \d+ \w+ \d{4}"))
    ).to_be_visible()
    assert_no_axe_violations(page)
    with page.expect_download() as pdf:
        page.get_by_role("link", name=re.compile("Download the pack")).click()
    path = tmp_path / "pack.pdf"
    pdf.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    with page.expect_download() as xlsx:
        page.get_by_role("link", name=re.compile("Download the figures")).click()
    assert xlsx.value.suggested_filename.startswith("board-pack-all-")


def test_an_adviser_reads_their_own_dashboard(page, demo_site):
    """docs/adr/0029: their link schools with category and next visit due, then drafts, returns and
    notes awaiting the school's acknowledgement."""
    sign_in(page, demo_site, "adviser")
    page.get_by_role("link", name="My dashboard", exact=True).click()
    expect(page.get_by_role("heading", name="My dashboard", level=1)).to_be_visible()
    schools = page.get_by_role("table", name=re.compile("Your link schools"))
    expect(schools).to_be_visible()
    assert schools.locator("tbody tr").count() > 0
    # (the school may be linked twice in its row: its name, and an overdue action's link)
    expect(schools.get_by_role("link", name="Kingfisher Primary School").first).to_be_visible()
    for heading in ("Drafts awaiting you", "Returned to you", "Notes of visit awaiting the school's acknowledgement"):
        expect(page.get_by_role("heading", name=heading, level=2)).to_be_visible()
    assert_no_axe_violations(page)


def test_an_officer_reads_the_outcomes_table_and_follows_a_figure_to_its_schools(page, demo_site):
    """docs/adr/0029: shares of schools and pupils against England for the demo year, report cards
    counted apart and said so, every figure a link to its schools."""
    sign_in(page, demo_site, "officer")
    page.get_by_role("link", name="Outcomes", exact=True).click()
    expect(page.get_by_role("heading", name="Outcomes: good or better schools", level=1)).to_be_visible()
    expect(page.locator("#how-counted")).to_contain_text("report card")
    primary = page.get_by_role("table", name=re.compile("Primary: schools and pupils"))
    expect(primary).to_be_visible()
    expect(primary.get_by_role("row", name=re.compile("England, "))).to_contain_text("%")
    assert_no_axe_violations(page)

    link = primary.get_by_role("link", name=re.compile(r"^[\d,]+\s+good or better \(LA maintained\)"))
    count = int(re.match(r"\d+", link.inner_text()).group())
    assert count > 0
    link.click()
    expect(page.get_by_role("heading", name="Primary, LA maintained: good or better", level=1)).to_be_visible()
    rows = page.locator("table.govuk-table tbody tr")
    assert rows.count() == min(count, 50)
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Back to the outcomes table").click()
    expect(page.get_by_role("heading", name="Outcomes: good or better schools", level=1)).to_be_visible()


def test_an_admin_enters_englands_figures_and_a_mistake_is_shown_on_the_field(page, demo_site):
    sign_in(page, demo_site, "admin")
    page.get_by_role("link", name="Outcome figures", exact=True).click()
    expect(page.get_by_role("heading", name="England's outcome figures", level=1)).to_be_visible()
    page.get_by_label("Academic year").fill("2019")
    page.get_by_label("Secondary").check()
    page.get_by_label("Share of schools good or better (%)").fill("101")
    page.get_by_label("Share of pupils in good or better schools (%)").fill("76.4")
    page.get_by_role("button", name="Save figure").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The share of schools must be between 0 and 100")
    assert_no_axe_violations(page)
    page.get_by_label("Share of schools good or better (%)").fill("75.8")
    page.get_by_role("button", name="Save figure").click()
    expect(page.locator(".govuk-notification-banner, .govuk-panel, [role=alert], [role=status]").first).to_contain_text(
        "Saved England's figure for secondary, 2019/20"
    )
    expect(page.get_by_role("cell", name="2019/20")).to_be_visible()
