"""Documents a user downloads: PDFs rendered from HTML templates by WeasyPrint.

The template is rendered with the request (so the same permissions and context processors apply
as on the page), and static files are read from the finders or STATIC_ROOT, never over HTTP."""

from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

STATIC_PREFIX = "/static/"
DATA_IMAGE_PREFIXES = ("data:image/png;base64,", "data:image/jpeg;base64,")


class StaticFilesOnly(URLFetcher):
    """Serve /static/... from disk; refuse anything else (a PDF never reaches the network)."""

    def fetch(self, url, headers=None):
        if url.startswith(DATA_IMAGE_PREFIXES):  # a letterhead's logo, embedded (ADR 0005)
            return super().fetch(url, headers)
        path = url.split("://", 1)[-1]
        found = finders.find(path[path.find(STATIC_PREFIX) + len(STATIC_PREFIX) :]) if STATIC_PREFIX in path else None
        if not found:
            raise ValueError(f"PDF may only use static files, not {url}")
        return super().fetch(Path(found).as_uri(), headers)


def render_pdf(template_name: str, context: dict, request=None) -> bytes:
    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, base_url="http://localhost/", url_fetcher=StaticFilesOnly()).write_pdf()


def pdf_response(data: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
