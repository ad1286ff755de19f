"""The Content-Security-Policy in a real browser (docs/adr/0015): every page type, for each role that
uses it (the reflow test's list), loads without a single violation - no inline script or style, no
event-handler attribute, nothing from another origin - and its scripts still run (GOV.UK Frontend
initialises its components). A violation is caught twice: Chromium's console error and the
`securitypolicyviolation` event, which a script installed before the page's own records."""

from .conftest import sign_in
from .test_reflow import pages_by_role  # noqa: F401 (the fixture)

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""
# GOV.UK Frontend marks each component it has initialised (data-<module>-init).
FRONTEND_STATE = """() => ({
    jsEnabled: document.body.classList.contains("js-enabled"),
    supported: document.body.classList.contains("govuk-frontend-supported"),
    modules: document.querySelectorAll("[data-module]").length,
    initialised: [...document.querySelectorAll("[data-module]")].filter(
        (el) => [...el.attributes].some((a) => /^data-.+-init$/.test(a.name))
    ).length,
})"""


def watch_console(page, found: list[str], where: list[str]) -> None:
    def on_console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            found.append(f"{where[0]}: console: {message.text[:300]}")

    page.on("console", on_console)


def test_no_page_of_any_role_violates_the_content_security_policy(pages_by_role, browser, demo_site):  # noqa: F811
    found, not_initialised, checked = [], [], 0
    for role, paths in pages_by_role.items():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(RECORD_VIOLATIONS)
        page = context.new_page()
        where = ["sign-in"]
        watch_console(page, found, where)
        try:
            sign_in(page, demo_site, role)
            for path in dict.fromkeys(paths):
                where[0] = f"{role} {path}"
                response = page.goto(f"{demo_site}{path}")
                assert "script-src 'self'" in response.headers["content-security-policy"]
                page.wait_for_load_state("load")
                checked += 1
                found.extend(f"{where[0]}: event: {v}" for v in page.evaluate("window.__cspViolations"))
                state = page.evaluate(FRONTEND_STATE)
                if not (state["jsEnabled"] and state["supported"] and state["initialised"] == state["modules"]):
                    not_initialised.append(f"{where[0]}: {state}")
        finally:
            context.close()
    assert checked > 100
    assert found == [], "Content-Security-Policy violations:\n" + "\n".join(found)
    assert not_initialised == [], "GOV.UK Frontend did not initialise:\n" + "\n".join(not_initialised)


def test_a_page_with_inline_script_would_be_caught(browser, demo_site):
    """The watchers above do see a violation: the same page with an inline script injected."""
    context = browser.new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    found, where = [], ["sign-in"]
    watch_console(page, found, where)
    try:
        page.goto(f"{demo_site}/accounts/sign-in/")
        page.evaluate(
            """() => { const s = document.createElement("script"); s.textContent = "window.ran = 1";
                document.body.append(s); const d = document.createElement("div");
                d.setAttribute("style", "color: red"); document.body.append(d); }"""
        )
        page.wait_for_timeout(200)
        events = page.evaluate("window.__cspViolations")
        assert page.evaluate("window.ran") is None
    finally:
        context.close()
    assert any("script-src" in event for event in events)
    assert any("style-src" in event for event in events)
    assert any("Content Security Policy" in line for line in found)
