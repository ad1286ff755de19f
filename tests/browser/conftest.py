"""Browser tests: headless Chromium (the Debian package) against pytest-django's live server,
seeded with the demo data, with axe-core checking each page against WCAG 2.2 A and AA."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def demo_site(live_server, django_db_serialized_rollback):
    """The live server's URL, with the demo data loaded. Serialized rollback restores the roles and
    reference data from the data migrations, which the flush after each live-server test removes."""
    call_command("seed_demo", stdout=io.StringIO())
    return live_server.url


@pytest.fixture
def browser(demo_site):
    """Chromium, started after the demo data is loaded and stopped before the database is reset:
    Playwright's sync API runs an event loop in this thread, during which Django refuses ORM calls
    here, so none happen while it runs (the live server answers from its own thread)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("browser tests are required in CI; install the Debian chromium package")
        pytest.skip("Chromium not installed (apt-get install chromium); browser tests skipped outside CI")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form button[type=submit]:has-text('Sign in')")


def assert_no_axe_violations(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    violations = Axe().run(page, options=options).response["violations"]
    if not violations:
        return
    lines = [f"{len(violations)} axe violation(s) on {page.url}:"]
    for violation in violations:
        nodes = violation["nodes"]
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} [{len(nodes)} element(s)]")
        for node in nodes[:3]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}")
    pytest.fail("\n".join(lines), pytrace=False)
