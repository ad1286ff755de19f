"""Issue 14 "Answer a concerns letter" in a real browser (docs/adr/0033): the demo headteacher finds
the significant concerns letter's action plan on their home page, uploads the plan (a PDF) with two
actions; the adviser finds it among the plans awaiting review, opens the file, accepts it with an
internal note; the actions appear on the school's action list, and the headteacher reads the
view (never the internal note). Axe checks the pages."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import assert_no_axe_violations, sign_in

SHOTS = "/tmp/action_plans/browser"
FIRST = "Browser test: every teacher of years 5 and 6 trained in guided reading"
SECOND = "Browser test: adviser to observe reading lessons with the deputy head"
INTERNAL = "Browser test internal: the deputy head may leave at Easter"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def new_page(browser, base_url, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, base_url, username)
    return context, page


def _row(page, n: int, description: str, owner: str, day) -> None:
    page.fill(f'textarea[name="actions-{n}-description"]', description)
    page.check(f'input[name="actions-{n}-owner"][value="{owner}"]')
    page.fill(f'input[name="actions-{n}-due_on_0"]', str(day.day))
    page.fill(f'input[name="actions-{n}-due_on_1"]', str(day.month))
    page.fill(f'input[name="actions-{n}-due_on_2"]', str(day.year))


def test_the_headteacher_uploads_a_plan_and_the_adviser_accepts_it(browser, demo_site, tmp_path):
    plan_file = tmp_path / "Kingfisher action plan.pdf"
    plan_file.write_bytes(PDF)
    soon = timezone.localdate() + timedelta(days=40)

    head_context, head = new_page(browser, demo_site, "headteacher")
    try:
        panel = head.locator("section", has=head.get_by_role("heading", name="Action plans to send"))
        panel.get_by_role("link", name="Send the action plan for Kingfisher Primary School").click()
        expect(head.locator("h1")).to_have_text("Action plan")
        assert_no_axe_violations(head)
        # Nothing written and no file: refused with a message, nothing sent.
        head.get_by_role("button", name="Send the plan to the local authority").click()
        expect(head.locator(".govuk-error-summary")).to_contain_text("Upload the plan as a file or write it out")
        assert_no_axe_violations(head)
        head.set_input_files("#id_file", str(plan_file))
        _row(head, 0, FIRST, "school", soon)
        _row(head, 1, SECOND, "la", soon + timedelta(days=14))
        head.screenshot(path=f"{SHOTS}-1-form.png", full_page=True)
        head.get_by_role("button", name="Send the plan to the local authority").click()
        expect(head.locator(".govuk-notification-banner")).to_contain_text("sent to the local authority")
        expect(head.get_by_role("table", name="The plan's actions as sent")).to_contain_text(FIRST)
        head.screenshot(path=f"{SHOTS}-2-sent.png", full_page=True)
    finally:
        head_context.close()

    context, page = new_page(browser, demo_site, "adviser")
    try:
        page.goto(f"{demo_site}/letters/plans/")
        assert_no_axe_violations(page)
        page.get_by_role("table", name="Plans awaiting review").get_by_role("link").first.click()
        expect(page.get_by_role("table", name="The plan's actions")).to_contain_text(SECOND)
        with page.expect_download() as download:
            page.get_by_role("link", name="Kingfisher action plan.pdf").click()
        assert download.value.suggested_filename.endswith(".pdf")
        assert_no_axe_violations(page)
        page.get_by_label("Accepted: the plan's actions join the school's action list").check()
        page.fill("#id_view_comments", "A clear plan: we will review it at the next visit.")
        page.fill("#id_internal_note", INTERNAL)
        page.get_by_role("button", name="Record the view").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("its actions are on the school's action")
        on_list = page.get_by_role("table", name="Actions from this plan on the school's action list")
        expect(on_list).to_contain_text(FIRST)
        expect(on_list).to_contain_text(SECOND)
        page.screenshot(path=f"{SHOTS}-3-accepted.png", full_page=True)
        page.goto(f"{demo_site}/visits/actions/")
        expect(page.locator("main")).to_contain_text(FIRST)
        expect(page.locator("main")).to_contain_text("The school's action plan")
    finally:
        context.close()

    head_context, head = new_page(browser, demo_site, "headteacher")
    try:
        head.goto(f"{demo_site}/schools/874001/")
        expect(head.locator("main")).to_contain_text(FIRST)  # the school's own action, on its page
        head.goto(f"{demo_site}/letters/our-plans/")
        head.get_by_role("link", name="Kingfisher Primary School").first.click()
        expect(head.locator("main")).to_contain_text("A clear plan")
        assert INTERNAL not in head.content()
        assert_no_axe_violations(head)
        head.screenshot(path=f"{SHOTS}-4-school-view.png", full_page=True)
    finally:
        head_context.close()


LONG_NAME = "Kingfisher" + "A" * 286 + ".pdf"  # 300 characters, no break
WIDEST = """() => Math.max(...[...document.querySelectorAll('table')].map(
    table => table.getBoundingClientRect().width - table.parentElement.getBoundingClientRect().width))"""
FILE_ROW_OVERFLOW = """() => { const list = document.querySelector('dl.govuk-summary-list').getBoundingClientRect();
    const link = document.querySelector('a[href$="/file"]').getBoundingClientRect();
    return link.right - list.right; }"""


@pytest.fixture
def plan_with_a_long_file_name(demo_site):
    """The demo plan sent with a file whose 300-character name has no break (made before the browser starts)."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from letters import action_plans
    from letters.models import ActionPlan

    plan = ActionPlan.objects.get(letter__school__urn=874001)
    item = action_plans.PlanItem(FIRST, "school", timezone.localdate() + timedelta(days=40))
    action_plans.action_plan_submit(
        plan=plan,
        actor=get_user_model().objects.get(username="headteacher"),
        text="",
        items=[item],
        upload=SimpleUploadedFile(LONG_NAME, PDF),
    )
    return {"headteacher": f"/letters/our-plans/{plan.pk}/", "adviser": f"/letters/plans/{plan.pk}/"}


def test_a_long_file_name_wraps_in_the_file_row_and_the_history(plan_with_a_long_file_name, browser, demo_site):
    """ADR 0064/0072: before, the History table was 2,897 px wide at every width, the name unbroken."""
    for role, path in plan_with_a_long_file_name.items():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        try:
            sign_in(page, demo_site, role)
            for width in (1280, 800, 320):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(f"{demo_site}{path}")
                expect(page.get_by_role("table", name="History of the plan")).to_contain_text("Kingfisher")
                assert page.evaluate(FILE_ROW_OVERFLOW) <= 1, (role, width)
                assert page.evaluate("document.documentElement.scrollWidth") <= width, (role, width)
                if width > 320:  # at 320 the four columns scroll in their region, each cell wrapped
                    assert page.evaluate(WIDEST) <= 1, (role, width)
            page.screenshot(path=f"{SHOTS}-long-file-name-{role}-320.png", full_page=True)
        finally:
            context.close()
