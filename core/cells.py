"""Parsing of text cells from imported files. Each parser returns a value or raises ValueError
whose message completes the sentence "<column> <message>" on an error report."""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from .text import normalise_text

MISSING_MARKERS = {"", "null", "na", "n/a"}
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d")


def is_missing(text: str) -> bool:
    return text.strip().casefold() in MISSING_MARKERS


def clean_text(text: str, *, max_length: int | None = None) -> str:
    value = " ".join(normalise_text(str(text)).split())
    if value.casefold() == "null":
        return ""
    if max_length is not None and len(value) > max_length:
        raise ValueError(f"is longer than {max_length} characters")
    return value


def parse_int(text: str, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    text = text.strip()
    if is_missing(text):
        return None
    if re.fullmatch(r"-?\d+(\.0+)?", text) is None:
        raise ValueError("is not a whole number")
    value = int(text.split(".")[0])
    if minimum is not None and value < minimum:
        raise ValueError(f"must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise ValueError(f"must be at most {maximum}")
    return value


def parse_decimal(text: str, *, places: int | None = None) -> Decimal | None:
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
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places))
    return value


def parse_date(text: str) -> date | None:
    text = text.strip()
    if is_missing(text):
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError("is not a date in the form dd-mm-yyyy")


def header_key(name: str) -> str:
    """Normalised header for matching: case, runs of spaces and underscores do not matter."""
    return " ".join(str(name).replace("\ufeff", "").replace("_", " ").split()).casefold()
