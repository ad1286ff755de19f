"""Length limits in a real browser (docs/adr/0011): a letterhead address pasted over its limit is
kept whole in the textarea (no maxlength attribute cuts it short) and refused with the GOV.UK
message in the error summary, which links to the field."""

from playwright.sync_api import expect

from core.limits import LETTERHEAD_PART

from .conftest import assert_no_axe_violations, sign_in

MESSAGE = "Address and contact details must be 1,000 characters or fewer"


def test_an_address_over_its_limit_is_refused_with_the_gov_uk_message_and_not_cut_short(page, demo_site):
    sign_in(page, demo_site, "officer")
    page.goto(f"{demo_site}/schools/letterheads/874/")
    too_long = "Line of the address\n" * (LETTERHEAD_PART // 20 + 1)
    page.fill("#id_address", too_long)
    assert len(page.input_value("#id_address")) == len(too_long)
    with page.expect_navigation():
        page.get_by_role("button", name="Save letterhead").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(MESSAGE)
    assert page.title().startswith("Error: ")
    expect(page.locator("#id_address-error, .govuk-error-message").first).to_contain_text(MESSAGE)
    assert_no_axe_violations(page)
