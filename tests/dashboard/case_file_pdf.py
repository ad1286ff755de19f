"""Fetching a case file's PDF as a user does (docs/adr/0037): its button posts the page's filters,
which records an export and sends the user to the export's page (tests run tasks inline:
TASKS_INLINE, so it is ready at once), whose link downloads the file."""

from dataclasses import dataclass

from django.http import QueryDict
from django.urls import reverse


@dataclass
class Downloaded:
    status_code: int
    content_type: str
    content: bytes


def ask_for_pdf(client, url: str):
    """Press the case file's "Download the case file as a PDF" button: a POST of the filters (the
    query of `url`) as the form's hidden inputs."""
    path, _, query = url.partition("?")
    return client.post(path, dict(QueryDict(query).lists()))


def download_pdf(client, url: str) -> Downloaded:
    asked = ask_for_pdf(client, url)
    assert asked.status_code == 302, asked.status_code
    page = client.get(asked["Location"])
    assert page.status_code == 200
    export = page.context["export"]
    assert export.status == "ready", export.error
    response = client.get(reverse("core:export_download", kwargs={"pk": export.pk}))
    return Downloaded(response.status_code, response["Content-Type"], b"".join(response.streaming_content))
