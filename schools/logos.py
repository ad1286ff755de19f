"""A council's logo for its letterhead: checked by opening it, re-encoded, and handed to documents
as bytes or a data: URI (never a public URL).

Only PNG and JPEG are accepted: SVG can carry script and other formats add nothing. The file is
opened with Pillow (which reads the real format, whatever the name or content type says), its
dimensions are checked before the pixels are decoded (so a decompression bomb is refused cheaply),
a truncated file is refused (WeasyPrint makes Pillow accept truncated images, so this is checked
here), and it is re-encoded: metadata (EXIF, GPS, comments) and anything appended to the image are
dropped, so what is stored is only an image."""

import base64
import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 4000  # pixels
LOGO_MIN_SIDE = 16

LOGO_TOO_LARGE = "The logo must be smaller than 1MB"
LOGO_NOT_AN_IMAGE = "The logo must be a PNG or JPEG image"
LOGO_WRONG_FORMAT = "The logo must be a PNG or JPEG image, not {format}"
LOGO_DIMENSIONS = f"The logo must be between {LOGO_MIN_SIDE} and {LOGO_MAX_SIDE} pixels wide and high"

JPEG_END = b"\xff\xd9"
FORMATS = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg")}


class LogoRefused(ValueError):
    pass


@dataclass(frozen=True)
class Logo:
    data: bytes
    extension: str  # "png" or "jpg"
    content_type: str
    width: int
    height: int

    @property
    def data_uri(self) -> str:
        return f"data:{self.content_type};base64,{base64.b64encode(self.data).decode('ascii')}"


def checked_logo(data: bytes) -> Logo:
    """The uploaded bytes as a clean PNG or JPEG, or LogoRefused with a message for the form."""
    if len(data) > LOGO_MAX_BYTES:
        raise LogoRefused(LOGO_TOO_LARGE)
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
            if image_format not in FORMATS:
                raise LogoRefused(LOGO_WRONG_FORMAT.format(format=image_format or "another format"))
            width, height = image.size
            if not (LOGO_MIN_SIDE <= width <= LOGO_MAX_SIDE and LOGO_MIN_SIDE <= height <= LOGO_MAX_SIDE):
                raise LogoRefused(LOGO_DIMENSIONS)
            image.verify()  # PNG: every chunk's checksum, through to the end
        if image_format == "JPEG" and JPEG_END not in data:
            raise LogoRefused(LOGO_NOT_AN_IMAGE)  # truncated (Pillow would fill the rest with grey)
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            clean = _reencoded(image, image_format)
    except LogoRefused:
        raise
    except Image.DecompressionBombError:  # its header says tens of thousands of pixels a side: refused unread
        raise LogoRefused(LOGO_DIMENSIONS) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise LogoRefused(LOGO_NOT_AN_IMAGE) from None
    extension, content_type = FORMATS[image_format]
    return Logo(clean, extension, content_type, width, height)


def _reencoded(image: Image.Image, image_format: str) -> bytes:
    buffer = io.BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=92)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def stored_logo(field) -> Logo | None:
    """The logo kept in a letterhead's file field, or None when there is none or it is unreadable
    (a missing file never stops a document)."""
    if not field:
        return None
    try:
        with field.open("rb") as handle:
            data = handle.read()
        with Image.open(io.BytesIO(data)) as image:
            image_format, (width, height) = image.format, image.size
    except (OSError, ValueError, UnidentifiedImageError):
        return None
    if image_format not in FORMATS:
        return None
    extension, content_type = FORMATS[image_format]
    return Logo(data, extension, content_type, width, height)
