"""Documents a user downloads: PDFs rendered from HTML templates by WeasyPrint.

The template is rendered with the request (so the same permissions and context processors apply
as on the page). Its stylesheets and images are read from the static files on disk (STATIC_ROOT
as `collectstatic` wrote it, with the fingerprinted names `{% static %}` gives when DEBUG is off,
else the finders), never over the network (`StaticFilesOnly`).

Every PDF is tagged for accessibility (PDF/UA-1: a structure tree, the document's language from
`<html lang>` and its title from `<title>`, shown by viewers instead of the file name).

WeasyPrint reports what it could not do (a stylesheet it could not load, a CSS rule it ignored) in
its log, and renders on regardless. `render_pdf` collects those reports: with the setting
PDF_WARNINGS_RAISE (on when DEBUG is true at start-up, so in the tests and `make run`) they raise
`PdfWarnings`; in production they are logged at ERROR, naming the template, and the PDF is still
delivered, except a document that becomes a record (`record=True`: an issued letter, a notice of
intention), which is refused with `DOCUMENT_NOT_AS_SENT` rather than stored unstyled as what the
council sent (docs/adr/0003-static-files-and-warnings-in-documents.md)."""

import logging
import mimetypes
import threading
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils._os import safe_join
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import fonts
from .text import normalise_text

log = logging.getLogger(__name__)

# The URL the document is rendered at: relative and /static/ URLs resolve against it, and only
# static files under it are ever read.
DOCUMENT_BASE_URL = "http://localhost/"
PDF_VARIANT = "pdf/ua-1"
NOT_A_STATIC_FILE = "PDF may only use static files, not {url}"
PDF_WARNINGS_LOGGED = "The PDF %s was rendered with %d WeasyPrint warning(s); fix them (tests refuse them): %s"
DOCUMENT_NOT_AS_SENT = (
    "The document could not be produced as it should look (its stylesheet or images could not be loaded), "
    "so nothing was saved. Tell your system administrator: the server's log names the problem."
)


class PdfWarnings(Exception):
    """WeasyPrint reported problems while rendering a PDF (only raised under PDF_WARNINGS_RAISE)."""

    def __init__(self, template_name: str, messages: list[str]):
        self.template_name, self.messages = template_name, messages
        super().__init__(f"{template_name}: {len(messages)} WeasyPrint warning(s): " + " | ".join(messages))


def static_file_for(url: str) -> Path:
    """The file on disk behind a static file URL of the document, or ValueError.

    Looked up, in order: the finders (the source files, so a stale collection never wins in
    development), then STATIC_ROOT (the collected files, with the fingerprinted names `{% static %}`
    gives when DEBUG is off). A name may not climb out of those directories (`safe_join`)."""
    base = urljoin(DOCUMENT_BASE_URL, settings.STATIC_URL)
    parts = urlsplit(url)
    address = parts._replace(query="", fragment="").geturl()
    if not address.startswith(base):
        raise ValueError(NOT_A_STATIC_FILE.format(url=url))
    name = unquote(address[len(base) :])
    for candidate in _candidates(name):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise ValueError(NOT_A_STATIC_FILE.format(url=url))


def _candidates(name: str):
    if not name or "\x00" in name:
        return
    try:
        yield finders.find(name)
        if settings.STATIC_ROOT:
            yield safe_join(settings.STATIC_ROOT, name)
    except SuspiciousFileOperation:
        return


# Images embedded in the document itself (a letterhead's logo, ADR 0005); no other data: URL.
# SVG too: the dashboard's charts in a reporting pack (docs/adr/0035); anything an SVG refers to comes
# back through this fetcher, so it reaches nothing else either.
DATA_IMAGE_PREFIXES = ("data:image/png;base64,", "data:image/jpeg;base64,", "data:image/svg+xml;base64,")


class StaticFilesOnly(URLFetcher):
    """Serve the document's /static/... URLs from disk (`static_file_for`) and PNG/JPEG/SVG images
    embedded as `data:` URLs; refuse anything else, so a PDF never reaches the network or any other file."""

    def fetch(self, url, headers=None):
        if url.startswith(DATA_IMAGE_PREFIXES):
            return super().fetch(url, headers)
        path = static_file_for(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        # The response keeps the static URL, so a stylesheet's relative url(...) comes back here.
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


class _Collect(logging.Handler):
    """WeasyPrint's warnings and errors emitted by this thread (other threads render their own)."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record):
        if record.thread == self.thread:
            self.messages.append(record.getMessage())


def render_pdf(template_name: str, context: dict, request=None, *, record: bool = False) -> bytes:
    """The template rendered to a tagged PDF. Raises PdfWarnings (tests, development) or logs
    at ERROR (production) if WeasyPrint reported any problem; a `record` (a document kept as what
    was sent) is then refused with a ValidationError, which the caller's transaction rolls back."""
    # Stored text with a control character (written before core.single_line normalised every
    # save, or by QuerySet.update) would print as a missing glyph and make WeasyPrint warn, which
    # refuses a record: the page is normalised as a whole (ADR 0010).
    html = normalise_text(render_to_string(template_name, context, request=request))
    if not record:  # a record's characters were checked where it was kept (core.fonts)
        html = fonts.printable_only(html)
    weasyprint_log = logging.getLogger("weasyprint")
    collector = _Collect()
    weasyprint_log.addHandler(collector)
    try:
        document = HTML(string=html, base_url=DOCUMENT_BASE_URL, url_fetcher=StaticFilesOnly())
        data = document.write_pdf(pdf_variant=PDF_VARIANT)
    finally:
        weasyprint_log.removeHandler(collector)
    if collector.messages:
        if settings.PDF_WARNINGS_RAISE:
            raise PdfWarnings(template_name, collector.messages)
        log.error(PDF_WARNINGS_LOGGED, template_name, len(collector.messages), " | ".join(collector.messages))
        if record:
            raise ValidationError(DOCUMENT_NOT_AS_SENT)
    return data


def pdf_response(data: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
