import pytest

from core.documents import StaticFilesOnly, render_pdf


def test_renders_a_template_to_a_pdf():
    assert render_pdf("500.html", {}).startswith(b"%PDF-")


def test_a_pdf_may_load_static_files_from_disk():
    response = StaticFilesOnly().fetch("http://localhost/static/css/app.css")
    assert b".app-account" in response.read()


def test_a_pdf_may_not_fetch_anything_else():
    with pytest.raises(ValueError, match="only use static files"):
        StaticFilesOnly().fetch("https://example.org/tracker.png")
