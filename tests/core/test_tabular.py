import io
import struct
import zipfile

import pytest
from openpyxl import Workbook

from core.csv_problems import CELL_TOO_LONG_IN_COLUMN, CELL_TOO_LONG_IN_ROW, QUOTE_NEVER_CLOSED
from core.tabular import (
    BINARY_FILE,
    EMPTY_FILE,
    NO_DATA_ROWS,
    OLD_EXCEL_FILE,
    PASSWORD_PROTECTED_FILE,
    RAGGED_ROW,
    UNREADABLE_FILE,
    UTF16_FILE,
    XLSX_DAMAGED,
    FileRefused,
    read_table,
)


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_reads_windows_1252_accents_and_curly_apostrophes():
    data = '"URN","Name"\n"100001","St Thérèse’s Côte School"\n'.encode("cp1252")
    table = read_table(data, "x.csv")
    assert table.encoding == "windows-1252"
    assert list(table.records()) == [(2, {"URN": "100001", "Name": "St Thérèse’s Côte School"})]


def test_reads_utf8_with_a_byte_order_mark_without_polluting_the_first_header():
    data = b"\xef\xbb\xbf" + "URN,Name\n100001,Ærø School\n".encode()
    table = read_table(data, "x.csv")
    assert table.columns == ["URN", "Name"]
    assert next(table.records())[1]["Name"] == "Ærø School"


def test_keeps_leading_zeros_because_every_cell_is_text():
    table = read_table(b"Code,Other\n01,0000\n", "x.csv")
    assert next(table.records())[1] == {"Code": "01", "Other": "0000"}


def test_reads_the_first_sheet_of_an_xlsx_workbook_as_text():
    from datetime import datetime

    data = xlsx_bytes([["URN", "OpenDate", "Pupils"], [100001, datetime(2020, 9, 1), 210.0]])
    record = next(read_table(data, "x.xlsx").records())[1]
    assert record == {"URN": "100001", "OpenDate": "01-09-2020", "Pupils": "210"}


def test_finds_the_header_below_title_rows_when_given_a_hint():
    data = b"Management information\nAs at 31 Jan 2026\nURN,School name\n100001,A School\n"
    table = read_table(data, "x.csv", header_hint="URN")
    assert table.columns == ["URN", "School name"]
    assert list(table.records()) == [(4, {"URN": "100001", "School name": "A School"})]


def test_loads_only_the_columns_asked_for_but_lists_them_all():
    table = read_table(b"URN,Name,Noise\n1,A,x\n", "x.csv", keep=lambda c: c != "Noise")
    assert table.columns == ["URN", "Name", "Noise"]
    assert list(table.frame.columns) == ["URN", "Name"]


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "x.csv", EMPTY_FILE),
        (b"  \n\n", "x.csv", EMPTY_FILE),
        (b"URN,Name\n", "x.csv", NO_DATA_ROWS),
        (b"\xd0\xcf\x11\xe0rest-of-an-old-excel-file", "x.xls", OLD_EXCEL_FILE),
        (b"%PDF-1.4\x00\x00binary", "x.csv", UNREADABLE_FILE.format(detail=BINARY_FILE)),
    ],
)
def test_refuses_files_it_cannot_use_with_a_clear_message(data, filename, message):
    with pytest.raises(FileRefused) as refused:
        read_table(data, filename)
    assert refused.value.message == message


def test_a_file_with_no_data_rows_and_not_the_expected_header_is_left_to_its_importer():
    """One line of something else ("hello", a renamed file) is not "a header row but no data rows"
    of the expected file: the importer says which column it lacks."""
    table = read_table(b"hello\n", "x.csv", header_hint="URN")
    assert (table.columns, len(table)) == (["hello"], 0)
    with pytest.raises(FileRefused, match=NO_DATA_ROWS):
        read_table(b"Name,URN\n", "x.csv", header_hint="URN")


def test_refuses_a_corrupt_xlsx_saying_it_is_not_a_workbook():
    with pytest.raises(FileRefused) as refused:
        read_table(b"PK\x03\x04 not really a zip", "x.xlsx")
    assert "not a valid .xlsx workbook" in refused.value.message


def with_first_sheet(data: bytes, change) -> bytes:
    """The workbook with its first sheet's XML changed, in a sound zip."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member.filename)
            target.writestr(
                member.filename, change(content) if member.filename == "xl/worksheets/sheet1.xml" else content
            )
    return out.getvalue()


@pytest.mark.parametrize(
    "damage",
    [lambda xml: xml[: len(xml) // 2], lambda xml: b"<<<" + xml, lambda xml: b""],
    ids=["cut short", "garbage from its first byte", "empty"],
)
def test_refuses_a_workbook_whose_sheet_is_damaged_saying_so(damage):
    data = xlsx_bytes([["URN", "Name"], *([100000 + n, f"School {n}"] for n in range(50))])
    with pytest.raises(FileRefused) as refused:
        read_table(with_first_sheet(data, damage), "x.xlsx")
    assert refused.value.message.startswith(UNREADABLE_FILE.format(detail=XLSX_DAMAGED.format(detail="")[:-3]))


def test_sets_aside_rows_whose_number_of_values_does_not_match_the_header():
    table = read_table(b'URN,Name\n1,"A",extra\n\n2,B\n3\n4,C,,\n', "x.csv")
    assert [row for row, _ in table.records()] == [4, 6]
    assert table.malformed == {
        2: RAGGED_ROW.format(found=3, expected=2),
        5: RAGGED_ROW.format(found=1, expected=2),
    }


def test_cells_pasted_from_word_are_normalised_in_a_csv_file():
    data = '"URN","Name","Head"\r\n"100001","St\u00a0Mary\u200b\'s\x07","Mrs A\x0bSmith"\r\n'.encode()
    table = read_table(data, "x.csv")
    assert list(table.records()) == [(2, {"URN": "100001", "Name": "St Mary's", "Head": "Mrs A\nSmith"})]


def test_cells_and_headers_pasted_from_word_are_normalised_in_an_xlsx_file():
    data = xlsx_bytes([["URN\u200b", "Name"], ["100001", "Cafe\u0301\u2028House\u00a0School"]])
    table = read_table(data, "x.xlsx")
    assert table.columns == ["URN", "Name"]
    assert list(table.records()) == [(2, {"URN": "100001", "Name": "Café\nHouse School"})]


def test_clean_text_from_an_imported_cell_keeps_no_control_or_zero_width_characters():
    from core.cells import clean_text

    assert clean_text("Kingfisher\x00 Primary\u200b\u00a0School\x0b") == "Kingfisher Primary School"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            b"Title row\nURN,Name\n1," + b"x" * 200_000 + b"\n2,B\n",
            CELL_TOO_LONG_IN_COLUMN.format(row=3, column="Name", limit=131_072),
        ),
        (b'URN,Name\n1,"abc\n2,B\n', QUOTE_NEVER_CLOSED),
    ],
    ids=["a cell past the csv module's limit", "a quote never closed"],
)
def test_a_file_that_cannot_be_split_into_cells_is_refused_in_the_imports_words_not_the_parsers(data, problem):
    with pytest.raises(FileRefused) as refused:
        read_table(data, "x.csv", header_hint="URN")
    assert str(refused.value) == UNREADABLE_FILE.format(detail=problem)


def test_a_cell_past_the_csv_modules_limit_in_a_column_not_read_is_refused_naming_its_row():
    data = b"Title row\nURN,Name,Notes\n1,A,B\n\n2,B," + b"x" * 200_000 + b"\n3,C,D\n"
    with pytest.raises(FileRefused) as refused:
        read_table(data, "x.csv", keep=lambda column: column != "Notes", header_hint="URN")
    assert str(refused.value) == UNREADABLE_FILE.format(detail=CELL_TOO_LONG_IN_ROW.format(row=5, limit=131_072))


def test_a_cell_past_the_csv_modules_limit_just_below_the_header_is_refused_naming_its_row_and_column():
    data = b"URN,Name\n1,A\n2," + b"x" * 200_000 + b"\n3,C\n"
    with pytest.raises(FileRefused) as refused:
        read_table(data, "x.csv")
    assert str(refused.value) == UNREADABLE_FILE.format(
        detail=CELL_TOO_LONG_IN_COLUMN.format(row=3, column="Name", limit=131_072)
    )


# ---- line ends and encodings ---------------------------------------------------------------------


@pytest.mark.parametrize("header_hint", [None, "URN"], ids=["header first", "header below a title row"])
def test_a_csv_with_old_mac_line_ends_reads_the_same_rows_as_with_line_feeds(header_hint):
    lines = ["Schools", "URN,Name,Notes", '100001,Ash,"two\rlines"', "", "100002,Elm,", "100003"]
    if header_hint is None:
        lines = lines[1:]
    mac, unix = ("\r".join(lines) + "\r").encode(), ("\n".join(lines) + "\n").encode()
    table = read_table(mac, "x.csv", header_hint=header_hint)
    assert (table.columns, table.header_row, table.malformed) == (
        (expected := read_table(unix, "x.csv", header_hint=header_hint)).columns,
        expected.header_row,
        expected.malformed,
    )
    assert list(table.records()) == list(expected.records())
    assert [values["Notes"] for _, values in table.records()] == ["two\nlines", ""]  # (core.text: CR is a line break)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
def test_a_csv_saved_as_utf_16_with_or_without_a_byte_order_mark_is_refused_saying_how_to_save_it(encoding):
    data = "URN,Name\n100001,St Thérèse’s School\n".encode(encoding)
    with pytest.raises(FileRefused) as refused:
        read_table(data, "x.csv")
    assert refused.value.message == UTF16_FILE


def test_binary_data_with_nul_bytes_is_not_taken_for_utf_16():
    with pytest.raises(FileRefused) as refused:
        read_table(b"URN,Name\n100001,Ash\x00\x00\x00tree\n", "x.csv")
    assert refused.value.message == UNREADABLE_FILE.format(detail=BINARY_FILE)


# ---- password-protected workbooks ----------------------------------------------------------------

OLE_SECTOR, OLE_END, OLE_FREE, OLE_NONE = 512, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFF


def _ole_entry(name: str, kind: int, *, start: int = OLE_END, size: int = 0, child: int = OLE_NONE, right=OLE_NONE):
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return struct.pack(
        "<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1, OLE_NONE, right, child, b"", 0, 0, 0, start, size
    )


def ole_bytes(streams: dict[str, bytes]) -> bytes:
    """An OLE compound file ([MS-CFB] version 3: 512-byte sectors, one FAT sector, one directory sector)
    holding these streams, each stored in regular sectors (so at least 4,096 bytes, the mini stream's
    cutoff). {"EncryptionInfo": ..., "EncryptedPackage": ...} is what Excel's "Encrypt with Password"
    writes, less its "\\x06DataSpaces" storage; {"Workbook": ...} is an old .xls. olefile reads it."""
    fat, body, entries = [0xFFFFFFFD, OLE_END], b"", []  # sector 0 is the FAT, sector 1 the directory
    names = sorted(streams, key=lambda name: (len(name), name.upper()))  # the directory's order of names
    for position, name in enumerate(names, start=1):
        content = streams[name].ljust(4096, b"\0")
        count, first = -(-len(content) // OLE_SECTOR), len(fat)
        fat += [*range(first + 1, first + count), OLE_END]
        right = position + 1 if position < len(names) else OLE_NONE
        entries.append(_ole_entry(name, 2, start=first, size=len(content), right=right))
        body += content.ljust(count * OLE_SECTOR, b"\0")
    assert len(fat) <= OLE_SECTOR // 4, "more than one FAT sector"
    assert len(entries) < 4, "more than one directory sector"
    directory = _ole_entry("Root Entry", 5, child=1) + b"".join(entries)
    unused = struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, OLE_NONE, OLE_NONE, OLE_NONE, b"", 0, 0, 0, 0, 0)
    directory += unused * (3 - len(entries))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"",
        0x3E,  # minor version
        3,  # major version: 512-byte sectors
        0xFFFE,  # byte order
        9,  # sector shift: 2**9 bytes
        6,  # mini sector shift
        b"",
        0,  # directory sectors (always 0 in version 3)
        1,  # FAT sectors
        1,  # first directory sector
        0,  # transaction signature
        4096,  # mini stream cutoff
        OLE_END,  # first mini FAT sector
        0,  # mini FAT sectors
        OLE_END,  # first DIFAT sector
        0,  # DIFAT sectors
    )
    header += struct.pack("<109I", 0, *[OLE_FREE] * 108)  # the FAT is sector 0
    fat_sector = struct.pack(f"<{OLE_SECTOR // 4}I", *fat, *[OLE_FREE] * (OLE_SECTOR // 4 - len(fat)))
    return header + fat_sector + directory + body


ENCRYPTED_WORKBOOK = {
    "EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00<encryption/>",
    "EncryptedPackage": bytes(5000),
}


@pytest.mark.parametrize("filename", ["schools.xlsx", "schools.csv", "schools.xls"])
def test_a_workbook_encrypted_with_a_password_is_refused_saying_to_save_it_without_one(filename):
    with pytest.raises(FileRefused) as refused:
        read_table(ole_bytes(ENCRYPTED_WORKBOOK), filename)
    assert refused.value.message == PASSWORD_PROTECTED_FILE


def test_an_old_excel_file_is_still_refused_as_old_excel_even_if_its_cells_name_an_encrypted_package():
    cells = b"padding" + "EncryptedPackage".encode("utf-16-le")  # text in a stream, not a directory entry
    with pytest.raises(FileRefused) as refused:
        read_table(ole_bytes({"Workbook": cells}), "schools.xls")
    assert refused.value.message == OLD_EXCEL_FILE
