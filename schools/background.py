"""A background import's progress, for its page.

A browser upload of the whole of England takes tens of seconds: the request records the import and
queues its check (then, once confirmed, its commit) as a task (schools.tasks, core/tasks.py) that a
worker runs; the import page shows the progress the task writes to a small JSON file beside the
stored upload (MEDIA_ROOT, shared by the web and worker processes: one volume). A file, not the
database, because the import's own transaction holds the database until it commits."""

import json
import os
import time
from pathlib import Path

from django.conf import settings

# Inline (no queue: core/tasks.py), an import whose progress has not moved for this long has died
# with its process (its transaction rolled back, so nothing changed). With a queue, the worker's
# heartbeat says so sooner (schools.services.imports_recover_stalled).
STALE_AFTER_SECONDS = 15 * 60


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
