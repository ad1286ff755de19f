"""The documents exchanged with schools (docs/adr/0034): which types are accepted, and the messages
that refuse the rest. What a file is comes from its bytes (core.filetypes); the name the browser
sent gives the extension the person expects, and the bytes must agree with it. A macro-enabled
Office file renamed .docx is refused, as is an old binary Office file. Text saved as UTF-16 with its
byte order mark (Notepad's "Unicode") is text too: a document is kept and downloaded as uploaded,
and the mark tells the program that opens it how to read it."""

from django.core.exceptions import ValidationError

from core.filetypes import MACRO_KIND, OLD_OFFICE_KIND, TEXT_KIND, TEXT_TYPES, FileType, extension_of, sniffed_kind
from core.filetypes import TYPES as KNOWN_TYPES
from core.uploads import FILE_EMPTY, UTF16_BOMS

# Every type core.filetypes knows: PDF, Office Open XML, OpenDocument, CSV and text.
TYPES: dict[str, FileType] = dict(KNOWN_TYPES)
ALLOWED_NAMES = "PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), OpenDocument (.odt, .ods), CSV or text (.txt)"

UNSUPPORTED = "The file must be a " + ALLOWED_NAMES + " file"
NO_EXTENSION = "The file name must end with its type, for example .pdf or .docx"
MISMATCH = "The file name ends .{extension} but the file is {found}: save it in the right format and upload it again"
OLD_OFFICE = (
    "Old Office files (.doc, .xls, .ppt) are not accepted: save it as .docx, .xlsx or .pptx and upload it again"
)
MACROS = "The file contains macros, which are not accepted: save it without macros (as .docx, .xlsx or .pptx)"
UNREADABLE = "The file cannot be read as {expected}: it may be damaged"
EMPTY = FILE_EMPTY


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
    if found == MACRO_KIND:
        raise ValidationError({"file": MACROS})
    if found == OLD_OFFICE_KIND:
        raise ValidationError({"file": OLD_OFFICE})
    if found == extension or (found == TEXT_KIND and extension in TEXT_TYPES):
        return expected
    if found is None:
        if extension in TEXT_TYPES and _is_utf16_text(data):
            return expected
        if extension in TEXT_TYPES:
            raise ValidationError({"file": MISMATCH.format(extension=extension, found="not text")})
        raise ValidationError({"file": UNREADABLE.format(expected=expected.label)})
    label = "text" if found == TEXT_KIND else KNOWN_TYPES[found].label
    raise ValidationError({"file": MISMATCH.format(extension=extension, found=label)})


def _is_utf16_text(data: bytes) -> bool:
    """UTF-16 text with its byte order mark, which says the byte order: core.filetypes reads UTF-8 and
    Windows-1252 only (UTF-16's zero bytes look binary there). Not text: a NUL character (UTF-32's
    mark starts as UTF-16's, then zeros), an odd byte or a lone surrogate."""
    if not data.startswith(UTF16_BOMS):
        return False
    try:
        return "\x00" not in data.decode("utf-16")
    except UnicodeDecodeError:
        return False
