"""A text document saved by Notepad as "Unicode" (UTF-16 with its byte order mark) is text: it is
accepted as .txt or .csv, stored and downloaded exactly as uploaded (docs/adr/0034)."""

import codecs

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exchange import filetypes
from exchange.filetypes import checked_type
from exchange.models import Document

NOTES = "Café notes: “Year 6” reading\r\nÉcole partner visit ✓\r\n"
NOTEPAD_UNICODE = codecs.BOM_UTF16_LE + NOTES.encode("utf-16-le")  # Notepad's "Unicode"
BIG_ENDIAN = codecs.BOM_UTF16_BE + NOTES.encode("utf-16-be")  # "Unicode big endian"


@pytest.mark.parametrize("data", [NOTEPAD_UNICODE, BIG_ENDIAN])
@pytest.mark.parametrize(("name", "content_type"), [("notes.txt", "text/plain"), ("notes.csv", "text/csv")])
def test_utf16_text_with_its_byte_order_mark_is_accepted_as_text(data, name, content_type):
    assert checked_type(name=name, data=data).content_type == content_type


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF16_LE + b"\x00\x00" + "notes".encode("utf-16-le"),  # a NUL character
        codecs.BOM_UTF32_LE + "notes".encode("utf-32-le"),  # UTF-32: UTF-16's mark, then zeros
        NOTEPAD_UNICODE + b"x",  # an odd byte
        codecs.BOM_UTF16_LE + b"\x00\xd8a\x00",  # a lone surrogate
        "notes".encode("utf-16-le"),  # no byte order mark: nothing says it is UTF-16
    ],
)
def test_bytes_that_are_not_utf16_text_are_still_not_text(data):
    with pytest.raises(ValidationError) as caught:
        checked_type(name="notes.txt", data=data)
    assert caught.value.message_dict["file"] == [filetypes.MISMATCH.format(extension="txt", found="not text")]


@pytest.mark.django_db
def test_the_headteacher_uploads_a_notepad_unicode_text_and_it_downloads_as_uploaded(client_as, linked):
    client = client_as("headteacher")
    upload = SimpleUploadedFile("Notes.txt", NOTEPAD_UNICODE)
    response = client.post(
        reverse("exchange:list", kwargs={"urn": linked.urn}), {"kind": "other", "title": "Notes", "file": upload}
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.content_type == "text/plain"
    download = client.get(reverse("exchange:download", kwargs={"urn": linked.urn, "pk": document.pk}))
    assert b"".join(download.streaming_content) == NOTEPAD_UNICODE
