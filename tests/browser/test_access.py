"""Separation of duties in a real browser (docs/adr/0012): the admin asks for a new adviser, an
officer approves it under Access, and reads who has read a visit; every page passes axe."""

from playwright.sync_api import expect

from .conftest import assert_no_axe_violations, sign_in


def test_an_admin_asks_for_an_adviser_and_an_officer_approves(browser, demo_site):
    admin = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(admin, demo_site, "admin")
    admin.goto(f"{demo_site}/accounts/users/new/")
    admin.fill("#id_username", "rowan")
    admin.fill("#id_first_name", "Rowan")
    admin.fill("#id_last_name", "Blake")
    admin.get_by_label("Adviser").check()
    admin.fill("#id_password", "a-long-first-password")
    admin.get_by_role("button", name="Create user").click()

    expect(admin.locator(".govuk-notification-banner")).to_contain_text(
        "Waiting for an officer to approve: Make Rowan Blake an adviser"
    )
    expect(admin.locator("main")).to_contain_text("Waiting for an officer: make Rowan Blake an adviser")
    assert_no_axe_violations(admin)
    admin.get_by_role("link", name="Access", exact=True).click()
    expect(admin.locator("h1")).to_have_text("Role requests")
    assert_no_axe_violations(admin)
    admin.get_by_role("link", name="Access log").click()
    expect(admin.locator("tbody tr").first).to_contain_text("Role requested")
    assert_no_axe_violations(admin)
    admin.context.close()

    officer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(officer, demo_site, "officer")
    expect(officer.locator("main")).to_contain_text("role requests waiting for you or another officer")
    officer.get_by_role("link", name="Access", exact=True).click()
    row = officer.locator("tbody tr", has_text="Rowan Blake")
    row.get_by_role("button", name="Approve").click()
    expect(officer.locator("main")).to_contain_text("Approved: Rowan Blake is now an adviser.")
    assert_no_axe_violations(officer)

    other = officer.locator("tbody tr", has_text="Nia Evans")  # the demo's own request
    other.get_by_role("link", name="Decline").click()
    expect(officer.locator("h1")).to_contain_text("Decline: Make Nia Evans an adviser")
    assert_no_axe_violations(officer)

    officer.goto(f"{demo_site}/visits/")
    officer.locator("table tbody a[href^='/visits/']").first.click()
    officer.get_by_role("link", name="Who has read this").click()
    expect(officer.locator("h1")).to_contain_text("Who has read this")
    expect(officer.locator("tbody tr").first).to_contain_text("Olivia Okafor")
    assert_no_axe_violations(officer)
    officer.get_by_role("link", name="The whole read log").click()
    expect(officer.locator("h1")).to_have_text("Read log")
    assert_no_axe_violations(officer)
    officer.context.close()
