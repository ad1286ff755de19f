"""What an exchanged document is, judged from its bytes (docs/adr/0034).

The name the browser sent gives the extension the person expects; the bytes must agree with it.
PDF by its signature; the Office Open XML formats (.docx, .xlsx, .pptx) and OpenDocument (.odt,
.ods) are zip archives, told apart by the members their directory lists (read without unpacking
anything); CSV and plain text are text (no NUL byte, no other format's signature, UTF-8 or
Windows-1252). Anything else is refused, as is a macro-enabled Office file renamed .docx."""

import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from core.uploads import OLE_MAGIC, OTHER_MAGIC, ZIP_MAGIC


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str
    label: str


TYPES = {
    "pdf": FileType("pdf", "application/pdf", "a PDF"),
    "docx": FileType(
        "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "a Word document"
    ),
    "xlsx": FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "an Excel workbook"),
    "pptx": FileType(
        "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "a PowerPoint presentation"
    ),
    "odt": FileType("odt", "application/vnd.oasis.opendocument.text", "an OpenDocument text document"),
    "ods": FileType("ods", "application/vnd.oasis.opendocument.spreadsheet", "an OpenDocument spreadsheet"),
    "csv": FileType("csv", "text/csv", "a CSV file"),
    "txt": FileType("txt", "text/plain", "a text file"),
}
ALLOWED_NAMES = "PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), OpenDocument (.odt, .ods), CSV or text (.txt)"

UNSUPPORTED = "The file must be a " + ALLOWED_NAMES + " file"
NO_EXTENSION = "The file name must end with its type, for example .pdf or .docx"
MISMATCH = "The file name ends .{extension} but the file is {found}: save it in the right format and upload it again"
OLD_OFFICE = (
    "Old Office files (.doc, .xls, .ppt) are not accepted: save it as .docx, .xlsx or .pptx and upload it again"
)
MACROS = "The file contains macros, which are not accepted: save it without macros (as .docx, .xlsx or .pptx)"
UNREADABLE = "The file cannot be read as {expected}: it may be damaged"
EMPTY = "The file is empty"

OOXML = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
ODF = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
MACRO_MEMBERS = ("word/vbaProject.bin", "xl/vbaProject.bin", "ppt/vbaProject.bin")
TEXT_TYPES = ("csv", "txt")


def extension_of(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def _zip_kind(data: bytes) -> str | None:
    """The kind of a zip archive from its directory ("docx", "ods", ...), "macros", or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as handle:
                    return ODF.get(handle.read(100).strip())
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(member in names for member in MACRO_MEMBERS):
        return "macros"
    for kind, main_part in OOXML.items():
        if main_part in names:
            return kind
    return None


def _is_text(data: bytes) -> bool:
    if b"\x00" in data or data.startswith(OTHER_MAGIC):
        return False
    for encoding in ("utf-8", "cp1252"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def sniffed_kind(data: bytes) -> str | None:
    """The document kind the bytes are ("pdf", "docx", "text", ...), "macros", "old-office", or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(ZIP_MAGIC):
        return _zip_kind(data)
    if data.startswith(OLE_MAGIC):
        return "old-office"
    return "text" if _is_text(data) else None


def checked_type(*, name: str, data: bytes) -> FileType:
    """The type of an upload whose name is `name`, or ValidationError (on the "file" field) when
    the extension is not accepted or the bytes are not what it says."""
    extension = extension_of(name)
    if not data:
        raise ValidationError({"file": EMPTY})
    if extension in ("doc", "xls", "ppt"):
        raise ValidationError({"file": OLD_OFFICE})
    if not extension:
        raise ValidationError({"file": NO_EXTENSION})
    if extension not in TYPES:
        raise ValidationError({"file": UNSUPPORTED})
    expected = TYPES[extension]
    found = sniffed_kind(data)
    if found == "macros":
        raise ValidationError({"file": MACROS})
    if found == "old-office":
        raise ValidationError({"file": OLD_OFFICE})
    if found == extension or (found == "text" and extension in TEXT_TYPES):
        return expected
    if found is None:
        if extension in TEXT_TYPES:
            raise ValidationError({"file": MISMATCH.format(extension=extension, found="not text")})
        raise ValidationError({"file": UNREADABLE.format(expected=expected.label)})
    label = "text" if found == "text" else TYPES[found].label
    raise ValidationError({"file": MISMATCH.format(extension=extension, found=label)})
