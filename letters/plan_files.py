"""The action plan's file (docs/adr/0033): PDF, Word (.docx), Excel (.xlsx) or OpenDocument text
(.odt), judged from its bytes by core.filetypes, and the name's extension must agree."""

import io
import zipfile

from django.core.exceptions import ValidationError

from core.filetypes import MACRO_KIND, TYPES, sniffed_kind
from core.tabular import unpacking_problem
from core.uploads import ZIP_MAGIC, original_name

from .models_action_plans import PlanFileKind

FILE_NOT_A_PLAN = "The plan file must be a PDF, Word (.docx), Excel (.xlsx) or OpenDocument text (.odt) file"
FILE_NAME_MISMATCH = (
    "The file's name ends in .{extension} but its content is a {label} file: save it as .{kind} and upload it again"
)
FILE_UNREADABLE = "The plan file could not be read as a {kind} file: it may be damaged"
FILE_HAS_MACROS = (
    "The plan file contains macros, which are not accepted: save it without macros (as .docx or .xlsx) and upload "
    "it again"
)

KIND_LABELS = dict(PlanFileKind.choices)
# The kinds a plan may be, of those core.filetypes tells apart.
PLAN_KINDS = ("pdf", "docx", "xlsx", "odt")
CONTENT_TYPES = {kind: TYPES[kind].content_type for kind in PLAN_KINDS}


def _unpacking_problem(data: bytes) -> str | None:
    """Why a zip must not be opened further (a "zip bomb", core.tabular.unpacking_problem), from its
    directory only; a damaged zip is left to sniffed_kind, which finds it is nothing."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return unpacking_problem(archive)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def plan_file_kind(upload) -> str:
    """ "pdf", "docx", "xlsx" or "odt", judged from the bytes (never the browser's content type), and
    the name's extension must agree; else ValidationError. A zip's directory is checked for a
    "zip bomb" before anything is read from it; an Office file with macros is refused."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if data.startswith(ZIP_MAGIC) and (problem := _unpacking_problem(data)):
        raise ValidationError(problem)
    kind = sniffed_kind(data)
    if kind == MACRO_KIND:
        raise ValidationError(FILE_HAS_MACROS)
    if kind is None or kind not in PLAN_KINDS:
        raise ValidationError(FILE_NOT_A_PLAN)
    name = original_name(getattr(upload, "name", ""))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension != kind:
        raise ValidationError(FILE_NAME_MISMATCH.format(extension=extension or "(none)", kind=kind, label=kind.upper()))
    return kind
