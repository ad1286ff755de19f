"""Every text a user or a file can store is shown back as text, on every page that shows it, to
every role that can see it (ADR 0010).

The demo data is loaded, then every text field of every project model (found from the models, so a
new field is covered without editing this test) is filled with hostile text: template syntax that
would show the viewer's password hash, print the year or compute 7+1 if it were compiled, a
`{% if %}` that would make the page a 500, a <script>, a right-to-left override and control
characters, behind a leading "=" that a spreadsheet would run. Each demo role then follows every
link it is shown, from the home page, and every page must answer, without the hash, the year, the
sum, the script or the override, and the exports must hold no formula."""

import csv
import io
import re
from collections import Counter, deque
from datetime import date
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.db.models import Value
from django.db.models.functions import Cast, Concat
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils.html import escape
from django_otp import DEVICE_ID_SESSION_KEY
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts import second_factor
from accounts.models import User
from core.single_line import PROJECT_APPS
from core.text import normalise_text, single_line
from schools.models import OfstedFramework, OfstedInspection

pytestmark = pytest.mark.django_db

# Fields that hold identifiers or values the code looks up or computes with, not text a person
# wrote for people to read (a code in a URL, a measure's code, a file's path, a hash).
NOT_FREE_TEXT = {
    "code", "la_code", "phase", "fact_key", "source_key", "sha256", "token_hash", "view", "logo", "pdf", "docx",
    "intention_pdf", "intention_docx", "inspection_number", "establishment_number",
    "extension",  # an exchanged document's, set from the kind its bytes were found to be (exchange.filetypes)
}  # fmt: skip
# Models that only hold what the product computed from other rows (level codes, ISO days): nobody
# types into them, and a read recomputes them when they are stale (docs/adr/0045).
DERIVED_MODELS = {"dashboard.StoredLevelPath"}
ROLES = ("admin", "officer", "adviser", "governor", "headteacher")
SKIP_VIEWS = {"accounts:logout", "healthz", "readyz"}
PAGES_PER_VIEW = 3
THE_DAY = date(2026, 11, 18)

CORE = ' {{ request.user.password }} N[{% now "Y" %}] A[{{ 7|add:1 }}] <script>alert(1)</script> \u202eX\x0b\x01Y'
IF_TAG = " {% if %}"
SHOWN = " " + escape("{{ request.user.password }}")  # what follows a field's tag on a page that shows it
RAN = [re.compile(r"N\[\d{4}\]"), re.compile(r"A\[8\]"), re.compile(r"<script>alert\(1\)</script>")]
FORMULA_START = ("=", "+", "-", "@")
TAG = re.compile(r"Z\d{3}Z")
PDF, DOCX = "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCUMENTS = {"text/html", "text/csv", PDF, DOCX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

# Text a person types and the product shows back: each must be found, written as text, on a page.
MUST_BE_SHOWN = {
    "accounts.User.first_name", "accounts.User.last_name", "accounts.User.username", "accounts.User.email",
    "schools.School.name", "schools.School.chair_of_governors", "schools.School.head_first_name",
    "schools.School.head_last_name", "schools.School.street", "schools.School.town", "schools.School.website",
    "schools.Trust.name", "schools.Ward.name", "schools.Councillor.name", "schools.EstablishmentType.name",
    "schools.OfstedInspection.outcome", "schools.PerformanceMeasure.name", "schools.Letterhead.council_name",
    "schools.Letterhead.address", "schools.Letterhead.signatory_name",
    "categorisation.Area.name", "categorisation.Criterion.text", "categorisation.Framework.name",
    "categorisation.Framework.description", "categorisation.Categorisation.rationale",
    "categorisation.Categorisation.review_comments", "categorisation.CategorisationEvent.comments",
    "categorisation.Tick.evidence", "categorisation.Tick.fact_source",
    "visits.Visit.purpose", "visits.Visit.notes", "visits.Visit.strengths", "visits.Visit.areas_for_development",
    "visits.Action.description", "visits.Action.progress", "visits.MspMeeting.minutes",
    "visits.MspMeeting.summary_key_points", "visits.MspMeeting.attendees", "visits.MspMeeting.impact_of_support",
    "visits.MspActionProgress.comment", "visits.MspMember.name",
    "letters.Letter.subject", "letters.Letter.body", "letters.LetterEvent.comments", "letters.LetterTemplate.subject",
    "letters.LetterTemplate.body", "letters.LetterType.name", "letters.LetterType.introduction",
    "letters.Indicator.text", "letters.WarningNoticeProgress.response_text",
    # Added since (academies, headteachers, trusts): the crawl starts at their records too.
    "academies.Concern.description", "academies.Concern.rag_reason", "academies.Concern.outcome",
    "academies.ConcernStep.notes", "academies.ConcernStep.outcome", "academies.ConcernType.text",
    "academies.RagChange.reason", "academies.Routing.notes", "academies.ConcernDecision.text",
    "academies.IntelligenceEntry.summary",
    "visits.NoteAcknowledgement.comments", "visits.NoteAcknowledgement.reply", "visits.Visit.shared_with",
    "visits.Visit.cancelled_reason", "visits.ActionUpdate.note", "visits.MspMeeting.refocus_details",
    "schools.Trust.address", "schools.Trust.ceo_name", "schools.Trust.chair_name",
    # The category sent to the school (docs/adr/0027).
    "categorisation.Categorisation.school_reasons", "categorisation.CategoryNotice.entitlement",
    "categorisation.CategoryNotice.reasons", "categorisation.CategoryNotice.response_reasons",
    "categorisation.CategoryNotice.decision_reasons", "categorisation.CategoryNoticeEmail.name",
    # Moderation (docs/adr/0032): the kept sheet.
    "categorisation.ModerationSession.notes", "categorisation.ModerationDecision.reason",
    "categorisation.ModerationDecision.adviser_name", "categorisation.ModerationDecision.headline",
    # Documents exchanged with schools (docs/adr/0034).
    "exchange.Document.title", "exchange.Document.original_name",
}  # fmt: skip


def hostile_fields():
    """(model, field) for every free-text field of the project's models."""
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or model.__name__.startswith("Historical"):
            continue
        if model._meta.label in DERIVED_MODELS:
            continue
        for field in model._meta.concrete_fields:
            text = isinstance(field, (models.CharField, models.TextField)) and not field.choices
            if text and field.name != "password" and field.name not in NOT_FREE_TEXT:
                yield model, field


def plant() -> dict[str, str]:
    """Every free-text field of every row holds hostile text, as the ORM would store it (normalised,
    one line in a CharField). Returns {tag: "app.Model.field"}."""
    tags = {}
    for number, (model, field) in enumerate(hostile_fields()):
        tag = f"Z{number:03d}Z"
        value = normalise_text("=" + tag + CORE + (IF_TAG if number % 2 else "")) + " #"
        if isinstance(field, models.CharField):
            value = single_line(value)[: field.max_length - 8]
        # Each row's own number at the end: names unique in their ward, trust or framework stay so.
        model._default_manager.update(**{field.attname: Concat(Value(value), Cast("pk", models.CharField()))})
        tags[tag] = f"{model._meta.label}.{field.name}"
    return tags


def links(page: str, base: str) -> list[str]:
    found = []
    for href in re.findall(r'href="([^"#]+)', page):
        url = urljoin(base, href.replace("&amp;", "&"))
        if url.startswith("/") and not url.startswith(("//", "/static/", "/media/")):
            found.append(url)
    return found


ID = re.compile(r"""\sid=["']([^"']+)["']""")
LABEL_FOR = re.compile(r"""<label\b[^>]*\sfor=["']([^"']+)["']""")


def id_problems(page: str) -> list[str]:
    """An id given to two elements (a label, a link or a script finds the first only), and a label
    for an element the page does not have (clicking it focuses nothing; a screen reader names no field)."""
    ids = Counter(ID.findall(page))
    problems = [f"the id {name!r} is on {count} elements" for name, count in ids.items() if count > 1]
    problems += [f"a label is for {name!r}, which no element has" for name in set(LABEL_FOR.findall(page)) - set(ids)]
    if " legend-size=" in page:  # a layout's size given as an attribute (core.forms.date_input)
        problems.append("an element has a legend-size attribute")
    return problems


def check_page(url: str, response, password_hash: str, tags: dict, shown: set) -> list[str]:
    problems = []
    content_type = response.get("Content-Type", "")
    shown.add(content_type.split(";")[0])
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if content_type.startswith("text/html"):
        page = body.decode()
        if password_hash in page:
            problems.append(f"{url}: shows the viewer's password hash")
        problems += [
            f"{url}: ran template syntax or markup ({pattern.pattern})" for pattern in RAN if pattern.search(page)
        ]
        if "\u202e" in page:
            problems.append(f"{url}: shows a right-to-left override")
        problems += [f"{url}: {problem}" for problem in id_problems(page)]
        shown |= {tags[tag] for tag in re.findall(f"({TAG.pattern})" + re.escape(SHOWN), page) if tag in tags}
    elif content_type.startswith("text/csv"):
        for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))):
            # A planted text cell (a negative number is a number, not a formula).
            planted = [cell for cell in row if TAG.search(cell)]
            problems += [f"{url}: formula cell {cell[:20]!r}" for cell in planted if cell.startswith(FORMULA_START)]
    elif "spreadsheetml" in content_type:
        for row in load_workbook(io.BytesIO(body)).active.iter_rows():
            problems += [f"{url}: formula cell {c.value!r:.20}" for c in row if c.data_type == "f"]
    elif content_type in (PDF, DOCX):
        text = (
            "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
            if content_type == PDF
            else "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)
        )
        problems += [f"{url}: ran template syntax ({pattern.pattern})" for pattern in RAN[:2] if pattern.search(text)]
        if password_hash in text or "\u202e" in text:
            problems.append(f"{url}: holds the password hash or a right-to-left override")
    return problems


def sign_in_past_the_second_factor(client: Client, user) -> None:
    """The demo officers and admin have an authenticator app: their session has given its code."""
    client.force_login(user)
    device = second_factor.app_device(user)
    session = client.session
    session.pop(second_factor.OWED, None)
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def crawl(client: Client, user, role: str, tags: dict, shown: set, start: list[str]) -> tuple[int, list[str]]:
    sign_in_past_the_second_factor(client, user)
    queue, queued, per_view, problems, visited = deque([reverse("dashboard:home"), *start]), set(), Counter(), [], 0
    queued.update(queue)
    while queue:
        url = queue.popleft()
        try:
            view = resolve(urlsplit(url).path).view_name
        except Resolver404:
            continue
        if view in SKIP_VIEWS or per_view[view] >= PAGES_PER_VIEW:
            continue
        per_view[view] += 1
        visited += 1
        try:
            response = client.get(url)
        except Exception as error:
            problems.append(f"{role} {url}: {error.__class__.__name__}: {str(error)[:200]}")
            continue
        if response.status_code >= 500:
            problems.append(f"{role} {url}: {response.status_code}")
        if response.status_code in (301, 302):
            found = [response["Location"]]
        elif response.status_code == 200:
            problems += [f"{role} {p}" for p in check_page(url, response, user.password, tags, shown)]
            found = (
                links(response.content.decode(), url)
                if response.get("Content-Type", "").startswith("text/html")
                else []
            )
        else:
            found = []
        for link in found:
            if link not in queued:
                queued.add(link)
                queue.append(link)
    return visited, problems


def records_added_since() -> list[str]:
    """Pages of records the first few pages of each kind may not reach: a routed concern, a concern
    with a decision, a cancelled visit, an action with updates, a closed MSP group, a warning
    notice's progress, a categorisation sent to its school, a kept moderation sheet."""
    from academies.models import ConcernDecision, Routing
    from categorisation.models import CategoryNotice, ModerationSession
    from letters.models import WarningNoticeProgress
    from visits.models import ActionUpdate, MspGroup, MspGroupStatus, Visit, VisitStatus

    found = [
        ("academies:detail", Routing.objects.values_list("concern", flat=True)),
        ("academies:detail", ConcernDecision.objects.values_list("concern", flat=True)),
        ("visits:detail", Visit.objects.filter(status=VisitStatus.CANCELLED).values_list("pk", flat=True)),
        ("visits:action_detail", ActionUpdate.objects.values_list("action", flat=True)),
        ("visits:msp_group", MspGroup.objects.exclude(status=MspGroupStatus.OPEN).values_list("pk", flat=True)),
        ("letters:detail", WarningNoticeProgress.objects.values_list("letter", flat=True)),
        ("categorisation:detail", CategoryNotice.objects.values_list("categorisation", flat=True)),
        (
            "categorisation:moderation_sheet",
            ModerationSession.objects.exclude(closed_at=None).values_list("pk", flat=True),
        ),
    ]
    return [reverse(view, kwargs={"pk": pk}) for view, pks in found for pk in pks.order_by("pk")[:1]]


def test_hostile_text_in_every_field_is_shown_as_text_on_every_page_to_every_role(on_day):
    on_day(THE_DAY)
    call_command("seed_demo", stdout=io.StringIO())
    users = [User.objects.get(username=username) for username in ROLES]  # usernames are planted too
    tags = plant()
    # The crawl opens only a few pages of each kind, in link order, which differs between databases:
    # it also starts at a school whose latest inspection is ungraded (its outcome is its headline).
    ungraded = OfstedInspection.objects.filter(framework=OfstedFramework.UNGRADED).order_by("school__urn").first()
    start = [reverse("schools:detail", kwargs={"urn": ungraded.school.urn}), *records_added_since()]
    shown: set[str] = set()
    problems, visited = [], {}
    client = Client(raise_request_exception=True)
    for role, user in zip(ROLES, users, strict=True):
        user.refresh_from_db()
        visited[role], found = crawl(client, user, role, tags, shown, start)
        problems += found

    assert problems == []
    assert min(visited.values()) >= 5, visited
    assert MUST_BE_SHOWN - shown == set()
    assert DOCUMENTS - shown == set()


def test_the_page_check_finds_an_id_used_twice_and_a_label_for_no_element():
    page = '<label for="id_name">Name</label><input id="id_nme"><p id="x"></p><div id="x"></div>'
    assert sorted(id_problems(page)) == [
        "a label is for 'id_name', which no element has",
        "the id 'x' is on 2 elements",
    ]
    assert id_problems('<label for="id_name">Name</label><input id="id_name">') == []
