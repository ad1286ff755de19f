"""Parsing of text cells from imported files. Each parser returns a value or raises ValueError
whose message completes the sentence "<column> <message>" on an error report."""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from .text import needs_normalising, normalise_text

MISSING_MARKERS = {"", "null", "na", "n/a"}
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d")
EARLIEST_YEAR, LATEST_YEAR = 1800, 2100  # the years a school's or an inspection's date can be in
YEAR_OUT_OF_RANGE = "must be a date in a year from {earliest} to {latest}"
NOT_A_DATE = "is not a date in the form dd-mm-yyyy"
NO_SUCH_DATE = "is not a real date: check the day and the month"
# Written as a date is (dd-mm-yyyy, dd/mm/yyyy, yyyy-mm-dd), whether or not the day exists.
_DATE_SHAPE = re.compile(r"[0-9]{1,2}([-/])[0-9]{1,2}\1[0-9]{4}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
NUMBER_TOO_LARGE = "is too large: it must be between -{largest} and {largest}"
NUMBER_FAR_TOO_LARGE = "is too large a number"


def is_missing(text: str) -> bool:
    return text.strip().casefold() in MISSING_MARKERS


def clean_text(text: str, *, max_length: int | None = None) -> str:
    value = " ".join(normalise_text(str(text)).split())
    if value.casefold() == "null":
        return ""
    if max_length is not None and len(value) > max_length:
        raise ValueError(f"is longer than {max_length} characters")
    return value


# Anything clean_text would change on a line of text: whitespace other than single spaces between
# words (str.split's whitespace is re's \s), spaces at either end.
_UNCLEAN_SPACE = re.compile(r"[^\S \n]|  |^ | $", re.MULTILINE)
_MISSING_LINE = re.compile(r"^null$", re.MULTILINE)


def already_clean(values: list[str], *, max_length: int | None = None, refused: tuple[str, ...] = ()) -> bool:
    """Whether clean_text would return every one of these values unchanged, without an error, and
    none is one of `refused` (casefolded): checked over the values joined, with no call per value
    (an England-sized file's names, streets and postcodes: 400,000 calls)."""
    try:
        joined = "\n".join(values)
    except TypeError:  # not all text (a spreadsheet's empty cell)
        return False
    if joined.count("\n") != len(values) - 1 or needs_normalising(joined) or _UNCLEAN_SPACE.search(joined):
        return False
    folded = joined.casefold()  # per character: each value's line stays a line
    if _MISSING_LINE.search(folded) or any(re.search(f"^{re.escape(r)}$", folded, re.MULTILINE) for r in refused):
        return False
    return max_length is None or not values or max(map(len, values)) <= max_length


def parse_int(text: str, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    text = text.strip()
    if is_missing(text):
        return None
    if re.fullmatch(r"-?[0-9]+(\.0+)?", text) is None:
        raise ValueError("is not a whole number")
    value = int(text.split(".")[0])
    if minimum is not None and value < minimum:
        raise ValueError(f"must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise ValueError(f"must be at most {maximum}")
    return value


def parse_decimal(text: str, *, places: int | None = None, max_digits: int | None = None) -> Decimal | None:
    """A number, rounded to `places` decimal places; with `max_digits` (a DecimalField's), refused
    when it is too large for the column, never cut short or stored altered (docs/adr/0011)."""
    text = text.strip().replace(",", "")
    if is_missing(text):
        return None
    if text.endswith("%"):
        text = text[:-1]
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError("is not a number") from None
    if not value.is_finite():
        raise ValueError("is not a number")
    if max_digits is not None:
        step = Decimal(1).scaleb(-(places or 0))
        largest = Decimal(10) ** (max_digits - (places or 0)) - step
        if abs(value) >= largest + step / 2:  # it would round up past the largest
            raise ValueError(NUMBER_TOO_LARGE.format(largest=f"{largest:,}"))
    if places is not None:
        try:
            value = value.quantize(Decimal(1).scaleb(-places))
        except InvalidOperation:  # more digits than Python's decimals carry (28): 1e30, 29 digits
            raise ValueError(NUMBER_FAR_TOO_LARGE) from None
    return value


def parse_date(text: str, *, earliest_year: int = EARLIEST_YEAR, latest_year: int = LATEST_YEAR) -> date | None:
    """A date in one of DATE_FORMATS whose year is one this data can mean: year 0001 (a placeholder,
    or a slip of the keyboard) is refused, not stored."""
    text = text.strip()
    if is_missing(text):
        return None
    for fmt in DATE_FORMATS:
        try:
            value = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if not earliest_year <= value.year <= latest_year:
            raise ValueError(YEAR_OUT_OF_RANGE.format(earliest=earliest_year, latest=latest_year))
        return value
    raise ValueError(NO_SUCH_DATE if _DATE_SHAPE.fullmatch(text) else NOT_A_DATE)


def header_key(name: str) -> str:
    """Normalised header for matching: case, runs of spaces and underscores do not matter."""
    return " ".join(str(name).replace("\ufeff", "").replace("_", " ").split()).casefold()
