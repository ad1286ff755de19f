"""A form sent again from the same page records nothing more (core/once.py): a second click after
the double-click guard has let go, and Back to the form and send again; a form drawn again is a new
one. The form: an officer adds intelligence about Heron Primary School (URN 874003)."""

import re

from core.once import ALREADY_SENT

from .conftest import sign_in

URN = 874003
SCHOOL_PAGE = re.compile(rf"/schools/{URN}/(#.*)?$")
SUMMARY = "Parent complaint about transport, logged once"


def _entries_on_the_school_page(page, demo_site) -> int:
    page.goto(f"{demo_site}/schools/{URN}/")
    return page.get_by_text(SUMMARY).count()


def _the_form_filled(page, demo_site) -> str:
    """Signed in as an officer, on the form, filled; its address."""
    sign_in(page, demo_site, "officer")
    address = f"{demo_site}/academies/schools/{URN}/intelligence/new/"
    page.goto(address)
    _fill(page)
    return address


def _send(page) -> None:
    """Send the form and wait for the school's page it goes to (its redirect followed and loaded)."""
    page.get_by_role("button", name="Add to the intelligence log").click()
    page.wait_for_url(SCHOOL_PAGE)
    page.wait_for_load_state()


def _fill(page) -> None:
    page.fill("#id_received_on_0", "16")
    page.fill("#id_received_on_1", "11")
    page.fill("#id_received_on_2", "2026")
    page.locator("input[name=source_team]").first.check()
    page.fill("#id_summary", SUMMARY)


def test_a_slow_second_click_sends_the_form_once(page, demo_site):
    _the_form_filled(page, demo_site)
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    button = page.get_by_role("button", name="Add to the intelligence log")

    # A slow line: the server has each form (and answers it) at once, but its answer reaches the
    # browser 2 s later; the person clicks again after 1.5 s, when the double-click guard (one
    # second) has let go, so the browser sends the form twice.
    def slow_answer(route):
        answer = route.fetch(max_redirects=0)
        page.wait_for_timeout(2000)
        route.fulfill(response=answer)

    page.route("**/intelligence/new/", slow_answer)
    button.evaluate("b => { b.click(); setTimeout(() => b.click(), 1500); }")
    for _ in range(150):  # (not wait_for_url: the first navigation's abort ends that wait)
        if page.url.endswith(f"/schools/{URN}/"):
            break
        page.wait_for_timeout(100)
    page.wait_for_load_state("networkidle")
    told = page.locator(".govuk-notification-banner").all_inner_texts()
    page.unroute("**/intelligence/new/")

    assert len(posts) == 2, posts
    assert any(ALREADY_SENT in text for text in told), told
    assert _entries_on_the_school_page(page, demo_site) == 1


def test_back_to_the_form_and_send_again_records_nothing_more(page, demo_site):
    _the_form_filled(page, demo_site)
    _send(page)
    page.go_back()
    assert page.input_value("#id_summary") == SUMMARY  # what was typed, put back by the browser
    _send(page)
    told = page.locator(".govuk-notification-banner").all_inner_texts()

    assert any(ALREADY_SENT in text for text in told), told
    assert _entries_on_the_school_page(page, demo_site) == 1


def test_a_form_opened_again_by_a_link_is_a_new_form_even_reached_later_by_back(page, demo_site):
    """The key is put back only on the history entry the form was sent from: a later drawing (here
    opened by a link, then left and reached again by Back) is a new form, even with the same words."""
    address = _the_form_filled(page, demo_site)
    _send(page)
    page.goto(address)
    page.goto(f"{demo_site}/")
    page.go_back()
    _fill(page)
    _send(page)
    told = page.locator(".govuk-notification-banner").all_inner_texts()

    assert not any(ALREADY_SENT in text for text in told), told
    assert _entries_on_the_school_page(page, demo_site) == 2
