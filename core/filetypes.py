"""What an uploaded document is, judged from its bytes, never from its name or the browser's content
type (docs/adr/0034, 0033). One module for every app that takes documents: each app keeps only its
own list of accepted kinds, its limits and its messages (exchange.filetypes, letters.plan_files).

PDF by its signature; the Office Open XML formats (.docx, .xlsx, .pptx) and OpenDocument (.odt,
.ods) are zip archives, told apart by the members their directory lists (read without unpacking
anything but the 100 bytes of an OpenDocument "mimetype"); an Office file carrying macros
(vbaProject.bin) is "macros", whatever its name; an old binary Office file is "old-office"; text is
anything with no NUL byte and no other format's signature that decodes as UTF-8 or Windows-1252."""

import io
import zipfile
from dataclasses import dataclass

from core.uploads import OLE_MAGIC, OTHER_MAGIC, ZIP_MAGIC


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str
    label: str


# Every document kind the bytes can be found to be, by extension.
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
# What sniffed_kind returns besides a key of TYPES (text is TEXT_KIND: its extension says csv or txt).
TEXT_KIND, MACRO_KIND, OLD_OFFICE_KIND = "text", "macros", "old-office"
TEXT_TYPES = ("csv", "txt")

OOXML = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
ODF = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
MACRO_MEMBERS = ("word/vbaProject.bin", "xl/vbaProject.bin", "ppt/vbaProject.bin")


def extension_of(name: str) -> str:
    """The extension of a file name, lower case; "" for none (a name that is only ".pdf" has none)."""
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def _zip_kind(data: bytes) -> str | None:
    """The kind of a zip archive from its directory ("docx", "ods", ...), MACRO_KIND, or None."""
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
        return MACRO_KIND
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
    """The document kind the bytes are: a key of TYPES other than csv/txt ("pdf", "docx", ...),
    TEXT_KIND, MACRO_KIND, OLD_OFFICE_KIND, or None (anything else, or a damaged archive)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(ZIP_MAGIC):
        return _zip_kind(data)
    if data.startswith(OLE_MAGIC):
        return OLD_OFFICE_KIND
    return TEXT_KIND if _is_text(data) else None
