"""Separation of duties in a real browser (docs/adr/0012): the admin asks for a new adviser, an
officer approves it under Access, the new adviser chooses their own password through the emailed
link (docs/adr/0062), and the officer reads who has read a visit; every page passes axe."""

import re

from django.core import mail
from playwright.sync_api import expect

from .conftest import assert_no_axe_violations, sign_in


def test_an_admin_asks_for_an_adviser_and_an_officer_approves(browser, demo_site):
    admin = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(admin, demo_site, "admin")
    admin.goto(f"{demo_site}/accounts/users/new/")
    admin.fill("#id_username", "rowan")
    admin.fill("#id_first_name", "Rowan")
    admin.fill("#id_last_name", "Blake")
    admin.fill("#id_email", "rowan.blake@example.gov.uk")
    admin.get_by_label("Adviser").check()
    # No password: an adviser chooses their own through the emailed link (docs/adr/0062).
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
    expect(officer.locator("main")).to_contain_text("Approved: Rowan Blake now has the adviser role.")
    expect(officer.locator("main")).to_contain_text(
        "A link to choose their own password is being emailed to rowan.blake@example.gov.uk"
    )
    assert_no_axe_violations(officer)
    _rowan_chooses_a_password_and_signs_in(browser, demo_site)

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


def _rowan_chooses_a_password_and_signs_in(browser, demo_site) -> None:
    [email] = [m for m in mail.outbox if m.to == ["rowan.blake@example.gov.uk"]]
    link = re.search(r"http://\S+(/accounts/password/choose/\S+/)", email.body).group(1)
    rowan = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    rowan.goto(f"{demo_site}{link}")
    expect(rowan.locator("h1")).to_have_text("Choose your password")
    assert "/choose/" in rowan.url
    assert link.rstrip("/").rsplit("/", 1)[1] not in rowan.url
    assert_no_axe_violations(rowan)
    rowan.get_by_label("New password", exact=True).fill("rowans-own-password-7")
    rowan.get_by_label("Confirm new password").fill("rowans-own-password-7")
    rowan.get_by_role("button", name="Save password").click()
    expect(rowan.locator("h1")).to_have_text("Password saved")
    rowan.get_by_role("link", name="Sign in").click()
    rowan.fill("#id_username", "rowan")
    rowan.fill("#id_password", "rowans-own-password-7")
    with rowan.expect_navigation():
        rowan.click("form button[type=submit]:has-text('Sign in')")
    expect(rowan.get_by_role("button", name="Sign out")).to_be_visible()  # signed in, as an adviser
    assert "/accounts/sign-in/" not in rowan.url
    rowan.context.close()
