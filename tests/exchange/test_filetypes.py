"""What a document is comes from its bytes, and must agree with its name (docs/adr/0034)."""

import pytest
from django.core.exceptions import ValidationError

from exchange import filetypes
from exchange.filetypes import checked_type
from tests.exchange.conftest import DOCX, ODS, ODT, PDF, PPTX, XLSX, office_zip


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("plan.pdf", PDF, "application/pdf"),
        ("SEF.DOCX", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("data.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("slides.pptx", PPTX, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        ("plan.odt", ODT, "application/vnd.oasis.opendocument.text"),
        ("data.ods", ODS, "application/vnd.oasis.opendocument.spreadsheet"),
        ("data.csv", b"urn,name\n874001,Kingfisher\n", "text/csv"),
        ("notes.txt", "Caf\u00e9 notes\n".encode("cp1252"), "text/plain"),
    ],
)
def test_each_accepted_type_is_recognised_from_its_bytes(name, data, content_type):
    assert checked_type(name=name, data=data).content_type == content_type


def message(name, data):
    with pytest.raises(ValidationError) as caught:
        checked_type(name=name, data=data)
    return caught.value.message_dict["file"][0]


def test_a_file_whose_bytes_do_not_match_its_extension_is_refused():
    assert message("plan.docx", PDF) == filetypes.MISMATCH.format(extension="docx", found="a PDF")
    assert message("plan.pdf", DOCX) == filetypes.MISMATCH.format(extension="pdf", found="a Word document")
    assert message("plan.pdf", b"just some text") == filetypes.MISMATCH.format(extension="pdf", found="text")
    assert message("data.csv", PDF) == filetypes.MISMATCH.format(extension="csv", found="a PDF")
    assert message("data.xlsx", DOCX) == filetypes.MISMATCH.format(extension="xlsx", found="a Word document")


def test_a_program_renamed_as_a_document_is_refused():
    assert message("plan.pdf", b"MZ\x90\x00\x03\x00\x00\x00") == filetypes.UNREADABLE.format(expected="a PDF")
    assert message("notes.txt", b"MZ\x90\x00\x03\x00\x00\x00") == filetypes.MISMATCH.format(
        extension="txt", found="not text"
    )


def test_other_types_and_names_without_a_type_are_refused():
    assert message("virus.exe", b"MZ") == filetypes.UNSUPPORTED
    assert message("page.html", b"<script>") == filetypes.UNSUPPORTED
    assert message("README", b"text") == filetypes.NO_EXTENSION
    assert message(".pdf", PDF) == filetypes.NO_EXTENSION
    assert message("plan.pdf", b"") == filetypes.EMPTY


def test_old_office_files_and_macros_are_refused():
    assert message("plan.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") == filetypes.OLD_OFFICE
    assert message("plan.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") == filetypes.OLD_OFFICE
    assert message("plan.docx", office_zip("word/document.xml", "word/vbaProject.bin")) == filetypes.MACROS


def test_a_zip_that_is_not_an_office_document_is_refused():
    assert message("plan.docx", office_zip("something.txt")) == filetypes.UNREADABLE.format(expected="a Word document")
    assert message("plan.docx", b"PK\x03\x04 broken") == filetypes.UNREADABLE.format(expected="a Word document")
