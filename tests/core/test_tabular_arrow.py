"""core.tabular reads a plainly regular CSV with Arrow's CSV reader and every other one with pandas
and the csv module's row-length check. Both must give the same table: the same columns, cells, row
numbers, malformed rows and refusals."""

import csv
import io

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import csv_problems, tabular
from core.tabular import RAGGED_ROW, FileRefused, read_table

CELL = st.text(alphabet=st.sampled_from(list('ab ,"\n\r\t\x0b\xa0é’\u200b0')), max_size=6)


def careful(monkeypatch, data: bytes, **options):
    """The table as read without the Arrow reader (or the refusal's message)."""
    with monkeypatch.context() as patched:
        patched.setattr(tabular, "_read_csv_regular", lambda *args: None)
        return outcome(data, **options)


def outcome(data: bytes, **options):
    try:
        table = read_table(data, "x.csv", **options)
    except FileRefused as refused:
        return refused.message
    return table


def assert_same(fast, slow) -> None:
    if isinstance(slow, str) or isinstance(fast, str):
        assert fast == slow
        return
    assert (fast.columns, fast.encoding, fast.header_row, fast.malformed) == (
        slow.columns,
        slow.encoding,
        slow.header_row,
        slow.malformed,
    )
    pd.testing.assert_frame_equal(fast.frame, slow.frame)
    assert list(fast.records()) == list(slow.records())


def csv_text(rows: list[list[str]], line_end: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=line_end).writerows(rows)
    return buffer.getvalue()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    header=st.lists(st.sampled_from(["URN", "Name", "Town", "", "Name ", "Ward"]), min_size=1, max_size=4, unique=True),
    draw=st.data(),
    line_end=st.sampled_from(["\n", "\r\n", "\r"]),
    blank_lines=st.lists(st.integers(min_value=0, max_value=7), max_size=2),
    keep_all=st.booleans(),
    stray_quote=st.none() | st.integers(min_value=0, max_value=120),
)
def test_the_arrow_reader_and_the_careful_one_read_any_csv_alike(
    monkeypatch, header, draw, line_end, blank_lines, keep_all, stray_quote
):
    # Half the files have every row as long as the header (the files Arrow reads), half need not.
    length = st.integers(min_value=0, max_value=5) if draw.draw(st.booleans()) else st.just(len(header))
    rows = draw.draw(st.lists(length.flatmap(lambda n: st.lists(CELL, min_size=n, max_size=n)), max_size=6))
    lines = csv_text([header, *rows], line_end).split(line_end)
    for position in blank_lines:
        lines.insert(min(position + 1, len(lines)), "")
    text = line_end.join(lines)
    if stray_quote is not None:  # a quote left open, or one inside a cell written without quotes
        text = text[:stray_quote] + '"' + text[stray_quote:]
    data = text.encode("cp1252", errors="replace")
    keep = None if keep_all else (lambda name: name != "Town")
    fast = outcome(data, keep=keep)
    assert_same(fast, careful(monkeypatch, data, keep=keep))


def test_a_regular_file_is_read_by_arrow(monkeypatch):
    read = []
    original = tabular._read_csv_regular
    monkeypatch.setattr(tabular, "_read_csv_regular", lambda *args: read.append(1) or original(*args))
    monkeypatch.setattr(tabular, "_ragged_rows", lambda *args: pytest.fail("the careful reader ran"))
    data = 'URN,Name\r\n100001,"St Thérèse’s, Côte"\r\n\r\n100002,"Two\r\nlines"\r\n'.encode("cp1252")
    table = read_table(data, "x.csv")
    assert read == [1]
    assert list(table.records()) == [
        (2, {"URN": "100001", "Name": "St Thérèse’s, Côte"}),
        (4, {"URN": "100002", "Name": "Two\nlines"}),
    ]


@pytest.mark.parametrize(
    "data",
    [
        b'URN,Name\n100001,A\n100002,"B\n100003,C\n100004,D\n',  # a quote left open in the last column
        b'URN,Name\n100001,5" disk\n100002,"B\n100003,C\n',  # the same, after a quote inside a cell
        b"URN,Name\n100001,A\n100002\n100003,C\n",  # a short row
        b"URN,Name\n100001,A,\n",  # a trailing empty value, which the careful reader tolerates
        b"URN,Name\n100001,A,extra\n",
        b'URN,Name\n100001,"unclosed\n',
        b"URN,Name\r100001,A\r",  # old Mac line ends
        b"URN,URN\n100001,100002\n",  # a repeated header
        b"Title\nURN,Name\n100001,A\n",  # the header below a title line
    ],
)
def test_a_file_that_is_not_plainly_regular_is_read_the_careful_way(monkeypatch, data):
    arrow_tables = []
    original = tabular._read_csv_regular

    def spy(*args):
        arrow_tables.append(original(*args))
        return arrow_tables[-1]

    monkeypatch.setattr(tabular, "_read_csv_regular", spy)
    fast = outcome(data, header_hint="URN")
    assert not any(table is not None for table in arrow_tables)  # Arrow's reading, if any, was not used
    assert_same(fast, careful(monkeypatch, data, header_hint="URN"))


def test_a_quote_left_open_at_the_end_refuses_the_file_as_before():
    with pytest.raises(FileRefused) as refused:
        read_table(b'URN,Name\n100001,A\n100002,"B\n100003,C\n100004,D\n', "x.csv")
    assert str(refused.value) == tabular.UNREADABLE_FILE.format(detail=csv_problems.QUOTE_NEVER_CLOSED)


def test_a_short_row_is_still_reported_as_malformed():
    table = read_table(b"URN,Name\n100001,A\n100002\n100003,C\n", "x.csv")
    assert table.malformed == {3: RAGGED_ROW.format(found=1, expected=2)}
    assert [number for number, _ in table.records()] == [2, 4]


def test_a_header_name_may_hold_a_line_break():
    table = read_table(b'URN,"Establishment\nName"\n100001,A\n', "x.csv")
    assert table.columns == ["URN", "Establishment Name"]
    assert [values for _, values in table.records()] == [{"URN": "100001", "Establishment Name": "A"}]
