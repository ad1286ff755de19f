"""One letterhead per LA code, set by officers and admins; the logo is a checked, re-encoded PNG or
JPEG kept under MEDIA_ROOT and never served from a public URL (ADR 0005)."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image

from schools import services
from schools.forms import LOGO_FILE_TOO_LARGE
from schools.logos import LOGO_DIMENSIONS, LOGO_NOT_AN_IMAGE, LOGO_TOO_LARGE, LOGO_WRONG_FORMAT, checked_logo
from schools.models import DEFAULT_DIRECTORATE, Letterhead
from schools.selectors import letterhead_for, letterhead_la_codes
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def image_bytes(fmt: str = "PNG", size=(300, 100), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 79, 108)).save(buffer, fmt, **save)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG's signature and header chunk: what Pillow reads to size an image, without its pixels."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def form_data(**changes) -> dict:
    return {
        "council_name": "Cambridgeshire County Council",
        "directorate": "Education Directorate\nSchool Improvement Service",
        "address": "Demo Hall\nCambridge\nCB1 0XX",
        "signatory_name": "Dr Jo Example",
        "signatory_title": "Service Director for Education",
        "save": "",
    } | changes


def edit_url(code: str = "874") -> str:
    return reverse("schools:letterhead_edit", kwargs={"la_code": code})


def test_the_data_migration_gave_each_la_code_in_use_the_letterhead_the_templates_had():
    letterhead = Letterhead.objects.get(la_code=settings.LOCAL_AUTHORITY_CODES[0])
    assert letterhead.council_name == settings.COUNCIL_NAME
    assert letterhead.directorate == DEFAULT_DIRECTORATE
    assert letterhead.signatory_lines == ["Service Director for Education", settings.COUNCIL_NAME]


def test_an_la_code_without_a_letterhead_gets_the_default_and_documents_never_fail(settings):
    settings.LOCAL_AUTHORITY_CODES = ["873", "874"]
    default = letterhead_for("873")
    assert default.pk is None
    assert default.lines == [settings.COUNCIL_NAME, "Education Directorate", "School Improvement Service"]
    assert "873" in letterhead_la_codes()


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_officers_and_admins_set_a_letterhead_with_a_logo_and_its_history_is_kept(client_as, role, request):
    png = image_bytes()
    upload = io.BytesIO(png)
    upload.name = "crest.png"
    response = client_as(role).post(edit_url(), form_data(logo=upload))
    assert response.status_code == 302
    letterhead = Letterhead.objects.get(la_code="874")
    assert letterhead.lines == [
        "Cambridgeshire County Council", "Education Directorate", "School Improvement Service",
        "Demo Hall", "Cambridge", "CB1 0XX",
    ]  # fmt: skip
    assert letterhead.signatory_lines == ["Dr Jo Example", "Service Director for Education"]
    assert letterhead.logo.name.startswith("letterheads/874/logo-")
    assert letterhead.logo.path.startswith(str(settings.MEDIA_ROOT))
    user = request.getfixturevalue("admin_user" if role == "admin" else role)
    assert letterhead.history.first().history_user == user


@pytest.mark.parametrize("role", ["anonymous", "governor", "other_governor", "adviser"])
def test_other_roles_cannot_change_a_letterhead(client_as, role, school):
    before = Letterhead.objects.get(la_code="874").council_name
    response = client_as(role).post(edit_url(), form_data())
    assert response.status_code == (302 if role == "anonymous" else 403)
    assert Letterhead.objects.get(la_code="874").council_name == before


def test_a_letterhead_for_an_la_code_not_in_use_is_not_found(client_as):
    assert client_as("officer").get(edit_url("999")).status_code == 404


def test_the_council_name_is_required(client_as):
    response = client_as("officer").post(edit_url(), form_data(council_name="  "))
    assert response.status_code == 200
    assert response.context["form"].errors["council_name"] == ["Enter the council's name"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', LOGO_NOT_AN_IMAGE),
        (b"not an image at all", LOGO_NOT_AN_IMAGE),
        (image_bytes("GIF"), LOGO_WRONG_FORMAT.format(format="GIF")),
        (image_bytes("BMP"), LOGO_WRONG_FORMAT.format(format="BMP")),
        (image_bytes(size=(5000, 100)), LOGO_DIMENSIONS),
        (image_bytes(size=(8, 8)), LOGO_DIMENSIONS),
        (png_header_only(30_000, 30_000), LOGO_DIMENSIONS),  # Pillow's decompression bomb: its size, not "not a PNG"
        (image_bytes()[:60], LOGO_NOT_AN_IMAGE),
        (image_bytes("JPEG")[:400], LOGO_NOT_AN_IMAGE),
    ],
    ids=["svg-with-script", "text", "gif", "bmp", "too-wide", "too-small", "bomb", "truncated-png", "truncated-jpeg"],
)
def test_a_logo_that_is_not_a_png_or_jpeg_of_sensible_size_is_refused_and_nothing_is_saved(client_as, data, message):
    upload = io.BytesIO(data)
    upload.name = "logo.png"
    response = client_as("admin").post(edit_url(), form_data(logo=upload))
    assert response.status_code == 200
    assert response.context["form"].errors["logo"] == [message]
    letterhead = Letterhead.objects.get(la_code="874")
    assert letterhead.council_name == settings.COUNCIL_NAME
    assert not letterhead.logo


def test_a_logo_larger_than_1_mb_is_refused_by_the_form_and_the_service(client_as, admin_user):
    big = io.BytesIO(b"\x89PNG" + b"0" * (1024 * 1024 + 1))
    big.name = "big.png"
    response = client_as("admin").post(edit_url(), form_data(logo=big))
    assert response.context["form"].errors["logo"] == [LOGO_FILE_TOO_LARGE]
    with pytest.raises(services.ValidationError) as refused:
        services.letterhead_save(
            la_code="874", actor=admin_user, council_name="X", logo=b"\x89PNG" + b"0" * (1024 * 1024 + 1)
        )
    assert refused.value.message_dict == {"logo": [LOGO_TOO_LARGE]}


def test_the_logo_is_reencoded_so_metadata_and_anything_appended_are_dropped():
    exif = Image.Exif()
    exif[0x010E] = "secret description"
    buffer = io.BytesIO()
    Image.new("RGB", (200, 80), "red").save(buffer, "JPEG", exif=exif)
    polyglot = buffer.getvalue() + b"<script>alert(1)</script>"
    logo = checked_logo(polyglot)
    assert logo.content_type == "image/jpeg"
    assert b"<script>" not in logo.data
    assert b"secret description" not in logo.data
    assert Image.open(io.BytesIO(logo.data)).size == (200, 80)


def test_a_replaced_logo_file_is_deleted_once_the_change_is_committed(admin_user, django_capture_on_commit_callbacks):
    first = services.letterhead_save(la_code="874", actor=admin_user, council_name="A", logo=image_bytes())
    old_path = first.logo.path
    with django_capture_on_commit_callbacks(execute=True):
        second = services.letterhead_save(
            la_code="874", actor=admin_user, council_name="A", logo=image_bytes("JPEG", size=(120, 60))
        )
    assert second.logo.name.endswith(".jpg")
    assert not Path(old_path).exists()
    with django_capture_on_commit_callbacks(execute=True):
        third = services.letterhead_save(la_code="874", actor=admin_user, council_name="A", remove_logo=True)
    assert not third.logo


def test_the_logo_is_never_at_a_public_url_and_the_edit_page_shows_it_inline(client_as, admin_user):
    letterhead = services.letterhead_save(la_code="874", actor=admin_user, council_name="A", logo=image_bytes())
    page = client_as("admin").get(edit_url()).content.decode()
    assert 'src="data:image/png;base64,' in page
    assert letterhead.logo.name not in page
    assert client_as("admin").get(f"{settings.MEDIA_URL}{letterhead.logo.name}").status_code == 404


def test_each_la_code_in_use_is_listed_with_its_own_letterhead(client_as, admin_user, settings):
    settings.LOCAL_AUTHORITY_CODES = ["873", "874"]
    SchoolFactory(la_code="873")
    services.letterhead_save(la_code="873", actor=admin_user, council_name="Cambridgeshire County Council")
    page = client_as("officer").get(reverse("schools:letterheads")).content.decode()
    assert "Cambridgeshire County Council" in page
    assert settings.COUNCIL_NAME in page
    assert page.count("Change<span") == 2


def test_two_first_saves_of_one_las_letterhead_at_once_give_a_message_not_an_error(settings, admin_user, monkeypatch):
    """The second of two simultaneous first saves finds no row under its lock (the first has not
    committed), then meets the unique LA code: it is told so, and nothing of it is saved."""
    settings.LOCAL_AUTHORITY_CODES = ["873", "874"]
    Letterhead.objects.create(la_code="873", council_name="Cambridgeshire County Council")
    real_filter = Letterhead.objects.select_for_update().filter

    class SeesNoRow:
        def filter(self, **kwargs):
            return real_filter(**kwargs).none()

    monkeypatch.setattr(Letterhead.objects, "select_for_update", lambda: SeesNoRow())
    with pytest.raises(ValidationError) as refused:
        services.letterhead_save(la_code="873", actor=admin_user, council_name="Another council")
    assert refused.value.messages == [services.LETTERHEAD_SAVED_AT_THE_SAME_TIME]
    assert Letterhead.objects.get(la_code="873").council_name == "Cambridgeshire County Council"
