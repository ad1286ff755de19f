"""Issue 14 "Hear its category" in a real browser (docs/adr/0027): the demo headteacher finds this
term's category on their home page, reads the level, what it means and the reasons (never the
evidence), and challenges it with reasons; an officer finds the challenge and decides it; the
headteacher reads the decision. The headteacher cannot open another school's category or the
categorisation itself. Axe checks the pages."""

from playwright.sync_api import expect

from .conftest import assert_no_axe_violations, sign_in

CHALLENGE = "Browser test: our Year 6 reading assessments have risen since September."
DECISION = "Browser test: the September assessments are not yet moderated, so the category stands."
SHOTS = "/tmp/category_notice/browser"


def new_page(browser, base_url, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, base_url, username)
    return context, page


def test_the_headteacher_challenges_the_category_and_an_officer_decides(browser, demo_site):
    from categorisation.demo import EVIDENCE, RETURN_COMMENTS

    evidence = [*EVIDENCE.values(), RETURN_COMMENTS]  # the demo's evidence notes and officer's comments

    head_context, head = new_page(browser, demo_site, "headteacher")
    try:
        panel = head.locator("section", has=head.get_by_role("heading", name="Your school's support category"))
        expect(panel).to_be_visible()
        panel.get_by_role("link").first.click()
        expect(head.get_by_role("heading", name="Your school's support category")).to_be_visible()
        expect(head.locator("#category-notice")).to_contain_text("High support")
        expect(head.locator("#category-notice")).to_contain_text("at least every half-term")
        expect(head.locator("#notice-reasons")).to_contain_text("Monitoring Support Partnership group")
        body = head.content()
        assert all(text not in body for text in evidence)
        assert_no_axe_violations(head)
        head.screenshot(path=f"{SHOTS}-1-category.png", full_page=True)

        # A challenge without reasons is refused; with them it goes to the LA.
        head.get_by_label("The school challenges the category").check()
        head.get_by_role("button", name="Send the school's answer").click()
        expect(head.locator(".govuk-error-summary")).to_contain_text("Say why the school challenges the category")
        assert_no_axe_violations(head)
        head.get_by_label("The school challenges the category").check()
        head.fill("#id_reasons", CHALLENGE)
        head.get_by_role("button", name="Send the school's answer").click()
        expect(head.locator(".govuk-notification-banner")).to_contain_text("an officer will decide it")
        expect(head.locator("#notice-answer")).to_contain_text("Waiting for an officer's decision")
        head.screenshot(path=f"{SHOTS}-2-challenged.png", full_page=True)

        # Another school's category, and the categorisation itself, are closed to the headteacher.
        assert head.goto(f"{demo_site}/categorisation/schools/874003/category/").status == 404
        assert head.goto(f"{demo_site}/categorisation/1/").status == 403
        assert head.goto(f"{demo_site}/categorisation/").status == 403
    finally:
        head_context.close()

    officer_context, page = new_page(browser, demo_site, "officer2")
    try:
        page.goto(f"{demo_site}/categorisation/challenges/")
        expect(page.locator("#open-challenges")).to_contain_text("Kingfisher Primary School")
        assert_no_axe_violations(page)
        page.screenshot(path=f"{SHOTS}-3-challenges.png", full_page=True)
        page.locator("#open-challenges").get_by_role("link", name="Kingfisher Primary School").click()
        expect(page.get_by_text(CHALLENGE)).to_be_visible()
        assert_no_axe_violations(page)
        page.get_by_label("Do not uphold the challenge").check()
        page.get_by_role("button", name="Record the decision").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Give the reasons for your decision")
        page.get_by_label("Do not uphold the challenge").check()
        page.fill("#id_reasons", DECISION)
        page.get_by_role("button", name="Record the decision").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Decision recorded")
        history = page.locator("table", has=page.get_by_text("Challenge decided"))
        expect(history).to_contain_text(DECISION)
        expect(history).to_contain_text(CHALLENGE)
        page.screenshot(path=f"{SHOTS}-4-decided.png", full_page=True)
    finally:
        officer_context.close()

    head_context, head = new_page(browser, demo_site, "headteacher")
    try:
        head.goto(f"{demo_site}/categorisation/schools/874001/category/")
        expect(head.locator("#notice-answer")).to_contain_text("Challenge not upheld: the category stands")
        expect(head.locator("#notice-answer")).to_contain_text(DECISION)
        head.screenshot(path=f"{SHOTS}-5-decision.png", full_page=True)
    finally:
        head_context.close()
