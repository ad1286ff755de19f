import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core.exports import csv_response, neutralise, xlsx_response


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Kingfisher Primary", "Kingfisher Primary"),
        (None, ""),
        (Decimal("-0.25"), Decimal("-0.25")),
        (-3, -3),
        (True, "Yes"),
    ],
)
def test_neutralise_makes_formula_text_inert_and_keeps_numbers(value, expected):
    assert neutralise(value) == expected


def test_csv_export_neutralises_formulas_and_writes_dates_the_uk_way():
    response = csv_response("x.csv", ["Name", "Date"], [["=1+1", date(2026, 9, 1)]])
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeffName,Date")
    assert "'=1+1,01/09/2026" in body


def test_xlsx_export_stores_a_neutralised_formula_as_text_not_a_formula():
    response = xlsx_response("x.xlsx", "Sheet", ["Name", "Score"], [["=1+1", Decimal("-0.5")]])
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "'=1+1"
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == -0.5
