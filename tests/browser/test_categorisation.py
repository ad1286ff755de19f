"""Issue 3's "done when", in a real browser: an adviser categorises a school from scratch (ticks
statements with evidence, sees the live suggestion and its explanation, departs from it with a
rationale) and submits; the officer returns it with comments; the adviser revises and resubmits;
the officer approves; the school page shows the new category and its direction of travel. axe
checks the form, the queue, the categorisation page, the lists and the school page.

The school is 874003 Heron Primary School (link adviser "adviser"): the demo gives it approved
categorisations for the last three terms (low support last) and none this term."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from schools.terms import term_on

from .conftest import assert_no_axe_violations, sign_in

URN = 874003
SCHOOL = "Heron Primary School"
TICKS = {
    "The effectiveness and capacity of leadership to drive school improvement requires support.": (
        "LM-M2",
        "New leadership team; the improvement plan has no milestones yet.",
    ),
    "Teaching is inconsistent and requires improvement": ("QE-M4", "Four of seven lessons seen required improvement."),
    "Expectations of pupils attitudes and behaviour are not high enough and approaches are inconsistent": (
        "BA-M2",
        "Low-level disruption in two of the lessons seen.",
    ),
}


def tick(page, text: str, code: str, evidence: str) -> None:
    page.get_by_label(text, exact=True).check()
    page.get_by_label(f"Evidence for {code}", exact=True).fill(evidence)


@pytest.fixture
def this_term(demo_site) -> str:
    """The current term's label, read before the browser starts (no ORM calls inside its event loop)."""
    return term_on(timezone.localdate()).label


@pytest.fixture
def last_term(demo_site) -> str:
    return term_on(term_on(timezone.localdate()).starts_on - timedelta(days=1)).label


def test_adviser_categorises_officer_returns_adviser_resubmits_officer_approves(
    this_term, last_term, page, browser, demo_site
):
    # The adviser starts a categorisation from the school page.
    sign_in(page, demo_site, "adviser")
    page.goto(f"{demo_site}/schools/{URN}/")
    expect(page.locator("#categorisation")).to_have_text("Support category")
    page.get_by_role("link", name=re.compile(r"^Start a categorisation")).click()
    expect(page.locator("h1")).to_have_text("Start a categorisation")
    page.get_by_role("button", name="Start categorisation").click()
    expect(page.locator("h1")).to_have_text("Categorise the school")
    assert_no_axe_violations(page)

    # The long form has in-page navigation by area, without JavaScript: each link targets an
    # area's fieldsets (or the judgement, or the suggestion), and each area leads back to it.
    contents = page.get_by_role("navigation", name="Contents")
    links = contents.get_by_role("link")
    expect(links).to_have_text(
        [
            "Leadership and management (including safeguarding)",
            "Quality of education",
            "Behaviour and attitudes",
            "Personal development",
            "Intelligence from other teams",
            "Your judgement",
            "Suggested level",
        ]
    )
    for href in links.evaluate_all("links => links.map(link => link.getAttribute('href'))"):
        assert href.startswith("#"), href
        assert page.locator(href).count() == 1, href
    for area in page.locator("#categorisation-form .app-area").all():
        area_id = area.get_attribute("id")
        assert contents.locator(f"a[href='#{area_id}']").count() == 1, area_id
        # Three support levels an area; the intelligence from other teams is one fieldset.
        assert area.locator("fieldset").count() == (1 if area_id.startswith("evidence-") else 3), area_id
        expect(area.get_by_role("link", name="Back to contents")).to_have_attribute("href", "#contents")
    contents.get_by_role("link", name="Behaviour and attitudes").click()
    expect(page).to_have_url(re.compile(r"#area-behaviour$"))
    expect(page.locator("#area-behaviour-heading")).to_be_in_viewport()
    page.locator("#area-behaviour").get_by_role("link", name="Back to contents").click()
    expect(contents).to_be_in_viewport()

    # From scratch: untick the suggestions, tick three medium statements with evidence, and watch
    # the suggestion (computed by the server as the boxes are ticked) follow.
    form = page.locator("#categorisation-form")
    checked = form.locator("input[type=checkbox]:checked")
    while checked.count():
        checked.first.uncheck()
    panel = page.locator("#suggestion-panel")
    expect(panel).to_contain_text("Nothing is ticked yet")
    for text, (code, evidence) in TICKS.items():
        tick(page, text, code, evidence)
    expect(panel).to_contain_text("Medium support is the best fit across the 3 areas with a level (3 medium support)")
    expect(page.locator("#suggestion-status")).to_have_text("Suggested level updated: Medium support.")
    expect(page.locator("#judgement ~ .govuk-inset-text [data-suggestion-label]")).to_have_text("Medium support")

    # A final level that departs from the suggestion needs a rationale.
    page.get_by_role("radio", name="High support").check()
    page.get_by_role("button", name="Submit for approval").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Explain why the final level (high support) departs from the suggestion")
    assert_no_axe_violations(page)
    page.get_by_label("Rationale").fill("Standards fell sharply this term; the school needs an MSP group now.")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator("h1")).to_have_text(f"Categorisation for {this_term}")
    expect(page.locator("main")).to_contain_text("Waiting for approval")

    # The officer finds it in the queue, sees the evidence beside the previous one, and returns it.
    officer_context = browser.new_context(viewport={"width": 1280, "height": 900})
    officer = officer_context.new_page()
    try:
        sign_in(officer, demo_site, "officer")
        officer.goto(f"{demo_site}/categorisation/queue/")
        assert_no_axe_violations(officer)
        officer.get_by_role("link", name=SCHOOL).click()
        expect(officer.locator("main")).to_contain_text("Four of seven lessons seen required improvement.")
        expect(officer.locator("main")).to_contain_text(f"Previous: {last_term}, low support")
        assert_no_axe_violations(officer)
        officer.get_by_label("Comments for the adviser").fill("Add the attendance figures for this term.")
        officer.get_by_role("button", name="Return to the adviser").click()
        expect(officer.locator(".govuk-notification-banner")).to_contain_text("Returned to the adviser")

        # The adviser sees it returned on their home page, revises and resubmits.
        page.goto(f"{demo_site}/")
        panel = page.locator("section[aria-labelledby=panel-categorisation_adviser]")
        expect(panel.locator("tbody")).to_contain_text("Returned")
        panel.locator("tbody").get_by_role("link", name=SCHOOL).click()
        expect(page.locator("main")).to_contain_text("Add the attendance figures for this term.")
        tick(
            page,
            "Attendance is low and not showing sustained improvement or improving sufficiently quickly (See data)",
            "BA-M1",
            "Attendance 91.2% this term against 93.1% nationally.",
        )
        page.get_by_role("button", name="Submit for approval").click()
        expect(page.locator("main")).to_contain_text("Waiting for approval")

        # The officer approves; the school page shows the new category and direction of travel.
        officer.goto(f"{demo_site}/categorisation/queue/")
        officer.get_by_role("link", name=SCHOOL).click()
        officer.get_by_role("button", name="Approve categorisation").click()
        expect(officer.locator(".govuk-notification-banner")).to_contain_text("Approved")
        officer.goto(f"{demo_site}/schools/{URN}/")
        section = officer.locator("section[aria-labelledby=categorisation]")
        expect(section).to_contain_text("High support")
        expect(section).to_contain_text(f"for {this_term}")
        expect(section).to_contain_text("Declining (was low support)")
        expect(section).to_contain_text("by Olivia Okafor")
        assert_no_axe_violations(officer)

        for path in ("/categorisation/", "/categorisation/review-due/", "/categorisation/frameworks/"):
            officer.goto(f"{demo_site}{path}")
            assert_no_axe_violations(officer)
    finally:
        officer_context.close()

    # The governor of Kingfisher (high support) chairs it: they read the category sent to the school
    # (docs/adr/0027), never the LA's section, its evidence or the categorisation pages.
    governor_context = browser.new_context(viewport={"width": 1280, "height": 900})
    governor = governor_context.new_page()
    try:
        sign_in(governor, demo_site, "governor")
        assert governor.goto(f"{demo_site}/categorisation/").status == 403
        governor.goto(f"{demo_site}/schools/874001/")
        expect(governor.locator("h1")).to_have_text("Kingfisher Primary School")
        expect(governor.locator("main")).not_to_contain_text("Support category")
        expect(governor.get_by_role("heading", name="Your school's support category")).to_be_visible()
        expect(governor.locator("main")).not_to_contain_text("Evidence")
    finally:
        governor_context.close()
