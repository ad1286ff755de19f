"""The action plan's file, judged from its bytes (docs/adr/0033): PDF, Word (.docx), Excel (.xlsx) or
OpenDocument text (.odt), and the name's extension must agree."""

import zipfile

from django.core.exceptions import ValidationError

from core.tabular import unpacking_problem
from core.uploads import original_name

from .models_action_plans import PlanFileKind

FILE_NOT_A_PLAN = "The plan file must be a PDF, Word (.docx), Excel (.xlsx) or OpenDocument text (.odt) file"
FILE_NAME_MISMATCH = (
    "The file's name ends in .{extension} but its content is a {kind} file: save it as .{kind} and upload it again"
)
FILE_UNREADABLE = "The plan file could not be read as a {kind} file: it may be damaged"

KIND_LABELS = dict(PlanFileKind.choices)
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
}
ZIP_KINDS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def plan_file_kind(upload) -> str:
    """ "pdf", "docx", "xlsx" or "odt", judged from the bytes (never the browser's content type), and
    the name's extension must agree; else ValidationError. A zip's directory is checked for a
    "zip bomb" before anything is unpacked (core.tabular.unpacking_problem)."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    kind = ""
    if head.startswith(b"%PDF-"):
        kind = "pdf"
    elif head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
                problem = unpacking_problem(archive)
                if problem:
                    raise ValidationError(problem)
                if "[Content_Types].xml" in names:
                    kind = next((k for k, member in ZIP_KINDS.items() if member in names), "")
                elif "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                    kind = "odt"
        except (zipfile.BadZipFile, OSError, ValueError, KeyError):
            raise ValidationError(FILE_NOT_A_PLAN) from None
        finally:
            upload.seek(0)
    if not kind:
        raise ValidationError(FILE_NOT_A_PLAN)
    name = original_name(getattr(upload, "name", ""))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension != kind:
        raise ValidationError(FILE_NAME_MISMATCH.format(extension=extension or "(none)", kind=kind))
    return kind
