import io
import shlex
import sys
import zipfile
from pathlib import Path

import pytest

from exchange import services
from exchange.models import DocumentKind

SCANNER = Path(__file__).with_name("fake_clamdscan.py")
# The EICAR anti-virus test file, built here so that this file itself is not one.
EICAR = ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*").encode()

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def office_zip(*members: str, mimetype: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if mimetype is not None:
            archive.writestr("mimetype", mimetype)
        else:
            archive.writestr("[Content_Types].xml", "<Types/>")
        for member in members:
            archive.writestr(member, "<xml/>")
    return buffer.getvalue()


DOCX = office_zip("word/document.xml")
XLSX = office_zip("xl/workbook.xml")
PPTX = office_zip("ppt/presentation.xml")
ODT = office_zip("content.xml", mimetype=b"application/vnd.oasis.opendocument.text")
ODS = office_zip("content.xml", mimetype=b"application/vnd.oasis.opendocument.spreadsheet")


@pytest.fixture
def scanner(settings):
    """The virus-scan hook set to a real command: tests/exchange/fake_clamdscan.py."""
    settings.VIRUS_SCAN_COMMAND = f"{shlex.quote(sys.executable)} {shlex.quote(str(SCANNER))}"
    return settings


@pytest.fixture
def linked(school, adviser):
    """`school` with `adviser` as its link adviser."""
    school.link_adviser = adviser
    school.save()
    return school


@pytest.fixture
def upload(linked):
    def make(
        actor,
        *,
        kind=DocumentKind.SELF_EVALUATION,
        title="Self-evaluation 2026",
        name="sef.pdf",
        data=PDF,
        for_governors=False,
        school=None,
    ):
        return services.document_upload(school=school or linked, actor=actor, kind=kind, title=title, name=name,
                                        data=data, for_governors=for_governors)  # fmt: skip

    return make
