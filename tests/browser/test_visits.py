"""Issue 4 in a real browser: an adviser plans, records and completes a visit with actions and
shares the note of visit; an officer sees the school move from due to met; an MSP meeting is
recorded and its summary published; the demo governor reads the summary but cannot reach the
minutes. Axe checks the visit form, the compliance view and the governor's view.

Heron Primary School (URN 874003, link adviser 'adviser') is left "due" this term by the demo."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from .conftest import assert_no_axe_violations, sign_in

DUE_SCHOOL = "Heron Primary School"
DUE_URN = 874003
MINUTES = "Browser-test minutes: staffing discussed in confidence"
SUMMARY = "Browser-test summary: writing is improving and governors are holding leaders to account"


def new_page(browser, base_url, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, base_url, username)
    return context, page


def compliance_row(page, base_url):
    page.goto(f"{base_url}/visits/compliance/?adviser=")
    return page.locator("table.govuk-table tbody tr", has=page.get_by_role("link", name=DUE_SCHOOL, exact=True))


def fill_date(page, name, day):
    page.fill(f"#id_{name}_0", str(day.day))
    page.fill(f"#id_{name}_1", str(day.month))
    page.fill(f"#id_{name}_2", str(day.year))


def test_an_adviser_records_a_visit_and_the_officer_sees_the_school_move_from_due_to_met(browser, demo_site):
    today = timezone.localdate()
    officer_context, officer = new_page(browser, demo_site, "officer")
    row = compliance_row(officer, demo_site)
    # Due in term time; overdue in a holiday, when the term's last teaching day has passed.
    expect(row.locator(".govuk-tag").nth(1)).to_have_text(re.compile(r"^\s*(Due|Overdue)\s*$"))
    assert_no_axe_violations(officer)

    adviser_context, page = new_page(browser, demo_site, "adviser")
    try:
        # Plan the visit from the school's page.
        page.goto(f"{demo_site}/schools/{DUE_URN}/")
        page.get_by_role("button", name=f"Plan a visit to {DUE_SCHOOL}").click()
        expect(page.locator("h1")).to_have_text("Plan a visit")
        expect(page.locator("#id_school")).to_have_value(re.compile(r"\d+"))
        fill_date(page, "visit_date", today)
        page.fill("#id_start_time", "9:30")
        page.get_by_role("button", name="Plan visit").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Visit to {DUE_SCHOOL} planned")

        # Record it, with actions: one row, then "Add another action" (no JavaScript needed).
        page.get_by_role("button", name="Record the visit").click()
        expect(page.locator("h1")).to_have_text("Record the visit")
        assert_no_axe_violations(page)
        page.get_by_label("Lesson observation").check()
        page.get_by_label("Discussion with governors").check()
        page.fill("#id_strengths", "Early reading is taught consistently well.")
        page.fill("#id_areas_for_development", "Writing in key stage 2 is not yet good enough.")
        page.fill("#id_actions-0-description", "Introduce a whole-school approach to extended writing")
        page.check("#id_actions-0-owner_1")
        fill_date(page, "actions-0-due_on", today + timedelta(days=42))
        page.get_by_role("button", name="Add another action").click()
        expect(page.locator("#id_actions-0-description")).to_have_value(
            "Introduce a whole-school approach to extended writing"
        )
        expect(page.locator(".app-action-row")).to_have_count(3)
        expect(page.locator("#id_actions-2-description")).to_be_focused()  # the new row, not the page's top
        page.fill("#id_actions-2-description", "Broker support from a Phonics Champion school")
        page.check("#id_actions-2-owner_2")
        fill_date(page, "actions-2-due_on", today + timedelta(days=28))
        # Enter in a text box saves (the form's first submit button is a hidden Save), not "Add another action".
        page.locator("#id_start_time").press("Enter")
        expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Visit to {DUE_SCHOOL} saved")
        page.get_by_role("button", name="Record the visit").click()
        page.get_by_role("button", name="Save and mark as completed").click()

        expect(page.locator(".govuk-notification-banner")).to_contain_text("recorded and marked as completed")
        expect(page.locator("p.govuk-body .govuk-tag").first).to_have_text("Completed")
        actions = page.locator("table.govuk-table tbody tr")
        expect(actions).to_have_count(2)
        expect(actions.filter(has_text="Phonics Champion")).to_contain_text("Local authority")

        # The note of visit: printable page, PDF, then record that it was shared.
        page.get_by_role("link", name="Printable note of visit").click()
        expect(page.locator("h1")).to_have_text("Note of visit")
        expect(page.locator("main")).to_contain_text("Early reading is taught consistently well.")
        pdf = page.request.get(page.url.replace("/note/", "/note.pdf"))
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.body().startswith(b"%PDF-")
        page.go_back()
        page.get_by_role("link", name="Record that the note was shared").click()
        page.fill("#id_shared_with", "Headteacher and chair of governors")
        page.get_by_role("button", name="Record that the note was shared").click()
        expect(page.locator("main")).to_contain_text("with Headteacher and chair of governors")
        check_adviser_pages(page, demo_site)
    finally:
        adviser_context.close()

    try:
        row = compliance_row(officer, demo_site)
        expect(row.locator(".govuk-tag").nth(1)).to_have_text("Met")
    finally:
        officer_context.close()


def check_adviser_pages(page, base_url):
    """The adviser's other pages pass axe, and the plan form's error summary too."""
    for path, heading in [
        ("/visits/", "Visits"),
        ("/visits/calendar/", "Your calendar"),
        ("/visits/actions/", "Actions"),
        ("/visits/new/", "Plan a visit"),
    ]:
        page.goto(f"{base_url}{path}")
        expect(page.locator("h1")).to_have_text(heading)
        assert_no_axe_violations(page)
    page.get_by_role("button", name="Plan visit").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the school")
    assert_no_axe_violations(page)


def test_an_msp_meeting_is_published_and_the_governor_reads_the_summary_but_not_the_minutes(browser, demo_site):
    officer_context, page = new_page(browser, demo_site, "officer")
    try:
        # One "Visits" menu item; the visits pages have their own sub-navigation.
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Visits").click()
        page.get_by_role("navigation", name="Visits pages").get_by_role("link", name="MSP groups").click()
        page.get_by_role("link", name="Kingfisher Primary School", exact=True).click()
        page.get_by_role("button", name="Record a meeting").click()
        expect(page.locator("h1")).to_have_text("Record the meeting")
        fill_date(page, "held_on", timezone.localdate())
        page.locator(".app-action-review").first.get_by_label("Amber: some progress").check()
        page.fill("#id_impact_of_support", "Writing support is showing in pupils' books.")
        page.get_by_label("No", exact=True).check()
        page.fill("#id_minutes", MINUTES)
        page.fill("#id_summary_key_points", SUMMARY)
        page.get_by_label("Continue the current support").check()
        page.get_by_role("button", name="Save the meeting").click()

        expect(page.locator(".govuk-notification-banner")).to_contain_text("recorded")
        expect(page.locator(".app-minutes")).to_contain_text(MINUTES)
        expect(page.locator("main")).to_contain_text("Amber: some progress")
        minutes_url = page.url
        page.get_by_role("button", name="Publish the summary to governors").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("published to the school's governors")
    finally:
        officer_context.close()

    governor_context, page = new_page(browser, demo_site, "governor")
    try:
        page.get_by_role("link", name="Kingfisher Primary School").click()
        section = page.locator("section", has=page.locator("h2#msp-summaries"))
        expect(section).to_contain_text(SUMMARY)
        expect(page.locator("body")).not_to_contain_text(MINUTES)
        assert_no_axe_violations(page)

        section.get_by_role("link").first.click()
        expect(page.locator("h1")).to_contain_text("summary key points")
        expect(page.locator("main")).to_contain_text(SUMMARY)
        expect(page.locator("body")).not_to_contain_text(MINUTES)

        response = page.goto(minutes_url)
        assert response.status in (403, 404)
        expect(page.locator("body")).not_to_contain_text(MINUTES)
    finally:
        governor_context.close()
