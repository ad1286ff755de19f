"""PDFs (core/documents.py): static files from disk only, in development and as collected for
production; any WeasyPrint warning fails in the tests and is logged at ERROR in production; every
PDF tagged for accessibility (PDF/UA-1) with its title and language."""

import copy
import io
import logging
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from core import documents
from core.documents import (
    DOCUMENT_NOT_AS_SENT,
    NOT_A_STATIC_FILE,
    PDF_WARNINGS_LOGGED,
    PdfWarnings,
    StaticFilesOnly,
    render_pdf,
    static_file_for,
)
from letters.issued_documents import LETTER, documents_retry
from letters.models import DocumentsStatus, LetterStatus
from letters.services import letter_issue
from tests.factories import SchoolFactory
from tests.letters.factories import approved
from tests.visits.factories import ActionFactory, VisitFactory

BROKEN_TEMPLATE = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Broken</title>
<link rel="stylesheet" href="/static/no-such-stylesheet.css"></head>
<body><p>Plain serif text</p></body></html>"""


def pdf_fonts(data: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(data))
    return {
        str(font.get_object()["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()
    }


def assert_styled(data: bytes) -> None:
    """The stylesheet's Liberation Sans, never WeasyPrint's default serif (what a PDF whose
    stylesheet failed to load is set in)."""
    fonts = pdf_fonts(data)
    assert fonts, "the PDF has no fonts"
    assert all("Liberation-Sans" in font for font in fonts), fonts


@pytest.fixture
def broken_template(settings, tmp_path):
    (tmp_path / "broken.html").write_text(BROKEN_TEMPLATE)
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates
    return "broken.html"


@pytest.fixture
def collected_static(settings, tmp_path):
    """Production's static files: collected into STATIC_ROOT with fingerprinted names and a
    manifest (Django's manifest storage; production's WhiteNoise storage adds compressed copies)."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


def test_renders_a_template_to_a_pdf():
    assert render_pdf("500.html", {}).startswith(b"%PDF-")


def test_a_pdf_may_load_static_files_from_disk():
    response = StaticFilesOnly().fetch("http://localhost/static/css/app.css")
    assert b".app-account" in response.read()


def test_a_static_url_keeps_its_address_so_a_stylesheets_relative_urls_come_back_to_the_fetcher():
    response = StaticFilesOnly().fetch("http://localhost/static/css/app.css?v=2#top")
    assert response.url == "http://localhost/static/css/app.css?v=2#top"
    assert response.content_type == "text/css"


def test_a_pdf_may_not_fetch_anything_else():
    with pytest.raises(ValueError, match="only use static files"):
        StaticFilesOnly().fetch("https://example.org/tracker.png")


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost/static/../config/settings.py",
        "http://localhost/static/%2e%2e/config/settings.py",
        "http://localhost/static//etc/passwd",
        "http://localhost/static/css/../../manage.py",
        "file:///etc/passwd",
        "http://localhost/config/settings.py",
        "http://localhost:8000/static/css/app.css",
        "http://example.org/static/css/app.css",
        "http://localhost/static/",
        "http://localhost/static/no-such-file.css",
    ],
)
def test_a_pdf_may_not_read_any_file_outside_the_static_files(url):
    with pytest.raises(ValueError, match="only use static files") as raised:
        static_file_for(url)
    assert str(raised.value) == NOT_A_STATIC_FILE.format(url=url)


def test_a_pdf_finds_the_fingerprinted_names_static_gives_in_production(settings, collected_static):
    settings.STATICFILES_DIRS = []  # only the collected copies: the finders no longer see static/
    hashed = next((collected_static / "letters").glob("letter.*.css"))
    response = StaticFilesOnly().fetch(f"http://localhost/static/letters/{hashed.name}")
    assert b".letter__letterhead" in response.read()


def test_the_source_file_wins_over_a_stale_collected_copy(settings, tmp_path):
    """In development a `staticfiles/` left by an old collectstatic never hides the source."""
    settings.STATIC_ROOT = tmp_path / "stale"
    (tmp_path / "stale" / "letters").mkdir(parents=True)
    (tmp_path / "stale" / "letters" / "letter.css").write_text("/* stale */")
    assert b".letter__letterhead" in static_file_for("http://localhost/static/letters/letter.css").read_bytes()


@pytest.mark.django_db
def test_a_letter_pdf_keeps_its_stylesheet_with_collected_static_files(client, collected_static, officer, adviser):
    letter = approved(SchoolFactory(), "warning_notice", drafter=adviser, officer=officer)
    client.force_login(officer)
    response = client.get(reverse("letters:draft_pdf", args=[letter.pk]))

    assert response.status_code == 200
    assert_styled(response.content)


def test_the_test_suite_refuses_pdf_warnings(settings):
    """DEBUG=true when the settings load (make test) turns PDF_WARNINGS_RAISE on: no test can
    produce a PDF WeasyPrint complained about."""
    assert settings.PDF_WARNINGS_RAISE is True


def test_a_stylesheet_that_fails_to_load_fails_the_pdf_in_the_tests(broken_template):
    with pytest.raises(PdfWarnings) as raised:
        render_pdf(broken_template, {})
    assert raised.value.template_name == "broken.html"
    assert any("Failed to load stylesheet" in message for message in raised.value.messages)


def test_a_css_rule_weasyprint_ignores_fails_the_pdf_in_the_tests(settings, tmp_path, broken_template):
    (tmp_path / "broken.html").write_text(
        BROKEN_TEMPLATE.replace(
            '<link rel="stylesheet" href="/static/no-such-stylesheet.css">', "<style>p { colour: red; }</style>"
        )
    )
    with pytest.raises(PdfWarnings, match="colour"):
        render_pdf(broken_template, {})


def test_in_production_pdf_warnings_are_logged_at_error_and_the_pdf_is_still_delivered(
    settings, caplog, broken_template
):
    settings.PDF_WARNINGS_RAISE = False
    with caplog.at_level(logging.WARNING):
        data = render_pdf(broken_template, {})

    assert data.startswith(b"%PDF-")
    errors = [r for r in caplog.records if r.name == "core.documents" and r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert errors[0].msg == PDF_WARNINGS_LOGGED
    assert "broken.html" in errors[0].getMessage()
    assert "Failed to load stylesheet" in errors[0].getMessage()


def test_in_production_a_record_with_warnings_is_refused_not_kept_unstyled(settings, caplog, broken_template):
    settings.PDF_WARNINGS_RAISE = False
    with caplog.at_level(logging.WARNING), pytest.raises(ValidationError) as refused:
        render_pdf(broken_template, {}, record=True)
    assert refused.value.messages == [DOCUMENT_NOT_AS_SENT]
    assert any(r.msg == PDF_WARNINGS_LOGGED for r in caplog.records)


def test_in_production_no_unstyled_letter_is_kept_when_its_stylesheet_cannot_load(
    settings, monkeypatch, officer, adviser
):
    """The issued PDF is the record of what the council sent: if its stylesheet cannot be read
    (production's static files missing), no unstyled file is kept; the letter's files are marked as
    not produced (letters.issued_documents), and once the stylesheet is back an officer's "Produce
    the files again" gives the styled letter."""
    settings.PDF_WARNINGS_RAISE = False
    letter = approved(SchoolFactory(), "congratulations", drafter=adviser, officer=officer)

    def missing(url):
        raise ValueError(f"no such static file {url}")

    monkeypatch.setattr(documents, "static_file_for", missing)
    letter = letter_issue(letter=letter, actor=officer)
    assert (letter.status, letter.documents_status) == (LetterStatus.ISSUED, DocumentsStatus.FAILED)
    assert (letter.pdf.name, letter.docx.name) == ("", "")

    monkeypatch.undo()
    documents_retry(letter=letter, document=LETTER, actor=officer)
    letter.refresh_from_db()
    assert letter.documents_status == DocumentsStatus.READY
    with letter.pdf.open("rb") as handle:
        assert_styled(handle.read())


def test_a_pdf_without_warnings_logs_nothing(caplog):
    with caplog.at_level(logging.WARNING):
        render_pdf("500.html", {})
    assert [r for r in caplog.records if r.name.startswith(("weasyprint", "core.documents"))] == []


def assert_tagged(data: bytes, *, title: str) -> None:
    reader = PdfReader(io.BytesIO(data))
    catalog = reader.trailer["/Root"]
    assert reader.pdf_header == "%PDF-1.7"
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en-GB"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert reader.metadata.title == title
    xmp = reader.xmp_metadata
    assert xmp.dc_title["x-default"] == title
    assert xmp.get_element("", "http://www.aiim.org/pdfua/ns/id/", "part")  # declares PDF/UA-1


@pytest.mark.django_db
def test_a_letter_pdf_is_tagged_for_accessibility_with_its_title_and_language(client, officer):
    school = SchoolFactory(name="Kingfisher Primary School")
    letter = approved(school, "significant_concerns", drafter=officer, officer=officer)
    client.force_login(officer)

    response = client.get(reverse("letters:draft_pdf", args=[letter.pk]))

    assert response.status_code == 200
    assert_tagged(response.content, title=f"{letter.subject} ({letter.reference})")
    assert_styled(response.content)


@pytest.mark.django_db
def test_a_note_of_visit_pdf_is_tagged_for_accessibility_with_its_title_and_language(client, adviser):
    school = SchoolFactory(name="Kingfisher Primary School")
    visit = VisitFactory(school=school, adviser=adviser, completed=True, visit_date=date(2026, 11, 10))
    ActionFactory(visit=visit, school=school)
    client.force_login(adviser)

    response = client.get(reverse("visits:note_pdf", args=[visit.pk]))

    assert response.status_code == 200
    assert_tagged(response.content, title="Note of visit: Kingfisher Primary School, 10 November 2026")
    assert_styled(response.content)


@pytest.mark.django_db
def test_the_note_of_visit_pdf_says_agreed_actions_once(client, adviser):
    """The table's caption is for screen readers on the page; in the PDF the heading says it."""
    visit = VisitFactory(adviser=adviser, completed=True)
    ActionFactory(visit=visit, school=visit.school, description="Publish the reading plan.")
    client.force_login(adviser)

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(client.get(
        reverse("visits:note_pdf", args=[visit.pk])).content)).pages)  # fmt: skip

    assert "Publish the reading plan." in text
    assert text.count("Agreed actions") == 1
