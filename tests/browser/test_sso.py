"""Single sign-on end to end, against a real OpenID Connect provider: the certified `oidc-provider`
package (tests/oidc/provider.js, run with node), configured with the live server's callback URL.
Its accounts: olivia (officer@example.org), priya (adviser2@, in group grp-officers), adam
(adviser@, email not verified), stranger (stranger@example.org, no account here) and outsider
(officer@elsewhere.test). Its sign-in form takes any password. docs/adr/0013."""

import fcntl
import json
import os
import selectors
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings

from accounts.sso import claims
from accounts.sso.provider import forget_discovery
from config.oidc import oidc_settings

from .conftest import assert_no_axe_violations, sign_in

OIDC_DIR = Path(__file__).resolve().parent.parent / "oidc"
CLIENT_ID = "school-improvement"  # as in tests/oidc/provider.js
CLIENT_SECRET = "test-client-secret-not-used-anywhere-else"
PROVIDER_NAME = "your Example Council account"
SIGN_IN_WITH = f"Sign in with {PROVIDER_NAME}"


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"the single sign-on browser tests are required in CI: {reason}")
    pytest.skip(reason)


def _npm_ci() -> None:
    """Installs the provider's pinned packages once (make install-dev does it too)."""
    if (OIDC_DIR / "node_modules" / "oidc-provider").exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        _unavailable("npm is not installed (apt-get install nodejs npm)")
    with open(OIDC_DIR / ".npm-ci.lock", "w") as lock:  # two test workers: one installs
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (OIDC_DIR / "node_modules" / "oidc-provider").exists():
            subprocess.run(
                [npm, "ci", "--prefix", str(OIDC_DIR), "--no-audit", "--no-fund"],
                check=True,
                capture_output=True,
                timeout=300,
            )


def clock_offset_seconds() -> int:
    """How far the test run's clock is from the real one (0 unless --today moved it)."""
    hatch = time_machine.escape_hatch
    return round(time.time() - hatch.time.time()) if hatch.is_travelling() else 0


@pytest.fixture(scope="session")
def oidc_provider(live_server, tmp_path_factory):
    """The provider's issuer URL: node running tests/oidc/provider.js on a free port, with the live
    server's callback and sign-in page registered as its client's redirect URIs."""
    node = shutil.which("node")
    if node is None:
        _unavailable("node is not installed (apt-get install nodejs npm)")
    _npm_ci()
    environment = {
        **os.environ,
        "OIDC_TEST_REDIRECT_URIS": f"{live_server.url}/oidc/callback/",
        "OIDC_TEST_POST_LOGOUT_REDIRECT_URIS": f"{live_server.url}/accounts/sign-in/",
        # With the test clock moved (--today), the app checks the tokens' times by it: the
        # provider's clock moves with it.
        "OIDC_TEST_CLOCK_OFFSET_SECONDS": str(clock_offset_seconds()),
    }
    log = tmp_path_factory.mktemp("oidc") / "provider.log"
    with open(log, "w") as stderr:
        process = subprocess.Popen(
            [node, "provider.js"], cwd=OIDC_DIR, env=environment, stdout=subprocess.PIPE, stderr=stderr, text=True
        )
    try:
        waiting = selectors.DefaultSelector()
        waiting.register(process.stdout, selectors.EVENT_READ)
        if not waiting.select(timeout=30):
            pytest.fail(f"the OpenID Connect provider did not start in 30 s: {log.read_text()}")
        line = process.stdout.readline()
        if not line:
            pytest.fail(f"the OpenID Connect provider stopped: {log.read_text()}")
        yield json.loads(line)["issuer"]
    finally:
        process.terminate()
        process.wait(timeout=10)


def _configure(settings, issuer: str, **more: str) -> None:
    environment = {
        "OIDC_ISSUER": issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_ALLOWED_DOMAINS": "example.org",
        "OIDC_PROVIDER_NAME": PROVIDER_NAME,
        **more,
    }
    values = oidc_settings(environment, debug=True, council_name=django_settings.COUNCIL_NAME)
    for name, value in values.items():
        setattr(settings, name, value)
    forget_discovery()


@pytest.fixture
def sso(settings, oidc_provider, demo_site):
    """Single sign-on on, for the live server (the same settings object in its thread)."""
    _configure(settings, oidc_provider)
    return demo_site


@pytest.fixture
def sso_with_groups(settings, oidc_provider, demo_site):
    _configure(settings, oidc_provider, OIDC_GROUPS_CLAIM="groups", OIDC_ROLE_GROUPS="officer=grp-officers")
    return demo_site


def sign_in_at_provider(page, base_url: str, account: str) -> None:
    page.goto(f"{base_url}/accounts/sign-in/")
    page.click(f"text={SIGN_IN_WITH}")
    page.wait_for_selector("input[name=login]")
    page.fill("input[name=login]", account)
    page.fill("input[name=password]", "any password: the test provider's form takes any")
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_an_officer_signs_in_with_the_councils_identity_provider_and_out_again(sso, page):
    page.goto(f"{sso}/accounts/sign-in/")
    assert page.get_by_role("button", name=SIGN_IN_WITH).is_visible()
    assert_no_axe_violations(page)

    sign_in_at_provider(page, sso, "olivia")
    assert page.url == f"{sso}/"
    assert page.locator(".app-account__name").inner_text() == "Olivia Okafor (Officer)"
    assert page.goto(f"{sso}/schools/letterheads/").status == 200  # an officer's page

    page.click("button:has-text('Sign out')")
    page.click("button:has-text('Yes, sign me out')")  # the provider asks
    page.wait_for_url(f"{sso}/accounts/sign-in/")
    # Signed out here and at the provider: signing in again asks for the account again.
    page.click(f"text={SIGN_IN_WITH}")
    assert page.wait_for_selector("input[name=login]").is_visible()


def test_signing_in_with_the_identity_provider_goes_back_to_the_page_asked_for(sso, page):
    page.goto(f"{sso}/schools/letterheads/")
    assert page.url == f"{sso}/accounts/sign-in/?next=/schools/letterheads/"
    page.click(f"text={SIGN_IN_WITH}")
    page.fill("input[name=login]", "olivia")
    page.fill("input[name=password]", "x")
    page.click("button[type=submit]")
    page.wait_for_url(f"{sso}/schools/letterheads/")


@pytest.mark.parametrize(
    ("account", "message", "email"),
    [
        ("stranger", claims.NO_ACCOUNT, "stranger@example.org"),
        ("outsider", claims.WRONG_DOMAIN, "officer@elsewhere.test"),
        ("adam", claims.UNVERIFIED_EMAIL, "adviser@example.org"),
    ],
    ids=["no-account", "wrong-domain", "unverified-email"],
)
def test_the_identity_provider_signs_in_no_one_without_an_account_here(sso, page, account, message, email):
    sign_in_at_provider(page, sso, account)
    assert page.url.startswith(f"{sso}/oidc/callback/")
    assert page.locator("h1").inner_text() == "You could not sign in"
    assert page.locator("#sso-refusal").inner_text() == message
    assert email in page.locator("main").inner_text()
    assert page.locator(".app-account__name").count() == 0  # not signed in
    assert_no_axe_violations(page)
    page.goto(f"{sso}/schools/letterheads/")
    assert "/accounts/sign-in/" in page.url


def test_the_identity_providers_groups_give_the_role(sso_with_groups, page):
    # adviser2 is an adviser here; her group at the provider makes her an officer.
    sign_in_at_provider(page, sso_with_groups, "priya")
    assert page.locator(".app-account__name").inner_text() == "Priya Shah (Officer)"
    assert page.goto(f"{sso_with_groups}/schools/letterheads/").status == 200


def test_with_groups_mapped_someone_in_none_of_them_is_refused(sso_with_groups, page):
    sign_in_at_provider(page, sso_with_groups, "olivia")
    assert page.locator("#sso-refusal").inner_text() == claims.NO_ROLE_GROUP


def test_without_single_sign_on_the_sign_in_page_has_no_button_for_it(demo_site, page):
    page.goto(f"{demo_site}/accounts/sign-in/")
    assert page.get_by_role("button", name=SIGN_IN_WITH).count() == 0
    sign_in(page, demo_site, "officer")  # and a username and password still work
    assert page.locator(".app-account__name").inner_text() == "Olivia Okafor (Officer)"
