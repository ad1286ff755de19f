"""A GIAS column's distinct values parsed at once (Text.parse_all, UrnParser.parse_all) give exactly
what parsing each value does, or decline (None) and leave them to the one-by-one parser."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schools.importers.gias_columns import REQUIRED_VALUE, Text, parse_urn

# Letters, spaces of every kind, line breaks, the markers clean_text blanks, and combining accents.
PIECES = st.sampled_from(
    ["a", "B", " ", "  ", "\t", "\n", "\xa0", "\u2003", "\x1c", "\u200b", "null", "NULL", "Not applicable",
     "does not apply", "n/a", "e\u0301", "é", "’", "ǈ", "1", "x" * 30]
)  # fmt: skip
CLEAN = st.sampled_from(["St", "Mary’s", "Côte", "School", "NULLS", "a-b"])
VALUE = st.lists(PIECES, max_size=4).map("".join) | st.lists(CLEAN, max_size=3).map(" ".join)
PARSERS = st.builds(
    Text,
    max_length=st.sampled_from([None, 5, 40]),
    blank_not_applicable=st.booleans(),
    required=st.booleans(),
)


def one_by_one(parse, values):
    parsed = []
    for value in values:
        try:
            parsed.append(parse(value))
        except ValueError as exc:
            parsed.append(("refused", str(exc)))
    return parsed


@settings(max_examples=500, deadline=None)
@given(parse=PARSERS, values=st.lists(VALUE, max_size=6, unique=True))
def test_a_text_column_parsed_at_once_is_what_each_value_parses_to(parse, values):
    at_once = parse.parse_all(values)
    if at_once is not None:
        assert at_once == one_by_one(parse, values)


def test_clean_text_columns_are_parsed_at_once_and_unclean_ones_are_not():
    assert Text(40).parse_all(["St Mary’s", "Côte School", ""]) == ["St Mary’s", "Côte School", ""]
    for unclean in (" Leading", "Double  space", "Tab\there", "null", "No\u00a0break", "x" * 41, "Line\nbreak"):
        assert Text(40).parse_all(["Fine", unclean]) is None
    assert Text(40, required=True).parse_all(["Fine", ""]) is None
    assert Text(40, blank_not_applicable=True).parse_all(["Fine", "Not Applicable"]) is None
    with pytest.raises(ValueError, match=REQUIRED_VALUE):
        Text(40, required=True)("")


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.text(alphabet="0123456789 .٣\n", max_size=14), max_size=5, unique=True))
def test_urns_parsed_at_once_are_what_each_urn_parses_to(values):
    at_once = parse_urn.parse_all(values)
    if at_once is not None:
        assert at_once == one_by_one(parse_urn, values)


def test_plain_urns_are_parsed_at_once_and_others_one_by_one():
    assert parse_urn.parse_all(["100001", "123456"]) == [100001, 123456]
    for other in ("100001.0", " 100001", "12345", "١٠٠٠٠١", "", "123456\n654321"):
        assert parse_urn.parse_all(["100002", other]) is None
