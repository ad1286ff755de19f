"""The letter as a Word document (letters.documents.LetterContent written with python-docx): A4, the
letterhead and logo, the subject and headings as Heading 1 and Heading 2, "Page N of M" in the
footer, the same content as the PDF."""

import base64
import binascii
import io

from django.conf import settings
from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from .documents import LetterContent

INK = RGBColor(0x0B, 0x0C, 0x0C)
LOGO_HEIGHT = Cm(2)
LOGO_MAX_WIDTH = Cm(7)


def docx_bytes(content: LetterContent) -> bytes:
    """The same letter as a Word document the LA can keep or send: A4, the letterhead (with the
    logo, right-aligned as on the PDF), the subject as Heading 1 and the text's headings as Heading
    2 (so the navigation pane and screen readers see the structure), "Page N of M" in the footer,
    title, author and language in the core properties."""
    content = content.cleaned()
    council = content.council or settings.COUNCIL_NAME
    document = Document()
    _styles(document)
    for section in document.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(2), Cm(2)
        section.left_margin, section.right_margin = Cm(2.5), Cm(2.2)
        section.footer_distance = Cm(1)
    properties = document.core_properties
    properties.title = content.title or content.subject
    properties.subject = content.subject
    properties.author = properties.last_modified_by = council
    properties.language = "en-GB"
    properties.created = properties.modified = timezone.now()
    properties.revision = 1
    properties.comments = properties.keywords = ""

    if content.draft:
        banner = document.add_paragraph()
        run = banner.add_run("DRAFT: not issued")
        run.bold = True
        run.font.color.rgb = RGBColor(0xD4, 0x35, 0x1C)

    _letterhead(document, content)
    _lines(document, content.addressees, space_before=18)
    _lines(document, [f"Our reference: {content.reference}", content.date], space_before=12)
    document.add_paragraph(content.subject, style="Heading 1")

    for block in content.blocks:
        if block.kind == "ul":
            for item in block.lines:
                document.add_paragraph(item, style="List Bullet")
        elif block.kind == "h":
            document.add_paragraph(block.lines[0], style="Heading 2")
        else:
            paragraph = document.add_paragraph()
            for n, line in enumerate(block.lines):
                run = paragraph.add_run(line)
                if n < len(block.lines) - 1:
                    run.add_break()

    signatory = _lines(document, content.signatory, space_before=24)
    signatory.paragraph_format.keep_together = True
    if content.copies:
        copy = document.add_paragraph("Copy to:", style="Heading 2")
        copy.paragraph_format.space_before = Pt(18)
        for line in content.copies:
            document.add_paragraph(line, style="List Bullet")

    _footer(document, f"{council} · {content.reference}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _styles(document) -> None:
    """Arial throughout, in ink colour; headings bold and plain, as on the PDF; English (UK)."""
    normal = document.styles["Normal"]
    _font(normal, size=11)
    normal.paragraph_format.space_after = Pt(6)
    for name, size, before in (("Heading 1", 12, 12), ("Heading 2", 11, 10)):
        style = document.styles[name]
        _font(style, size=size, bold=True)
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.keep_with_next = True
    footer = document.styles["Footer"]
    _font(footer, size=8)
    footer.font.color.rgb = RGBColor(0x50, 0x5A, 0x5F)
    footer.paragraph_format.tab_stops.clear_all()
    _language(document, "en-GB")


def _font(style, *, size: int, bold: bool | None = None) -> None:
    style.font.name = "Arial"
    style.font.size = Pt(size)
    style.font.color.rgb = INK
    if bold is not None:
        style.font.bold = bold
        style.font.italic = False
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:eastAsia"), "Arial")
    fonts.set(qn("w:cs"), "Arial")


def _language(document, tag: str) -> None:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    properties = run_defaults.find(qn("w:rPr")) if run_defaults is not None else None
    if properties is None:
        return
    language = properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        properties.append(language)
    language.set(qn("w:val"), tag)
    language.set(qn("w:eastAsia"), tag)


def _letterhead(document, content: LetterContent) -> None:
    logo = _logo_bytes(content.logo)
    if logo is not None:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.space_after = Pt(6)
        shape = paragraph.add_run().add_picture(io.BytesIO(logo), height=LOGO_HEIGHT)
        if shape.width > LOGO_MAX_WIDTH:
            shape.height = int(shape.height * LOGO_MAX_WIDTH / shape.width)
            shape.width = LOGO_MAX_WIDTH
        shape._inline.docPr.set("descr", f"The logo of {content.council or settings.COUNCIL_NAME}")
    for n, line in enumerate(content.letterhead):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(line)
        if n == 0:
            run.bold = True
            run.font.size = Pt(14)
            run.font.color.rgb = RGBColor(0x0B, 0x4F, 0x6C)


def _logo_bytes(data_uri: str) -> bytes | None:
    if not data_uri.startswith("data:image/") or ";base64," not in data_uri:
        return None
    try:
        return base64.b64decode(data_uri.split(";base64,", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        return None


def _footer(document, text: str) -> None:
    """ "<council> · <reference>" on the left, "Page N of M" on the right (PAGE and NUMPAGES
    fields, which Word and LibreOffice compute)."""
    section = document.sections[0]
    paragraph = section.footer.paragraphs[0]
    paragraph.style = document.styles["Footer"]
    width = section.page_width - section.left_margin - section.right_margin
    paragraph.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    paragraph.add_run(f"{text}\tPage ")
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(" of ")
    _field(paragraph, "NUMPAGES", "1")


def _field(paragraph, instruction: str, placeholder: str) -> None:
    """A Word field (begin, instruction, separate, last computed value, end)."""

    def char(kind: str):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    char("begin")
    run = paragraph.add_run()
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    run._r.append(code)
    char("separate")
    paragraph.add_run(placeholder)
    char("end")


def _lines(document, lines: list[str], *, space_before: int = 0):
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(space_before)
    for n, line in enumerate(lines):
        run = paragraph.add_run(line)
        if n < len(lines) - 1:
            run.add_break()
    return paragraph
