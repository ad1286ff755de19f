"""What a CSV parser's refusal of a file means, in the words of the rest of an import's messages
(core.tabular puts them after UNREADABLE_FILE)."""

import re

CELL_TOO_LONG = (
    "a cell is longer than {limit:,} characters, which no column of an import is: is a quote mark left open?"
)
CELL_TOO_LONG_IN_ROW = (
    "row {row:,} has a cell longer than {limit:,} characters, which no column of an import is: is a quote mark "
    "left open?"
)
CELL_TOO_LONG_IN_COLUMN = (
    'row {row:,} has a cell longer than {limit:,} characters (column "{column}"), which no column of an import '
    "is: is a quote mark left open?"
)
QUOTE_NEVER_CLOSED = (
    'a quote mark (") opens a cell that never ends, so the rest of the file would read as one cell: check the '
    "file for a stray quote mark"
)
FIELD_LIMIT = re.compile(r"field larger than field limit \((\d+)\)")  # the csv module's words


def csv_problem(exc: Exception, row: int | None = None, column: str | None = None) -> str:
    """The problem of a csv module or pandas refusal: ours where we know it, else its first line.
    `row` (and `column`, if known) say where a cell too long for the csv module is."""
    text = str(exc).strip()
    if limit := FIELD_LIMIT.search(text):
        if row is None:
            return CELL_TOO_LONG.format(limit=int(limit.group(1)))
        if column is None:
            return CELL_TOO_LONG_IN_ROW.format(row=row, limit=int(limit.group(1)))
        return CELL_TOO_LONG_IN_COLUMN.format(row=row, column=column, limit=int(limit.group(1)))
    if "EOF inside string" in text:  # pandas' C parser: a quote still open at the end of the file
        return QUOTE_NEVER_CLOSED
    return text.splitlines()[0] if text else exc.__class__.__name__
