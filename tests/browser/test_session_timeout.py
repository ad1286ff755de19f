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
    expect(dialog).to_contain_text("Anything you have not saved will be lost")
    assert_no_axe_violations(page)
    stayed = lambda response: response.url.endswith("/accounts/session/") and response.request.method == "POST"  # noqa: E731
    with page.expect_response(stayed) as answer:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert answer.value.json()["seconds"] == 180
    expect(dialog).to_be_hidden()
    expect(purpose).to_have_value("Typed before the warning")  # the page was not left
