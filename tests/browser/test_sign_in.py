"""Signing in as councils do (docs/adr/0009): a new officer sets up an authenticator app and signs in
with it; twenty wrong passwords lock an account, with the message on the sign-in page."""

import re
from base64 import b32decode

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from accounts.lockout import LOCKED_OUT
from accounts.roles import Role
from accounts.services import user_set_role

from .conftest import assert_no_axe_violations, sign_in, totp_code

NEW_OFFICER_PASSWORD = "a-long-officer-password"


@pytest.fixture
def local_officer(demo_site):
    """An officer with a password and no authenticator app yet (made before the browser starts)."""
    user = get_user_model().objects.create_user(
        username="rosa", first_name="Rosa", last_name="Lind", email="rosa@example.org", password=NEW_OFFICER_PASSWORD
    )
    user_set_role(user=user, role=Role.OFFICER, actor=None)
    return user


def password_step(page, base_url, username, password):
    page.goto(f"{base_url}/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form button[type=submit]:has-text('Sign in')")


def test_a_local_officer_sets_up_an_authenticator_app_and_signs_in_with_it(local_officer, page, demo_site):
    password_step(page, demo_site, "rosa", NEW_OFFICER_PASSWORD)
    expect(page.locator("h1")).to_have_text("Set up your authenticator app")
    page.goto(f"{demo_site}/schools/")  # nothing else opens until it is set up
    expect(page.locator("h1")).to_have_text("Set up your authenticator app")
    expect(page.locator("img.app-qr-code")).to_be_visible()
    assert page.evaluate("document.querySelector('img.app-qr-code').naturalWidth") > 0
    assert_no_axe_violations(page)

    key = page.locator("#second-factor-key").inner_text().replace(" ", "")
    hex_key = b32decode(key + "=" * (-len(key) % 8)).hex()
    page.fill("#id_code", totp_code(hex_key, "rosa"))
    page.get_by_role("button", name="Check the code and continue").click()

    expect(page.locator("h1")).to_have_text("Recovery codes")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    assert all(re.fullmatch(r"[a-z2-7]{8}", code) for code in codes)
    assert_no_axe_violations(page)
    page.get_by_role("link", name="I have kept my recovery codes").click()
    expect(page.locator("h1")).not_to_have_text("Set up your authenticator app")

    page.get_by_role("button", name="Sign out").click()
    password_step(page, demo_site, "rosa", NEW_OFFICER_PASSWORD)
    expect(page.locator("h1")).to_have_text("Enter the code from your authenticator app")
    assert_no_axe_violations(page)
    page.fill("#id_code", totp_code(hex_key, "rosa"))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".app-account__name")).to_contain_text("Rosa Lind (Officer)")
    page.goto(f"{demo_site}/schools/")
    expect(page.locator("h1")).not_to_have_text("Enter the code from your authenticator app")


def test_twenty_wrong_passwords_lock_the_account_with_the_message_shown(page, demo_site, settings):
    message = LOCKED_OUT.format(minutes=settings.SIGN_IN_LOCKOUT_MINUTES)
    for _ in range(20):
        password_step(page, demo_site, "adviser", "not-the-password")
    expect(page.locator(".govuk-error-summary")).to_contain_text(message)
    assert_no_axe_violations(page)

    sign_in(page, demo_site, "adviser")  # the right password, locked all the same
    expect(page.locator(".govuk-error-summary")).to_contain_text(message)
    expect(page.locator("h1")).to_have_text("Sign in")


def test_a_demo_officer_signs_in_with_the_published_authenticator_key(page, demo_site):
    sign_in(page, demo_site, "officer")
    expect(page.locator(".app-account__name")).to_contain_text("Olivia Okafor (Officer)")
    page.get_by_role("link", name="Your account").click()
    expect(page.locator("main")).to_contain_text(
        "You sign in with your password and a code from your authenticator app"
    )
    assert_no_axe_violations(page)
