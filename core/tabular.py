"""Read an uploaded spreadsheet (CSV in UTF-8 with or without BOM or Windows-1252, or .xlsx) into
a table of text cells, or refuse it with a message a person can act on.

Every cell is read as text: codes keep their leading zeros ("01", "0000") and the importers decide
what each column means. Row numbers are as a spreadsheet shows them: the header is row 1."""

import csv
import functools
import io
import itertools
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.etree.ElementTree import ParseError

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from openpyxl import load_workbook

from .csv_problems import csv_problem
from .text import file_size, needs_normalising, normalise_text

EMPTY_FILE = "The file is empty."
NO_DATA_ROWS = "The file has a header row but no data rows."
UNREADABLE_FILE = "The file could not be read as CSV or Excel (.xlsx): {detail}"
OLD_EXCEL_FILE = "Old Excel (.xls) files cannot be read. Save the file as .xlsx or CSV and upload it again."
BINARY_FILE = "the file contains binary data; it is not a CSV file"

# A workbook is a zip archive. One that would unpack to more than XLSX_MAX_UNPACKED_BYTES, or a
# member packed far tighter than any worksheet's XML is (a "zip bomb": kilobytes that unpack to
# gigabytes), is refused from the sizes its directory declares, before anything is unpacked;
# zipfile never unpacks a member past its declared size, so a directory that lies gives a broken
# workbook, not a larger one.
XLSX_TOO_LARGE_UNPACKED = (
    "The workbook would unpack to {size}, more than the {limit} an import may. Save it as CSV and import that."
)
XLSX_PACKED_TOO_TIGHTLY = (
    "The workbook's {member} is packed {ratio:,} times smaller than its contents, which no real workbook is. "
    "Save it as CSV and import that."
)
XLSX_MAX_RATIO = 100  # openpyxl's and Excel's worksheets pack 5 to 30 times
XLSX_RATIO_FROM_BYTES = 1024 * 1024  # small members (styles, themes) may pack as they like

XLSX_DAMAGED = "the workbook is damaged: its first sheet could not be read ({detail})"
# What reading a sheet raises on XML that is cut short or not a sheet's: the parser's own error
# (ElementTree's, defusedxml's refusals are ValueErrors), a member the sheet names missing, or
# compressed data that ends early.
XLSX_SHEET_ERRORS = (ParseError, ValueError, KeyError, EOFError, OSError, zipfile.BadZipFile, zlib.error)
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls


class FileRefused(Exception):
    """The whole file cannot be imported; nothing was changed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


RAGGED_ROW = "has {found} values but the header has {expected} columns (is a comma missing quotes?)"


@dataclass
class Table:
    columns: list[str]
    frame: pd.DataFrame  # indexed by position after the header, so row numbers survive dropped rows
    encoding: str
    header_row: int = 1
    malformed: dict[int, str] = field(default_factory=dict)  # row number -> why it cannot be read

    def __len__(self):
        return len(self.frame)

    def row_number(self, index: int) -> int:
        return self.header_row + 1 + index

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(spreadsheet row number, {column: text}) for each readable data row."""
        columns = list(self.frame.columns)
        for index, values in zip(self.frame.index, self.frame.itertuples(index=False, name=None), strict=True):
            yield self.row_number(index), dict(zip(columns, values, strict=True))


# Publishers sometimes put a title line or two above the header; look this far for it.
HEADER_SEARCH_ROWS = 10
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
    if data.startswith(OLE_MAGIC) or filename.lower().endswith(".xls"):
        raise FileRefused(OLD_EXCEL_FILE)
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        columns, frame, header_index = _read_xlsx(data, keep, header_hint)
        frame = _normalised(_without_blank_rows(frame))
        encoding = "xlsx"
    else:
        text, encoding = _decode(data)
        top = _first_csv_rows(text)
        header_index = _find_header_row(top, header_hint)
        columns, wanted = _read_header(text, keep, header_index)
        frame = _read_csv_regular(text, top, wanted) if header_index == 0 else None
        if frame is None:
            frame = _read_csv(text, wanted, header_index)
            ragged = _ragged_rows(text, header_index, len(columns))
            if ragged:
                frame = frame.drop(index=list(ragged))
                malformed = {header_index + 2 + i: message for i, message in ragged.items()}
            frame = _normalised(_without_blank_rows(frame))
    if not any(columns):
        raise FileRefused(EMPTY_FILE)
    if len(frame.index) == 0 and not malformed:
        raise FileRefused(NO_DATA_ROWS)
    return Table(columns=columns, frame=frame, encoding=encoding, header_row=header_index + 1, malformed=malformed)


def _without_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Without blank lines and rows of empty cells."""
    return frame[(frame != "").any(axis=1)] if len(frame.columns) else frame


def _ragged_rows(text: str, header_index: int, expected: int) -> dict[int, str]:
    """Rows (by position after the header) whose number of values differs from the header's,
    which pandas would silently truncate or pad. Trailing empty values are tolerated."""
    ragged = {}
    try:
        reader = csv.reader(io.StringIO(text))
        for position, row in enumerate(reader):
            index = position - header_index - 1
            if index < 0 or not row or len(row) == expected:
                continue
            if len(row) > expected and not any(v.strip() for v in row[expected:]):
                continue
            if len(row) < expected or any(v.strip() for v in row[expected:]):
                ragged[index] = RAGGED_ROW.format(found=len(row), expected=expected)
    except csv.Error as exc:
        raise FileRefused(UNREADABLE_FILE.format(detail=csv_problem(exc))) from None
    return ragged


def _first_csv_rows(text: str) -> list[list[str]]:
    # The first lines only: splitting a 36 MB file into lines to keep ten cost more than reading them.
    breaks = list(itertools.islice(LINE_BREAK.finditer(text), HEADER_SEARCH_ROWS))
    head = text if len(breaks) < HEADER_SEARCH_ROWS else text[: breaks[-1].end()]
    try:
        return list(csv.reader(io.StringIO(head)))
    except csv.Error:
        return []


def _find_header_row(rows: list[list], hint: str | None) -> int:
    if hint is None:
        return 0
    wanted = hint.casefold()
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(_clean_header(cell).casefold() == wanted for cell in row):
            return index
    return 0


def _decode(data: bytes) -> tuple[str, str]:
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


def _clean_header(name) -> str:
    return re.sub(r"\s+", " ", normalise_text(str(name if name is not None else ""))).strip()


def _normalised(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell through core.text.normalise_text (text pasted from Word: vertical tabs, control
    and zero-width characters, no-break spaces). A column is checked in one pass over its joined
    text and only a column that needs it is normalised cell by cell, so clean files cost little."""
    for position in range(frame.shape[1]):
        values = frame.iloc[:, position]
        cells = values.to_numpy(dtype=object).tolist()  # iterating pandas' string array costs 10x more
        try:
            joined = "\n".join(cells)  # a CSV's cells are all text: one join, no test per cell
        except TypeError:  # a spreadsheet's may be numbers or empty
            joined = "\n".join(v if isinstance(v, str) else "" for v in cells)
        if needs_normalising(joined):
            frame.iloc[:, position] = values.map(lambda v: normalise_text(v) if isinstance(v, str) else v)
    return frame


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
        or LONE_CR.search(text)  # it ends a row for Arrow, not for the csv module
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


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def unpacking_problem(archive: zipfile.ZipFile) -> str | None:
    """Why this workbook must not be unpacked (XLSX_TOO_LARGE_UNPACKED, XLSX_PACKED_TOO_TIGHTLY), or
    None. Reads only the archive's directory."""
    from django.conf import settings

    members = archive.infolist()
    total, limit = sum(member.file_size for member in members), settings.XLSX_MAX_UNPACKED_BYTES
    if total > limit:
        return XLSX_TOO_LARGE_UNPACKED.format(size=file_size(total), limit=file_size(limit))
    for member in members:
        ratio = member.file_size // max(member.compress_size, 1)
        if member.file_size > XLSX_RATIO_FROM_BYTES and ratio > XLSX_MAX_RATIO:
            return XLSX_PACKED_TOO_TIGHTLY.format(member=normalise_text(member.filename)[:100], ratio=ratio)
    return None


def _read_xlsx(data: bytes, keep, hint) -> tuple[list[str], pd.DataFrame, int]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            problem = unpacking_problem(archive)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRefused(UNREADABLE_FILE.format(detail=f"not a valid .xlsx workbook ({_first_line(exc)})")) from None
    if problem:
        raise FileRefused(problem)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ParseError as exc:  # read-only mode parses the first sheet's opening to size it
        raise FileRefused(UNREADABLE_FILE.format(detail=XLSX_DAMAGED.format(detail=_first_line(exc)))) from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileRefused(UNREADABLE_FILE.format(detail=f"not a valid .xlsx workbook ({_first_line(exc)})")) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        top = []
        for cells in rows:
            top.append(cells)
            if len(top) >= HEADER_SEARCH_ROWS:
                break
        if not top:
            raise FileRefused(EMPTY_FILE)
        header_index = _find_header_row(top, hint)
        header_cells = top[header_index]
        rest = top[header_index + 1 :]
        columns = [_clean_header(c) for c in header_cells]
        while columns and not columns[-1]:
            columns.pop()
        indexes = [i for i, c in enumerate(columns) if c and (keep is None or keep(c))]
        body = []
        for cells in itertools.chain(rest, rows):
            texts = [_xlsx_text(cells[i]) if i < len(cells) else "" for i in indexes]
            if any(texts) or any(v not in (None, "") for v in cells):
                body.append(texts)
    except XLSX_SHEET_ERRORS as exc:  # the sheet's XML cut short or tampered with, inside a sound zip
        raise FileRefused(UNREADABLE_FILE.format(detail=XLSX_DAMAGED.format(detail=_first_line(exc)))) from None
    finally:
        workbook.close()
    frame = pd.DataFrame(body, columns=[columns[i] for i in indexes], dtype=object)
    return columns, frame, header_index
