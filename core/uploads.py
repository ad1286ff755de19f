"""Uploaded files: a size limit enforced while the upload streams in, and names that are data.

Django reads an upload in chunks and hands each to its upload handlers (settings.FILE_UPLOAD_HANDLERS),
which keep it in memory (small files) or in a temporary file; DATA_UPLOAD_MAX_MEMORY_SIZE does not
cover files. `SizeLimitUploadHandler` comes first: it counts each file's bytes against the limit of
the page it is posted to (`@upload_limit(...)` on the view; a page without one takes no file), and
once a file passes it - or the request's Content-Length says it must - it passes nothing more on,
so at most the limit is ever held, and the rest of the body is read and dropped chunk by chunk.
The file then arrives as a `RefusedUpload`, which `LimitedFileField` turns into the field's own
message (an empty-file error on any other field): the person sees the form again, never a 400 or
500 page. (docs/adr/0015)

A file's name is never a path: stored files get names the service makes (`stored_name`), and the
name the browser sent is kept only as text, normalised (`original_name`)."""

import re
import zipfile
from collections.abc import Callable
from pathlib import PurePosixPath, PureWindowsPath

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.urls import Resolver404, resolve

from .tabular import PASSWORD_PROTECTED_FILE, UTF16_FILE, is_password_protected, looks_like_utf16, unpacking_problem
from .text import file_size, normalise_text, single_line

# Room for the form's other fields (CSRF token, options) when judging a request by its
# Content-Length: a body larger than the limit plus this cannot hold a file within the limit.
FORM_FIELDS_ALLOWANCE = 64 * 1024
FILE_TOO_LARGE = "The file must be smaller than {limit}"
NO_FILE_HERE = "This page does not take files"

Limit = int | Callable[[], int]


def upload_limit(limit: Limit):
    """Declare the largest file (bytes, or a callable read per request, e.g. from settings) that a
    view accepts. Any decorator order: the handler looks through functools.wraps wrappers."""

    def decorate(view):
        view.upload_limit = limit
        return view

    return decorate


def limit_for_view(view) -> int:
    while view is not None:
        limit = getattr(view, "upload_limit", None)
        if limit is not None:
            return limit() if callable(limit) else limit
        view = getattr(view, "__wrapped__", None)
    return 0


def limit_for_request(request) -> int:
    if request is None:
        return 0
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return 0
    return limit_for_view(match.func)


class RefusedUpload(UploadedFile):
    """A file that was larger than its page's limit: its name, the bytes seen, and no content."""

    def __init__(self, *, name: str, size: int, limit: int, content_type: str = ""):
        super().__init__(file=None, name=name, content_type=content_type, size=size)
        self.limit = limit

    @property
    def message(self) -> str:
        if not self.limit:
            return NO_FILE_HERE
        return FILE_TOO_LARGE.format(limit=file_size(self.limit))

    def open(self, mode=None):
        raise ValueError("A refused upload has no content")

    def chunks(self, chunk_size=None):
        return iter(())

    def read(self, *args, **kwargs):
        raise ValueError("A refused upload has no content")


class SizeLimitUploadHandler(FileUploadHandler):
    """First of the upload handlers: passes a file's chunks on to the next handler (memory or a
    temporary file) only while the file is within the page's limit."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = limit_for_request(request)
        self.body_too_large = False
        self.refused = False
        self.received = 0  # bytes of the current file passed on to the other handlers

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # Returns None, so the parser goes on: the other fields (the CSRF token) are still read.
        self.body_too_large = content_length is not None and content_length > self.limit + FORM_FIELDS_ALLOWANCE

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.refused = self.body_too_large or self.limit == 0
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        if self.refused:
            return None
        if start + len(raw_data) > self.limit:
            self.refused = True
            return None  # the next handlers get nothing more; the parser drops the rest
        self.received = start + len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        if not self.refused:
            return None  # the next handler returns the file
        return RefusedUpload(name=self.file_name, size=file_size, limit=self.limit, content_type=self.content_type)


FILE_EMPTY = "The file is empty"  # (Django's own: "The submitted file is empty.")


class LimitedFileField(forms.FileField):
    """A file field that shows the page's size limit (or its own message, `too_large(limit)` given
    the limit as text: a function, so the message's format string stays a constant) for a file the
    upload handler refused, and says an empty file is empty in the service's words on every page."""

    def __init__(self, *args, too_large: Callable[[str], str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.error_messages["empty"] == forms.FileField.default_error_messages["empty"]:  # none of its own
            self.error_messages["empty"] = FILE_EMPTY
        self.too_large = too_large

    def to_python(self, data):
        if isinstance(data, RefusedUpload):
            message = self.too_large(file_size(data.limit)) if self.too_large else data.message
            raise forms.ValidationError(message, code="too_large")
        return super().to_python(data)


# ---- what a spreadsheet upload is, from its bytes ----------------------------------------------

NOT_A_SPREADSHEET = "The file must be a CSV file or an Excel workbook (.xlsx)"
NOT_A_WORKBOOK = "The file is a zip archive but not an Excel workbook (.xlsx)"
OLD_EXCEL = "Old Excel (.xls) files cannot be read. Save the file as .xlsx or CSV and upload it again"
PASSWORD_PROTECTED = PASSWORD_PROTECTED_FILE.removesuffix(".")
NOT_TEXT = "The file must be a CSV file or an Excel workbook (.xlsx): it contains binary data"
NOT_TEXT_AT_LINE = NOT_TEXT + " (a NUL character on line {line:,}): remove it and upload the file again"
OTHER_SEPARATOR = (
    "The file's columns are separated by {separator}, not commas. Save it as \u201cCSV UTF-8 (Comma delimited)\u201d "
    "and upload it again"
)
UTF16_TEXT = UTF16_FILE.removesuffix(".")
WEB_PAGE = (
    "The file is a web page (HTML), not a CSV file or an Excel workbook (.xlsx). If it was downloaded, "
    "download it again"
)

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
XLSX_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")
# Files that are plainly something else, whatever their name says.
OTHER_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"BZh", b"7z\xbc\xaf", b"Rar!", b"MZ")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # (exchange.filetypes; core.tabular.looks_like_utf16 knows them too)
# A web page saved under a spreadsheet's name (a download that returned an error page, or Excel's
# "Web Page" format): its first tag, after any byte order mark and blank space, lower-cased.
WEB_PAGE_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<table")
XML_START = b"<?xml"  # an XML document: Excel 2003's "XML Spreadsheet", or anything else, but not a CSV


def spreadsheet_kind(upload) -> str:
    """ "xlsx" or "csv", judged from the bytes (never the name or the browser's content type), or
    ValidationError: an .xlsx is a zip holding a workbook; a CSV is text (no NUL byte anywhere and
    no other format's signature, not UTF-16, not a web page), in UTF-8, Windows-1252 or ISO-8859-1
    (core.tabular decodes it).
    Reads the file in chunks: nothing is held in memory whole."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(upload) as archive:  # reads the central directory only
                names = set(archive.namelist())
                problem = unpacking_problem(archive)
        except (zipfile.BadZipFile, OSError, ValueError):
            raise forms.ValidationError(NOT_A_WORKBOOK) from None
        finally:
            upload.seek(0)
        if not all(member in names for member in XLSX_MEMBERS):
            raise forms.ValidationError(NOT_A_WORKBOOK)
        if problem:
            raise forms.ValidationError(problem)
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        protected = is_password_protected(upload.chunks())
        upload.seek(0)
        raise forms.ValidationError(PASSWORD_PROTECTED if protected else OLD_EXCEL)
    if head.startswith(OTHER_MAGIC):
        raise forms.ValidationError(NOT_A_SPREADSHEET)
    first = upload.read(1024)
    upload.seek(0)
    if looks_like_utf16(first):  # with a byte order mark, or without one: then its NUL bytes would be named
        raise forms.ValidationError(UTF16_TEXT)
    start = first.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if start.startswith(WEB_PAGE_STARTS):
        raise forms.ValidationError(WEB_PAGE)
    if start.startswith(XML_START):
        raise forms.ValidationError(NOT_A_SPREADSHEET)
    if problem := _text_problem(upload, start):
        raise forms.ValidationError(problem)
    return "csv"


def _text_problem(upload, start: bytes) -> str:
    """Why text is not a CSV the importers can read: a NUL byte (named by its line), or columns
    separated by something other than commas; "" when it is one."""
    lines_before = 0
    for chunk in upload.chunks():
        if (position := chunk.find(b"\x00")) >= 0:
            upload.seek(0)
            return NOT_TEXT_AT_LINE.format(line=lines_before + chunk.count(b"\n", 0, position) + 1)
        lines_before += chunk.count(b"\n")
    upload.seek(0)
    separator = _other_separator(start)
    return OTHER_SEPARATOR.format(separator=separator) if separator else ""


def _other_separator(start: bytes) -> str:
    """ "semicolons" or "tabs" when the file's first line has no comma but two or more of those: a
    CSV saved by a European Excel, or a tab-separated export, read as one column it would say only
    that the importer's columns are missing."""
    first_line = re.split(rb"[\r\n]", start, maxsplit=1)[0]  # (a lone CR ends a line too: old Mac line ends)
    if b"," in first_line:
        return ""
    for byte, name in ((b";", "semicolons"), (b"\t", "tabs")):
        if first_line.count(byte) >= 2:
            return name
    return ""


def original_name(name: str | None, *, max_length: int = 255) -> str:
    """The name the browser sent, as text to show: its last path component (either kind of
    slash), normalised and on one line. Never used to build a path. Browsers send a name's quotes
    and line breaks as %22, %0D and %0A (the HTML standard's multipart/form-data encoding): shown
    as the person named it."""
    text = (name or "").replace("%22", '"').replace("%0D", "\r").replace("%0A", "\n")
    text = single_line(normalise_text(text)).strip()
    text = PureWindowsPath(PurePosixPath(text).name).name.strip()
    return text[:max_length]


def stored_name(stem: str, extension: str) -> str:
    """A file name the service makes (`stem` from its own values, e.g. a digest; `extension` from
    the checked content), never from what the browser sent."""
    safe_stem = "".join(c for c in stem if c.isascii() and (c.isalnum() or c in "-_")) or "upload"
    safe_extension = "".join(c for c in extension if c.isascii() and c.isalnum())
    return f"{safe_stem}.{safe_extension}" if safe_extension else safe_stem
