"""core.fonts: the characters the server's fonts cannot print are the ones WeasyPrint draws as a blank
box (and warns about), so a record refused for them at issue is refused for the right reason."""

import logging

import pytest
from weasyprint import HTML

from core import fonts

# A spread: Latin with accents and Welsh, typographic marks, currency, then scripts a Debian server
# with only fonts-liberation lacks (which of them it lacks depends on the fonts installed: the test
# compares the check with WeasyPrint on this machine, whatever it has).
CHARACTERS = ["é", "ŵ", "ŷ", "“", "’", "–", "€", "£", "ß", "Ø", "Ω", "ж", "﷽", "学", "न", "\ue000"]
CHARACTERS += ["\ufe0f", "\u034f", "\U000e0100"]  # a variation selector ("©️"), the grapheme joiner


def weasyprint_warns(character: str, caplog) -> bool:
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        HTML(string=f"<p style=\"font-family: 'Liberation Sans', Arial, sans-serif\">a{character}b</p>").write_pdf()
    return any(record.name.startswith("weasyprint") for record in caplog.records)


@pytest.mark.parametrize("character", CHARACTERS, ids=[f"U+{ord(c):04X}" for c in CHARACTERS])
def test_a_character_is_unprintable_exactly_when_weasyprint_draws_it_as_a_missing_glyph(character, caplog):
    assert (fonts.missing(character) == [character]) == weasyprint_warns(character, caplog)


def test_spaces_line_breaks_and_joiners_are_never_counted_as_unprintable():
    assert fonts.missing("a b\nc\u00a0d\u200de\u00adf\u2028g") == []


def test_the_message_names_each_character_once_and_shows_the_text_around_the_first(monkeypatch):
    monkeypatch.setattr(fonts, "printable", lambda: frozenset(range(0xE000)))  # a server without U+E000
    errors = fonts.unprintable_errors(
        {"blocks": [{"text": "We wrote to the school about \ue000 its plan \ue000."}], "name": "x"}, document="letter"
    )
    assert errors == [
        fonts.UNPRINTABLE.format(
            document="letter",
            characters="“\ue000” (U+E000 unnamed character)",
            context="We wrote to the school about \ue000 its plan \ue000.",
        )
    ]
    assert fonts.unprintable_errors({"blocks": [{"text": "Dear Ms Ŵyn, £5 – “fine”"}]}, document="letter") == []


def test_a_font_file_that_cannot_be_read_is_skipped_and_the_others_still_count(monkeypatch, tmp_path, caplog):
    liberation = next(path for path in fonts._font_files(fonts.FONT_DIRECTORIES) if "Liberation" in path.name)
    (tmp_path / "good.ttf").write_bytes(liberation.read_bytes())
    (tmp_path / "damaged.ttc").write_bytes(b"ttcf\x00\x01\x00\x00\x00\x00")  # a collection's header, cut short
    (tmp_path / "empty.otf").write_bytes(b"")
    monkeypatch.setattr(fonts, "FONT_DIRECTORIES", (tmp_path,))
    fonts.printable.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="core.fonts"):
            assert fonts.missing("Dear Ms Ŵyn") == []
        assert fonts.missing("学") == ["学"]
        assert sum("could not be read" in record.getMessage() for record in caplog.records) == 2
    finally:
        fonts.printable.cache_clear()


def test_a_stand_in_replaces_only_what_no_font_has_and_nothing_when_no_font_was_read(monkeypatch):
    monkeypatch.setattr(fonts, "printable", lambda: frozenset(range(0xE000)) | {0xFFFD})
    assert fonts.printable_only("café £5 \ue000 <b>x</b>") == "café £5 \ufffd <b>x</b>"
    monkeypatch.setattr(fonts, "printable", lambda: frozenset())  # the fonts are elsewhere: leave it to fontconfig
    assert fonts.printable_only("café \ue000") == "café \ue000"
