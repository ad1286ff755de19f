"""The weekly GIAS import, when a council configures it (GIAS_SCHEDULED_URL; docs/adr/0014).

GIAS publishes the whole register every day as `edubasealldataYYYYMMDD.csv`. The task queue's
scheduler (schools.tasks.scheduled_gias_import, GIAS_SCHEDULED_CRON) downloads the file for the day
and applies it as `manage.py import_gias` would, keeping the LA's schools (LOCAL_AUTHORITY_CODES):
rows in error are left out and listed on the import record, which says "Scheduled" as its source.
A download that fails or is too large is an import record too, refused with the reason, so the
admins' imports page shows that the week's import did not happen."""

import logging
import urllib.request
from datetime import date
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings

from .models import ImportRecord, ImportStatus
from .services import import_run

log = logging.getLogger(__name__)

DATE_PLACEHOLDER = "{date}"
DOWNLOAD_FAILED = "The scheduled GIAS file could not be downloaded from {url}: {error}"
DOWNLOAD_TOO_LARGE = "The scheduled GIAS file at {url} is larger than {limit:,} bytes (IMPORT_MAX_UPLOAD_BYTES)."
CHUNK = 1024 * 1024


def url_for(template: str, day: date) -> str:
    """The day's file: `{date}` in the configured address becomes YYYYMMDD (GIAS's own naming)."""
    return template.replace(DATE_PLACEHOLDER, f"{day:%Y%m%d}")


class DownloadRefused(Exception):
    pass


def _download(url: str, limit: int) -> bytes:
    if urlsplit(url).scheme not in ("https", "http", "file"):
        raise DownloadRefused(DOWNLOAD_FAILED.format(url=url, error="only https, http and file addresses are fetched"))
    chunks, size = [], 0
    with urllib.request.urlopen(url, timeout=settings.GIAS_SCHEDULED_TIMEOUT) as response:
        while chunk := response.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise DownloadRefused(DOWNLOAD_TOO_LARGE.format(url=url, limit=limit))
            chunks.append(chunk)
    return b"".join(chunks)


def gias_scheduled_import(*, url_template: str, day: date) -> ImportRecord:
    url = url_for(url_template, day)
    filename = PurePosixPath(urlsplit(url).path).name or "gias.csv"
    options = {"la_codes": list(settings.LOCAL_AUTHORITY_CODES)}
    try:
        data = _download(url, settings.IMPORT_MAX_UPLOAD_BYTES)
    except DownloadRefused as refused:
        return _refused(filename, options, str(refused))
    except (OSError, ValueError) as error:  # URLError, HTTPError, timeouts, a bad address
        log.warning("Scheduled GIAS import: %s could not be downloaded: %s", url, error)
        return _refused(filename, options, DOWNLOAD_FAILED.format(url=url, error=error))
    record = import_run(kind="gias", data=data, filename=filename, actor=None, options=options, source="schedule")
    log.info("Scheduled GIAS import #%s from %s: %s", record.pk, url, record.status)
    return record


def _refused(filename: str, options: dict, message: str) -> ImportRecord:
    return ImportRecord.objects.create(
        kind="gias", source="schedule", original_filename=filename, options=options,
        status=ImportStatus.REFUSED, message=message,
    )  # fmt: skip
