"""The virus-scan hook (docs/adr/0034): VIRUS_SCAN_COMMAND is run on each upload with the file's
bytes on its standard input, without a shell. Exit 0: clean; 1: infected (ClamAV's clamscan and
clamdscan convention); anything else, a timeout, or a command that cannot start: the scanner could
not say, and the upload is refused (nothing is kept that nobody could check). Unset: not scanned."""

import logging
import shlex
import subprocess
from enum import Enum

from django.conf import settings

log = logging.getLogger(__name__)


class Verdict(Enum):
    CLEAN = "clean"
    INFECTED = "infected"
    SCANNER_ERROR = "scanner error"
    NOT_SCANNED = "not scanned"


def scan(data: bytes) -> Verdict:
    command = settings.VIRUS_SCAN_COMMAND.strip()
    if not command:
        return Verdict.NOT_SCANNED
    try:
        finished = subprocess.run(
            shlex.split(command),
            input=data,
            capture_output=True,
            timeout=settings.VIRUS_SCAN_TIMEOUT,
            check=False,
        )
    except (OSError, ValueError, subprocess.TimeoutExpired) as error:
        log.error("The virus scanner could not run: %s", error)
        return Verdict.SCANNER_ERROR
    if finished.returncode == 0:
        return Verdict.CLEAN
    if finished.returncode == 1:
        log.warning("The virus scanner refused an upload: %s", finished.stdout[:300].decode("utf-8", "replace"))
        return Verdict.INFECTED
    log.error(
        "The virus scanner failed (exit %s): %s", finished.returncode, finished.stderr[:300].decode("utf-8", "replace")
    )
    return Verdict.SCANNER_ERROR
