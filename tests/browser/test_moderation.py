"""Issue 14 "Moderation" in a real browser (docs/adr/0032): an officer opens the current term's
moderation sheet, changes a proposal without a reason (a GOV.UK error on the row's field), then with
one; the categorisation page shows the moderated level and the reason on its history. Last term's
closed sheet is read only. An adviser reads the sheet without its forms; a headteacher gets 403.
Axe checks the pages."""

import pytest
from playwright.sync_api import expect

from .conftest import assert_no_axe_violations, sign_in

REASON = "Browser test: compared with the other schools proposed, the concerns here are narrower."
SHOTS = "/tmp/moderation/browser"


def new_page(browser, base_url, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, base_url, username)
    return context, page


@pytest.fixture
def demo(demo_site):
    """Read from the demo data before Chromium starts (no ORM calls while Playwright runs)."""
    from categorisation.models import Categorisation, ModerationSession, Status

    proposal = Categorisation.objects.select_related("school").get(school__urn=874005, status=Status.SUBMITTED)
    return {
        "proposal": proposal,
        "school": proposal.school.name,
        "current": ModerationSession.objects.get(closed_at=None),
        "kept": ModerationSession.objects.exclude(closed_at=None).get(),
    }


def test_an_officer_changes_a_proposal_at_moderation_with_a_reason(demo, browser, demo_site):
    proposal, school, current, kept = demo["proposal"], demo["school"], demo["current"], demo["kept"]

    context, page = new_page(browser, demo_site, "officer")
    try:
        page.goto(f"{demo_site}/categorisation/moderation/")
        assert_no_axe_violations(page)
        page.screenshot(path=f"{SHOTS}-1-sessions.png", full_page=True)
        # The sessions table's link (the page may also offer "Continue the open moderation session for ...").
        page.get_by_role("link", name=current.term_label, exact=True).click()
        row = page.locator(f"#proposal-{proposal.pk}")
        expect(row).to_contain_text(school)
        assert_no_axe_violations(page)
        page.screenshot(path=f"{SHOTS}-2-sheet.png", full_page=True)

        other = "medium" if proposal.level != "medium" else "low"
        row.get_by_label(f"{other.capitalize()} support").check()
        row.get_by_role("button", name="Record the decision").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason for changing the level")
        assert_no_axe_violations(page)
        page.screenshot(path=f"{SHOTS}-3-error.png", full_page=True)
        page.locator(".govuk-error-summary a").first.click()
        page.fill(f"#id_c{proposal.pk}-reason", REASON)
        page.locator(f"#proposal-{proposal.pk}").get_by_role("button", name="Record the decision").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(f"{school}: changed to")
        expect(page.locator(f"#proposal-{proposal.pk}")).to_contain_text(REASON)
        page.screenshot(path=f"{SHOTS}-4-recorded.png", full_page=True)

        page.locator(f"#proposal-{proposal.pk}").get_by_role("link", name=school).click()
        expect(page.locator("body")).to_contain_text(
            f"Changed at moderation from {proposal.get_level_display().lower()}"
        )

        page.goto(f"{demo_site}{kept.get_absolute_url()}")
        expect(page.locator(".govuk-inset-text")).to_contain_text("Closed on")
        assert page.locator("input[type=radio]").count() == 0
        assert_no_axe_violations(page)
        page.screenshot(path=f"{SHOTS}-5-kept.png", full_page=True)
    finally:
        context.close()

    context, page = new_page(browser, demo_site, "adviser")
    try:
        page.goto(f"{demo_site}{current.get_absolute_url()}")
        expect(page.locator("h1")).to_contain_text("Moderation of")
        assert page.locator("input[type=radio]").count() == 0
    finally:
        context.close()

    context, page = new_page(browser, demo_site, "headteacher")
    try:
        assert page.goto(f"{demo_site}{current.get_absolute_url()}").status == 403
        assert page.goto(f"{demo_site}/categorisation/moderation/").status == 403
    finally:
        context.close()
