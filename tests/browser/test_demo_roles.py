"""Each demo role signs in through a real browser, sees its own landing page and menu, and the
pages it uses pass axe's WCAG 2.2 A and AA checks."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import assert_no_axe_violations, sign_in

NAV_LINKS = ".govuk-service-navigation__link"
RESULT_ROWS = "table.govuk-table tbody tr"


@pytest.mark.parametrize(
    ("username", "heading", "menu"),
    [
        (
            "admin",
            "Administration",
            ["Home", "Schools", "Categorisation", "Imports", "Outcome figures", "Access", "Users"],
        ),
        (
            "officer",
            "Overview",
            ["Home", "Dashboard", "Outcomes", "Schools", "Categorisation", "Visits", "Letters", "Academies", "Access"],
        ),
        (
            "adviser",
            re.compile(r"^Welcome"),
            [
                "Home",
                "My dashboard",
                "My schools",
                "Dashboard",
                "Outcomes",
                "Schools",
                "Categorisation",
                "Visits",
                "Letters",
                "Academies",
            ],
        ),
        ("governor", "Your school", ["Home"]),
        ("headteacher", "Your school", ["Home", "Visits and notes"]),
    ],
    ids=["admin", "officer", "adviser", "governor", "headteacher"],
)
def test_each_demo_role_signs_in_and_sees_their_landing_page(page, demo_site, username, heading, menu):
    sign_in(page, demo_site, username)

    assert page.url == f"{demo_site}/"
    expect(page.locator("h1")).to_have_text(heading)
    expect(page.locator(NAV_LINKS)).to_have_text(menu)
    assert_no_axe_violations(page)


def test_sign_in_page_has_no_accessibility_violations(page, demo_site):
    page.goto(f"{demo_site}/")
    assert page.url.startswith(f"{demo_site}/accounts/sign-in/")
    expect(page.locator("h1")).to_have_text("Sign in")
    assert_no_axe_violations(page)

    page.fill("#id_username", "officer")
    page.fill("#id_password", "not-the-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.locator(".govuk-error-summary")).to_contain_text("There is a problem")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_no_axe_violations(page)


def test_governor_follows_link_to_own_school_and_cannot_open_another(page, demo_site):
    sign_in(page, demo_site, "governor")

    page.get_by_role("link", name="Kingfisher Primary School").click()
    expect(page).to_have_url(f"{demo_site}/schools/874001/")
    expect(page.locator("h1")).to_have_text("Kingfisher Primary School")
    assert_no_axe_violations(page)

    response = page.goto(f"{demo_site}/schools/874002/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")


def test_officer_filters_school_list_and_page_passes_axe(page, demo_site):
    sign_in(page, demo_site, "officer")
    page.goto(f"{demo_site}/schools/")

    page.get_by_label("Latest Ofsted").select_option(label="Inadequate")
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"[?&]ofsted=4(&|$)"))
    rows = page.locator(RESULT_ROWS)
    assert rows.count() > 0
    for tag in rows.locator("td:nth-child(5) .govuk-tag").all_inner_texts():
        assert tag in {"Inadequate", "Special measures", "Serious weaknesses"}, tag
    assert rows.locator("td:nth-child(5) .govuk-tag").count() == rows.count()

    page.goto(f"{demo_site}/schools/")
    assert_no_axe_violations(page)
    page.goto(f"{demo_site}/schools/874001/")
    assert_no_axe_violations(page)


def test_pages_work_without_javascript(browser, demo_site):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, demo_site, "officer")
        expect(page.locator("h1")).to_have_text("Overview")

        page.goto(f"{demo_site}/schools/")
        everything = page.locator(RESULT_ROWS).count()
        page.get_by_label("Latest Ofsted").select_option(label="Inadequate")
        page.get_by_role("button", name="Apply filters").click()

        expect(page).to_have_url(re.compile(r"[?&]ofsted=4(&|$)"))
        tags = page.locator(f"{RESULT_ROWS} td:nth-child(5) .govuk-tag")
        assert 0 < tags.count() < everything
        assert set(tags.all_inner_texts()) <= {"Inadequate", "Special measures", "Serious weaknesses"}
    finally:
        context.close()
