"""Read the first sheet of an uploaded .xlsx workbook into a Table of text cells (core.tabular.read_table),
or refuse it with a message a person can act on.

Each cell is read as the value Excel saved with it (openpyxl's read-only mode, data_only=True):
- a number formatted as a percentage is read as the number Excel shows, without the sign and at full
  precision (0.915 formatted 0% is "91.5"), as every importer reads a percentage;
- a formula saved without its calculated value (as openpyxl and some councils' tools write them) is
  not read as empty: its row is set aside (Table.malformed), saying which column and what to do;
- only the first sheet is read: when it has no data rows and the workbook has other sheets, the
  refusal says so, naming the sheet.
Row numbers are as Excel shows them, whatever blank rows are above or among the data.

What this costs beyond openpyxl's own reading: a sheet without formulas, one scan of its XML for a
formula element; with formulas, one more pass over it (FORMULA_CELL, or the XML parser for formulas
written otherwise); reading cells rather than values, only when a cell style of the workbook has a
percentage format."""

import functools
import io
import itertools
import re
import zipfile
import zlib
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

import pandas as pd
from openpyxl import load_workbook
from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from .tabular_common import (
    EMPTY_FILE,
    HEADER_SEARCH_ROWS,
    NO_DATA_ROWS,
    UNREADABLE_FILE,
    FileRefused,
    Table,
    clean_header,
    find_header_row,
    first_line,
    lacks_hint,
    normalised,
    without_blank_rows,
)
from .text import file_size, normalise_text

# A workbook is a zip archive. One that would unpack to more than XLSX_MAX_UNPACKED_BYTES, or a
# member packed far tighter than any worksheet's XML is (a "zip bomb": kilobytes that unpack to
# gigabytes), is refused from the sizes its directory declares, before anything is unpacked;
# zipfile never unpacks a member past its declared size, so a directory that lies gives a broken
# workbook, not a larger one.
XLSX_TOO_LARGE_UNPACKED = (
    "The workbook would unpack to {size}, more than the {limit} an import may. Save it as CSV and import that."
)
# When the size, rounded as file_size shows it, is the limit's ("1GB, more than the 1GB").
XLSX_TOO_LARGE_UNPACKED_PAST = (
    "The workbook would unpack to more than the {limit} an import may. Save it as CSV and import that."
)
XLSX_PACKED_TOO_TIGHTLY = (
    "The workbook's {member} is packed {ratio:,} times smaller than its contents, which no real workbook is. "
    "Save it as CSV and import that."
)
XLSX_MAX_RATIO = 100  # openpyxl's and Excel's worksheets pack 5 to 30 times
XLSX_RATIO_FROM_BYTES = 1024 * 1024  # small members (styles, themes) may pack as they like

XLSX_DAMAGED = "the workbook is damaged: its first sheet could not be read ({detail})"
XLSX_NO_SHEET = "it holds no sheet"
XLSX_UNEXPECTED_VALUE = "a part of it holds a setting no spreadsheet program writes"
# What reading a workbook raises on XML that is cut short or not a sheet's: the parser's own error
# (ElementTree's ParseError and lxml's XMLSyntaxError are both SyntaxErrors; defusedxml's refusals are
# ValueErrors), a member the sheet names missing, or compressed data that ends early.
XLSX_SHEET_ERRORS = (SyntaxError, ValueError, KeyError, EOFError, OSError, zipfile.BadZipFile, zlib.error)
# A workbook saved as "Strict Open XML Spreadsheet" names its parts in namespaces openpyxl does not
# read, so it finds no sheet in it.
XLSX_STRICT_OPEN_XML = (
    "The workbook is saved as \u201cStrict Open XML Spreadsheet\u201d, which cannot be read. Save it as "
    "\u201cExcel Workbook (.xlsx)\u201d and upload it again."
)
STRICT_NAMESPACE = b"http://purl.oclc.org/ooxml/"

XLSX_FIRST_SHEET_ONLY = (
    'The first sheet, "{sheet}", has no data rows, and only the first sheet of a workbook is read. '
    "Move the sheet with the data to the front (or delete the other sheets) and upload the file again."
)
# A row holding such a cell (in a column the import reads) is set aside whole: Table.malformed.
XLSX_FORMULA_NOT_CALCULATED = (
    'column "{column}" contains a formula with no calculated value: open and save the file in Excel, '
    "then upload it again"
)
XLSX_FORMULAS_NOT_CALCULATED = (
    "columns {columns} contain formulas with no calculated value: open and save the file in Excel, then upload it again"
)

# The opening of a formula element (<f>, <f t="shared" .../>; <x:f> with a prefix) in a sheet's XML.
FORMULA_ELEMENT = re.compile(rb"<f[\s/>]")
PREFIXED_FORMULA_ELEMENT = re.compile(rb"<[A-Za-z_][\w.-]*:f[\s/>]")
SCAN_CHUNK_BYTES = 1024 * 1024
LONGEST_ROW_BYTES = 16 * 1024 * 1024  # a row's XML longer than this is left to the XML parser
# A cell whose first child is a formula, with its saved value if any, as Excel and openpyxl write them:
# read so, a sheet's formulas cost a tenth of parsing its XML. Should any formula element in the sheet
# not be matched by it, the XML parser reads them instead (uncalculated_formulas).
FORMULA_CELL = re.compile(
    rb"<(?P<p>(?:[A-Za-z_][\w.-]*:)?)c\b(?P<attributes>[^>]*)>\s*<(?P=p)f\b[^>]*?(?:/>|>[^<]*</(?P=p)f>)\s*"
    rb"(?P<v><(?P=p)v\s*/>|<(?P=p)v\b[^>]*>(?P<value>[^<]*)</(?P=p)v>)?"
)
ATTRIBUTE = re.compile(rb"""\b([rt])\s*=\s*(["'])(.*?)\2""")
ROW_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?row>")
ROW_TAG, CELL_TAG = f"{{{SHEET_MAIN_NS}}}row", f"{{{SHEET_MAIN_NS}}}c"
FORMULA_TAG, VALUE_TAG = f"{{{SHEET_MAIN_NS}}}f", f"{{{SHEET_MAIN_NS}}}v"
TEXT_TYPES = {"str", "s", "inlineStr"}  # a formula's empty text result is saved as <v></v> of these


def unpacking_problem(archive: zipfile.ZipFile) -> str | None:
    """Why this workbook must not be unpacked (XLSX_TOO_LARGE_UNPACKED, XLSX_PACKED_TOO_TIGHTLY), or
    None. Reads only the archive's directory."""
    from django.conf import settings

    members = archive.infolist()
    total, limit = sum(member.file_size for member in members), settings.XLSX_MAX_UNPACKED_BYTES
    if total > limit:
        size, most = file_size(total), file_size(limit)
        if size == most:
            return XLSX_TOO_LARGE_UNPACKED_PAST.format(limit=most)
        return XLSX_TOO_LARGE_UNPACKED.format(size=size, limit=most)
    for member in members:
        ratio = member.file_size // max(member.compress_size, 1)
        if member.file_size > XLSX_RATIO_FROM_BYTES and ratio > XLSX_MAX_RATIO:
            return XLSX_PACKED_TOO_TIGHTLY.format(member=normalise_text(member.filename)[:100], ratio=ratio)
    return None


def xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@functools.lru_cache(maxsize=256)
def is_percentage(number_format: str) -> bool:
    """Whether Excel shows a number in this format multiplied by 100 ("0%", "0.0%;[Red]-0.0%"): a %
    outside quoted text, escaped characters and [colours or locales]; '0"%"' and '0\\%' are literal."""
    return "%" in re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", number_format)


def percentage_text(value: int | float) -> str:
    """The number as Excel shows it in a percentage format, without the sign, at full precision and
    without float noise: 0.915 -> "91.5" (not 91.50000000000001), 0.034 -> "3.4", 1 -> "100"."""
    number = Decimal(repr(value)) * 100  # repr: the shortest text that reads back as the same float
    if not number.is_finite():
        return xlsx_text(value)
    return "0" if number.is_zero() else format(number.normalize(), "f")


def cell_text(cell: Any) -> str:
    value = cell.value
    kind = value.__class__
    if kind is str:
        return value
    if (kind is float or kind is int) and value and is_percentage(cell.number_format):  # (not bool)
        return percentage_text(value)
    return xlsx_text(value)


def has_formulas(source: IO[bytes]) -> bool:
    """Whether a sheet's XML holds any formula element, read in chunks (a formula-free sheet costs a scan)."""
    tail = b""
    while chunk := source.read(SCAN_CHUNK_BYTES):
        for text in (tail + chunk[:64], chunk):  # (an element split between two chunks, then the chunk)
            if FORMULA_ELEMENT.search(text) or (b":f" in text and PREFIXED_FORMULA_ELEMENT.search(text)):
                return True
        tail = chunk[-64:]
    return False


def uncalculated_formulas_quickly(source: IO[bytes]) -> dict[int, set[int]] | None:
    """What uncalculated_formulas() finds, read with FORMULA_CELL row by row; None if any formula
    element is written in a way it does not match, or its cell has no reference ("B2")."""
    found: dict[int, set[int]] = {}
    tail = b""
    while True:
        chunk = source.read(SCAN_CHUNK_BYTES)
        text = tail + chunk
        end = _after_last_row(text) if chunk else len(text)
        if end is None:  # a row longer than a chunk
            if len(text) > LONGEST_ROW_BYTES:
                return None
            tail = text
            continue
        if not _formula_cells(text[:end], found):
            return None
        if not chunk:
            return found
        tail = text[end:]


def _after_last_row(text: bytes) -> int | None:
    at = text.rfind(b"row>")
    while at >= 0:
        start = text.rfind(b"</", 0, at)
        if start >= 0 and ROW_END.fullmatch(text, start, at + 4):
            return at + 4
        at = text.rfind(b"row>", 0, at)
    return None


def _formula_cells(text: bytes, found: dict[int, set[int]]) -> bool:
    """Adds the uncalculated formulas of whole rows of a sheet's XML to found; False if any formula
    element is not a FORMULA_CELL's with a reference."""
    elements = len(FORMULA_ELEMENT.findall(text))
    if b":f" in text:
        elements += len(PREFIXED_FORMULA_ELEMENT.findall(text))
    cells = list(FORMULA_CELL.finditer(text)) if elements else []
    if len(cells) != elements:
        return False
    for cell in cells:
        attributes = {name: value for name, _, value in ATTRIBUTE.findall(cell["attributes"])}
        if b"r" not in attributes:
            return False
        if cell["v"] is None or (not cell["value"] and attributes.get(b"t", b"n").decode() not in TEXT_TYPES):
            row, column = coordinate_to_tuple(attributes[b"r"].decode())
            found.setdefault(row, set()).add(column)
    return True


def uncalculated_formulas(source: IO[bytes]) -> dict[int, set[int]]:
    """{row: {column, ...}} (numbered from 1) of the cells holding a formula saved without its value:
    no <v>, or an empty one in a cell that is not text (openpyxl writes <f>SUM(1,2)</f><v></v>; Excel
    saves a formula whose result is "" as t="str" with <v></v>)."""
    found: dict[int, set[int]] = {}
    row_number = 0
    for _, element in iterparse(source):
        if element.tag != ROW_TAG:
            continue
        row_number = int(element.get("r") or row_number + 1)
        column = 0
        for cell in element.iterfind(CELL_TAG):
            reference = cell.get("r")
            column = coordinate_to_tuple(reference)[1] if reference else column + 1
            if cell.find(FORMULA_TAG) is None:
                continue
            value = cell.find(VALUE_TAG)
            if value is None or (not value.text and cell.get("t", "n") not in TEXT_TYPES):
                found.setdefault(row_number, set()).add(column)
        element.clear()
    return found


def formula_problem(columns: list[str]) -> str:
    if len(columns) == 1:
        return XLSX_FORMULA_NOT_CALCULATED.format(column=columns[0])
    named = [f'"{column}"' for column in columns]
    return XLSX_FORMULAS_NOT_CALCULATED.format(columns=f"{', '.join(named[:-1])} and {named[-1]}")


def read_xlsx(
    data: bytes,
    keep: Callable[[str], bool] | None,
    hint: str | None,
    open_workbook: Callable[..., Any] = load_workbook,
) -> Table:
    """The first sheet as a Table (see core.tabular.read_table), or FileRefused."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            problem = unpacking_problem(archive)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRefused(UNREADABLE_FILE.format(detail=f"not a valid .xlsx workbook ({first_line(exc)})")) from None
    if problem:
        raise FileRefused(problem)
    try:
        workbook = open_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except SyntaxError as exc:  # XML that does not parse: the styles, or the first sheet's opening (read to size it)
        raise FileRefused(UNREADABLE_FILE.format(detail=XLSX_DAMAGED.format(detail=first_line(exc)))) from None
    except TypeError:  # openpyxl's, for an attribute it does not know or of the wrong type: jargon to a person
        raise FileRefused(UNREADABLE_FILE.format(detail=XLSX_DAMAGED.format(detail=XLSX_UNEXPECTED_VALUE))) from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileRefused(UNREADABLE_FILE.format(detail=f"not a valid .xlsx workbook ({first_line(exc)})")) from None
    try:
        if not workbook.worksheets:  # openpyxl skips a sheet whose part is missing or not a sheet it reads
            raise FileRefused(_no_sheet_problem(data))
        sheet = workbook.worksheets[0]
        no_data = XLSX_FIRST_SHEET_ONLY.format(sheet=sheet.title) if len(workbook.worksheets) > 1 else None
        uncalculated = _uncalculated_formulas_of(data, sheet._worksheet_path)
        table = _read_sheet(sheet, keep, hint, uncalculated, no_data=no_data, as_cells=percentage_styles(workbook))
    except XLSX_SHEET_ERRORS as exc:  # the sheet's XML cut short or tampered with, inside a sound zip
        raise FileRefused(UNREADABLE_FILE.format(detail=XLSX_DAMAGED.format(detail=first_line(exc)))) from None
    finally:
        workbook.close()
    if len(table.frame.index) == 0 and not table.malformed and (no_data or not lacks_hint(table.columns, hint)):
        raise FileRefused(no_data or NO_DATA_ROWS)
    return table


def _no_sheet_problem(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            strict = STRICT_NAMESPACE in archive.read("_rels/.rels")  # the package's relationships
        except KeyError:
            strict = False
    return XLSX_STRICT_OPEN_XML if strict else UNREADABLE_FILE.format(detail=XLSX_DAMAGED.format(detail=XLSX_NO_SHEET))


def _uncalculated_formulas_of(data: bytes, member: str) -> dict[int, set[int]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        with archive.open(member) as source:
            if not has_formulas(source):
                return {}
        with archive.open(member) as source:
            found = uncalculated_formulas_quickly(source)
        if found is not None:
            return found
        with archive.open(member) as source:
            return uncalculated_formulas(source)


def percentage_styles(workbook: Any) -> bool:
    """Whether any of the workbook's cell styles has a percentage format: if none has, the sheet is
    read as values, which is cheaper than as cells (openpyxl keeps the styles in a private list; if it
    ever does not, every number's format is looked at)."""
    styles = getattr(workbook, "_cell_styles", None)
    if styles is None:
        return True
    sheet = workbook.worksheets[0]
    return any(is_percentage(ReadOnlyCell(sheet, 1, 1, None, style_id=i).number_format) for i in range(len(styles)))


def _value(cell: Any) -> Any:
    return cell.value


def _read_sheet(sheet, keep, hint, uncalculated: dict[int, set[int]], *, no_data: str | None, as_cells: bool) -> Table:
    # The rows from the sheet's first (as its dimension says; earlier ones are blank), as cells when a
    # number's format may say it is a percentage.
    first_row, first_column = sheet.min_row, sheet.min_column
    rows = sheet.iter_rows(min_row=first_row, min_col=first_column, values_only=not as_cells)
    value_of, text_of = (_value, cell_text) if as_cells else (None, xlsx_text)
    top = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    if not top:
        raise FileRefused(no_data or EMPTY_FILE)
    top_values = [list(map(value_of, cells)) if value_of else cells for cells in top]
    header_index = find_header_row(top_values, hint)
    columns = [clean_header(value) for value in top_values[header_index]]
    while columns and not columns[-1]:
        columns.pop()
    if not any(columns):
        raise FileRefused(no_data or EMPTY_FILE)
    indexes = [i for i, c in enumerate(columns) if c and (keep is None or keep(c))]
    header_row = first_row + header_index
    body, positions, malformed = [], [], {}
    for number, cells in enumerate(itertools.chain(top[header_index + 1 :], rows), start=header_row + 1):
        if number in uncalculated:
            unknown = [columns[i] for i in indexes if first_column + i in uncalculated[number]]
            if unknown:
                malformed[number] = formula_problem(unknown)
                continue
        texts = [text_of(cells[i]) if i < len(cells) else "" for i in indexes]
        if any(texts):
            body.append(texts)
            positions.append(number - header_row - 1)
    frame = pd.DataFrame(body, columns=[columns[i] for i in indexes], index=positions, dtype=object)
    frame = normalised(without_blank_rows(frame))
    return Table(columns=columns, frame=frame, encoding="xlsx", header_row=header_row, malformed=malformed)
