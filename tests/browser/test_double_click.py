"""A double click on a form's button sends the form once (static/js/init.js gives every button of a
POST form GOV.UK Frontend's double-click prevention). The form: an officer sets Heron Primary
School's (URN 874003) enhanced offer."""

from .conftest import sign_in

URN = 874003


def test_a_double_click_on_a_forms_button_sends_the_form_once(browser, demo_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, demo_site, "officer")
    page.goto(f"{demo_site}/visits/schools/{URN}/enhanced-offer/")
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    button = page.locator("main form[method=post] .govuk-button").first
    assert button.get_attribute("data-prevent-double-click") == "true"

    with page.expect_navigation():
        # As a person double-clicks: the second click 150 ms after the first, whose answer is held
        # back for 500 ms (a busy server), so the form is still on the screen. Without the prevention
        # the second request aborts the first's navigation (net::ERR_ABORTED): two POSTs were sent.
        page.route("**/enhanced-offer/", lambda route: (page.wait_for_timeout(500), route.continue_()))
        button.evaluate("b => { b.click(); setTimeout(() => b.click(), 150); }")
    page.wait_for_load_state("networkidle")

    assert len(posts) == 1, posts
    context.close()
