"""The CSRF token travels in the body of a POST, never in an address. A GET form (a search, a
filter, the school picker, a choice that writes nothing) must not carry it: the browser would put
it in the URL, the history and the server logs (issue 8: "Draft a letter" did, because crispy-forms
adds a token to every form whose helper does not say otherwise; core.forms.form_helper now does).

Two checks: every template's forms, read as text (a POST form writes {% csrf_token %}, a GET form
never does); and every page that has a GET form, rendered for a role that uses it and parsed."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLResolver, get_resolver, reverse

from tests.factories import SchoolFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
FORM = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form>", re.S | re.I)
METHOD = re.compile(r"""method\s*=\s*["']?(\w+)""", re.I)


def template_forms():
    for path in sorted(TEMPLATES.rglob("*.html")):
        for match in FORM.finditer(path.read_text()):
            found = METHOD.search(match["attrs"])
            method = found.group(1).lower() if found else "get"
            yield path.relative_to(TEMPLATES).as_posix(), method, match["body"]


def templates_with_get_forms() -> set[str]:
    return {name for name, method, _ in template_forms() if method == "get"}


def test_the_templates_have_forms_to_check():
    assert len(list(template_forms())) > 50
    assert "letters/start.html" in templates_with_get_forms()


@pytest.mark.parametrize(("name", "method", "body"), list(template_forms()), ids=lambda v: v if "/" in str(v) else "")
def test_a_post_form_writes_the_csrf_token_and_a_get_form_never_does(name, method, body):
    if method == "post":
        assert "{% csrf_token %}" in body, f"{name}: a POST form without {{% csrf_token %}}"
    else:
        assert "csrf_token" not in body, f"{name}: a GET form must not carry the CSRF token"


class Forms(HTMLParser):
    """Each form of a page: its method and the names of its fields."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.addresses: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"method": (attrs.get("method") or "get").lower(), "fields": []})
        elif tag in ("input", "button", "select", "textarea") and self.forms and attrs.get("name"):
            self.forms[-1]["fields"].append(attrs["name"])
        for name in ("href", "action", "src"):
            if attrs.get(name):
                self.addresses.append(attrs[name])


# Every template with a GET form, and a page that renders it for a role that uses it.
PAGES = {
    "letters/start.html": [
        ("adviser", lambda c: reverse("letters:start"), {}),
        ("adviser", lambda c: reverse("letters:start"), lambda c: {"school": c["link_school"].urn}),
    ],
    "schools/_school_picker.html": [
        ("officer", lambda c: reverse("visits:plan"), {"q": "school"}),
        ("admin", lambda c: reverse("accounts:user_detail", kwargs={"pk": c["governor"].pk}), {}),
    ],
    "schools/sections/user_schools.html": [
        ("admin", lambda c: reverse("accounts:user_detail", kwargs={"pk": c["governor"].pk}), {}),
    ],
    "visits/visit_plan.html": [("officer", lambda c: reverse("visits:plan"), {})],
    "letters/register.html": [("adviser", lambda c: reverse("letters:register"), {})],
    "schools/list.html": [("adviser", lambda c: reverse("schools:list"), {})],
    "accounts/user_list.html": [("admin", lambda c: reverse("accounts:user_list"), {})],
    "visits/calendar.html": [("adviser", lambda c: reverse("visits:calendar"), {})],
    "visits/action_list.html": [("adviser", lambda c: reverse("visits:actions"), {})],
    "visits/compliance.html": [("adviser", lambda c: reverse("visits:compliance"), {})],
    "dashboard/officer_dashboard.html": [("officer", lambda c: reverse("dashboard:officer"), {"la": "874"})],
    "dashboard/figure_schools.html": [("officer", lambda c: reverse("dashboard:figure"), {"figure": "review.due"})],
    "dashboard/outcomes.html": [("officer", lambda c: reverse("dashboard:outcomes"), {"la": "874"})],
    "visits/visit_list.html": [("adviser", lambda c: reverse("visits:list"), {})],
    "categorisation/list.html": [("adviser", lambda c: reverse("categorisation:list"), {})],
    "categorisation/review_due.html": [("adviser", lambda c: reverse("categorisation:review_due"), {})],
    "audit/access_log.html": [("officer", lambda c: reverse("audit:access_log"), {})],
    "audit/read_log.html": [("officer", lambda c: reverse("audit:read_log"), {})],
    "academies/concern_list.html": [("adviser", lambda c: reverse("academies:list"), {})],
    "dashboard/timeline.html": [
        ("adviser", lambda c: reverse("dashboard:timeline", kwargs={"urn": c["link_school"].urn}), {}),
        ("governor", lambda c: reverse("dashboard:timeline", kwargs={"urn": c["link_school"].urn}), {"kind": "letter"}),
    ],
}


def test_every_template_with_a_get_form_has_a_page_checked_below():
    assert templates_with_get_forms() <= set(PAGES), "add the new template's page to PAGES"


@pytest.fixture
def ctx(school, adviser, governor):
    school.link_adviser = adviser
    school.save()
    SchoolFactory.create_batch(2)
    return {"link_school": school, "governor": governor}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("template", "role", "url", "params"),
    [(name, *page) for name, pages in PAGES.items() for page in pages],
    ids=[f"{name}-{n}" for name, pages in PAGES.items() for n in range(len(pages))],
)
def test_no_get_form_on_the_page_carries_the_csrf_token(client_as, ctx, template, role, url, params):
    response = client_as(role).get(url(ctx), params(ctx) if callable(params) else params)
    assert response.status_code == 200
    assert template in [t.name for t in response.templates], f"{url(ctx)} does not render {template}"
    page = Forms()
    page.feed(response.content.decode())
    get_forms = [form for form in page.forms if form["method"] == "get"]
    assert get_forms, f"{template}: no GET form rendered"
    for form in get_forms:
        assert "csrfmiddlewaretoken" not in form["fields"], f"{template}: a GET form carries the CSRF token"
    for form in page.forms:
        if form["method"] == "post":
            assert form["fields"].count("csrfmiddlewaretoken") == 1, f"{template}: a POST form's token"
    assert not [a for a in page.addresses if "csrfmiddlewaretoken" in a]


def allowed_methods(view) -> list[str] | None:
    """The methods a view accepts when it is wrapped in require_http_methods (require_POST), else None."""
    function = view
    while function is not None:
        code, closure = getattr(function, "__code__", None), getattr(function, "__closure__", None)
        if code is not None and closure and "request_method_list" in code.co_freevars:
            return closure[code.co_freevars.index("request_method_list")].cell_contents
        function = getattr(function, "__wrapped__", None)
    return None


def post_only_url_names() -> set[str]:
    names = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif pattern.name and allowed_methods(pattern.callback) == ["POST"]:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns)
    return names


LINKED_URL = re.compile(r"""href="\{% url ['"]([\w:]+)['"]""")


def test_no_link_points_at_a_view_that_changes_something():
    """Views that change something accept POST only (require_POST); no template links to one, so a
    state change is always a form with the token in its body, never a link to follow."""
    post_only = post_only_url_names()
    assert {
        "letters:approve",
        "letters:submit",
        "letters:letter_type_approval",
        "schools:governorship_add",
    } <= post_only
    linked = {
        (path.relative_to(TEMPLATES).as_posix(), name)
        for path in TEMPLATES.rglob("*.html")
        for name in LINKED_URL.findall(path.read_text())
    }
    assert len(linked) > 50
    assert [(template, name) for template, name in sorted(linked) if name in post_only] == []
