"""Uploads (core.uploads, docs/adr/0015): each file is counted against its page's limit as it streams
in, and past it nothing more is kept, in memory or on disk; the form then says why. What a
spreadsheet is comes from its bytes, and stored files get names the service makes.

The large files are real files written to tmp_path and streamed to the app through its WSGI handler
chunk by chunk, as a server would, so the test's own memory holds none of them."""

import copy
import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.test.client import ClientHandler
from django.urls import reverse
from openpyxl import Workbook
from PIL import Image

from core import tabular
from core.tabular import (
    XLSX_PACKED_TOO_TIGHTLY,
    XLSX_TOO_LARGE_UNPACKED,
    XLSX_TOO_LARGE_UNPACKED_PAST,
    FileRefused,
    read_table,
)
from core.uploads import (
    FILE_EMPTY,
    FORM_FIELDS_ALLOWANCE,
    NO_FILE_HERE,
    NOT_A_SPREADSHEET,
    NOT_A_WORKBOOK,
    NOT_TEXT,
    NOT_TEXT_AT_LINE,
    OLD_EXCEL,
    OTHER_SEPARATOR,
    PASSWORD_PROTECTED,
    UTF16_TEXT,
    WEB_PAGE,
    RefusedUpload,
    original_name,
    spreadsheet_kind,
    stored_name,
)
from schools import services
from schools.forms import FILE_TOO_LARGE, LOGO_FILE_TOO_LARGE
from schools.logos import LOGO_MAX_BYTES
from schools.models import ImportRecord, ImportStatus, Letterhead
from tests.core.test_tabular import ENCRYPTED_WORKBOOK, ole_bytes

MB = 1024 * 1024
BOUNDARY = "----upload-test-boundary"
GIAS_CSV = b"URN,EstablishmentName,LA (code)\n874201,Skylark Primary School,874\n"


class StreamedBody(io.RawIOBase):
    """A multipart body read from its parts in order (bytes, or a file on disk read as asked):
    what the server hands the app, never held whole. Counts what the app reads."""

    def __init__(self, parts):
        self.parts = [io.BytesIO(part) if isinstance(part, bytes) else part for part in parts]
        self.consumed = 0
        self.largest_read = 0

    def readable(self):
        return True

    def read(self, size=-1):
        out = b""
        while self.parts and (size < 0 or len(out) < size):
            piece = self.parts[0].read(-1 if size < 0 else size - len(out))
            if not piece:
                self.parts.pop(0)
                continue
            out += piece
        self.consumed += len(out)
        self.largest_read = max(self.largest_read, len(out))
        return out

    def readline(self, size=-1):
        return self.read(size)


def multipart(fields: dict[str, str], field: str, filename: str, path: Path) -> tuple[list, int]:
    head = b"".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    head += (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    return [head, path.open("rb"), tail], len(head) + path.stat().st_size + len(tail)


def streamed_post(client, url: str, *, field: str, path: Path, filename: str, fields=None, content_length=None):
    """POST the file at `path` through the app's handler (middleware, CSRF exempted as the test
    client does), streaming the body; the response keeps its request (response.wsgi_request)."""
    parts, length = multipart(fields or {}, field, filename, path)
    body = StreamedBody(parts)
    environ = client._base_environ(
        PATH_INFO=url,
        REQUEST_METHOD="POST",
        CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(content_length if content_length is not None else length),
        **{"wsgi.input": body},
    )
    try:
        response = ClientHandler(enforce_csrf_checks=False)(environ)
    finally:
        parts[1].close()
    return response, body, length


def big_file(path: Path, size: int, *, start: bytes = GIAS_CSV, fill: bytes = b"874999,Filler School,874\n") -> Path:
    with path.open("wb") as out:
        out.write(start)
        written = len(start)
        block = fill * (MB // len(fill))
        while written < size:
            out.write(block[: size - written])
            written += min(len(block), size - written)
    return path


def peak_memory(call):
    tracemalloc.start()
    try:
        result = call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def warm_up(client, tmp_path):
    """One small refused upload first: the first request in a process imports modules and
    compiles templates, which would count towards the peak of the one measured."""
    small = tmp_path / "warm-up.csv"
    small.write_bytes(b"\x00")
    streamed_post(client, IMPORT_URL, field="file", path=small, filename="warm-up.csv")


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (11, 79, 108)).save(buffer, "PNG")
    return buffer.getvalue()


IMPORT_URL = "/schools/imports/new/gias/"


# ---- the size limit, while the file streams in -------------------------------------------------


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused_as_it_streams_in_and_the_form_says_why(client_as, settings, tmp_path):
    settings.IMPORT_MAX_UPLOAD_BYTES = 2 * MB
    client = client_as("admin")
    path = big_file(tmp_path / "england.csv", 60 * MB)
    warm_up(client, tmp_path)

    (response, body, length), peak = peak_memory(
        lambda: streamed_post(client, IMPORT_URL, field="file", path=path, filename="england.csv")
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert FILE_TOO_LARGE.format(limit="2MB") in page
    assert "There is a problem" in page  # the GOV.UK error summary, on the form, not an error page
    assert not ImportRecord.objects.exists()
    handler = response.wsgi_request.upload_handlers[0]
    assert handler.received <= 2 * MB  # nothing past the limit went on to memory or disk
    assert isinstance(response.wsgi_request.FILES["file"], RefusedUpload)
    assert body.consumed == length  # the rest was read and dropped, chunk by chunk
    assert body.largest_read <= 64 * 1024
    assert peak < 12 * MB, f"the upload used {peak / MB:.0f} MB of memory"


@pytest.mark.django_db
def test_the_import_form_says_how_large_a_file_may_be(client_as, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 2 * MB
    assert "No larger than 2MB." in client_as("admin").get(IMPORT_URL).content.decode()


@pytest.mark.django_db
def test_a_body_whose_content_length_is_over_the_limit_passes_no_byte_of_its_file_on(client_as, settings, tmp_path):
    settings.IMPORT_MAX_UPLOAD_BYTES = MB
    path = big_file(tmp_path / "small.csv", 100 * 1024)
    response, _, _ = streamed_post(
        client_as("admin"),
        IMPORT_URL,
        field="file",
        path=path,
        filename="small.csv",
        content_length=MB + FORM_FIELDS_ALLOWANCE + 1,  # what the client claims is coming
    )
    assert response.wsgi_request.upload_handlers[0].received == 0
    assert FILE_TOO_LARGE.format(limit="1MB") in response.content.decode()


@pytest.mark.django_db
def test_a_file_within_the_limit_is_stored_in_chunks_and_checked(client_as, settings, tmp_path):
    settings.IMPORT_MAX_UPLOAD_BYTES = 50 * MB
    path = big_file(tmp_path / "gias.csv", 3 * MB)
    response, _, _ = streamed_post(client_as("admin"), IMPORT_URL, field="file", path=path, filename="gias.csv")
    record = ImportRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == record.get_absolute_url()
    assert record.size_bytes == path.stat().st_size


@pytest.mark.django_db
def test_a_binary_file_is_refused_from_its_bytes_without_being_read_whole(client_as, settings, tmp_path):
    settings.IMPORT_MAX_UPLOAD_BYTES = 100 * MB
    path = big_file(tmp_path / "export.csv", 40 * MB)
    with path.open("ab") as out:
        out.write(b"\x00\x01\x02 binary at the very end")
    client = client_as("admin")
    warm_up(client, tmp_path)
    (response, _, _), peak = peak_memory(
        lambda: streamed_post(client, IMPORT_URL, field="file", path=path, filename="export.csv")
    )
    assert response.status_code == 200
    assert NOT_TEXT in response.content.decode()
    assert not ImportRecord.objects.exists()
    assert peak < 12 * MB, f"the check used {peak / MB:.0f} MB of memory"


@pytest.mark.django_db
def test_a_logo_over_1_mb_is_refused_as_it_streams_in_with_the_forms_message(client_as, tmp_path):
    path = tmp_path / "logo.png"
    path.write_bytes(png_bytes() + b"\x00" * (3 * MB))
    fields = {"council_name": "Peterborough City Council", "save": ""}
    response, _, _ = streamed_post(
        client_as("admin"), reverse("schools:letterhead_edit", args=["874"]), field="logo", path=path,
        filename="logo.png", fields=fields,
    )  # fmt: skip
    assert response.status_code == 200
    assert LOGO_FILE_TOO_LARGE in response.content.decode()
    assert response.wsgi_request.upload_handlers[0].received <= LOGO_MAX_BYTES
    assert not Letterhead.objects.filter(la_code="874", logo__gt="").exists()


def test_a_page_that_takes_no_file_keeps_none_of_one():
    request = RequestFactory().post("/visits/new/", {"note": "x", "file": SimpleUploadedFile("a.csv", GIAS_CSV)})
    refused = request.FILES["file"]
    assert isinstance(refused, RefusedUpload)
    assert refused.message == NO_FILE_HERE
    assert request.POST["note"] == "x"


def test_a_page_with_a_limit_keeps_a_file_within_it():
    request = RequestFactory().post(IMPORT_URL, {"file": SimpleUploadedFile("a.csv", GIAS_CSV)})
    assert request.FILES["file"].read() == GIAS_CSV


# ---- what a spreadsheet is, from its bytes -----------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [GIAS_CSV, "URN,Name\n1,Ysgol Gymraeg Brynsierfel – Côr\n".encode("cp1252"), "\ufeffURN\n1\n".encode()],
    ids=["utf-8", "windows-1252", "utf-8 with BOM"],
)
def test_csv_in_a_known_encoding_is_a_csv_file(data):
    assert spreadsheet_kind(SimpleUploadedFile("whatever.xlsx", data)) == "csv"


def test_a_workbook_is_an_xlsx_file_whatever_its_name():
    assert spreadsheet_kind(SimpleUploadedFile("gias.csv", xlsx_bytes([["URN"], ["874201"]]))) == "xlsx"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (zip_bytes({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<Types/>"}), NOT_A_WORKBOOK),
        (b"PK\x03\x04 not really a zip", NOT_A_WORKBOOK),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, OLD_EXCEL),
        (ole_bytes({"Workbook": b"BIFF8 records"}), OLD_EXCEL),
        (ole_bytes(ENCRYPTED_WORKBOOK), PASSWORD_PROTECTED),
        (png_bytes(), NOT_A_SPREADSHEET),
        (b"%PDF-1.7\n", NOT_A_SPREADSHEET),
        ("URN,Name\n".encode("utf-16"), UTF16_TEXT),
        ("URN,Name\n874001,Kingfisher\n".encode("utf-16-be"), UTF16_TEXT),  # no byte order mark: its NUL bytes tell
        ("URN,Name\n874001,Kingfisher\n".encode("utf-16-le"), UTF16_TEXT),
        (b"URN,Name\n874001,Kingfisher\n874002,Ash\x00tree\n", NOT_TEXT_AT_LINE.format(line=3)),
        (b"URN;Name;Phase\n874001;Kingfisher;Primary\n", OTHER_SEPARATOR.format(separator="semicolons")),
        (b"URN\tName\tPhase\n874001\tKingfisher\tPrimary\n", OTHER_SEPARATOR.format(separator="tabs")),
        (b"URN;Name;Phase\r874001;Kingfisher, Ash;Primary\r", OTHER_SEPARATOR.format(separator="semicolons")),
        (b"\xef\xbb\xbf\r\n  <!DOCTYPE html><html><body>Sign in</body></html>", WEB_PAGE),
        (b"<HTML><head><title>404</title></head></HTML>", WEB_PAGE),
        (b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">', NOT_A_SPREADSHEET),
    ],
    ids=[
        "docx",
        "broken zip",
        "xls",
        "xls compound file",
        "xlsx encrypted with a password",
        "png",
        "pdf",
        "utf-16",
        "utf-16 big-endian without bom",
        "utf-16 little-endian without bom",
        "a nul on line 3",
        "semicolons",
        "tabs",
        "semicolons with old mac line ends",
        "html page",
        "html upper case",
        "xml spreadsheet",
    ],
)
def test_anything_else_is_refused_whatever_its_name(data, message):
    with pytest.raises(ValidationError) as refused:
        spreadsheet_kind(SimpleUploadedFile("gias.csv", data))
    assert refused.value.messages == [message]


def workbook_with(extra: dict[str, bytes]) -> bytes:
    """A real workbook with more members, deflated as Excel would."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx_bytes([["URN"], ["874201"]]))) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            target.writestr(member, source.read(member))
        for name, data in extra.items():
            target.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_bomb_workbook_is_refused_from_its_directory_before_anything_is_unpacked(admin_user, monkeypatch):
    """20 MB of one byte packs into about 20 KB (1,000 times): no worksheet packs like that."""
    bomb = workbook_with({"xl/worksheets/sheet2.xml": b"\x00" * (20 * MB)})
    assert len(bomb) < 100_000
    with pytest.raises(ValidationError) as refused:
        spreadsheet_kind(SimpleUploadedFile("gias.xlsx", bomb))
    (message,) = refused.value.messages
    ratio = int(message.split(" is packed ")[1].split(" times")[0].replace(",", ""))
    assert ratio > 500
    assert message == XLSX_PACKED_TOO_TIGHTLY.format(member="xl/worksheets/sheet2.xml", ratio=ratio)

    monkeypatch.setattr(tabular, "load_workbook", lambda *a, **k: pytest.fail("the workbook was unpacked"))
    record = services.import_run(
        kind="gias", data=bomb, filename="gias.xlsx", actor=admin_user, options={"la_codes": ["874"]}
    )
    assert record.status == ImportStatus.REFUSED
    assert "times smaller than its contents, which no real workbook is" in record.message


def test_a_workbook_that_would_unpack_past_the_limit_is_refused_naming_both_sizes(settings):
    settings.XLSX_MAX_UNPACKED_BYTES = 1 * MB
    workbook = workbook_with({"xl/media/image1.png": bytes(range(256)) * 8 * 1024})  # 2 MB that packs poorly

    with pytest.raises(ValidationError) as refused:
        spreadsheet_kind(SimpleUploadedFile("gias.xlsx", workbook))
    assert refused.value.messages == [XLSX_TOO_LARGE_UNPACKED.format(size="2MB", limit="1MB")]
    with pytest.raises(FileRefused) as refused_by_the_reader:
        read_table(workbook, "gias.xlsx")
    assert refused_by_the_reader.value.message == refused.value.messages[0]


def test_a_workbook_just_past_the_limit_is_refused_saying_more_than_the_limit_not_the_same_size_twice(settings):
    settings.XLSX_MAX_UNPACKED_BYTES = 1 * MB
    workbook = workbook_with({"xl/media/image1.png": bytes(range(256)) * 4 * 1024})  # 1 MB, and the rest

    with pytest.raises(ValidationError) as refused:
        spreadsheet_kind(SimpleUploadedFile("gias.xlsx", workbook))
    assert refused.value.messages == [XLSX_TOO_LARGE_UNPACKED_PAST.format(limit="1MB")]
    assert XLSX_TOO_LARGE_UNPACKED_PAST.format(limit="1GB").startswith(
        "The workbook would unpack to more than the 1GB an import may."
    )


def test_an_ordinary_workbook_is_not_taken_for_a_zip_bomb():
    rows = [["URN", "EstablishmentName", "TypeOfEstablishment (name)", "Street"]]
    rows += [[874000 + n, "Skylark Primary School", "Community school", ""] for n in range(20_000)]
    data = xlsx_bytes(rows)
    assert spreadsheet_kind(SimpleUploadedFile("gias.xlsx", data)) == "xlsx"
    assert len(read_table(data, "gias.xlsx")) == 20_000


# ---- names are data --------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_uploaded_name_is_never_the_stored_path(admin_user):
    record = services.import_preview(
        kind="gias",
        data=GIAS_CSV,
        filename="..\\..\\config/../../etc/cron.d/evil\x00.csv",
        actor=admin_user,
        options={},
    )
    assert record.original_filename == "evil.csv"
    assert record.file.name.startswith(f"imports/gias/{record.sha256}/{record.sha256[:16]}")
    assert record.file.name.endswith(".csv")
    assert ".." not in record.file.name
    assert "evil" not in record.file.name


@pytest.mark.django_db
def test_a_workbook_named_csv_is_stored_and_read_as_a_workbook(admin_user):
    data = xlsx_bytes([["URN", "EstablishmentName"], ["874201", "Skylark"]])
    record = services.import_preview(kind="gias", data=data, filename="gias.csv", actor=admin_user, options={})
    assert record.file.name.endswith(".xlsx")
    assert record.original_filename == "gias.csv"


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("report.csv", "report.csv"),
        ("C:\\Users\\ada\\report.csv", "report.csv"),
        ("../../report.csv", "report.csv"),
        ("re\u200bport\x0c.csv", "report .csv"),
        ("Plan %22final%22 'v2' \U0001f600.pdf", "Plan \"final\" 'v2' \U0001f600.pdf"),  # as Chromium sends quotes
        ("two%0Alines.pdf", "two lines.pdf"),
        ("", ""),
        (None, ""),
    ],
)
def test_the_original_name_is_kept_as_normalised_text(sent, kept):
    assert original_name(sent) == kept


def test_stored_names_are_made_of_safe_characters_only():
    assert stored_name("ab12-_/..", "c/s.v") == "ab12-_.csv"
    assert stored_name("", "") == "upload"


def _file_fields():
    from tests.core.test_text_limits import FORM_CLASSES

    for form_class in FORM_CLASSES:
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.FileField):
                yield pytest.param(field, id=f"{form_class.__module__}.{form_class.__qualname__}.{name}")


FILE_FIELDS = list(_file_fields())


def test_the_walk_finds_the_upload_fields_of_every_page_that_takes_a_file():
    assert len(FILE_FIELDS) >= 5  # imports, letterhead logo, outcomes, action plan, school documents


@pytest.mark.parametrize("field", FILE_FIELDS)
def test_every_upload_field_says_an_empty_file_is_empty_in_the_services_words(field):
    field = copy.deepcopy(field)
    field.required = False
    with pytest.raises(ValidationError) as refused:
        field.clean(SimpleUploadedFile("plan.pdf", b""))
    assert refused.value.messages == [FILE_EMPTY]
