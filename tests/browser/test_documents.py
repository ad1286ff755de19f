"""Issue 14's documents in a real browser (docs/adr/0034): the demo headteacher finds the document
the LA shared on their home page, opens the school's documents page, is refused a file whose bytes
do not match its name, and uploads the school's self-evaluation; the link adviser downloads it and
gets the same bytes. The documents page reflows at 320 px; axe checks each page."""

from playwright.sync_api import expect

from tests.exchange.conftest import DOCX

from .conftest import assert_no_axe_violations, sign_in

SEF_TITLE = "Browser test: self-evaluation, autumn"
SEF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SHOTS = "/tmp/exchange-browser"


def new_page(browser, base_url, username, width=1280):
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()
    sign_in(page, base_url, username)
    return context, page


def test_the_headteacher_uploads_a_self_evaluation_and_the_adviser_downloads_it(browser, demo_site):
    head_context, head = new_page(browser, demo_site, "headteacher")
    try:
        panel = head.locator("section", has=head.get_by_role("heading", name="Documents", exact=True))
        expect(panel).to_contain_text("Local authority data pack for governors")
        head.screenshot(path=f"{SHOTS}-1-home.png", full_page=True)
        panel.get_by_role("link", name="Upload your self-evaluation").first.click()
        expect(head.get_by_role("heading", name="Documents", exact=True)).to_be_visible()
        assert_no_axe_violations(head)
        documents_url = head.url

        # A Word document named .pdf is refused, with the reason in the error summary.
        head.get_by_label("Self-evaluation (SEF)").check()
        head.fill("#id_title", SEF_TITLE)
        head.set_input_files("#id_file", files=[{"name": "sef.pdf", "mimeType": "application/pdf", "buffer": DOCX}])
        head.get_by_role("button", name="Upload document").click()
        expect(head.locator(".govuk-error-summary")).to_contain_text(
            "The file name ends .pdf but the file is a Word document"
        )
        assert_no_axe_violations(head)
        head.screenshot(path=f"{SHOTS}-2-refused.png", full_page=True)

        head.get_by_label("Self-evaluation (SEF)").check()
        head.fill("#id_title", SEF_TITLE)
        head.set_input_files("#id_file", files=[{"name": "Our SEF.pdf", "mimeType": "application/pdf", "buffer": SEF}])
        head.get_by_role("button", name="Upload document").click()
        expect(head.locator(".govuk-notification-banner")).to_contain_text(f"Uploaded “{SEF_TITLE}”")
        expect(head.get_by_role("table", name="From the school")).to_contain_text("Our SEF.pdf")
        head.screenshot(path=f"{SHOTS}-3-uploaded.png", full_page=True)

        # Another school's documents are not found.
        assert head.goto(f"{demo_site}/schools/874003/documents/").status == 404

        # Reflow at 320 px.
        head.set_viewport_size({"width": 320, "height": 640})
        head.goto(documents_url)
        assert head.evaluate("document.documentElement.scrollWidth") <= 320
        head.screenshot(path=f"{SHOTS}-4-320px.png", full_page=True)
    finally:
        head_context.close()

    adviser_context, page = new_page(browser, demo_site, "adviser")
    try:
        page.goto(documents_url)
        assert_no_axe_violations(page)
        with page.expect_download() as caught:
            page.get_by_role("link", name=f"{SEF_TITLE} (download)", exact=True).click()
        download = caught.value
        assert download.suggested_filename == "Our SEF.pdf"
        with open(download.path(), "rb") as handle:
            assert handle.read() == SEF
        page.screenshot(path=f"{SHOTS}-5-adviser.png", full_page=True)
    finally:
        adviser_context.close()
