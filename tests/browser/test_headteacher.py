"""Issue 14 in a real browser (docs/adr/0023): the demo headteacher finds a note of visit awaiting
their acknowledgement on their home page and marks it not accurate with a comment; the adviser sees
the comment on the visit page and amends the note; the headteacher reads the amended note and
marks it accurate. The headteacher cannot open another school. Axe checks the headteacher's pages."""

import re

from playwright.sync_api import expect

from .conftest import assert_no_axe_violations, sign_in

COMMENT = "Browser test: the note leaves out our discussion of the reading strategy."
AMENDED = "Browser test: the reading strategy is well led and consistently taught."
SHOTS = "/tmp/previsit/headteacher-browser"


def new_page(browser, base_url, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, base_url, username)
    return context, page


def test_the_headteacher_says_a_note_is_inaccurate_the_adviser_amends_it_and_the_headteacher_accepts(
    browser, demo_site
):
    head_context, head = new_page(browser, demo_site, "headteacher")
    try:
        # The home page lists the note awaiting acknowledgement.
        panel = head.locator(
            "section", has=head.get_by_role("heading", name="Notes of visit awaiting your acknowledgement")
        )
        expect(panel).to_be_visible()
        assert_no_axe_violations(head)
        head.screenshot(path=f"{SHOTS}-1-home.png", full_page=True)
        panel.get_by_role("link").first.click()
        expect(head.get_by_role("heading", name="Is the note accurate?")).to_be_visible()
        note_url = head.url
        visit_pk = re.search(r"/visits/notes/(\d+)/", note_url).group(1)
        assert_no_axe_violations(head)

        # Not accurate: without a comment it is refused, with one it is sent.
        head.get_by_label("No, it is not accurate").check()
        head.get_by_role("button", name="Send your answer").click()
        expect(head.locator(".govuk-error-summary")).to_contain_text("Say what is not accurate")
        head.get_by_label("No, it is not accurate").check()
        head.fill("#id_comments", COMMENT)
        head.get_by_role("button", name="Send your answer").click()
        expect(head.locator(".govuk-notification-banner")).to_contain_text("Thank you: your answer was sent")
        expect(head.get_by_text("You answered: not accurate")).to_be_visible()
        head.screenshot(path=f"{SHOTS}-2-answered.png", full_page=True)

        # Another school is not found.
        response = head.goto(f"{demo_site}/schools/874003/")
        assert response.status == 404
    finally:
        head_context.close()

    adviser_context, page = new_page(browser, demo_site, "adviser")
    try:
        page.goto(f"{demo_site}/visits/{visit_pk}/#acknowledgement")
        expect(page.get_by_text(COMMENT)).to_be_visible()
        page.screenshot(path=f"{SHOTS}-3-adviser.png", full_page=True)
        page.get_by_role("link", name="amend the note").click()
        page.fill("#id_strengths", AMENDED)
        page.get_by_role("button", name="Save", exact=True).click()
        page.goto(f"{demo_site}/visits/{visit_pk}/#acknowledgement")
        expect(page.locator(".app-acknowledgement").first).to_contain_text("Awaiting acknowledgement")
        expect(page.get_by_text("Note amended after it was shared with the school")).to_be_visible()  # history
        page.screenshot(path=f"{SHOTS}-4-amended.png", full_page=True)
    finally:
        adviser_context.close()

    head_context, head = new_page(browser, demo_site, "headteacher")
    try:
        head.goto(note_url)
        expect(head.get_by_text(AMENDED)).to_be_visible()
        expect(head.get_by_text("Your adviser amended this note")).to_be_visible()
        head.get_by_label("Yes, it is accurate").check()
        head.get_by_role("button", name="Send your answer").click()
        expect(head.get_by_text("You answered: accurate")).to_be_visible()
        assert_no_axe_violations(head)
        head.screenshot(path=f"{SHOTS}-5-accepted.png", full_page=True)
    finally:
        head_context.close()


def test_the_headteachers_school_page_shows_what_is_shared_and_not_the_las_category_section(page, demo_site):
    sign_in(page, demo_site, "headteacher")
    page.get_by_role("link", name="Kingfisher Primary School").first.click()
    expect(page).to_have_url(f"{demo_site}/schools/874001/")
    expect(page.get_by_role("heading", name="Notes of visit shared with the school")).to_be_visible()
    # The LA's "Support category" section (history, evidence links) is not shown; the category sent
    # to the school is (docs/adr/0027).
    expect(page.get_by_role("heading", name="Support category", exact=True)).to_have_count(0)
    expect(page.get_by_role("heading", name="Your school's support category")).to_be_visible()
    expect(page.get_by_role("heading", name="Intelligence log")).to_have_count(0)
    assert_no_axe_violations(page)
    page.screenshot(path=f"{SHOTS}-6-school.png", full_page=True)


PRE_VISIT_WANTS = "Browser test: challenge on our attendance plan for disadvantaged pupils."
PRE_VISIT_EVALUATION = "Browser test: persistent absence is down to 14% but still above national."


def test_the_headteacher_completes_a_pre_visit_section_that_the_adviser_then_sees(browser, demo_site):
    """docs/adr/0028: from the home page, a draft first, then sent; the adviser reads it on the visit
    page and on the page where they record the visit."""
    head_context, head = new_page(browser, demo_site, "headteacher")
    try:
        expect(head.get_by_role("link", name="Visits and notes", exact=True)).to_be_visible()
        panel = head.locator("section", has=head.get_by_role("heading", name="Visits to prepare for"))
        expect(panel).to_be_visible()
        panel.get_by_role("link", name=re.compile("^Prepare for the")).first.click()
        expect(head.get_by_role("heading", name="Prepare for the visit")).to_be_visible()
        visit_pk = re.search(r"/visits/(\d+)/pre-visit/", head.url).group(1)
        assert_no_axe_violations(head)
        head.screenshot(path=f"{SHOTS}-7-pre-visit.png", full_page=True)

        # A draft with only the attendance rating, then sending it incomplete is refused.
        head.get_by_role("group", name="Your rating of attendance").get_by_label("Needs attention").check()
        head.get_by_role("button", name="Save as a draft").click()
        expect(head.locator(".govuk-notification-banner")).to_contain_text("Your draft is saved")
        head.get_by_role("button", name="Send to your adviser").click()
        expect(head.locator(".govuk-error-summary")).to_contain_text("Enter what you want from the visit")
        expect(head.locator(".govuk-error-summary")).to_contain_text("Choose how you rate quality of education")
        assert_no_axe_violations(head)
        head.screenshot(path=f"{SHOTS}-8-pre-visit-errors.png", full_page=True)

        for group in head.locator(".govuk-radios").all():
            group.locator("input").nth(2).check()  # "Expected standard" wherever not yet rated
        head.get_by_role("group", name="Your rating of attendance").get_by_label("Needs attention").check()
        for box in head.locator("textarea[id^=id_evaluation_]").all():
            box.fill("Browser test: our evidence is in the school improvement plan.")
        head.fill("#id_evaluation_attendance", PRE_VISIT_EVALUATION)
        head.fill("#id_recent_data", "Attendance 93.4% this half-term.")
        head.fill("#id_wants_from_visit", PRE_VISIT_WANTS)
        head.get_by_role("button", name="Send to your adviser").click()
        expect(head.locator(".govuk-notification-banner")).to_contain_text("your pre-visit section was sent")
        expect(head.get_by_text(PRE_VISIT_WANTS)).to_be_visible()
        expect(head.locator("textarea")).to_have_count(0)
        assert_no_axe_violations(head)
        head.screenshot(path=f"{SHOTS}-9-pre-visit-sent.png", full_page=True)
    finally:
        head_context.close()

    adviser_context, page = new_page(browser, demo_site, "adviser")
    try:
        page.goto(f"{demo_site}/visits/{visit_pk}/#pre-visit")
        expect(page.get_by_role("heading", name="The school's pre-visit section")).to_be_visible()
        expect(page.get_by_text(PRE_VISIT_EVALUATION)).to_be_visible()
        expect(page.get_by_text(PRE_VISIT_WANTS)).to_be_visible()
        page.screenshot(path=f"{SHOTS}-10-adviser-visit.png", full_page=True)
        page.get_by_role("button", name="Record the visit").click()
        expect(page.get_by_text(PRE_VISIT_WANTS)).to_be_visible()  # the details element is open once sent
        assert_no_axe_violations(page)
        page.screenshot(path=f"{SHOTS}-11-adviser-record.png", full_page=True)
    finally:
        adviser_context.close()
