"""Spreadsheet exports (CSV and XLSX) of rows a user may see.

Cells that a spreadsheet would run as a formula are neutralised (OWASP "CSV injection"): a text
value starting with =, +, -, @, tab or carriage return gets a leading apostrophe. Numbers are
written as numbers, so a negative Progress 8 score stays a number. A workbook's header row is bold,
frozen and has an autofilter. Text is passed through
core.text.normalise_text first (ADR 0010): a control character in stored text (openpyxl refuses
most C0 controls with IllegalCharacterError) cannot break an export, and cannot hide a formula
behind an invisible first character."""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import islice

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .text import normalise_text

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """Return a value safe to put in a spreadsheet cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (int, float, Decimal, date, datetime)):
        return value
    text = normalise_text(str(value))
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    """Stream rows as UTF-8 CSV with a BOM (so Excel reads accented names correctly)."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow([neutralise(v) for v in header])
        for row in rows:
            yield writer.writerow([_csv_cell(neutralise(v)) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_cell(value):
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return value


def write_xlsx(stream, sheet_title: str, header: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Write rows to a one-sheet workbook in `stream` (write-only mode keeps memory flat for large
    exports); returns how many rows were written."""
    return write_workbook(stream, [(sheet_title, header, rows)])[0]


def write_workbook(stream, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> list[int]:
    """Write a workbook of (title, header, rows) sheets to `stream`, each with a bold, frozen header
    and an autofilter; returns how many rows each sheet got."""
    workbook = Workbook(write_only=True)
    counts = []
    for sheet_title, header, rows in sheets:
        sheet = workbook.create_sheet(title=normalise_text(sheet_title)[:31])
        sheet.freeze_panes = "A2"  # the header stays in view
        sheet.append([_header_cell(sheet, neutralise(v)) for v in header])
        count = 0
        for row in rows:
            sheet.append([_xlsx_cell(sheet, neutralise(v)) for v in row])
            count += 1
        sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(header), 1))}{count + 1}"
        counts.append(count)
    workbook.save(stream)
    return counts


def _header_cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell


def xlsx_response(filename: str, sheet_title: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """A small workbook built in the request (a large one is an export job: core/export_jobs.py)."""
    buffer = io.BytesIO()
    write_xlsx(buffer, sheet_title, header, rows)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_cell(sheet, value):
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None)
    if isinstance(value, (date, datetime)):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY" if not isinstance(value, datetime) else "DD/MM/YYYY HH:MM"
        return cell
    if isinstance(value, str):
        # Force text: openpyxl would otherwise treat a leading "=" as a formula (already neutralised).
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def in_chunks(items: Iterable, size: int) -> Iterator[list]:
    """Items in lists of up to `size` (itertools.batched arrives with Python 3.12)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
