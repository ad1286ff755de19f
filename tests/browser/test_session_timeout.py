"""The warning before the session ends (docs/adr/0085; WCAG 2.2.1 Timing Adjustable): shown before
the idle limit, read as a dialog, and "Stay signed in" keeps the page and what was typed in it."""

import pytest
from playwright.sync_api import expect

from core import context_processors

from .conftest import assert_no_axe_violations, sign_in


@pytest.fixture
def warned_soon(settings, monkeypatch):
    """A three-minute idle limit, warned of with 2 seconds gone (the live server reads these)."""
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 3
    monkeypatch.setattr(context_processors, "SESSION_WARNING_SECONDS", 178)


def test_the_adviser_is_warned_before_the_idle_limit_and_stays_signed_in_with_their_text(warned_soon, page, demo_site):
    sign_in(page, demo_site, "adviser")
    page.goto(f"{demo_site}/visits/")
    page.locator("a:has-text('Plan a visit')").first.click()
    purpose = page.locator("textarea").first
    purpose.fill("Typed before the warning")
    dialog = page.get_by_role("dialog", name="You are about to be signed out")
    expect(dialog).to_be_visible(timeout=10_000)
    expect(dialog.locator('[data-when="idle"]')).to_be_visible()
    expect(dialog).to_contain_text("Anything you have not saved will be lost")
    assert_no_axe_violations(page)
    stayed = lambda response: response.url.endswith("/accounts/session/") and response.request.method == "POST"  # noqa: E731
    with page.expect_response(stayed) as answer:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert answer.value.json()["seconds"] == 180
    expect(dialog).to_be_hidden()
    expect(purpose).to_have_value("Typed before the warning")  # the page was not left


def test_near_the_limit_since_signing_in_the_warning_says_to_save_once(warned_soon, settings, page, demo_site):
    """The review: near the absolute limit "Stay signed in" could not put it off, and the same
    dialog came back at once, still offering to stay."""
    settings.SESSION_COOKIE_AGE = 200  # signed in 200 s at most: the idle limit (180 s) binds at first
    sign_in(page, demo_site, "adviser")
    page.goto(f"{demo_site}/visits/")
    dialog = page.get_by_role("dialog", name="You are about to be signed out")
    expect(dialog).to_be_visible(timeout=10_000)
    page.wait_for_timeout(22_000)  # until staying would run past the 200 s: the limit binds
    dialog.get_by_role("button", name="Stay signed in").click()
    limit = dialog.locator('[data-when="limit"]')
    expect(limit).to_be_visible(timeout=10_000)
    expect(limit).to_contain_text("because you signed in a long time ago")
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_hidden()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    page.wait_for_timeout(3_000)
    expect(dialog).to_be_hidden()  # said once
