"""Demo documents (docs/adr/0034), made through the real services: the school's self-evaluation
uploaded by the demo headteacher, and a document the LA shared with the school and its governing
body, for the demo headteacher's school (874001 Kingfisher). Safe to run again: a school that
already has documents is left alone."""

from accounts.models import Headship

from . import services
from .models import Document, DocumentKind


def simple_pdf(*lines: str) -> bytes:
    """A one-page PDF of a few lines of plain ASCII text (Helvetica), built by hand."""
    text = "\n".join(
        f"BT /F1 {14 if i == 0 else 11} Tf 72 {770 - 22 * i} Td ({line.replace('(', '[').replace(')', ']')}) Tj ET"
        for i, line in enumerate(lines)
    ).encode("ascii", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(text)).encode() + b" >>\nstream\n" + text + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def seed(ctx) -> None:
    head = ctx.users.get("headteacher")
    headship = Headship.objects.filter(user=head).select_related("school").first() if head else None
    if headship is None:
        ctx.write("Documents: the demo headteacher has no school, nothing to add.")
        return
    school = headship.school
    if Document.objects.filter(school=school).exists():
        ctx.write(f"Documents: {school.name} already has documents.")
        return
    services.document_upload(
        school=school,
        actor=head,
        kind=DocumentKind.SELF_EVALUATION,
        title=f"Self-evaluation summary {ctx.today.year}",
        name="Self-evaluation summary.pdf",
        data=simple_pdf(
            f"{school.name}: self-evaluation summary",
            "Quality of education: requires improvement. Reading in key stage 2 is the priority.",
            "Leadership and management: good. Governors challenge leaders on pupils' progress.",
            "Behaviour and attitudes: good. Personal development: good.",
        ),
    )
    services.document_upload(
        school=school,
        actor=ctx.users["officer"],
        kind=DocumentKind.LA_DOCUMENT,
        title="Local authority data pack for governors",
        name="Data pack.pdf",
        data=simple_pdf(
            f"{school.name}: data pack",
            "Key stage 2 reading, writing and mathematics against national, three years.",
            "Attendance and persistent absence this year to date.",
        ),
        for_governors=True,
    )
    ctx.write(f"Documents: a self-evaluation and a shared data pack at {school.name} ({school.urn}).")
