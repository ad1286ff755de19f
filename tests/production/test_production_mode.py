"""The product as the Dockerfile runs it (DEBUG off, collected static files, gunicorn behind a TLS
proxy, see conftest.py): every page type renders for its role, every document is produced styled
and tagged, and the health check answers as the container asks it."""

import io
import json
import os
import re
import shlex
import subprocess
import sys
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from docx import Document
from pypdf import PdfReader

from accounts.demo import DEMO_PASSWORD
from letters.models import LetterKind
from tests.production.conftest import DOCKERFILE, PUBLIC_HOST
from tests.production.http import forms, links, post_form

ROLES = ("admin", "officer", "adviser", "governor", "headteacher")  # the demo user of each role
MAX_PAGES_PER_ROLE = 400
MAX_PER_PATTERN = 3  # e.g. three exports, three downloads: one page type, not all of them
# Pages whose content depends on the record's state (a letter drafted, issued, awaiting its notice
# of intention...): enough of them to see every state the demo and prepare.py leave.
MAX_PER_STATEFUL_PATTERN = {
    "letters:detail": 40,
    "visits:detail": 25,
    "categorisation:detail": 10,
    "categorisation:framework_detail": 5,
    "visits:msp_group": 5,
    "visits:msp_meeting": 10,
    "schools:import_detail": 5,
    "academies:detail": 12,  # open, closed and reopened concerns, each routing
}
NOT_CRAWLED = (
    "/accounts/sign-out/",  # a POST form; following it would end the crawl's session
    "/static/",  # served by WhiteNoise; test_pages_load_their_collected_stylesheets fetches them
)
# Pages no link leads to, fetched directly by the role that would reach them.
DIRECT = {
    "officer": {
        "letters:new": ("letters:new", {"urn": 874001, "code": "congratulations"}),  # the start page's form
        "accounts:password_change_done": ("accounts:password_change_done", {}),  # after a password change
        # The emailed link to choose a password (docs/adr/0062): one that no longer works, and the page after.
        "accounts:choose_password": ("accounts:choose_password", {"uidb64": "MQ", "token": "no-longer-works"}),
        "accounts:choose_password_done": ("accounts:choose_password_done", {}),
    },
}
# Pages whose form shows once a school is chosen with the school picker (?school=<URN>): the
# governor's and the headteacher's user pages and their "Add school" forms (prepare.py gives their ids).
PICKED = {
    "admin": lambda prepared: [
        f"/accounts/users/{prepared['governor']}/?school=874001",
        f"/accounts/users/{prepared['headteacher']}/?school=874002",  # a second school for the headteacher
    ]
}
# The JSON a page's script polls, next to the page.
SCRIPT_ENDPOINTS = {"schools:import_detail": "progress.json"}
# Named URL patterns neither a link nor a form leads to, and why. Every other named pattern must be
# reached by some role: a page that answered 200, or the action of a form on such a page.
NOT_REACHED_BY_THE_CRAWL = {
    "healthz": "health check: test_the_health_check_answers_as_the_container_asks_it",
    "readyz": "health check: test_readiness_answers_with_the_database",
    "visits:calendar_feed": "needs a secret link made by a POST: test_the_calendar_feed_answers_a_calendar_app",
    "letters:documents_retry": "only for files that could not be produced: tests/letters/test_issued_documents.py",
    "schools:import_errors": "offered for an import with rejected rows, which the demo's have none of: "
    "tests/schools/test_import_error_report.py",
    "visits:complete": "offered from the visit's day, and the demo's planned visits are later: "
    "tests/visits/test_pages.py::test_mark_as_completed_is_offered_from_the_day_of_the_visit_not_before",
    "core:export_download": "offered once a worker has built the export: tests/core/test_export_jobs.py",
    "core:export_detail": "an export's page, once asked for: the ask is a POST (a GET stores nothing), which a "
    "GET crawl never sends: test_a_schools_case_file_pdf_is_built_in_the_background_styled_and_tagged",
    "categorisation:suggestion": "POSTed by the categorisation form's script; without it the form's button re-renders",
    "sso:authenticate": "single sign-on is off here: tests/browser/test_sso.py signs in against a real provider",
    "sso:callback": "single sign-on is off here: tests/browser/test_sso.py signs in against a real provider",
    # The demo officers and admin have an authenticator app: the crawl signs in through the code
    # page (http.Client.sign_in) but never sets one up or turns one off (tests/accounts/test_second_factor.py,
    # tests/browser/test_sign_in.py).
    "accounts:second_factor_verify": "passed through at sign-in by http.Client.sign_in, before the crawl",
    "accounts:second_factor_recovery": "a lost phone's way in: test_a_recovery_code_signs_in_once",
    "accounts:second_factor_qr": "while setting up an app: tests/accounts/test_second_factor.py",
    "accounts:second_factor_turn_off": "for an adviser or governor with an app: tests/accounts/test_second_factor.py",
    "accounts:user_unlock": "a button shown only while an account is locked: tests/accounts/test_lockout.py",
    "dashboard:chart": "an <img> source: test_the_dashboards_charts_are_svg_images_under_their_own_policy",
    "letters:plan_file": "a plan's file once the headteacher has sent one (the demo's is still to send): "
    "tests/browser/test_action_plans.py, tests/letters/test_action_plan_pages.py",
    "accounts:user_headships": "linked from a pending request of a headteacher who leads a school (none waits in "
    "the demo): tests/accounts/test_headteachers.py, tests/schools/test_gias_new_head.py",
}
WEASYPRINT_OR_ERROR = re.compile(
    r'^(ERROR|CRITICAL) |weasyprint|core\.documents|\[(ERROR|CRITICAL)\]|"level": "(ERROR|CRITICAL)"',  # JSON too
    re.M,
)


@dataclass
class Fetched:
    path: str
    status: int
    view: str | None
    found_on: str


@dataclass
class Crawl:
    pages: list[Fetched] = field(default_factory=list)
    form_actions: dict[str, tuple[str, str]] = field(default_factory=dict)  # view -> (method, path)


def view_name(path: str) -> str | None:
    try:
        return resolve(path.split("?")[0]).view_name
    except Resolver404:
        return None


def crawl_as(site, username: str) -> Crawl:
    """Signs in, then follows every internal link (GET only, bounded), links to page types not
    yet seen first; notes the action of every form on the pages."""
    client, crawl = site.client(), Crawl()
    sign_in = client.get("/accounts/sign-in/")
    crawl.pages.append(Fetched("/accounts/sign-in/", sign_in.status, "accounts:login", "anonymous"))
    client.sign_in(username, DEMO_PASSWORD)
    queue, seen, per_view = deque([("/", "sign-in")]), {"/"}, defaultdict(int)
    for name, (pattern, kwargs) in DIRECT.get(username, {}).items():
        queue.append((reverse(pattern, kwargs=kwargs), f"direct: {name}"))
    for path in PICKED.get(username, lambda prepared: [])(site.prepared):
        queue.append((path, "direct: a school chosen with the picker"))
    while queue and len(crawl.pages) < MAX_PAGES_PER_ROLE:
        path, found_on = queue.popleft()
        response = client.get(path)
        view = view_name(path)
        crawl.pages.append(Fetched(path, response.status, view, found_on))
        targets = []
        if response.status in (301, 302, 303, 307, 308):
            targets = [response.headers.get("location", "")]
        elif response.status == 200 and response.content_type == "text/html":
            targets = links(response.text)
            for form in forms(response.text):
                action = client.internal_path(form.action or path, path)
                if action and view_name(action):
                    crawl.form_actions.setdefault(view_name(action), (form.method, action))
            if view in SCRIPT_ENDPOINTS:
                targets.append(SCRIPT_ENDPOINTS[view])
        for target in targets:
            internal = client.internal_path(target, path)
            if internal is None or internal in seen or internal.startswith(NOT_CRAWLED):
                continue
            seen.add(internal)
            name = view_name(internal) or internal
            if per_view[name] >= MAX_PER_STATEFUL_PATTERN.get(name, MAX_PER_PATTERN):
                continue
            per_view[name] += 1
            if per_view[name] == 1:
                queue.appendleft((internal, path))
            else:
                queue.append((internal, path))
    return crawl


@pytest.fixture(scope="session")
def crawled(production_site) -> dict[str, Crawl]:
    started = time.monotonic()
    crawls = {role: crawl_as(production_site, role) for role in ROLES}
    production_site.timings["crawl"] = time.monotonic() - started
    production_site.timings["pages crawled"] = sum(len(crawl.pages) for crawl in crawls.values())
    return crawls


def named_patterns(resolver=None, namespace="") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= named_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def no_problems_logged(site, since: int = 0) -> None:
    log = site.log()[since:]
    problems = [line for line in log.splitlines() if WEASYPRINT_OR_ERROR.search(line)]
    assert problems == [], "\n".join(problems[:20])


# ---- the health check ----------------------------------------------------------------------------


def test_the_health_check_answers_as_the_container_asks_it(production_site):
    """The Dockerfile's HEALTHCHECK command itself, run against this server's port."""
    healthcheck = re.search(r"^HEALTHCHECK .*? CMD (.+)$", DOCKERFILE.read_text(), re.MULTILINE).group(1)
    command = shlex.split(healthcheck)
    assert command[:2] == ["python", "-c"]
    assert "'http://127.0.0.1:8000/healthz'" in command[2]  # plain HTTP, Host 127.0.0.1:8000
    code = command[2].replace("127.0.0.1:8000", f"127.0.0.1:{production_site.port}")

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)

    assert result.returncode == 0, result.stderr
    response = production_site.client(host=f"127.0.0.1:{production_site.port}", https=False).get("/healthz")
    assert (response.status, response.json()) == (200, {"status": "ok"})


def test_readiness_answers_with_the_database(production_site):
    response = production_site.client(host=f"127.0.0.1:{production_site.port}", https=False).get("/readyz")
    assert (response.status, response.json()) == (200, {"status": "ok"})


@pytest.mark.parametrize("path", ["/", "/accounts/sign-in/", "/healthz/", "/static/css/app.css"])
def test_nothing_else_answers_plain_http_or_a_foreign_host(production_site, path):
    local = production_site.client(host=f"127.0.0.1:{production_site.port}", https=False)
    assert local.get(path).status == 400
    plain = production_site.client(https=False).get(path)
    assert plain.status == 301
    assert plain.headers["location"] == f"https://{PUBLIC_HOST}{path}"


def test_a_request_for_a_foreign_host_is_logged_as_a_warning_not_an_error(production_site):
    """Scanners send other Host headers all day: each is answered 400 and logged, but an alert on
    ERROR must mean a fault of the service's (core.logs.AsWarning)."""
    mark = len(production_site.log())
    assert production_site.client(host="scanner.example.net").get("/").status == 400
    lines = []
    for _ in range(200):  # written after the response
        lines = [
            json.loads(line)
            for line in production_site.log()[mark:].splitlines()
            if '"logger": "django.security.DisallowedHost"' in line
        ]
        if lines:
            break
        time.sleep(0.1)
    assert [line["level"] for line in lines] == ["WARNING"]
    assert "scanner.example.net" in lines[0]["message"]
    assert "exception" not in lines[0]  # one line: no traceback of Django's own code


# ---- every page type, for its role ---------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_is_offered_renders(crawled, production_site, role):
    pages = crawled[role].pages
    assert len(pages) > 5, pages
    failures = [f"{p.status} {p.path} (linked from {p.found_on})" for p in pages if p.status >= 400]
    assert failures == []
    no_problems_logged(production_site)


def test_every_named_page_of_the_project_is_reached_by_some_role(crawled):
    rendered = {page.view for crawl in crawled.values() for page in crawl.pages if page.status == 200}
    actions = {view for crawl in crawled.values() for view in crawl.form_actions}
    missing = named_patterns() - set(NOT_REACHED_BY_THE_CRAWL) - rendered - actions
    assert missing == set(), "not reached: " + ", ".join(sorted(missing))
    assert set(NOT_REACHED_BY_THE_CRAWL) <= named_patterns(), "the skip-list names a pattern that no longer exists"


def test_the_actions_only_a_form_reaches_answer_a_plain_get_without_an_error(crawled, production_site):
    """A POST-only action refuses a GET (405); one that renders on GET answers as a page would."""
    rendered = {page.view for crawl in crawled.values() for page in crawl.pages}
    for role, crawl in crawled.items():
        client = production_site.client()
        client.sign_in(role, DEMO_PASSWORD)
        for view, (method, path) in crawl.form_actions.items():
            if view in rendered or view == "accounts:logout":
                continue
            status = client.get(path).status
            allowed = (200, 302, 405) if method == "post" else (200,)
            assert status in allowed, f"{role}: GET {path} (a {method} form's action): {status}"


def test_the_calendar_feed_answers_a_calendar_app(production_site):
    adviser = production_site.client()
    adviser.sign_in("adviser", DEMO_PASSWORD)
    page = adviser.get("/visits/calendar/")
    form = next(f for f in forms(page.text) if "calendar/link" in f.action)
    made = adviser.submit(page, form)
    assert made.status == 302
    feed = re.search(r'id="feed-url"[^>]*value="([^"]+)"', adviser.get(made.headers["location"]).text)
    assert feed, "the calendar page shows no subscription link"

    calendar_app = production_site.client()  # not signed in
    response = calendar_app.get(calendar_app.internal_path(feed.group(1), "/"))

    assert (response.status, response.content_type) == (200, "text/calendar")
    assert response.text.startswith("BEGIN:VCALENDAR")


# ---- every document, styled and tagged -----------------------------------------------------------


def keep(response, name: str) -> None:
    """With KEEP_DOCUMENTS=<dir>, the documents the run produced are written there for a person to
    look at (issue 8: "look at them")."""
    folder = os.environ.get("KEEP_DOCUMENTS")
    if folder and response.status == 200:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_bytes(response.body)


def assert_styled_pdf(response, what: str) -> PdfReader:
    keep(response, re.sub(r"\W+", "-", what) + ".pdf")
    assert (response.status, response.content_type) == (200, "application/pdf"), f"{what}: {response.status}"
    reader = PdfReader(io.BytesIO(response.body))
    fonts = {str(f.get_object()["/BaseFont"]) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    # The stylesheets' Liberation Sans; a PDF whose stylesheet did not load is set in a serif.
    assert fonts, what
    assert all("Liberation-Sans" in font for font in fonts), f"{what}: {fonts}"
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"].value is True, what
    assert "/StructTreeRoot" in catalog, what
    assert catalog["/Lang"] == "en-GB", what
    assert reader.metadata.title, what
    return reader


def assert_docx(response, what: str, *, contains: str, letterhead: list[str]) -> None:
    keep(response, re.sub(r"\W+", "-", what) + ".docx")
    assert response.status == 200, f"{what}: {response.status}"
    assert response.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document", what
    document = Document(io.BytesIO(response.body))
    text = "\n".join(p.text for p in document.paragraphs)
    assert contains in text, what
    assert document.core_properties.title, what
    section = document.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838), f"{what}: not A4"
    assert {p.style.name for p in document.paragraphs} >= {"Heading 1"}, what
    assert " PAGE " in section.footer._element.xml, f"{what}: no page numbers"
    assert_letterhead(text, letterhead, what)


def assert_letterhead(text: str, letterhead: list[str], what: str) -> None:
    """Every line of the school's LA's letterhead is in the document's text."""
    assert letterhead, what
    words = " ".join(text.split())
    missing = [line for line in letterhead if " ".join(line.split()) not in words]
    assert missing == [], f"{what}: the letterhead lacks {missing}"


def assert_a4_pdf_with_letterhead(reader: PdfReader, letterhead: list[str], what: str) -> None:
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [595, 842], f"{what}: not A4"
    assert_letterhead(reader.pages[0].extract_text(), letterhead, what)


def produced(site, client, path: str, *, timeout: float = 90):
    """An issued document's download: there at once when tasks run inline (SQLite), there once the
    task worker has produced it (PostgreSQL: until then the link leads back to the letter's page)."""
    deadline = time.monotonic() + timeout
    while (response := client.get(path)).status == 302 and time.monotonic() < deadline:
        time.sleep(0.25)
    assert response.status == 200, f"{path}: {response.status}; the worker's log:\n{site.worker_output()[-5000:]}"
    return response


@pytest.fixture(scope="session")
def officer(production_site):
    client = production_site.client()
    client.sign_in("officer", DEMO_PASSWORD)
    return client


def test_the_note_of_visit_pdf_is_styled_and_tagged(production_site):
    client = production_site.client()
    client.sign_in("adviser", DEMO_PASSWORD)
    mark = len(production_site.log())

    reader = assert_styled_pdf(client.get(f"/visits/{production_site.prepared['visit']}/note.pdf"), "note of visit")

    assert reader.metadata.title.startswith("Note of visit: ")
    no_problems_logged(production_site, mark)


@pytest.mark.parametrize("kind", LetterKind.values)
def test_each_letter_type_is_issued_as_a_styled_tagged_pdf_and_a_word_document(production_site, officer, kind):
    pk = production_site.prepared["ready_to_issue"][kind]
    mark = len(production_site.log())

    draft = assert_styled_pdf(officer.get(f"/letters/{pk}/draft.pdf"), f"{kind} draft")
    assert "DRAFT" in draft.pages[0].extract_text()

    page = officer.get(f"/letters/{pk}/issue/")
    assert page.status == 200
    issued = officer.submit(page, post_form(page.text))
    assert (issued.status, issued.headers.get("location")) == (302, f"/letters/{pk}/"), issued.text[:3000]

    reader = assert_styled_pdf(produced(production_site, officer, f"/letters/{pk}/letter.pdf"), f"{kind} letter")
    reference = f"SI-{pk:05d}"
    assert reference in reader.pages[0].extract_text()
    assert "DRAFT" not in reader.pages[0].extract_text()
    letterhead = production_site.prepared["letterheads"][str(pk)]
    assert_a4_pdf_with_letterhead(reader, letterhead, f"{kind} letter")
    assert_docx(officer.get(f"/letters/{pk}/letter.docx"), f"{kind} letter", contains=reference, letterhead=letterhead)
    no_problems_logged(production_site, mark)


def test_the_notice_of_intention_is_given_as_a_styled_tagged_pdf_and_a_word_document(production_site, officer):
    pk = production_site.prepared["intention"]
    mark = len(production_site.log())

    page = officer.get(f"/letters/{pk}/intention/")
    assert page.status == 200
    form = post_form(page.text)
    text = dict(form.fields)["text"]
    text = re.sub(r"\[[^\]]*\]", "Additional governors (section 64).", text)
    given = officer.submit(page, form, text=text, powers=[form.options["powers"][0]])
    assert (given.status, given.headers.get("location")) == (302, f"/letters/{pk}/"), given.text[:3000]

    reader = assert_styled_pdf(
        produced(production_site, officer, f"/letters/{pk}/intention.pdf"), "notice of intention"
    )
    assert "Notice of intention" in reader.metadata.title
    letterhead = production_site.prepared["letterheads"][str(pk)]
    assert_a4_pdf_with_letterhead(reader, letterhead, "notice of intention")
    assert_docx(
        officer.get(f"/letters/{pk}/intention.docx"),
        "notice of intention",
        contains=f"SI-{pk:05d}/N",
        letterhead=letterhead,
    )
    no_problems_logged(production_site, mark)


def test_the_logs_are_json_lines_with_the_request_id(production_site):
    """gunicorn's own lines, its access log and the app's logs: one JSON object a line on stdout,
    with time and level, and the request id the app gives back in X-Request-ID (core/logs.py)."""
    mark = len(production_site.log())
    response = production_site.client().request(
        "GET", "/accounts/sign-in/", headers={"X-Request-ID": "production-test-0001"}
    )
    assert response.status == 200
    assert response.headers["x-request-id"] == "production-test-0001"
    access = []
    for _ in range(200):  # the access line is written after the response (the last line may be half-written)
        log = production_site.log()[mark:]
        access = [
            line
            for line in log.splitlines()
            if '"logger": "gunicorn.access"' in line and "production-test-0001" in line
        ]
        if access and log.endswith("\n"):
            break
        time.sleep(0.1)
    access = [json.loads(line) for line in access]
    assert "GET /accounts/sign-in/ 200" in access[0]["message"]
    assert "request_id=production-test-0001" in access[0]["message"]
    assert {"timestamp", "level"} <= set(access[0])
    assert json.loads(production_site.log().splitlines()[0])["logger"] == "gunicorn.error"  # "Starting gunicorn"


def test_a_reporting_pack_is_produced_as_a_styled_tagged_a4_pdf_and_downloads_unchanged(production_site, officer):
    mark = len(production_site.log())
    page = officer.get("/dashboard/packs/")
    form = next(f for f in forms(page.text) if "audience" in f.names)
    made = officer.submit(page, form, audience="clinic")
    assert made.status == 302, made.status
    pack_page = officer.internal_path(made.headers["location"], page.path)
    pdf_path = pack_page + "pack.pdf"
    deadline = time.monotonic() + 90
    while "Download the pack" not in officer.get(pack_page).text and time.monotonic() < deadline:
        time.sleep(0.25)  # PostgreSQL: the task worker builds it

    first = officer.get(pdf_path)
    reader = assert_styled_pdf(first, "reporting pack")
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [595, 842], "not A4"
    assert "Education Performance Clinic: school improvement pack" in reader.pages[0].extract_text()
    assert officer.get(pdf_path).body == first.body
    no_problems_logged(production_site, mark)


def test_the_dashboards_charts_are_svg_images_under_their_own_policy(production_site, officer):
    """docs/adr/0035: the dashboard shows each chart as an <img> of its own SVG; the page keeps the
    site's policy; the SVG has no script and a policy that allows only its own style, by hash."""
    page = officer.get("/dashboard/?la=874")
    assert page.status == 200
    assert "style-src 'self'" in page.headers["content-security-policy"]
    sources = re.findall(r'<img class="app-chart" src="([^"]+)" alt="([^"]+)"', page.text)
    assert [alt.split(".")[0] for _src, alt in sources][:1] == ["Maintained schools by support level, last six terms"]
    assert len(sources) == 2
    for src, _alt in sources:
        chart = officer.get(src.replace("&amp;", "&"))
        assert (chart.status, chart.content_type) == (200, "image/svg+xml"), src
        assert chart.headers["x-content-type-options"] == "nosniff"
        policy = chart.headers["content-security-policy"]
        assert policy.startswith("default-src 'none'; style-src 'sha256-"), policy
        assert "unsafe-inline" not in policy
        assert "<script" not in chart.text
        assert '<title id="chart-title">' in chart.text
        assert '<desc id="chart-desc">' in chart.text


def test_a_schools_case_file_pdf_is_built_in_the_background_styled_and_tagged(production_site, officer):
    """docs/adr/0037: the case file's PDF button posts its filters (with the CSRF token), which
    records an export and leads to its page, which offers the file once the task worker (inline on
    SQLite) has built it."""
    mark = len(production_site.log())
    case_file = "/schools/874001/timeline/?kind=ofsted"
    page = officer.get(case_file)
    assert page.status == 200, page.status
    form = post_form(page.text)
    assert form.action.endswith("/timeline.pdf"), "the case file offers no PDF"
    assert ("kind", "ofsted") in form.fields  # the page's filters
    asked = officer.submit(page, form)
    assert asked.status == 302, asked.status
    export_page = officer.internal_path(asked.headers["location"], case_file)
    deadline = time.monotonic() + 90
    while "Download the PDF" not in (text := officer.get(export_page).text) and time.monotonic() < deadline:
        time.sleep(0.25)  # PostgreSQL: the task worker builds it
    download = re.search(r'href="(/exports/\d+/[^"]+)"[^>]*download', text)
    assert download, f"no download link; the worker's log:\n{production_site.worker_output()[-5000:]}"
    reader = assert_styled_pdf(officer.get(download.group(1)), "case file")
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [595, 842], "not A4"
    assert "Case file:" in reader.pages[0].extract_text()
    no_problems_logged(production_site, mark)
