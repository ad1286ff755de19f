"""Security headers on every page (docs/adr/0015): a Content-Security-Policy that allows script and
style from the service itself only, a Permissions-Policy that switches off the browser features it
never uses, and the Referrer-Policy. The policy can only hold if no template, and no HTML built in
Python, has inline script or style: the scans below fail on any."""

import io
import re
import tokenize
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.template.utils import get_app_template_dirs
from django.test import override_settings
from django.urls import reverse

BASE = Path(settings.BASE_DIR)
PROJECT_APPS = (
    "accounts", "audit", "categorisation", "config", "core", "dashboard", "exchange", "letters", "schools", "visits",
)  # fmt: skip

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# What the policy refuses: a <script> without src, a <style> block, a style="" attribute, an
# event-handler attribute (onclick= ...), a javascript: URL.
INLINE = {
    "inline <script>": re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.I),
    "<style> block": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"""<[a-z][^>]*\sstyle\s*=""", re.I | re.S),
    "event-handler attribute": re.compile(r"""<[a-z][^>]*\son[a-z]+\s*=""", re.I | re.S),
    "javascript: URL": re.compile(r"""\b(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I),
}
# Documents rendered to PDF by WeasyPrint, never served as a page, are scanned too (no exception).
# Templates of installed packages that no page renders (the test below checks the reason):
NEVER_RENDERED = {
    # django-simple-history's admin pages: no django.contrib.admin here (ADR 0008)
    "simple_history/object_history_list.html",
    # Procrastinate's admin pages: no django.contrib.admin here either; the queue is watched with
    # `manage.py procrastinate` (docs/adr/0014)
    "procrastinate/admin/summary.html",
}


def _policy(header: str) -> dict[str, str]:
    directives = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {d[0]: d[1] if len(d) > 1 else "" for d in directives}


def inline_code(text: str) -> list[str]:
    found = []
    for what, pattern in INLINE.items():
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"line {line}: {what}: {match.group(0)[:80]!r}")
    return found


def every_template() -> list[Path]:
    """Every template the project's engine can load: templates/, the apps' and the installed
    packages' (crispy-forms-gds, django-filter...)."""
    directories = [*engines["django"].engine.dirs, *get_app_template_dirs("templates")]
    return sorted(
        {
            path
            for directory in directories
            for path in Path(directory).rglob("*.html")
            if path.relative_to(directory).as_posix() not in NEVER_RENDERED
        }
    )


def python_strings(path: Path) -> list[tuple[int, str]]:
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
    return [(token.start[0], token.string) for token in tokens if token.type == tokenize.STRING]


def test_the_scan_finds_each_kind_of_inline_code():
    assert len(inline_code("<script>alert(1)</script>")) == 1
    assert inline_code('<script type="module" src="/static/js/init.js"></script>') == []
    assert len(inline_code("<style>p {}</style>")) == 1
    assert len(inline_code('<p class="x" style="color: red">')) == 1
    assert len(inline_code('<button type="button"\n  onclick="go()">')) == 1
    assert len(inline_code('<a href="javascript:void(0)">')) == 1
    assert inline_code('<link rel="stylesheet" href="/static/css/app.css"><p class="onward">on=1</p>') == []


def test_the_templates_left_out_of_the_scan_are_never_rendered():
    assert "django.contrib.admin" not in settings.INSTALLED_APPS
    templates_by_name = {
        path.relative_to(d).as_posix()
        for d in [*get_app_template_dirs("templates")]
        for path in Path(d).rglob("*.html")
    }
    assert templates_by_name >= NEVER_RENDERED, "the skip-list names a template that no longer exists"


def test_no_template_has_inline_script_style_or_event_handlers():
    templates = every_template()
    assert any(path.name == "base.html" for path in templates)
    found = [f"{path}: {problem}" for path in templates for problem in inline_code(path.read_text())]
    assert found == [], "inline code the Content-Security-Policy would block:\n" + "\n".join(found)


def test_no_html_built_in_python_has_inline_script_style_or_event_handlers():
    modules = [path for app in PROJECT_APPS for path in (BASE / app).rglob("*.py") if "migrations" not in path.parts]
    assert len(modules) > 50
    found = [
        f"{path.relative_to(BASE)}:{line}: {problem}"
        for path in modules
        for line, string in python_strings(path)
        for problem in inline_code(string)
    ]
    assert found == [], "inline code the Content-Security-Policy would block:\n" + "\n".join(found)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "governor", "adviser", "officer", "admin"])
def test_every_page_carries_the_content_security_policy(client_as, role):
    client = client_as(role)
    response = client.get(reverse("accounts:login") if role == "anonymous" else reverse("dashboard:home"))
    assert response.status_code == 200
    policy = _policy(response["Content-Security-Policy"])
    for directive, value in EXPECTED_CSP.items():
        assert policy[directive] == value, directive
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_every_page_carries_the_permissions_and_referrer_policies(client_as):
    response = client_as("officer").get(reverse("schools:list"))
    features = dict(item.split("=", 1) for item in response["Permissions-Policy"].split(", "))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()", feature
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_error_pages_carry_the_policy_too(client_as):
    response = client_as("governor").get("/this-page-does-not-exist/")
    assert response.status_code == 404
    assert _policy(response["Content-Security-Policy"])["script-src"] == "'self'"
    assert "Permissions-Policy" in response


@override_settings(DEBUG=False)
def test_the_500_page_has_no_inline_style_and_loads_its_stylesheet():
    page = engines["django"].get_template("500.html").render({})
    assert inline_code(page) == []
    assert '<link rel="stylesheet" href="/static/css/error.css">' in page
    assert (BASE / "static" / "css" / "error.css").is_file()


@override_settings(DEBUG=False)
@pytest.mark.django_db
def test_an_upload_the_server_cannot_parse_gets_the_services_own_400_page(client_as):
    """A part's headers over Django's limit (a file name of thousands of characters)."""
    boundary = "BoUnDaRy"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{"A" * 12_000}.pdf"\r\n'
        f"Content-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--{boundary}--\r\n"
    )
    client = client_as("officer")
    client.raise_request_exception = False
    response = client.post("/accounts/password/", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400
    page = response.content.decode()
    assert "could not read what was sent" in page
    assert "rename it to something shorter" in page
    assert inline_code(page) == []


def test_the_js_enabled_class_is_set_by_a_static_script_at_the_top_of_the_body():
    base = (BASE / "templates" / "base.html").read_text()
    body = base.index("<body")
    assert "<script src=\"{% static 'js/enabled.js' %}\"></script>" in base[body : body + 200]
    assert "js-enabled" in (BASE / "static" / "js" / "enabled.js").read_text()
