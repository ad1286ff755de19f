"""core.tabular reads a workbook as Excel shows it (core.tabular_xlsx): a percentage as the number shown,
a formula saved without its value as a row it cannot read, row numbers as Excel numbers them, and a
refusal that says only the first sheet is read. Each workbook is written by openpyxl, as councils'
own tools write them."""

import io
import re
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook

from core import tabular, tabular_xlsx
from core.tabular import (
    EMPTY_FILE,
    NO_DATA_ROWS,
    UNREADABLE_FILE,
    XLSX_DAMAGED,
    XLSX_FIRST_SHEET_ONLY,
    XLSX_FORMULA_NOT_CALCULATED,
    XLSX_FORMULAS_NOT_CALCULATED,
    XLSX_STRICT_OPEN_XML,
    FileRefused,
    read_table,
)
from tests.core.test_tabular import with_first_sheet


def workbook_bytes(*sheets: tuple[str, list[list]], formats: dict[str, str] | None = None) -> bytes:
    """A workbook of the sheets (title, rows) in order; `formats` gives the first sheet's cells
    number formats by coordinate ("B2": "0%")."""
    workbook = Workbook()
    for position, (title, rows) in enumerate(sheets):
        sheet = workbook.active if position == 0 else workbook.create_sheet()
        sheet.title = title
        for row in rows:
            sheet.append(row)
    for coordinate, number_format in (formats or {}).items():
        workbook.worksheets[0][coordinate].number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def records(data: bytes, **options) -> list[tuple[int, dict[str, str]]]:
    return list(read_table(data, "x.xlsx", **options).records())


def with_members(data: bytes, changes: dict[str, bytes | None]) -> bytes:
    """The workbook with these members' contents changed (None: left out), in a sound zip."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = changes.get(member.filename, source.read(member.filename))
            if content is not None:
                target.writestr(member.filename, content)
    return out.getvalue()


def refusal(data: bytes) -> str:
    with pytest.raises(FileRefused) as refused:
        read_table(data, "x.xlsx")
    return refused.value.message


# ---- percentages ---------------------------------------------------------------------------------


def test_a_number_formatted_as_a_percentage_is_read_as_the_number_excel_shows_without_the_sign():
    data = workbook_bytes(
        ("Data", [["URN", "Attendance", "Attainment", "FSM", "Plain"], [100001, 0.915, 0.48, 0.034, 0.48]]),
        formats={"B2": "0.0%", "C2": "0%", "D2": "0.00%"},
    )
    assert records(data) == [
        (2, {"URN": "100001", "Attendance": "91.5", "Attainment": "48", "FSM": "3.4", "Plain": "0.48"})
    ]


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (0.915, "0%", "91.5"),  # at full precision, not rounded as Excel shows it (92%)
        (0.57, "0.0%", "57"),  # 0.57 * 100 is 56.99999999999999 in floats
        (0.0001, "0.00%", "0.01"),
        (1e-07, "0%", "0.00001"),
        (1, "0%", "100"),  # a whole number is saved without a decimal point and read as an int
        (12.5, "0%", "1250"),
        (0, "0%", "0"),
        (-0.05, "0.0%;[Red]-0.0%", "-5"),
        (48, '0"%"', "48"),  # a % in quotes is text Excel shows, not a percentage
        (48, "0\\%", "48"),  # and so is an escaped one
        (0.5, "[$-809]0%", "50"),
    ],
)
def test_a_percentage_is_read_without_float_noise_and_only_a_real_percentage_format_counts(value, number_format, shown):
    data = workbook_bytes(("Data", [["URN", "Share"], [100001, value]]), formats={"B2": number_format})
    assert records(data)[0][1]["Share"] == shown


def test_text_and_dates_in_a_percentage_format_are_read_as_they_are():
    from datetime import datetime

    data = workbook_bytes(
        ("Data", [["URN", "Note", "When", "Flag"], ["000123", "48%", datetime(2025, 9, 1), True]]),
        formats={"A2": "0%", "B2": "0%", "D2": "0%"},
    )
    assert records(data)[0][1] == {"URN": "000123", "Note": "48%", "When": "01-09-2025", "Flag": "True"}


@pytest.mark.django_db
def test_englands_figures_from_a_workbook_of_percentages_are_the_percentages_excel_shows():
    from dashboard.national_import import national_outcomes_from_file

    data = workbook_bytes(
        ("Figures", [["year", "phase", "share_of_schools", "share_of_pupils"], [2025, "primary", 0.9, 0.885]]),
        formats={"C2": "0%", "D2": "0.0%"},
    )
    (row,) = national_outcomes_from_file(data, "england.xlsx")
    assert (row["share_of_schools"], row["share_of_pupils"]) == (Decimal("90"), Decimal("88.5"))


# ---- formulas saved without their values ---------------------------------------------------------


def test_a_row_with_a_formula_saved_without_its_value_is_set_aside_naming_the_column_and_what_to_do():
    data = workbook_bytes(
        ("Data", [["URN", "NumberOfPupils", "Name"], [100001, "=SUM(1500,65)", "Ash"], [100002, 210, "Elm"]])
    )
    table = read_table(data, "x.xlsx")
    assert table.malformed == {2: XLSX_FORMULA_NOT_CALCULATED.format(column="NumberOfPupils")}
    assert XLSX_FORMULA_NOT_CALCULATED.format(column="NumberOfPupils").startswith(
        'column "NumberOfPupils" contains a formula with no calculated value: open and save the file in Excel'
    )
    assert list(table.records()) == [(3, {"URN": "100002", "NumberOfPupils": "210", "Name": "Elm"})]


def test_a_row_with_several_such_formulas_names_every_column():
    data = workbook_bytes(
        ("Data", [["URN", "NumberOfPupils", "PercentageFSM", "Name"], [100001, "=1500+65", "=3.4*1", "=A2&B2"]])
    )
    assert read_table(data, "x.xlsx").malformed == {
        2: XLSX_FORMULAS_NOT_CALCULATED.format(columns='"NumberOfPupils", "PercentageFSM" and "Name"')
    }


def test_such_a_formula_in_a_column_the_import_does_not_read_leaves_its_row_readable():
    data = workbook_bytes(("Data", [["URN", "Total"], [100001, "=1+1"]]))
    table = read_table(data, "x.xlsx", keep=lambda column: column == "URN")
    assert (table.malformed, list(table.records())) == ({}, [(2, {"URN": "100001"})])


def test_a_formula_saved_with_its_value_is_read_as_that_value_and_one_whose_value_is_empty_text_as_empty():
    data = workbook_bytes(("Data", [["URN", "NumberOfPupils", "Note"], [100001, "=SUM(1500,65)", '=""']]))

    def calculated(xml: bytes) -> bytes:  # as Excel saves them
        xml = xml.replace(b"<f>SUM(1500,65)</f><v></v>", b"<f>SUM(1500,65)</f><v>1565</v>")
        return re.sub(rb'<c r="C2"><f>""</f><v></v></c>', b'<c r="C2" t="str"><f>""</f><v></v></c>', xml)

    table = read_table(with_first_sheet(data, calculated), "x.xlsx")
    assert table.malformed == {}
    assert list(table.records()) == [(2, {"URN": "100001", "NumberOfPupils": "1565", "Note": ""})]


def test_the_row_set_aside_is_numbered_as_excel_numbers_it_below_title_and_blank_rows():
    rows = [["Management information"], [], ["URN", "Pupils"], [100001, 200], [], [100002, "=1+1"]]
    table = read_table(workbook_bytes(("Data", rows)), "x.xlsx", header_hint="URN")
    assert table.header_row == 3
    assert list(table.malformed) == [6]
    assert [number for number, _ in table.records()] == [4]


def test_a_workbook_without_formulas_is_never_parsed_a_second_time_for_them(monkeypatch):
    for reader in ("uncalculated_formulas", "uncalculated_formulas_quickly"):
        monkeypatch.setattr(tabular_xlsx, reader, lambda source: pytest.fail("read for formulas"))
    assert len(read_table(workbook_bytes(("Data", [["URN"], *([n] for n in range(100))])), "x.xlsx")) == 100


@pytest.mark.parametrize(
    ("xml", "found"),
    [
        (b'<row r="2"><c r="B2"><f>SUM(A1)</f><v></v></c></row>', True),
        (b'<row r="2"><c r="B2"><f t="shared" si="0"/></c></row>', True),
        (b'<x:row r="2"><x:c r="B2"><x:f>SUM(A1)</x:f></x:c></x:row>', True),
        (b'<row r="2"><c r="B2" t="inlineStr"><is><t>fill, filterColumn</t></is></c></row><filters/>', False),
    ],
)
def test_a_sheet_is_looked_at_for_formula_elements_even_across_the_chunks_it_is_read_in(monkeypatch, xml, found):
    monkeypatch.setattr(tabular_xlsx, "SCAN_CHUNK_BYTES", 7)  # every element split somewhere
    assert tabular_xlsx.has_formulas(io.BytesIO(b"<sheetData>" + xml + b"</sheetData>")) is found


def test_a_damaged_sheet_with_formulas_is_refused_as_damaged():
    rows = [["URN", "Pupils"], *([100000 + n, f"={n}+1"] for n in range(50))]
    message = refusal(with_first_sheet(workbook_bytes(("Data", rows)), lambda xml: xml[: len(xml) // 2]))
    assert message.startswith(UNREADABLE_FILE.format(detail=XLSX_DAMAGED.format(detail="")[:-3]))


@pytest.mark.django_db
def test_a_gias_update_with_uncalculated_formulas_keeps_the_schools_figures_and_reports_the_whole_row():
    from schools import services
    from schools.demo_files import current_gias_header, gias_row
    from schools.models import School

    header = current_gias_header()

    def gias_workbook(**changes) -> bytes:
        row = gias_row(urn=874104, name="Ash Primary School", type_code=1, phase="Primary", pupils=1565, fsm="3.4")
        cells = [int(row[h]) if h == "URN" else changes.get(h, row.get(h, "")) for h in header]
        return workbook_bytes(("Establishments", [header, cells]))

    def run(data: bytes):
        options = {"la_codes": ["874"]}
        return services.import_run(kind="gias", data=data, filename="edubase.xlsx", actor=None, options=options)

    run(gias_workbook())
    record = run(gias_workbook(NumberOfPupils="=SUM(1500,65)", PercentageFSM="=3.4*1"))

    school = School.objects.get(urn=874104)
    assert (school.number_on_roll, school.percentage_fsm) == (1565, Decimal("3.4"))
    message = XLSX_FORMULAS_NOT_CALCULATED.format(columns='"NumberOfPupils" and "PercentageFSM"')
    assert record.errors == [{"row": 2, "column": "(whole row)", "value": "", "message": message}]


# ---- row numbers and sheets ----------------------------------------------------------------------


def test_rows_are_numbered_as_excel_numbers_them_below_blank_rows():
    rows = [[], [], ["URN", "Name"], [100001, "Ash"], [], [], [100002, "Elm"]]
    table = read_table(workbook_bytes(("Data", rows)), "x.xlsx")
    assert table.header_row == 3
    assert [number for number, _ in table.records()] == [4, 7]


def test_a_workbook_whose_first_sheet_has_no_data_says_only_the_first_sheet_is_read_naming_it():
    data = workbook_bytes(
        ("Notes", [["This workbook lists the schools' results for 2025."]]),
        ("Data", [["URN", "Name"], [100001, "Ash"]]),
    )
    assert refusal(data) == XLSX_FIRST_SHEET_ONLY.format(sheet="Notes")
    assert XLSX_FIRST_SHEET_ONLY.format(sheet="Notes").startswith(
        'The first sheet, "Notes", has no data rows, and only the first sheet of a workbook is read.'
    )


def test_a_workbook_whose_first_sheet_is_empty_says_the_same():
    data = workbook_bytes(("Sheet1", []), ("Data", [["URN", "Name"], [100001, "Ash"]]))
    assert refusal(data) == XLSX_FIRST_SHEET_ONLY.format(sheet="Sheet1")


def test_a_workbook_of_one_sheet_with_a_header_only_or_nothing_is_refused_as_before():
    assert refusal(workbook_bytes(("Data", [["URN", "Name"]]))) == NO_DATA_ROWS
    hello = read_table(workbook_bytes(("Data", [["hello"]])), "x.xlsx", header_hint="URN")
    assert (hello.columns, len(hello)) == (["hello"], 0)  # not the expected file: its importer says why
    assert refusal(workbook_bytes(("Data", []))) == EMPTY_FILE


def test_a_workbook_with_its_data_on_the_first_of_several_sheets_is_read():
    data = workbook_bytes(("Data", [["URN", "Name"], [100001, "Ash"]]), ("Notes", [["About this data"]]))
    assert records(data) == [(2, {"URN": "100001", "Name": "Ash"})]


# ---- the module split ----------------------------------------------------------------------------


def test_the_workbook_is_opened_with_core_tabulars_load_workbook_so_a_test_can_forbid_unpacking(monkeypatch):
    monkeypatch.setattr(tabular, "load_workbook", lambda *args, **kwargs: pytest.fail("the workbook was unpacked"))
    with pytest.raises(pytest.fail.Exception):
        read_table(workbook_bytes(("Data", [["URN"], [1]])), "x.xlsx")


def test_every_name_other_modules_import_from_core_tabular_is_still_there():
    for name in [
        "BINARY_FILE",
        "EMPTY_FILE",
        "NO_DATA_ROWS",
        "OLD_EXCEL_FILE",
        "RAGGED_ROW",
        "UNREADABLE_FILE",
        "XLSX_DAMAGED",
        "XLSX_PACKED_TOO_TIGHTLY",
        "XLSX_SHEET_ERRORS",
        "XLSX_TOO_LARGE_UNPACKED",
        "FileRefused",
        "Table",
        "load_workbook",
        "read_table",
        "unpacking_problem",
        "_read_csv_regular",
    ]:
        assert hasattr(tabular, name), name


SHEET = (
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{}</sheetData></worksheet>'
)
PREFIXED_SHEET = (
    '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>{}</x:sheetData>'
    "</x:worksheet>"
)


@pytest.mark.parametrize(
    ("sheet", "rows", "uncalculated"),
    [
        (SHEET, '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><f>SUM(1500,65)</f><v></v></c></row>', {2: {2}}),
        (
            SHEET,
            '<row r="2"><c r="B2" t="str"><f>IF(A2="","",1)</f><v></v></c><c r="C2"><f>1</f><v/></c></row>',
            {2: {3}},
        ),
        (
            SHEET,
            '<row r="3"><c r="D3"><f t="shared" si="0"/></c><c r="E3" t="b"><f>TRUE()</f><v>1</v></c></row>',
            {3: {4}},
        ),
        (
            SHEET,
            '<row r="4">\n  <c r="AA4" s="2">\n    <f>1+1</f>\n  </c>\n</row><row r="5"><c r="A5"><v>2</v></c></row>',
            {4: {27}},
        ),
        (
            PREFIXED_SHEET,
            '<x:row r="2"><x:c r="B2"><x:f>1+1</x:f></x:c><x:c r="C2"><x:f>2</x:f><x:v>2</x:v></x:c></x:row>',
            {2: {2}},
        ),
        (SHEET, "<row><c><v>1</v></c><c><f>1+1</f></c></row><row><c><f>2</f><v>2</v></c></row>", {1: {2}}),
        (SHEET, '<row r="7"><c r="B7"><!-- a note --><f>1+1</f></c></row>', {7: {2}}),
    ],
    ids=["openpyxl's", "empty text is a value", "shared", "pretty-printed", "prefixed", "no references", "a comment"],
)
def test_formulas_read_quickly_are_those_the_xml_parser_finds_or_the_parser_reads_them(
    monkeypatch, sheet, rows, uncalculated
):
    xml = sheet.format(rows).encode()
    assert tabular_xlsx.uncalculated_formulas(io.BytesIO(xml)) == uncalculated
    left_to_the_parser = "r=" not in rows or "<!--" in rows
    for chunk in (7, 1024):
        monkeypatch.setattr(tabular_xlsx, "SCAN_CHUNK_BYTES", chunk)
        quickly = tabular_xlsx.uncalculated_formulas_quickly(io.BytesIO(xml))
        assert quickly == (None if left_to_the_parser else uncalculated)


# ---- damaged and unreadable workbooks ------------------------------------------------------------

DAMAGED = UNREADABLE_FILE.format(detail=XLSX_DAMAGED.format(detail=""))[:-3]  # (the message up to its detail)


@pytest.mark.parametrize(
    "changes",
    [
        {"xl/worksheets/sheet1.xml": None},
        {"xl/workbook.xml": b"<workbook/>"},
        {"xl/styles.xml": b"<?xml ?>"},
        {"xl/styles.xml": b"<styleSheet"},
    ],
    ids=["its sheet left out", "a workbook part naming no sheet", "styles that are not XML", "styles cut short"],
)
def test_a_workbook_with_a_part_missing_or_damaged_is_refused_as_damaged(changes):
    data = with_members(workbook_bytes(("Data", [["URN", "Name"], [100001, "Ash"]])), changes)
    assert refusal(data).startswith(DAMAGED)


@pytest.mark.parametrize(
    "change",
    [(b'activeTab="0"', b'activeTab="first"'), (b"<bookViews>", b'<bookViews><workbookView colour="red"/>')],
    ids=["a number that is not one", "an attribute excel does not write"],
)
def test_a_workbook_part_with_a_setting_no_program_writes_is_refused_as_damaged_in_plain_words(change):
    data = workbook_bytes(("Data", [["URN", "Name"], [100001, "Ash"]]))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        workbook_xml = archive.read("xl/workbook.xml")
    assert change[0] in workbook_xml
    data = with_members(data, {"xl/workbook.xml": workbook_xml.replace(*change)})
    assert refusal(data) == UNREADABLE_FILE.format(
        detail=XLSX_DAMAGED.format(detail=tabular_xlsx.XLSX_UNEXPECTED_VALUE)
    )


def test_a_workbook_with_no_sheet_says_so():
    data = with_members(workbook_bytes(("Data", [["URN"], [100001]])), {"xl/worksheets/sheet1.xml": None})
    assert refusal(data) == UNREADABLE_FILE.format(detail=XLSX_DAMAGED.format(detail=tabular_xlsx.XLSX_NO_SHEET))


def test_a_workbook_saved_as_strict_open_xml_is_refused_saying_how_to_save_it():
    """Excel's "Strict Open XML Spreadsheet" writes the same parts in other namespaces."""
    data = workbook_bytes(("Data", [["URN", "Name"], [100001, "Ash"]]))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in ("_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels")}
    strict = {
        name: content.replace(
            b"http://schemas.openxmlformats.org/officeDocument/2006/", b"http://purl.oclc.org/ooxml/officeDocument/"
        ).replace(
            b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
            b"http://purl.oclc.org/ooxml/spreadsheetml/main",
        )
        for name, content in parts.items()
    }
    assert refusal(with_members(data, strict)) == XLSX_STRICT_OPEN_XML
