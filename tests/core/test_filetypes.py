"""What a document is, from its bytes alone (core.filetypes): the one judgement the exchange
(tests/exchange/test_filetypes.py) and the action plan's file (tests/letters/test_action_plans.py)
build their own accepted types on."""

import io
import zipfile

import pytest

from core.filetypes import MACRO_KIND, OLD_OFFICE_KIND, TEXT_KIND, TYPES, extension_of, sniffed_kind


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def office_zip(*members: str, mimetype: bytes | None = None) -> bytes:
    """An Office Open XML package holding `members`, or with `mimetype` an OpenDocument one."""
    first = {"mimetype": mimetype} if mimetype is not None else {"[Content_Types].xml": b"<Types/>"}
    return zipped(first | dict.fromkeys(members, b"<xml/>"))


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DOCX = office_zip("word/document.xml")
XLSX = office_zip("xl/workbook.xml")
PPTX = office_zip("ppt/presentation.xml")
ODT = office_zip("content.xml", mimetype=b"application/vnd.oasis.opendocument.text")
ODS = office_zip("content.xml", mimetype=b"application/vnd.oasis.opendocument.spreadsheet")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF, "pdf"),
        (DOCX, "docx"),
        (XLSX, "xlsx"),
        (PPTX, "pptx"),
        (ODT, "odt"),
        (ODS, "ods"),
        (b"urn,name\n874001,Kingfisher\n", TEXT_KIND),
        ("Caf\u00e9 notes\n".encode("cp1252"), TEXT_KIND),
        ("Caf\u00e9 notes\n".encode(), TEXT_KIND),
    ],
)
def test_each_kind_is_recognised_from_its_bytes(data, kind):
    assert sniffed_kind(data) == kind


def test_an_office_file_with_macros_is_a_macro_file_whatever_else_it_holds():
    for member in ("word/vbaProject.bin", "xl/vbaProject.bin", "ppt/vbaProject.bin"):
        assert sniffed_kind(office_zip("word/document.xml", member)) == MACRO_KIND


def test_an_old_binary_office_file_is_old_office():
    assert sniffed_kind(OLE) == OLD_OFFICE_KIND


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00",  # a program
        b"\x89PNG\r\n\x1a\n",  # another format's signature
        b"text with a NUL \x00 byte",
        b"PK\x03\x04 broken",  # a damaged zip
        office_zip("something.txt"),  # an Office-like zip with no main part
        office_zip("content.xml", mimetype=b"application/zip"),  # OpenDocument of a kind not known
    ],
)
def test_anything_else_is_nothing(data):
    assert sniffed_kind(data) is None


def test_a_zip_without_an_office_directory_is_nothing():
    assert sniffed_kind(zipped({"word/document.xml": b"<w:document/>"})) is None  # no [Content_Types].xml


def test_the_extension_is_the_last_part_of_the_name_in_lower_case():
    assert extension_of("SEF.DOCX") == "docx"
    assert extension_of("plan.v2.pdf") == "pdf"
    assert extension_of("README") == ""
    assert extension_of(".pdf") == ""


def test_each_type_has_its_extension_a_content_type_and_a_label():
    for extension, file_type in TYPES.items():
        assert file_type.extension == extension
        assert "/" in file_type.content_type
        assert file_type.label.startswith(("a ", "an "))
