"""Text as it enters the system (one rule for every form and every imported cell), and words for
counts shown to people (`count_of`: "1 row", "2 rows", never "1 rows").

Text pasted from Word or another application carries characters that are not text a person meant to
type (vertical tabs for Word's line breaks, form feeds for page breaks, zero-width spaces, byte order
marks, C0/C1 control characters). They are invisible on the page, break searches and comparisons,
and some of them cannot be written to a Word document or a PDF at all (XML 1.0 forbids most C0
controls). `normalise_text` turns them into plain text once, where the text enters (the request
middleware core.middleware.NormaliseTextMiddleware, the file-import cell reader core.tabular), and
the document builders apply it again to what they write, so that older stored text cannot break a
document either. See docs/adr/0005-letterheads-and-word-documents.md."""

import re
import unicodedata

# Line breaks by another name: vertical tab (Word's manual line break), form feed (page break),
# NEL (C1 next line), LINE SEPARATOR and PARAGRAPH SEPARATOR.
LINE_BREAKS = "\x0b\x0c\x85\u2028\u2029"
# Zero-width and invisible characters with no meaning in this product's text: ZERO WIDTH SPACE,
# WORD JOINER, ZERO WIDTH NO-BREAK SPACE (the byte order mark), MONGOLIAN VOWEL SEPARATOR (formerly
# zero-width), SOFT HYPHEN is kept (a valid hint). ZWJ and ZWNJ are kept: they carry meaning in
# emoji sequences and in scripts such as Persian and the Indic scripts.
INVISIBLE = "\u200b\u2060\ufeff\u180e"
# Bidirectional embedding, override and isolate controls (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI,
# PDI): invisible, they reorder the text around them, so "txt.exe" can display as "exe.txt" and a
# name can read differently from what is stored and searched ("Trojan Source", CVE-2021-42574).
# The marks LRM, RLM and ALM are kept: mixed right-to-left text needs them and they reorder nothing
# beyond a neutral character. ADR 0010.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
NO_BREAK_SPACES = "\u00a0\u202f"  # NO-BREAK SPACE, NARROW NO-BREAK SPACE -> a plain space

_C0_C1 = "".join(chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)] if chr(c) not in "\t\n\r" + LINE_BREAKS)
# Removed: control characters except TAB, LF and the line breaks above; invisible characters;
# lone surrogates and the noncharacters U+FFFE/U+FFFF (not allowed in XML).
_REMOVE = re.compile(f"[{re.escape(_C0_C1 + INVISIBLE + BIDI_CONTROLS)}\ud800-\udfff\ufffe\uffff]")
_BREAKS = re.compile(f"\r\n|[\r{LINE_BREAKS}]")
_SPACES = re.compile(f"[{NO_BREAK_SPACES}]")
# Anything the rule would change (the fast path skips the rest).
_CHANGES = re.compile(
    f"[{re.escape(_C0_C1 + INVISIBLE + BIDI_CONTROLS + NO_BREAK_SPACES + LINE_BREAKS)}\r\ud800-\udfff\ufffe\uffff]"
)


def normalise_text(value: str) -> str:
    """Text as the system keeps it: CRLF, CR, VT, FF, NEL, LS and PS become LF; other control
    characters (all but TAB and LF), zero-width characters, the byte order mark, bidirectional
    embedding/override/isolate controls, lone surrogates and noncharacters are removed; no-break
    spaces become spaces; then Unicode NFC. Smart quotes, dashes, accents and every other printable
    character are kept. Idempotent."""
    if not needs_normalising(value):
        return value
    value = _REMOVE.sub("", value)
    value = _BREAKS.sub("\n", value)
    value = _SPACES.sub(" ", value)
    return unicodedata.normalize("NFC", value)


_LINE_BREAK_RUN = re.compile(r"\s*[\n\r\t]\s*")


def single_line(value: str) -> str:
    """A one-line value (a name, a subject, a model CharField): each line break or tab, with the
    spaces around it, becomes one space. Text pasted from Word into a one-line box arrives with
    Word's line breaks (vertical tabs, normalised to LF); kept, they would print as a break in the
    Word document and as a space in the PDF of the same letter."""
    return _LINE_BREAK_RUN.sub(" ", value) if _LINE_BREAK_RUN.search(value) else value


def in_sentence(text: str) -> str:
    """A label inside a sentence: its first letter lower case, unless its first word is an acronym
    ("MSP meeting"); every other word as written ("meeting with the trust CEO", not "trust ceo",
    which str.lower() makes of "Meeting with the trust CEO")."""
    first_word = text.split(" ", 1)[0]
    if not first_word or first_word[1:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def is_number(value: str) -> bool:
    """Digits 0-9 only, as in a URN or an id typed or sent in an address: int() reads them.
    (str.isdigit() is also true of "²" and "①", which int() refuses.)"""
    return value.isascii() and value.isdigit()


def needs_normalising(value: str) -> bool:
    """Whether normalise_text would change the text (a cheap check over a whole file)."""
    return _CHANGES.search(value) is not None or not (value.isascii() or unicodedata.is_normalized("NFC", value))


def file_size(size: int) -> str:
    """A file's size as GOV.UK writes it: "2MB", "1.5MB", "340KB", "1 byte", "512 bytes" (one
    place after the point, none when it is 0; units of 1,024, as the upload limits are set).
    Django's filesizeformat gives "2.0\xa0MB"."""
    if size < 1024:
        return count_of(size, "byte")
    for power, unit in enumerate(("KB", "MB", "GB"), start=1):
        rounded = round(size / 1024**power, 1)
        if rounded < 1024 or unit == "GB":
            return f"{rounded:,.1f}".removesuffix(".0") + unit
    raise AssertionError("unreachable")


def count_of(count: int, singular: str, plural: str | None = None) -> str:
    """The count with thousands separators and the noun (phrase) that agrees with it. `plural`
    defaults to `singular` + "s"; give it for irregular phrases: count_of(n, "row is", "rows are")."""
    words = singular if count == 1 else (plural if plural is not None else f"{singular}s")
    return f"{count:,} {words}"
