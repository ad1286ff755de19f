"""core.text.normalise_text: the one rule for text entering the system (ADR 0005)."""

import unicodedata

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from core.text import file_size, needs_normalising, normalise_text, single_line


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("first\r\nsecond", "first\nsecond"),
        ("first\rsecond", "first\nsecond"),
        ("Word line break\x0bnext line", "Word line break\nnext line"),
        ("page one\x0cpage two", "page one\npage two"),
        ("next line\x85here", "next line\nhere"),
        ("line\u2028separator", "line\nseparator"),
        ("paragraph\u2029separator", "paragraph\nseparator"),
        ("bell\x07 null\x00 escape\x1b delete\x7f", "bell null escape delete"),
        ("C1\x80 controls\x9f", "C1 controls"),
        ("zero\u200bwidth\u2060joiner", "zerowidthjoiner"),
        ("\ufeffbyte order mark", "byte order mark"),
        ("no-break\u00a0space and narrow\u202fone", "no-break space and narrow one"),
        ("“smart quotes” and ‘single’ – dashes — kept", "“smart quotes” and ‘single’ – dashes — kept"),
        ("tab\tand\nnewline kept", "tab\tand\nnewline kept"),
        ("e\u0301cole", "école"),  # decomposed accent -> NFC
        ("joiners kept: 👩\u200d🏫 می\u200cخواهم", "joiners kept: 👩\u200d🏫 می\u200cخواهم"),
        ("", ""),
    ],
)
def test_text_pasted_from_word_becomes_plain_text(raw, expected):
    assert normalise_text(raw) == expected


def test_a_crlf_becomes_one_line_break_not_two():
    assert normalise_text("a\r\n\r\nb") == "a\n\nb"


def test_a_removed_character_between_a_letter_and_its_accent_still_gives_nfc_text():
    assert normalise_text("e\u200b\u0301") == "é"


ALLOWED_CONTROLS = {"\t", "\n"}


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cs") or ch in "\u2028\u2029\u200b\u2060\ufeff"


@given(st.text())
def test_the_output_never_contains_a_control_character_other_than_tab_and_line_feed(text):
    result = normalise_text(text)
    assert not [ch for ch in result if _is_control(ch) and ch not in ALLOWED_CONTROLS]
    assert unicodedata.is_normalized("NFC", result)


@given(st.text(alphabet=st.characters(codec=None)))
def test_normalising_is_idempotent(text):
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert not needs_normalising(once)


ORDINARY = st.characters(categories=["Lu", "Ll", "Nd", "Zs", "Pd", "Pi", "Pf"], exclude_characters="\u00a0\u202f")


@given(st.text(alphabet=ORDINARY))
def test_ordinary_text_is_left_as_it_is(text):
    assert normalise_text(text) == unicodedata.normalize("NFC", text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Grace\nHolt", "Grace Holt"),
        ("Grace \n Holt", "Grace Holt"),
        ("Grace\tHolt", "Grace Holt"),
        ("Grace\r\n\nHolt", "Grace Holt"),
        ("Grace  Holt", "Grace  Holt"),  # no line break: left exactly as it is
        ("", ""),
    ],
)
def test_a_one_line_value_turns_each_line_break_into_a_space(value, expected):
    assert single_line(value) == expected


@pytest.mark.django_db
def test_a_one_line_field_never_stores_a_line_break_whoever_saves_it():
    from tests.factories import SchoolFactory

    school = SchoolFactory(name="Kingfisher\nPrimary School", chair_of_governors="Grace\tHolt")
    school.refresh_from_db()
    assert (school.name, school.chair_of_governors) == ("Kingfisher Primary School", "Grace Holt")


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (1023, "1,023 bytes"),
        (1024, "1KB"),
        (1536, "1.5KB"),
        (2 * 1024 * 1024, "2MB"),
        (150 * 1024 * 1024, "150MB"),
        (1024 * 1024 - 1, "1MB"),  # 1,023.999KB rounds to 1,024KB: the next unit
        (1024 * 1000 + 500, "1,000.5KB"),
        (5 * 1024**3, "5GB"),
        (3000 * 1024**3, "3,000GB"),
    ],
)
def test_a_file_size_is_written_as_gov_uk_writes_it_with_no_trailing_point_zero(size, expected):
    assert file_size(size) == expected
    assert Template("{{ size|file_size }}").render(Context({"size": size})) == expected


@pytest.mark.parametrize("value", [None, "", "not a size"])
def test_a_missing_or_unreadable_file_size_shows_nothing_rather_than_failing_the_page(value):
    assert Template("{{ size|file_size }}").render(Context({"size": value})) == ""
    assert Template("{{ nothing|file_size }}").render(Context({})) == ""
