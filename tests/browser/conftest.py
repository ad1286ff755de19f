"""Browser tests: headless Chromium (the Debian package) against pytest-django's live server,
seeded with the demo data, with axe-core checking each page against WCAG 2.2 A and AA."""

import os
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from django_otp.oath import totp

from accounts.demo import DEMO_PASSWORD, demo_totp_key
from tests.browser.demo_data import load_demo

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
HERE = Path(__file__).parent


class OneRequestAtATime(ThreadedWSGIServer):
    """The live server, answering one request at a time. On SQLite the test database is in memory, so
    Django gives the server's threads the test's one connection: two requests at once (a page's
    POST, and another page's fetch of its session time when it comes back into view: static/js/
    session-timeout.js) then failed with "cannot start a transaction within a transaction". Each
    response is read whole inside the lock: a streamed body reads the database too."""

    lock = threading.Lock()

    def set_app(self, application):
        def one_at_a_time(environ, start_response):
            with self.lock:
                result = application(environ, start_response)
                try:
                    return [b"".join(result)]
                finally:
                    if hasattr(result, "close"):
                        result.close()

        super().set_app(one_at_a_time)


if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    LiveServerThread.server_class = OneRequestAtATime


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _second_factor_as_in_production(second_factor_required):
    """Browser tests sign officers and admins in with their second factor, as people do."""


@pytest.fixture(scope="session")
def demo_copies(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-copies")


@pytest.fixture
def demo_site(live_server, django_db_serialized_rollback, demo_copies):
    """The live server's URL, with the demo data loaded (seeded once a day per process, then copied
    back: demo_data.py). Serialized rollback restores the roles and reference data from the data
    migrations, which the flush after each live-server test removes."""
    load_demo(demo_copies)
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


# The last time step whose code each demo account used in this test: a code works once, so signing
# the same account in again within 30 seconds uses the next step's (the app's tolerance allows it).
_last_step: dict[str, int] = {}


@pytest.fixture(autouse=True)
def _fresh_codes():
    _last_step.clear()


def totp_code(hex_key: str, username: str = "") -> str:
    """The authenticator app's code for that key now (or the next step's, if now's was used)."""
    step = max(int(time.time()) // 30, _last_step.get(username, -1) + 1)
    if username:
        _last_step[username] = step
    return f"{totp(bytes.fromhex(hex_key), t0=(int(time.time()) // 30 - step) * 30):06d}"


def sign_in(page, base_url: str, username: str) -> None:
    """Sign in as a demo user: the password, then (officers and admins) the authenticator code."""
    page.goto(f"{base_url}/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form button[type=submit]:has-text('Sign in')")
    if "/accounts/second-factor/" in page.url:
        page.fill("#id_code", totp_code(demo_totp_key(username), username))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue", exact=True).click()


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
