"""Issue 12 in a real browser: an officer opens a concern about an academy from the LA's own
monitoring, escalates it through the meeting with the principal and the formal letter to the trust
chair (drafted from the concern, approved, issued, its PDF downloaded and read, recorded with the
step) to the DfE Regional Director, sees it in the trust view and the meeting pack, and closes it;
the demo's whistleblowing concern shows as redirected to the ESFA and is a 404 for an adviser.
Axe checks the concern form, the concern page, the trust view and the meeting pack.

The demo puts its concerns on the first eight academies by URN; URN 874035 (the ninth primary
academy) has none."""

import io
import re
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from .conftest import assert_no_axe_violations, sign_in

ACADEMY_URN = 874035
DESCRIPTION = "Browser test: persistent absence has doubled since September"
CHAIR = "Mrs Browser Chair"


def fill_date(page, name, day):
    page.fill(f"#id_{name}_0", str(day.day))
    page.fill(f"#id_{name}_1", str(day.month))
    page.fill(f"#id_{name}_2", str(day.year))


def record_step(page, stage_label, notes, today, *, to_regional_director=False):
    page.get_by_role("button", name="Record a step").click()
    expect(page.locator("h1")).to_have_text("Record a step of the ladder")
    page.get_by_label(stage_label).check()
    fill_date(page, "taken_on", today)
    page.fill("#id_notes", notes)
    if to_regional_director:
        page.get_by_label(re.compile("The DfE Regional Director")).check()
    page.get_by_role("button", name="Record the step").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Recorded:")


def formal_letter_to_the_trust_chair(page, concern_url):
    """The formal letter step (docs/adr/0017): the officer records the trust's chair on the trust page,
    drafts the letter to the chair from the concern, completes it from the LA's template, submits,
    approves and issues it copied to the Regional Director and Ofsted, downloads the PDF and reads
    it, and records the formal-letter step with the letter attached."""
    trust_url = page.locator(".govuk-caption-l a").nth(1).get_attribute("href")
    page.goto(f"{page.url.split('/academies/')[0]}{trust_url}edit/")
    page.fill("#id_chair_name", CHAIR)
    page.get_by_role("button", name="Save").click()
    page.goto(concern_url)

    page.get_by_role("button", name="Draft the letter to the trust chair").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Complete it, then submit it for approval")
    expect(page.get_by_label(re.compile("high absence or persistent absence"))).to_be_checked()
    body = page.input_value("#id_body")
    assert "{trust_chair}" in body
    page.fill("#id_body", re.sub(r"\[[^\]]*\]", "Persistent absence has doubled since September.", body))
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Submitted the letter for approval")
    page.get_by_role("button", name="Approve").click()
    page.get_by_role("link", name="Issue the letter").click()
    expect(page.get_by_text("Chair of Trustees of")).to_contain_text(CHAIR)
    page.get_by_label(re.compile("The DfE Regional Director")).check()
    page.get_by_label("Ofsted", exact=True).check()
    page.get_by_role("button", name="Issue the letter").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Issued SI-")

    # The letter page links back to the concern, whose page lists the issued letter with its
    # documents; the PDF says what was sent.
    page.get_by_test_id("belongs-to").get_by_role("link").click()
    expect(page).to_have_url(concern_url)
    letters = page.get_by_test_id("trust-letters")
    expect(letters).to_contain_text("Issued")
    with page.expect_download() as info:
        letters.get_by_role("link", name=re.compile("^PDF")).click()
    pdf = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(Path(info.value.path()).read_bytes())).pages
    )
    for text in (f"Dear {CHAIR},", f"{CHAIR}, Chair of Trustees", "high absence or persistent absence",
                 "Persistent absence has doubled since September", "Regional Director", "Ofsted"):  # fmt: skip
        assert text in pdf, text
    assert_no_axe_violations(page)

    letters.get_by_role("link", name=re.compile("Record the step with this letter")).click()
    expect(page.get_by_label(re.compile("Formal letter to the chair"))).to_be_checked()
    page.get_by_role("button", name="Record the step").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Recorded:")
    expect(page.get_by_test_id("step-letter")).to_be_visible()


def test_an_officer_escalates_a_concern_to_the_regional_director_and_closes_it(browser, demo_site):
    today = timezone.localdate()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    try:
        sign_in(page, demo_site, "officer")
        page.goto(f"{demo_site}/schools/{ACADEMY_URN}/")
        school = page.locator("h1").inner_text().strip()
        page.get_by_role("button", name=f"Open a concern about {school}").click()
        expect(page.locator("h1")).to_have_text("Open a concern")
        assert_no_axe_violations(page)
        # The strategy's words, none ticked for the officer.
        expect(page.get_by_label(re.compile("a drop in Ofsted rating"))).not_to_be_checked()
        expect(page.locator("input[name=concern_types]:checked")).to_have_count(0)
        page.get_by_label("The LA's own monitoring").check()
        fill_date(page, "raised_on", today)
        page.get_by_label(re.compile("high absence or persistent absence")).check()
        page.fill("#id_description", DESCRIPTION)
        page.get_by_label("Red", exact=True).check()
        page.fill("#id_rag_reason", "Absence doubled; the trust has not responded")
        page.get_by_role("button", name="Open the concern").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Concern about {school} opened")
        concern_url = page.url

        record_step(page, re.compile("Meeting with the principal"), "Director of Education met the CEO", today)
        formal_letter_to_the_trust_chair(page, concern_url)
        record_step(page, re.compile("Escalation to the ESFA"), "Raised with the Regional Director", today,
                    to_regional_director=True)  # fmt: skip
        expect(page.get_by_test_id("stage")).to_contain_text("Escalated to the DfE")
        expect(page.get_by_test_id("ladder")).to_contain_text("(to the DfE Regional Director)")
        expect(page.get_by_test_id("step-letter")).to_contain_text("SI-")
        assert_no_axe_violations(page)

        # The trust view and the meeting pack list the open concern.
        page.locator(".govuk-caption-l a").nth(1).click()
        expect(page.locator("table")).to_contain_text(school)
        assert_no_axe_violations(page)
        page.goto(f"{demo_site}/academies/meeting-pack/")
        expect(page.get_by_test_id("meeting-pack")).to_contain_text(school)
        expect(page.get_by_test_id("meeting-pack")).to_contain_text("high absence or persistent absence")
        assert_no_axe_violations(page)
        with page.expect_download() as download:
            page.get_by_role("link", name="Download as PDF").click()
        assert download.value.suggested_filename.endswith(".pdf")

        # Close it with its outcome.
        page.goto(concern_url)
        page.get_by_label("Closed", exact=True).check()
        page.fill("#id_end-outcome", "The Regional Director issued a termination warning notice")
        page.get_by_role("button", name="Resolve or close the concern").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Concern closed")
        expect(page.get_by_test_id("concern-summary")).to_contain_text("Closed on")
        page.goto(f"{demo_site}/academies/meeting-pack/")
        expect(page.get_by_test_id("meeting-pack")).not_to_contain_text(school)
    finally:
        context.close()


def test_a_whistleblowing_concern_is_redirected_and_invisible_to_an_adviser(browser, demo_site):
    officer_context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = officer_context.new_page()
    adviser_context = browser.new_context(viewport={"width": 1280, "height": 900})
    adviser = adviser_context.new_page()
    try:
        sign_in(page, demo_site, "officer")
        page.goto(f"{demo_site}/academies/")
        row = page.locator("table tbody tr", has_text="Whistleblowing")
        expect(row).to_have_count(1)
        row.get_by_role("link").first.click()
        expect(page.get_by_test_id("routing")).to_contain_text("Redirected to the ESFA (DfE)")
        expect(page.get_by_test_id("routing")).to_contain_text("recorded by Olivia Okafor")
        concern_url = page.url

        sign_in(adviser, demo_site, "adviser")
        response = adviser.goto(concern_url)
        assert response.status == 404
        adviser.goto(f"{demo_site}/academies/")
        expect(adviser.locator("table tbody")).not_to_contain_text("Whistleblowing")
    finally:
        officer_context.close()
        adviser_context.close()
