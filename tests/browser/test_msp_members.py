"""Issue 14 in a real browser (docs/adr/0031): the demo headteacher, who attended the latest MSP
meeting of Kingfisher's group, finds it on their home page and reads its minutes and the school's
actions; another meeting of the group is not found. The demo governor (chair of governors, who
attended none) has no such panel and is refused the minutes. Axe checks the new pages."""

import re

from playwright.sync_api import expect

from .conftest import assert_no_axe_violations, sign_in

SHOTS = "/tmp/msp_members/browser"


def new_page(browser, base_url, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, base_url, username)
    return context, page


def test_the_headteacher_reads_the_minutes_of_the_meeting_they_attended_and_the_governor_does_not(browser, demo_site):
    context, head = new_page(browser, demo_site, "headteacher")
    try:
        panel = head.locator("section", has=head.get_by_role("heading", name="MSP meetings you attended"))
        expect(panel).to_be_visible()
        head.screenshot(path=f"{SHOTS}-1-home.png", full_page=True)
        panel.get_by_role("link", name="All your MSP meetings").click()
        expect(head.get_by_role("heading", name="Your MSP meetings")).to_be_visible()
        assert_no_axe_violations(head)
        head.screenshot(path=f"{SHOTS}-2-list.png", full_page=True)
        links = head.locator("main ul.govuk-list a")
        expect(links).to_have_count(1)  # the demo headteacher attended one meeting
        links.first.click()
        pk = int(re.search(r"/visits/msp/my-meetings/(\d+)/", head.url).group(1))
        expect(head.get_by_role("heading", name="Minutes")).to_be_visible()
        expect(head.get_by_text("Staffing matters discussed in confidence.")).to_be_visible()
        expect(head.get_by_role("heading", name="Actions the school owns from this meeting")).to_be_visible()
        assert_no_axe_violations(head)
        head.screenshot(path=f"{SHOTS}-3-minutes.png", full_page=True)
        # The group's earlier meeting (recorded just before) was not attended: not found.
        assert head.goto(f"{demo_site}/visits/msp/my-meetings/{pk - 1}/").status == 404
        assert head.goto(f"{demo_site}/visits/msp/meetings/{pk}/").status == 403
    finally:
        context.close()

    context, governor = new_page(browser, demo_site, "governor")
    try:
        expect(governor.get_by_role("heading", name="MSP meetings you attended")).to_have_count(0)
        assert governor.goto(f"{demo_site}/visits/msp/my-meetings/{pk}/").status == 404
        governor.goto(f"{demo_site}/visits/msp/my-meetings/")
        expect(governor.get_by_text("None: the LA has not recorded you")).to_be_visible()
        expect(governor.get_by_text("Staffing matters discussed in confidence.")).to_have_count(0)
    finally:
        context.close()
