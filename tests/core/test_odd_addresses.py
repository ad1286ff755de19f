"""Addresses no page writes (a pasted footnote mark, a NUL, a key no database holds) get an answer,
never a server error: "²" passes str.isdigit() but int() refuses it (core.text.is_number); a text in
the path that normalising would change names nothing stored (core.middleware.NormaliseTextMiddleware);
the read log answers for a record unread only if its page links to its log (audit.views.record_reads)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from core.text import is_number

ROOT = Path(settings.BASE_DIR)
SUPERSCRIPT_TWO, CIRCLED_ONE = "\u00b2", "\u2460"


@pytest.mark.parametrize("text", ["874001", "0"])
def test_a_number_is_digits_0_to_9(text):
    assert is_number(text)


@pytest.mark.parametrize(
    "text", ["", SUPERSCRIPT_TWO, CIRCLED_ONE, f"874001{SUPERSCRIPT_TWO}", "\uff18\uff17", "12a", "-1"]
)
def test_a_footnote_mark_a_circled_or_full_width_digit_is_not_a_number(text):
    assert not is_number(text)


def test_no_module_asks_isdigit_of_what_it_reads_as_a_number():
    """One definition (core.text.is_number): isdigit() is true of "²", which int() refuses."""
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in ROOT.glob("*/**/*.py")
        if not path.is_relative_to(ROOT / ".venv") and "tests" not in path.parts and path != ROOT / "core" / "text.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\.isdigit\(\)", line)
    ]
    assert found == []


def test_no_module_reading_files_matches_digits_of_every_script():
    """A regular expression's \\d matches Arabic-Indic or full-width digits ("١٢٣٤٥٦"), which int()
    then reads as a number: a URN written so once made a school 123456. Digits are [0-9]."""
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in ROOT.glob("*/**/*.py")
        if not path.is_relative_to(ROOT / ".venv")
        and not {"tests", "scripts", "migrations"} & set(path.parts)
        and path != ROOT / "core" / "csv_problems.py"  # (reads the csv module's own messages)
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "\\d" in line
    ]
    assert found == []


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("officer", "/schools/?q={}"),
        ("officer", "/schools/export.csv?q={}"),
        ("officer", "/schools/?ward={}"),
        ("officer", "/schools/?trust={}&trust_name=x"),
        ("officer", "/categorisation/?q={}"),
        ("officer", "/categorisation/review-due/?q={}"),
        ("adviser", "/visits/?q={}"),
        ("adviser", "/visits/actions/?q={}"),
        ("adviser", "/academies/?q={}"),
        ("adviser", "/letters/?q={}"),
        ("adviser", "/letters/new/?school={}"),
        ("adviser", "/visits/new/?school={}"),
        ("adviser", "/academies/concerns/new/?school={}"),
    ],
)
@pytest.mark.parametrize("mark", [SUPERSCRIPT_TWO, f"874001{CIRCLED_ONE}"])
def test_a_footnote_mark_typed_as_a_urn_is_answered_not_an_error(client_as, school, role, url, mark):
    response = client_as(role).get(url.format(mark))
    assert response.status_code in (200, 404)


@pytest.mark.parametrize("path", ["/letters/templates/%00/", "/academies/trusts/%00/", "/academies/trusts/a%1Bb/edit/"])
def test_a_control_character_in_a_key_in_the_address_finds_nothing(client_as, officer, path):
    assert client_as("officer").get(path).status_code == 404


def test_the_middleware_refuses_a_path_text_that_normalising_would_change(rf):
    from django.http import Http404

    from core.middleware import NormaliseTextMiddleware

    middleware = NormaliseTextMiddleware(lambda request: None)
    with pytest.raises(Http404):
        middleware.process_view(rf.get("/"), None, (), {"code": "TR\x00001"})
    assert middleware.process_view(rf.get("/"), None, (), {"code": "TR01234", "pk": 5}) is None


@pytest.mark.parametrize(
    ("app_label", "model", "object_id"),
    [("accounts", "user", 1), ("otp_totp", "totpdevice", 1), ("procrastinate", "procrastinatejob", 1),
     ("visits", "visit", 99999999999999999999)],
)  # fmt: skip
def test_the_read_log_of_a_record_whose_reads_are_not_kept_is_not_found(
    client_as, officer, app_label, model, object_id
):
    url = reverse("audit:record_reads", kwargs={"app_label": app_label, "model": model, "object_id": object_id})
    assert client_as("officer").get(url).status_code == 404


def test_the_read_log_of_a_record_whose_page_links_to_it_answers_with_no_read_kept(client_as, school, adviser):
    """An issued letter's reads are not recorded, and reads are purged after READ_LOG_RETENTION_DAYS."""
    from tests.visits.factories import VisitFactory

    visit = VisitFactory(school=school, adviser=adviser)
    url = reverse("audit:record_reads", kwargs={"app_label": "visits", "model": "visit", "object_id": visit.pk})
    response = client_as("officer").get(url)
    assert response.status_code == 200
    assert list(response.context["reads"]) == []
