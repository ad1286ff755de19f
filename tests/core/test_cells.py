"""Dates read from imported files (core.cells.parse_date): what each wrong value is told."""

import re
from datetime import date

import pytest

from core.cells import NO_SUCH_DATE, NOT_A_DATE, YEAR_OUT_OF_RANGE, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [("29-02-2028", date(2028, 2, 29)), ("01/09/2026", date(2026, 9, 1)), ("2026-12-03", date(2026, 12, 3)),
     (" 3-1-2027 ", date(2027, 1, 3)), ("", None), ("NULL", None)],
)  # fmt: skip
def test_a_date_in_any_of_the_publishers_forms_is_read(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31-02-2027", NO_SUCH_DATE),  # written as a date, but February has no 31st
        ("29-02-2027", NO_SUCH_DATE),  # not a leap year
        ("12/13/2027", NO_SUCH_DATE),  # month first, as a US spreadsheet writes it
        ("2027-02-30", NO_SUCH_DATE),
        ("31-02/2027", NOT_A_DATE),  # mixed separators: not a form the files use
        ("3rd March 2027", NOT_A_DATE),
        ("27-03-27", NOT_A_DATE),
        ("01-01-0001", YEAR_OUT_OF_RANGE.format(earliest=1800, latest=2100)),
    ],
)
def test_a_wrong_date_is_told_whether_its_form_or_its_day_is_wrong(text, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        parse_date(text)
