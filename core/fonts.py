"""Which characters the server's fonts can print, so a document kept as a record (an issued letter, a
notice of intention) is refused at issue, with the character named, rather than issued and then
never produced (docs/adr/0055).

WeasyPrint draws a character no installed font has as a blank box and warns, and a record with a
warning is refused (core.documents). A letter's words come from many places (its template, an
officer's indicator text, a school's name from GIAS), so the check is on the words kept at issue,
against every font the server has: WeasyPrint falls back from the stylesheet's font to any installed
font (fontconfig) that has the character."""

import functools
import logging
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

log = logging.getLogger(__name__)

# Where fontconfig looks for the system's fonts (Debian's /etc/fonts/fonts.conf), and the kinds of
# font files WeasyPrint draws with.
FONT_DIRECTORIES = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
FONT_SUFFIXES = {".ttf", ".otf", ".ttc", ".otc"}
# Drawn by nobody's font: line breaks, spaces, joiners, direction marks, soft hyphens; and the
# invisible marks of another category that WeasyPrint leaves undrawn without a warning, glyph or
# not: the combining grapheme joiner and the variation selectors ("©️" is "©" and U+FE0F).
NOT_DRAWN = {"Cc", "Cf", "Zs", "Zl", "Zp"}
IGNORABLE = ((0x034F, 0x034F), (0x180B, 0x180F), (0xFE00, 0xFE0F), (0xE0100, 0xE01EF))
SHOWN_AROUND = 30  # characters of the text shown either side of the first unprintable one

UNPRINTABLE = (
    "The {document} cannot be produced: the server has no font with {characters}, first in "
    "“{context}”. Change that text where it is kept (the letter's own words, its template's, or the school's "
    "details) and try again; an approved letter is returned to its drafter first."
)


def _font_files(directories: Iterable[Path]) -> list[Path]:
    return sorted(p for d in directories if d.is_dir() for p in d.rglob("*") if p.suffix.lower() in FONT_SUFFIXES)


@functools.cache
def printable() -> frozenset[int]:
    """The code points some installed font has a glyph for (read once per process)."""
    points: set[int] = set()
    for path in _font_files(FONT_DIRECTORIES):
        try:
            fonts = (
                TTCollection(path, lazy=True).fonts
                if path.suffix.lower() in {".ttc", ".otc"}
                else [TTFont(path, lazy=True)]
            )
            for font in fonts:
                points.update(font.getBestCmap() or {})
        except Exception:  # any damaged file (struct.error, TTLibError...): fontconfig skips it too
            log.warning("The font file %s could not be read; its characters are not counted", path)
            continue
    return frozenset(points)


def missing(text: str) -> list[str]:
    """The characters of `text`, in order of first appearance, that no installed font can draw."""
    fonts = printable()
    seen: dict[str, None] = {}
    for character in text:
        point = ord(character)
        if point in fonts or unicodedata.category(character) in NOT_DRAWN:
            continue
        if not any(first <= point <= last for first, last in IGNORABLE):
            seen.setdefault(character)
    return list(seen)


# What stands in for a character no font has, in a document that is not a record: the first of these
# an installed font has ("?" whatever the fonts).
STAND_INS = ("\ufffd", "\u25a1")


def printable_only(text: str) -> str:
    """The text with each character no installed font has (an emoji pasted into a note of visit)
    replaced by a visible stand-in, "�": for a document that is not a record (a draft, a note, a
    case file), which is then made rather than refused or printed with blank boxes. A record is
    checked where it is kept instead (unprintable_errors)."""
    fonts = printable()
    if text.isascii() or not fonts:  # (no font read at all: fontconfig may still find some; leave it to it)
        return text
    absent = missing("".join(sorted(set(text))))
    if not absent:
        return text
    stand_in = next((c for c in STAND_INS if ord(c) in fonts), "?")
    return text.translate({ord(c): stand_in for c in absent})


def _strings(words) -> Iterable[str]:
    """Every string in a document's kept words (dicts, lists, strings)."""
    if isinstance(words, str):
        yield words
    elif isinstance(words, dict):
        for value in words.values():
            yield from _strings(value)
    elif isinstance(words, (list, tuple)):
        for value in words:
            yield from _strings(value)


def _described(character: str) -> str:
    return f"“{character}” (U+{ord(character):04X} {unicodedata.name(character, 'unnamed character')})"


def unprintable_errors(words, *, document: str) -> list[str]:
    """[UNPRINTABLE] naming the characters of `words` no installed font has, and the text around the
    first of them; [] when every character can be printed."""
    strings = list(_strings(words))
    characters = list(dict.fromkeys(c for text in strings for c in missing(text)))
    if not characters:
        return []
    first = next(text for text in strings if characters[0] in text)
    at = first.index(characters[0])
    context = " ".join(first[max(0, at - SHOWN_AROUND) : at + SHOWN_AROUND + 1].split())
    described = ", ".join(_described(c) for c in characters[:5])
    if len(characters) > 5:
        described += f" and {len(characters) - 5} more"
    return [UNPRINTABLE.format(document=document, characters=described, context=context)]
