"""Long imports run outside the request that started them, and report their progress.

A browser upload of the whole of England takes tens of seconds: the request records the import,
starts a thread and returns at once; the import page shows the progress the thread writes to a small
JSON file beside the stored upload (MEDIA_ROOT, which preview and confirm already share). A file, not
the database, because the import's own transaction holds the database until it commits.

With IMPORTS_IN_BACKGROUND false (the tests) the work runs inline, before the request returns."""

import json
import logging
import os
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import connections

log = logging.getLogger(__name__)
_threads: list[threading.Thread] = []

# An import whose progress has not moved for this long has died with its process (its transaction
# rolled back, so nothing changed).
STALE_AFTER_SECONDS = 15 * 60


def start(name: str, target, *args) -> None:
    if not settings.IMPORTS_IN_BACKGROUND:
        target(*args)
        return
    thread = threading.Thread(target=_run, args=(target, *args), name=name, daemon=True)
    _threads.append(thread)
    thread.start()


def _run(target, *args) -> None:
    try:
        target(*args)
    except Exception:
        log.exception("Background import failed")
    finally:
        connections.close_all()  # this thread's connections, not the request's


def wait_for_all(timeout: float = 120) -> None:
    """Join the background imports started so far (tests)."""
    while _threads:
        _threads.pop().join(timeout)


class ProgressFile:
    """Where one import reports "what it is doing" and how far it has got (0 to 1)."""

    def __init__(self, record_id: int):
        self.path = Path(settings.MEDIA_ROOT) / "imports" / "progress" / f"{record_id}.json"

    def write(self, message: str, fraction: float | None = None) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"message": message, "fraction": fraction, "at": time.time()}))
        os.replace(temporary, self.path)  # readers never see half a file

    def read(self) -> dict:
        try:
            return json.loads(self.path.read_text())
        except (FileNotFoundError, ValueError):
            return {"message": "", "fraction": None, "at": None}

    def is_stale(self, started: float) -> bool:
        last = self.read()["at"] or started
        return time.time() - last > STALE_AFTER_SECONDS

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
