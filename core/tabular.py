"""Read an uploaded spreadsheet (CSV in UTF-8 with or without BOM or Windows-1252, or .xlsx) into
a table of text cells, or refuse it with a message a person can act on.

Every cell is read as text: codes keep their leading zeros ("01", "0000") and the importers decide
what each column means. Row numbers are as a spreadsheet shows them: the header is row 1 (unless
title rows are above it). A workbook is read by core.tabular_xlsx; what both readers share is in
core.tabular_common. Import any of their names from here."""

import csv
import functools
import io
import itertools
import re
import warnings
from collections.abc import Callable, Iterable

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from openpyxl import load_workbook

from .csv_problems import csv_problem
from .tabular_common import (
    EMPTY_FILE,
    HEADER_SEARCH_ROWS,
    NO_DATA_ROWS,
    UNREADABLE_FILE,
    FileRefused,
    Table,
    lacks_hint,
)
from .tabular_common import clean_header as _clean_header
from .tabular_common import find_header_row as _find_header_row
from .tabular_common import normalised as _normalised
from .tabular_common import without_blank_rows as _without_blank_rows
from .tabular_xlsx import (
    XLSX_DAMAGED,
    XLSX_FIRST_SHEET_ONLY,
    XLSX_FORMULA_NOT_CALCULATED,
    XLSX_FORMULAS_NOT_CALCULATED,
    XLSX_MAX_RATIO,
    XLSX_PACKED_TOO_TIGHTLY,
    XLSX_RATIO_FROM_BYTES,
    XLSX_SHEET_ERRORS,
    XLSX_STRICT_OPEN_XML,
    XLSX_TOO_LARGE_UNPACKED,
    XLSX_TOO_LARGE_UNPACKED_PAST,
    read_xlsx,
    unpacking_problem,
)

__all__ = [
    "BINARY_FILE",
    "EMPTY_FILE",
    "HEADER_SEARCH_ROWS",
    "NO_DATA_ROWS",
    "OLD_EXCEL_FILE",
    "PASSWORD_PROTECTED_FILE",
    "RAGGED_ROW",
    "UNREADABLE_FILE",
    "UTF16_FILE",
    "XLSX_DAMAGED",
    "XLSX_FIRST_SHEET_ONLY",
    "XLSX_FORMULAS_NOT_CALCULATED",
    "XLSX_FORMULA_NOT_CALCULATED",
    "XLSX_MAX_RATIO",
    "XLSX_PACKED_TOO_TIGHTLY",
    "XLSX_RATIO_FROM_BYTES",
    "XLSX_SHEET_ERRORS",
    "XLSX_STRICT_OPEN_XML",
    "XLSX_TOO_LARGE_UNPACKED",
    "XLSX_TOO_LARGE_UNPACKED_PAST",
    "FileRefused",
    "Table",
    "is_password_protected",
    "load_workbook",
    "looks_like_utf16",
    "read_table",
    "unpacking_problem",
]

OLD_EXCEL_FILE = "Old Excel (.xls) files cannot be read. Save the file as .xlsx or CSV and upload it again."
PASSWORD_PROTECTED_FILE = (
    "The workbook is protected with a password, so it cannot be read. Save a copy without the password (in Excel: "
    "File, Info, Protect Workbook, Encrypt with Password, and clear the password) and upload that."
)
UTF16_FILE = (
    "The file is saved as UTF-16 (Excel's \u201cUnicode Text\u201d). Save it as \u201cCSV UTF-8 (Comma "
    "delimited)\u201d and upload it again."
)
BINARY_FILE = "the file contains binary data; it is not a CSV file"

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # an OLE compound file: a legacy .xls, or an .xlsx encrypted with a password
# Excel's "Encrypt with Password" keeps the workbook in an OLE stream named "EncryptedPackage". Its
# directory entry ([MS-CFB] 2.6) starts at a multiple of 128 bytes into the file with the name in
# UTF-16LE, ended by a NUL, and the name's length in bytes (34) at byte 64.
ENCRYPTED_PACKAGE_ENTRY = "EncryptedPackage\0".encode("utf-16-le")
ENCRYPTED_PACKAGE_NAME_LENGTH = len(ENCRYPTED_PACKAGE_ENTRY).to_bytes(2, "little")
UTF16_SAMPLE_BYTES = 1024

RAGGED_ROW = "has {found} values but the header has {expected} columns (is a comma missing quotes?)"

LINE_BREAK = re.compile(r"\r\n|\r|\n")  # a CSV's line endings, as the csv module reads them
LONE_CR = re.compile(r"\r(?!\n)")
# The cells of the row appended to a CSV for Arrow. Whatever the file holds, the check is sound: with
# a quote left open the marks are read into that cell, so the table's last row is not all marks.
END_MARK = "\x1e\x1f"


def read_table(
    data: bytes,
    filename: str = "",
    *,
    keep: Callable[[str], bool] | None = None,
    header_hint: str | None = None,
) -> Table:
    """Parse the bytes of an uploaded file. `keep` picks the columns to load (all by default);
    Table.columns always lists every column of the header. The header is the first row, or, when
    `header_hint` is given, the first of the top rows holding a cell equal to it (e.g. "URN")."""
    if not data or data.isspace():  # (not data.strip(), which copies the whole file)
        raise FileRefused(EMPTY_FILE)
    malformed: dict[int, str] = {}
    if data.startswith(OLE_MAGIC) and is_password_protected([data]):
        raise FileRefused(PASSWORD_PROTECTED_FILE)
    if data.startswith(OLE_MAGIC) or filename.lower().endswith(".xls"):
        raise FileRefused(OLD_EXCEL_FILE)
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        # (core.tabular's load_workbook, looked up here: a test forbids unpacking a zip bomb by replacing it)
        return read_xlsx(data, keep, header_hint, open_workbook=load_workbook)
    text, encoding = _decode(data)
    top, whole = _first_csv_rows(text)
    header_index = _find_header_row(top, header_hint)
    columns, wanted = _read_header(text, keep, header_index)
    # (a top row the csv module cannot read is refused by _ragged_rows, naming it: not left to Arrow)
    frame = _read_csv_regular(text, top, wanted) if header_index == 0 and whole else None
    if frame is None:
        frame = _read_csv(text, wanted, header_index)
        ragged = _ragged_rows(text, header_index, len(columns), frame)
        if ragged:
            frame = frame.drop(index=list(ragged))
            malformed = {header_index + 2 + i: message for i, message in ragged.items()}
        frame = _normalised(_without_blank_rows(frame))
    if not any(columns):
        raise FileRefused(EMPTY_FILE)
    if len(frame.index) == 0 and not malformed and not lacks_hint(columns, header_hint):
        raise FileRefused(NO_DATA_ROWS)
    return Table(columns=columns, frame=frame, encoding=encoding, header_row=header_index + 1, malformed=malformed)


def is_password_protected(chunks: Iterable[bytes]) -> bool:
    """Whether an OLE compound file, given as its chunks in order, is an .xlsx encrypted with a
    password: its directory names an EncryptedPackage stream (ENCRYPTED_PACKAGE_ENTRY)."""
    tail, offset = b"", 0  # (an entry may straddle two chunks: the tail is looked at again)
    for chunk in chunks:
        text = tail + chunk
        at = text.find(ENCRYPTED_PACKAGE_ENTRY)
        while at >= 0:
            if (offset + at) % 128 == 0 and text[at + 64 : at + 66] == ENCRYPTED_PACKAGE_NAME_LENGTH:
                return True
            at = text.find(ENCRYPTED_PACKAGE_ENTRY, at + 1)
        tail = text[-66:]
        offset += len(text) - len(tail)
    return False


def looks_like_utf16(head: bytes) -> bool:
    """Whether the file's first bytes are UTF-16 text, with or without a byte order mark: nearly
    every other byte NUL (the high byte of each Latin character) and the bytes between not."""
    sample = head[: UTF16_SAMPLE_BYTES - UTF16_SAMPLE_BYTES % 2]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    pairs = len(sample) // 2
    if pairs < 4:
        return False
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return max(even, odd) >= pairs * 3 // 4 and min(even, odd) <= pairs // 16


def _ragged_rows(text: str, header_index: int, expected: int, frame: pd.DataFrame) -> dict[int, str]:
    """Rows (by position after the header) whose number of values differs from the header's,
    which pandas would silently truncate or pad. Trailing empty values are tolerated."""
    ragged = {}
    read = 0  # rows the csv module has read, so a row it cannot read is named
    try:
        for row in csv.reader(io.StringIO(text, newline="")):  # (newline="": a lone CR ends a row, as in pandas)
            index, read = read - header_index - 1, read + 1
            if index < 0 or not row or len(row) == expected:
                continue
            if len(row) > expected and not any(v.strip() for v in row[expected:]):
                continue
            if len(row) < expected or any(v.strip() for v in row[expected:]):
                ragged[index] = RAGGED_ROW.format(found=len(row), expected=expected)
    except csv.Error as exc:
        column = _too_long_cell_column(frame, read - header_index - 1)
        raise FileRefused(UNREADABLE_FILE.format(detail=csv_problem(exc, row=read + 1, column=column))) from None
    return ragged


def _too_long_cell_column(frame: pd.DataFrame, index: int) -> str | None:
    """The column of the row at `index` after the header with a cell past the csv module's limit,
    if pandas (which has no limit) read it into a column loaded."""
    if index not in frame.index:
        return None
    limit = csv.field_size_limit()
    return next((str(name) for name, value in frame.loc[index].items() if len(value) > limit), None)


def _first_csv_rows(text: str) -> tuple[list[list[str]], bool]:
    """The first rows, and whether they were all read: not those from a row the csv module cannot read."""
    # The first lines only: splitting a 36 MB file into lines to keep ten cost more than reading them.
    breaks = list(itertools.islice(LINE_BREAK.finditer(text), HEADER_SEARCH_ROWS))
    head = text if len(breaks) < HEADER_SEARCH_ROWS else text[: breaks[-1].end()]
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(head, newline="")):
            rows.append(row)
    except csv.Error:
        return rows, False  # the header may still be among the rows above
    return rows, True


def _decode(data: bytes) -> tuple[str, str]:
    if looks_like_utf16(data[:UTF16_SAMPLE_BYTES]):
        raise FileRefused(UTF16_FILE)
    if b"\x00" in data[:65536]:
        raise FileRefused(UNREADABLE_FILE.format(detail=BINARY_FILE))
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        # Five byte values are unassigned in Windows-1252; ISO-8859-1 reads every byte.
        return data.decode("latin-1"), "iso-8859-1"


def _read_header(text: str, keep, header_index: int) -> tuple[list[str], list[str]]:
    """Every column of the header (cleaned), and the columns to load as the file names them."""
    # The header's own lines, not the whole file: pandas would copy all of it first.
    breaks = list(itertools.islice(LINE_BREAK.finditer(text), header_index + 2))
    head = text if len(breaks) < header_index + 2 else text[: breaks[-1].end()]
    header = None
    for candidate in (head, text):  # a header below blank lines, or with a line break in a name, needs the rest
        try:
            header = pd.read_csv(
                io.StringIO(candidate), dtype=str, nrows=0, keep_default_na=False, skiprows=header_index
            )
            break
        except pd.errors.EmptyDataError:
            if candidate is text:
                raise FileRefused(EMPTY_FILE) from None
        except (pd.errors.ParserError, ValueError) as exc:
            if candidate is text:
                raise FileRefused(UNREADABLE_FILE.format(detail=csv_problem(exc))) from None
    assert header is not None
    raw_columns = list(header.columns)
    columns = [_clean_header(c) for c in raw_columns]
    wanted = [raw for raw, clean in zip(raw_columns, columns, strict=True) if keep is None or keep(clean)]
    return columns, wanted or raw_columns  # none of interest: read them all, so the importer can say what is missing


def _read_csv(text: str, wanted: list[str], header_index: int) -> pd.DataFrame:
    try:
        with warnings.catch_warnings():
            # Ragged rows are found and reported by _ragged_rows(); pandas' own warning adds nothing.
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.StringIO(text),
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                usecols=wanted,
                skiprows=header_index,
                index_col=False,
                skip_blank_lines=False,
                engine="c",
            )
    except (pd.errors.ParserError, ValueError) as exc:
        raise FileRefused(UNREADABLE_FILE.format(detail=csv_problem(exc))) from None
    frame.columns = [_clean_header(c) for c in frame.columns]
    return frame


def _read_csv_regular(text: str, top: list[list[str]], wanted: list[str]) -> pd.DataFrame | None:
    """The wanted columns of a plainly regular CSV (the header on the first row, named once each,
    every row as long as the header, line ends LF or CRLF), read by Arrow's CSV reader: about five
    times faster than pandas and the row-length check together, for the same cells (tests/core/
    test_tabular_arrow.py). None for any other file, which read_table reads the careful way."""
    header = top[0] if top else []
    cleaned = [_clean_header(c) for c in wanted]
    if (
        len(set(header)) != len(header)
        or len(set(cleaned)) != len(cleaned)
        or not set(wanted) <= set(header)
        or LONE_CR.search(text)  # (old Mac line ends, or a CR in a cell: rare, read the careful way)
    ):
        return None
    irregular = []

    def note(row) -> str:
        irregular.append(row.number)  # a row of another length, or an unclosed quote
        return "skip"

    # A last row of markers: Arrow ends a quoted cell left open at the end of the file, which the
    # csv module refuses; then the markers are inside that cell, not a row of their own.
    last_row = ("" if text.endswith("\n") else "\n") + ",".join([END_MARK] * len(header)) + "\n"
    try:
        table = pacsv.read_csv(
            pa.py_buffer(text.encode("utf-8") + last_row.encode("utf-8")),  # (not text + last_row: a copy)
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=note
            ),
            convert_options=pacsv.ConvertOptions(
                include_columns=wanted,
                column_types={name: pa.string() for name in wanted},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, ValueError):
        return None
    if irregular or table.num_columns != len(wanted) or not _ends_with_marks(table):
        return None
    table = table.slice(0, table.num_rows - 1)
    filled = functools.reduce(pc.or_, (pc.not_equal(column, "") for column in table.columns))
    frame = table.rename_columns(cleaned).to_pandas()  # python-backed str columns (core.apps), as pandas reads them
    frame = frame if pc.all(filled).as_py() else frame[filled.to_numpy(zero_copy_only=False)]  # not blank rows
    return _normalised(frame)


def _ends_with_marks(table: pa.Table) -> bool:
    """Whether the table's last row is the row of END_MARKs appended to the file."""
    if table.num_rows == 0:
        return False
    return all(column.to_pylist() == [END_MARK] for column in table.slice(table.num_rows - 1).columns)
