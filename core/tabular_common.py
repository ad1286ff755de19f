"""What core.tabular's CSV reader and core.tabular_xlsx's workbook reader share: the Table they give,
the refusal they raise and its messages, and how a header is found and cells are cleaned. Import
these from core.tabular."""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd

from .text import needs_normalising, normalise_text

EMPTY_FILE = "The file is empty."
NO_DATA_ROWS = "The file has a header row but no data rows."
UNREADABLE_FILE = "The file could not be read as CSV or Excel (.xlsx): {detail}"

# Publishers sometimes put a title line or two above the header; look this far for it.
HEADER_SEARCH_ROWS = 10


class FileRefused(Exception):
    """The whole file cannot be imported; nothing was changed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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


def find_header_row(rows: list[list], hint: str | None) -> int:
    if hint is None:
        return 0
    wanted = hint.casefold()
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(clean_header(cell).casefold() == wanted for cell in row):
            return index
    return 0


def lacks_hint(columns: list[str], hint: str | None) -> bool:
    """Whether the header has no column named `hint`: a file with no data rows is then refused by
    its importer for the column it lacks ("no URN column"), which says more about a file that is
    not the expected one than "no data rows" does."""
    return hint is not None and not any(clean_header(column).casefold() == hint.casefold() for column in columns)


def clean_header(name) -> str:
    return re.sub(r"\s+", " ", normalise_text(str(name if name is not None else ""))).strip()


def without_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Without blank lines and rows of empty cells."""
    return frame[(frame != "").any(axis=1)] if len(frame.columns) else frame


def normalised(frame: pd.DataFrame) -> pd.DataFrame:
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


def first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
