"""A letter as it is sent: its content (built once from the letter, its template and the school),
shown on the preview page and written to PDF and Word from that same content.

The preview page and the PDF use the same template (templates/letters/_letter.html) and stylesheet
(static/letters/letter.css); the Word document is written from the same LetterContent."""

import io
from dataclasses import asdict, dataclass, field
from datetime import date

from django.conf import settings
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from core.documents import render_pdf

from . import placeholders
from .models import LetterKind
from .placeholders import Block, Facts, long_date

SECRETARY_OF_STATE = "The Secretary of State for Education (Department for Education)"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class LetterContent:
    letterhead: list[str]
    reference: str
    date: str
    addressees: list[str]
    subject: str
    blocks: list[Block]
    signatory: list[str]
    copies: list[str] = field(default_factory=list)
    draft: bool = False
    title: str = ""  # the document's title (PDF metadata, Word core properties)
    indicators: list[str] = field(default_factory=list)  # the indicators' words as sent

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "LetterContent":
        data = dict(data)
        data["blocks"] = [Block(**b) for b in data.get("blocks", [])]
        return cls(**data)

    @property
    def text(self) -> str:
        """Everything the letter says, as plain text (search, tests, the register)."""
        lines = [*self.letterhead, self.reference, self.date, *self.addressees, self.subject]
        for block in self.blocks:
            lines.extend(block.lines)
        return "\n".join([*lines, *self.signatory, *self.copies])


def addressee_lines(school) -> list[str]:
    lines = []
    if school.chair_of_governors:
        lines.append(f"{school.chair_of_governors}, Chair of Governors")
    else:
        lines.append("The Chair of Governors")
    lines.append(f"{school.headteacher}, Headteacher" if school.headteacher else "The Headteacher")
    return [*lines, school.name, *school.address_lines]


def recipients_for(school) -> list[dict]:
    """The addressees recorded at issue, named from the school record."""
    return [
        {"role": "Chair of governors", "name": school.chair_of_governors or "Not recorded"},
        {"role": "Headteacher", "name": school.headteacher or "Not recorded"},
    ]


def statutory_copies(letter_type) -> list[str]:
    """EIA 2006 s60(6A) (inserted by the Education and Adoption Act 2016): a local authority giving
    a warning notice must at the same time give a copy of it to the Secretary of State. (The
    headteacher, the other copy s60(6) names, is an addressee of every letter.)"""
    return [SECRETARY_OF_STATE] if letter_type.code == LetterKind.WARNING_NOTICE else []


def facts_for(letter, *, issue_date: date | None, indicators: list[str] | None = None) -> Facts:
    if indicators is None:
        indicators = [i.text for i in letter.indicators.all()] if letter.pk else []
    return Facts.for_school(
        letter.school,
        letter.letter_type,
        issue_date=issue_date,
        indicators=indicators,
        grounds=letter.grounds,
        compliance_end_date=letter.compliance_end_date,
    )


def build_content(
    letter,
    *,
    issue_date: date,
    copies: list[str] | None = None,
    draft: bool = False,
    indicators: list[str] | None = None,
) -> LetterContent:
    """The letter's content for a given date of issue, every placeholder filled in. `indicators`
    (texts) replaces the letter's saved ones, for previewing a form before it is saved."""
    template = letter.letter_type.template
    facts = facts_for(letter, issue_date=issue_date, indicators=indicators)
    if copies is None:
        copies = statutory_copies(letter.letter_type)
    subject = placeholders.fill_inline(letter.subject, facts)
    return LetterContent(
        letterhead=placeholders.fill_lines(template.letterhead, facts),
        reference=letter.reference,
        date=long_date(issue_date),
        addressees=addressee_lines(letter.school),
        subject=subject,
        blocks=placeholders.render_blocks(letter.body, facts),
        signatory=placeholders.fill_lines(template.signatory, facts),
        copies=copies,
        draft=draft,
        title=f"{subject} ({letter.reference})",
        indicators=facts.indicators,
    )


def intention_content(letter, progress, *, given_on: date) -> LetterContent:
    """The written notice of intention to use the intervention powers (s60(1)(d)), on the
    warning notice's letterhead and signed as it was."""
    template = letter.letter_type.template
    facts = facts_for(letter, issue_date=given_on)
    subject = (
        f"Notice of intention to use intervention powers: {letter.school.name} (URN {letter.school.urn}), "
        f"following the warning notice of {long_date(letter.issued_on)}"
    )
    return LetterContent(
        letterhead=placeholders.fill_lines(template.letterhead, facts),
        reference=f"{letter.reference}/N",
        date=long_date(given_on),
        addressees=addressee_lines(letter.school),
        subject=subject,
        blocks=placeholders.render_blocks(progress.intention_text, facts),
        signatory=placeholders.fill_lines(template.signatory, facts),
        copies=[SECRETARY_OF_STATE],
        title=subject,
    )


def prefilled_text(school, letter_type) -> tuple[str, str]:
    """A new draft's subject and body: the type's template with the school's facts written in."""
    template = letter_type.template
    facts = Facts.for_school(school, letter_type)
    return placeholders.prefill(template.subject, facts), placeholders.prefill(template.body, facts)


def pdf_bytes(content: LetterContent) -> bytes:
    return render_pdf("letters/pdf/letter.html", {"doc": content, "COUNCIL_NAME": settings.COUNCIL_NAME})


def docx_bytes(content: LetterContent) -> bytes:
    """The same letter as a Word document the LA can keep or send."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    for section in document.sections:
        section.top_margin = section.bottom_margin = Cm(2)
        section.left_margin = section.right_margin = Cm(2.5)
    document.core_properties.title = content.title or content.subject
    document.core_properties.author = settings.COUNCIL_NAME

    if content.draft:
        banner = document.add_paragraph()
        run = banner.add_run("DRAFT: not issued")
        run.bold = True
        run.font.color.rgb = RGBColor(0xD4, 0x35, 0x1C)

    for n, line in enumerate(content.letterhead):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(line)
        run.bold = n == 0
        if n == 0:
            run.font.size = Pt(14)

    _lines(document, content.addressees, space_before=18)
    _lines(document, [f"Our reference: {content.reference}", content.date], space_before=12)

    subject = document.add_paragraph()
    subject.paragraph_format.space_before = Pt(12)
    subject.add_run(content.subject).bold = True

    for block in content.blocks:
        if block.kind == "ul":
            for item in block.lines:
                document.add_paragraph(item, style="List Bullet")
        elif block.kind == "h":
            heading = document.add_paragraph()
            heading.paragraph_format.space_before = Pt(6)
            heading.add_run(block.lines[0]).bold = True
        else:
            paragraph = document.add_paragraph()
            for n, line in enumerate(block.lines):
                run = paragraph.add_run(line)
                if n < len(block.lines) - 1:
                    run.add_break()

    _lines(document, content.signatory, space_before=24)
    if content.copies:
        copy = document.add_paragraph()
        copy.paragraph_format.space_before = Pt(18)
        copy.add_run("Copy to:").bold = True
        for line in content.copies:
            document.add_paragraph(line, style="List Bullet")

    footer = document.sections[0].footer.paragraphs[0]
    footer.text = f"{settings.COUNCIL_NAME} · {content.reference}"
    footer.runs[0].font.size = Pt(8)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _lines(document, lines: list[str], *, space_before: int = 0) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(space_before)
    for n, line in enumerate(lines):
        run = paragraph.add_run(line)
        if n < len(lines) - 1:
            run.add_break()
