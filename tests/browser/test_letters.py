"""Issue 5 in a real browser: an adviser drafts a warning notice, an officer approves and issues it,
the PDF and Word files contain the school, the grounds and the compliance date, the councillors'
alert and the deadline show on the school page; recording non-compliance and the notice of
intention makes a school eligible for intervention; the demo governor reads only their own
school's issued letters. Axe checks the draft form, the letter page and the register.

No ORM calls while the browser runs (see conftest): everything is checked through the pages."""

import io
import re
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from docx import Document
from playwright.sync_api import expect
from pypdf import PdfReader

from .conftest import assert_no_axe_violations, sign_in

KINGFISHER, WILLOW_BROOK, MEADOWBANK = 874001, 874002, 874004


def new_page(browser, base_url, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    sign_in(page, base_url, username)
    return page


def long_date(day) -> str:
    return f"{day.day} {day:%B %Y}"


def flat(text: str) -> str:
    return " ".join(text.split())


def download(page, link_name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(f"^{re.escape(link_name)}")).click()
    return Path(info.value.path()).read_bytes()


def test_a_warning_notice_from_draft_to_eligibility_for_intervention(browser, demo_site):
    today = timezone.localdate()
    end = today + timedelta(weeks=6)

    # The adviser drafts a warning notice for their link school, previews it and submits it.
    adviser = new_page(browser, demo_site, "adviser")
    adviser.goto(f"{demo_site}/letters/new/")
    adviser.get_by_label("School name or URN").fill(str(KINGFISHER))
    adviser.get_by_role("button", name="Search").click()
    adviser.get_by_role("link", name="Kingfisher Primary School", exact=True).click()
    adviser.get_by_label(re.compile("Warning notice")).check()
    adviser.get_by_role("button", name="Continue").click()
    expect(adviser.locator("h1")).to_have_text("New warning notice")
    adviser.get_by_label("School leaders are not taking urgent and appropriate action").check()
    adviser.get_by_label(re.compile(r"\(a\) the standards of performance")).check()
    adviser.get_by_label(re.compile(r"\(b\) there has been a serious breakdown")).check()
    adviser.fill("#id_compliance_end_date_0", str(end.day))
    adviser.fill("#id_compliance_end_date_1", str(end.month))
    adviser.fill("#id_compliance_end_date_2", str(end.year))
    body = adviser.input_value("#id_body")
    assert "[Action required 1]" in body
    body = body.replace("[Action required 1]", "Agree a reading improvement plan with the local authority.")
    body = body.replace("[Action required 2]", "Report progress to each MSP meeting.")
    body = re.sub(r"\[[^\]]*\]", "Key stage 2 results have been below national for three years.", body)
    adviser.fill("#id_body", body)
    adviser.get_by_role("button", name="Preview").click()
    preview = adviser.locator(".letters-paper")
    expect(preview).to_contain_text("Kingfisher Primary School")
    expect(preview).to_contain_text(f"by {long_date(end)}")
    expect(preview).to_contain_text("serious breakdown in the way the school is managed or governed")
    assert_no_axe_violations(adviser)  # the draft form, with its preview
    adviser.get_by_role("button", name="Save draft").click()
    expect(adviser.locator("h1")).to_have_text("Warning notice: Kingfisher Primary School")
    letter_url = adviser.url
    adviser.get_by_role("button", name="Submit for approval").click()
    expect(adviser.locator(".govuk-notification-banner--success")).to_contain_text("Submitted the letter for approval")
    assert_no_axe_violations(adviser)  # the letter page
    adviser.context.close()

    # The officer approves and issues it; the PDF and Word files say what the law requires.
    officer = new_page(browser, demo_site, "officer")
    officer.goto(letter_url)
    officer.get_by_role("button", name="Approve").click()
    expect(officer.locator(".govuk-notification-banner--success")).to_contain_text("Approved the letter")
    officer.get_by_role("link", name="Issue the letter").click()
    expect(officer.locator("h1")).to_have_text("Issue the letter to Kingfisher Primary School")
    officer.get_by_role("button", name="Issue the letter").click()
    expect(officer.locator(".govuk-notification-banner--success")).to_contain_text(
        "An email alert to the ward's councillors is being sent"
    )
    expect(officer.locator(".govuk-tag").first).to_have_text("Issued")

    pdf = flat(
        "".join(p.extract_text() for p in PdfReader(io.BytesIO(download(officer, "Download the letter as PDF"))).pages)
    )
    docx = flat(
        "\n".join(p.text for p in Document(io.BytesIO(download(officer, "Download the letter as Word"))).paragraphs)
    )
    for text in (pdf, docx):
        assert "Kingfisher Primary School" in text
        assert "the standards of performance of pupils at the school are unacceptably low" in text
        assert "serious breakdown in the way the school is managed or governed" in text
        assert long_date(end) in text
        assert "Secretary of State" in text

    # The school page shows the councillors' alert and the compliance deadline.
    officer.goto(f"{demo_site}/schools/{KINGFISHER}/")
    expect(officer.locator("section[aria-labelledby=alerts]")).to_contain_text("Warning notice issued")
    expect(officer.locator("section[aria-labelledby=letters]")).to_contain_text(
        f"Compliance period ends: {long_date(end)}"
    )

    # The register lists it with its deadline, and passes axe.
    officer.goto(f"{demo_site}/letters/?q={KINGFISHER}&letter_type=warning_notice")
    expect(officer.locator("table.govuk-table tbody tr").first).to_contain_text("Compliance period running")
    assert_no_axe_violations(officer)

    # A demo warning notice whose compliance period has ended: not complied, notice of intention.
    officer.goto(f"{demo_site}/schools/{MEADOWBANK}/")
    officer.locator("section[aria-labelledby=letters] table a", has_text="Warning notice").first.click()
    officer.get_by_role("link", name="Record the outcome").click()
    officer.get_by_label("Did not comply with the notice to the authority's satisfaction").check()
    officer.get_by_role("button", name="Record").click()
    expect(officer.locator(".govuk-notification-banner--success")).to_contain_text("Recorded the outcome")
    officer.get_by_role("link", name="Give the notice of intention").click()
    officer.get_by_label("Appoint additional governors (s64)").check()
    text = officer.input_value("#id_text")
    officer.fill("#id_text", re.sub(r"\[[^\]]*\]", "Appoint two additional governors (section 64).", text))
    officer.get_by_role("button", name="Give the notice of intention").click()
    expect(officer.locator(".letters-eligible")).to_contain_text("Eligible for intervention")
    expect(officer.locator(".letters-eligible")).to_contain_text("Appoint additional governors (s64)")
    assert_no_axe_violations(officer)
    officer.goto(f"{demo_site}/schools/{MEADOWBANK}/")
    expect(officer.locator("section[aria-labelledby=letters]")).to_contain_text("Eligible for intervention")

    officer.goto(f"{demo_site}/schools/{WILLOW_BROOK}/")
    other_school_letter = officer.locator("section[aria-labelledby=letters] table a").first.get_attribute("href")
    officer.context.close()

    # The demo governor reads their own school's issued letters, and nothing of another school.
    governor = new_page(browser, demo_site, "governor")
    expect(governor.locator("#panel-letters-governor")).to_be_visible()
    panel = governor.locator("section[aria-labelledby=panel-letters-governor]")
    expect(panel).to_contain_text("Warning notice")
    expect(panel).to_contain_text("Significant concerns letter")
    panel.get_by_role("link", name="Warning notice").click()
    expect(governor.locator("h1")).to_have_text("Warning notice: Kingfisher Primary School")
    expect(governor.locator("body")).not_to_contain_text("Timeline and comments")
    assert "Kingfisher Primary School" in flat(
        "".join(p.extract_text() for p in PdfReader(io.BytesIO(download(governor, "Download the letter as PDF"))).pages)
    )
    assert_no_axe_violations(governor)
    assert governor.goto(f"{demo_site}{other_school_letter}").status == 404
    assert governor.goto(f"{demo_site}/letters/").status == 403
    governor.context.close()


def test_the_templates_and_suggestions_pages_pass_axe(page, demo_site):
    sign_in(page, demo_site, "officer")
    page.goto(f"{demo_site}/letters/suggestions/")
    expect(page.locator("h1")).to_have_text("Suggested letters")
    assert_no_axe_violations(page)
    page.goto(f"{demo_site}/letters/templates/warning_notice/")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".letters-paper")).to_contain_text("Sample Primary School")
    assert_no_axe_violations(page)


def test_the_school_picker_works_without_javascript_and_no_address_carries_the_csrf_token(browser, demo_site):
    """Draft a letter and plan a visit with JavaScript switched off: search by name or URN, choose
    the school from the list, choose the type, reach the draft form; every address on the way is
    free of the CSRF token. Axe checks the picker's pages (in a context with JavaScript, which axe
    needs to run)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, demo_site, "adviser")
    visited = []
    page.on("request", lambda request: visited.append(request.url))

    page.goto(f"{demo_site}/letters/new/")
    expect(page.locator("#school-choices")).to_contain_text("Kingfisher Primary School")  # their link schools
    page.get_by_label("School name or URN").fill("kingfisher")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("h2#school-choices-heading")).to_have_text("Schools matching “kingfisher”")
    page.get_by_role("link", name="Kingfisher Primary School", exact=True).click()
    expect(page.locator("h1")).to_have_text("Kingfisher Primary School")
    page.get_by_label(re.compile("Significant concerns letter")).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("New significant concerns letter")
    assert f"/letters/new/{KINGFISHER}/significant_concerns/" in page.url

    # A school that is not theirs is not offered, and not choosable by address either.
    page.goto(f"{demo_site}/letters/new/?q={WILLOW_BROOK}")
    expect(page.locator("#school-none")).to_contain_text("No school you can choose here matches")
    assert page.goto(f"{demo_site}/letters/new/?school={WILLOW_BROOK}").status == 403
    context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    officer = context.new_page()
    sign_in(officer, demo_site, "officer")
    officer.on("request", lambda request: visited.append(request.url))
    officer.goto(f"{demo_site}/visits/new/")
    officer.get_by_label("School name or URN").fill(str(WILLOW_BROOK))
    officer.get_by_role("button", name="Search").click()
    officer.get_by_role("link", name=re.compile("^Willow Brook")).click()
    expect(officer.locator(".govuk-summary-list")).to_contain_text(f"URN {WILLOW_BROOK}")
    expect(officer.get_by_role("button", name="Plan visit")).to_be_visible()
    context.close()

    assert len(visited) > 5
    assert [url for url in visited if "csrfmiddlewaretoken" in url] == []

    checked = new_page(browser, demo_site, "officer")
    checked.goto(f"{demo_site}/letters/new/?q=primary")
    assert_no_axe_violations(checked)  # the picker, with its results and pagination
    checked.goto(f"{demo_site}/letters/new/?school={KINGFISHER}")
    assert_no_axe_violations(checked)  # the chosen school and the types
    checked.goto(f"{demo_site}/visits/new/?q=zzz")
    assert_no_axe_violations(checked)  # nothing found
    checked.context.close()


def test_a_second_officer_approves_a_top_tier_letter_the_officer_drafted(browser, demo_site):
    """Four eyes in the browser: the drafting officer is told another officer must approve it;
    officer2 approves it."""
    officer = new_page(browser, demo_site, "officer")
    officer.goto(f"{demo_site}/letters/new/?school={KINGFISHER}")
    officer.get_by_label(re.compile("Significant concerns \\(top tier\\)")).check()
    officer.get_by_role("button", name="Continue").click()
    officer.locator("input[name=indicators]").first.check()
    body = officer.input_value("#id_body")
    officer.fill("#id_body", re.sub(r"\[[^\]]*\]", "Evidence from the monitoring visits.", body))
    officer.get_by_role("button", name="Save draft").click()
    officer.get_by_role("button", name="Submit for approval").click()
    expect(officer.locator("#may-not-approve")).to_contain_text("another officer must approve it")
    expect(officer.get_by_role("button", name="Approve")).to_have_count(0)
    assert_no_axe_violations(officer)
    letter_url = officer.url
    officer.context.close()

    second = new_page(browser, demo_site, "officer2")
    second.goto(letter_url)
    second.get_by_role("button", name="Approve").click()
    expect(second.locator(".govuk-notification-banner--success")).to_contain_text("Approved the letter")
    second.context.close()


def test_an_officer_sets_the_letterhead_logo_and_the_pages_pass_axe(page, demo_site, tmp_path):
    """ADR 0005: the letterhead is set once per LA in the app; the logo is shown inline, never at a URL."""
    from PIL import Image

    logo = tmp_path / "crest.png"
    Image.new("RGB", (300, 90), (11, 79, 108)).save(logo)
    sign_in(page, demo_site, "officer")
    page.goto(f"{demo_site}/schools/letterheads/")
    expect(page.locator("h1")).to_have_text("Letterheads")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Change the letterhead for LA 874").click()
    expect(page.locator("h1")).to_have_text("Letterhead")
    assert_no_axe_violations(page)
    page.get_by_label("Logo (optional)").set_input_files(str(logo))
    page.get_by_role("button", name="Save letterhead").click()
    expect(page.locator(".govuk-notification-banner, .govuk-panel").first).to_contain_text("Saved the letterhead")
    page.get_by_role("link", name="Change the letterhead for LA 874").click()
    assert page.locator("img.app-letterhead-preview__logo").get_attribute("src").startswith("data:image/png;base64,")
