"""The documents councils send (ADR 0005): Word on A4 with real headings, page numbers and the
same letterhead as the PDF; each school's documents on its own LA's letterhead; text pasted from
Word never stops a letter being issued."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Cm
from PIL import Image
from pypdf import PdfReader

from letters import documents, services
from letters.models import Letter, LetterTemplate
from schools import services as school_services
from tests.conftest import collapsed
from tests.factories import SchoolFactory
from tests.visits.factories import VisitFactory

from .factories import approved, eligible_notice, issued

pytestmark = pytest.mark.django_db

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def docx_text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def png(colour="teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 120), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def joint_service(settings, officer):
    """The joint 873/874 service of the seeds: a school in each LA, each LA with its own letterhead."""
    settings.LOCAL_AUTHORITY_CODES = ["873", "874"]
    schools = {
        "874": SchoolFactory(la_code="874", name="Willow Brook Primary School", chair_of_governors="Peter Lang"),
        "873": SchoolFactory(la_code="873", name="Fenside Primary School", chair_of_governors="Ann Reed"),
    }
    school_services.letterhead_save(
        la_code="874", actor=officer, council_name="Peterborough City Council", directorate="Education",
        address="Town Hall\nPE1 0XX", signatory_name="Pat Peterborough", signatory_title="Director of Education",
        logo=png(),
    )  # fmt: skip
    school_services.letterhead_save(
        la_code="873", actor=officer, council_name="Cambridgeshire County Council", directorate="Education",
        address="Shire Hall\nCB3 0XX", signatory_name="Cam Bridge", signatory_title="Service Director",
    )  # fmt: skip
    return schools


def test_the_word_document_is_a4_with_heading_styles_page_numbers_and_properties(officer, second_officer, school):
    letter = issued(school, "warning_notice", drafter=second_officer, officer=officer)
    document = Document(letter.docx.path)
    section = document.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)  # A4, as Word writes it
    assert section.orientation == WD_ORIENT.PORTRAIT
    styles = {p.text: p.style.name for p in document.paragraphs}
    assert styles[letter.issued_content["subject"]] == "Heading 1"
    for heading in ("Grounds", "Compliance period", "Action the governing body must take", "Copy to:"):
        assert styles[heading] == "Heading 2"
    assert styles["Our reference: " + letter.reference + "\n" + letter.issued_content["date"]] == "Normal"
    footer = section.footer._element.xml
    assert footer.count('w:fldCharType="begin"') == 2
    assert '<w:instrText xml:space="preserve"> PAGE </w:instrText>' in footer
    assert '<w:instrText xml:space="preserve"> NUMPAGES </w:instrText>' in footer
    assert "Page " in section.footer.paragraphs[0].text
    assert " of " in section.footer.paragraphs[0].text
    properties = document.core_properties
    assert properties.title == letter.issued_content["title"]
    assert properties.author == school_services.Letterhead.objects.get(la_code="874").council_name
    assert properties.language == "en-GB"
    lang = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(f"{W}val") == "en-GB"
    heading_fonts = document.styles["Heading 1"].element.rPr.rFonts
    assert heading_fonts.get(f"{W}asciiTheme") is None  # Arial, not the theme's heading font
    assert heading_fonts.get(f"{W}ascii") == "Arial"


def test_the_pdf_is_a4_with_the_subject_and_headings_as_headings(officer, second_officer, school):
    letter = issued(school, "warning_notice", drafter=second_officer, officer=officer)
    content = documents.LetterContent.from_dict(letter.issued_content)
    html = render_to_string("letters/pdf/letter.html", {"doc": content})
    assert f'<h1 class="letter__subject">{content.subject}</h1>' in html
    assert '<h2 class="letter__heading">Grounds</h2>' in html
    page = PdfReader(letter.pdf.path).pages[0]
    assert [round(float(v)) for v in page.mediabox[2:]] == [595, 842]


def test_each_schools_letters_and_notices_use_its_own_las_letterhead(joint_service, officer, second_officer):
    for code, council, address, signatory, other in (
        ("874", "Peterborough City Council", "Town Hall", "Pat Peterborough", "Cambridgeshire County Council"),
        ("873", "Cambridgeshire County Council", "Shire Hall", "Cam Bridge", "Peterborough City Council"),
    ):
        letter = eligible_notice(joint_service[code], drafter=second_officer, officer=officer)
        progress = letter.progress
        for pdf, docx in ((letter.pdf, letter.docx), (progress.intention_pdf, progress.intention_docx)):
            for text in (pdf_text(Path(pdf.path).read_bytes()), docx_text(Document(docx.path))):
                assert council in text
                assert address in text
                assert signatory in text
                assert other not in text
            assert Document(docx.path).core_properties.author == council
        # {council_name} in the text is the school's LA's too
        assert f"given to the governing body by {council}" in " ".join(
            pdf_text(Path(letter.pdf.path).read_bytes()).split()
        )


def test_the_logo_is_in_the_pdf_and_the_word_document_with_alternative_text(joint_service, officer):
    with_logo = issued(joint_service["874"], "congratulations", drafter=officer, officer=officer)
    without = issued(joint_service["873"], "congratulations", drafter=officer, officer=officer)
    assert len(PdfReader(with_logo.pdf.path).pages[0].images) == 1
    assert len(PdfReader(without.pdf.path).pages[0].images) == 0
    document = Document(with_logo.docx.path)
    (shape,) = document.inline_shapes
    assert shape._inline.docPr.get("descr") == "The logo of Peterborough City Council"
    assert shape.height == Cm(2)
    assert len(Document(without.docx.path).inline_shapes) == 0
    assert "logo" not in with_logo.issued_content  # the files are the record, not a copy of the image


def test_the_note_of_visit_pdf_uses_the_schools_las_letterhead(joint_service, client_as, officer):
    visit = VisitFactory(school=joint_service["873"], adviser=officer, completed=True)
    response = client_as("officer").get(reverse("visits:note_pdf", kwargs={"pk": visit.pk}))
    text = pdf_text(response.content)
    assert "Cambridgeshire County Council" in text
    assert "Shire Hall" in text
    assert "Peterborough City Council" not in text
    visit = VisitFactory(school=joint_service["874"], adviser=officer, completed=True)
    response = client_as("officer").get(reverse("visits:note_pdf", kwargs={"pk": visit.pk}))
    assert len(PdfReader(io.BytesIO(response.content)).pages[0].images) == 1


def test_a_letterhead_change_never_changes_an_issued_letter(joint_service, officer, client_as):
    letter = issued(joint_service["874"], "congratulations", drafter=officer, officer=officer)
    pdf = Path(letter.pdf.path).read_bytes()
    school_services.letterhead_save(la_code="874", actor=officer, council_name="Renamed Council")
    letter.refresh_from_db()
    assert Path(letter.pdf.path).read_bytes() == pdf
    assert "Renamed Council" not in docx_text(Document(letter.docx.path))
    page = client_as("officer").get(letter.get_absolute_url()).content.decode()
    assert "Peterborough City Council" in page
    assert "Renamed Council" not in page


PASTED = {
    "vertical tab": "\x0b",
    "form feed": "\x0c",
    "carriage return": "\r",
    "CRLF": "\r\n",
    "null": "\x00",
    "bell": "\x07",
    "escape": "\x1b",
    "delete": "\x7f",
    "C1 control": "\x9b",
    "next line": "\x85",
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
    "zero width space": "\u200b",
    "word joiner": "\u2060",
    "byte order mark": "\ufeff",
    "no-break space": "\u00a0",
    "smart quotes": "“quoted” ‘text’",
    "noncharacter": "\uffff",
}


# PostgreSQL itself refuses NUL in text, so no letter stored there can hold one.
STORABLE = {name: text for name, text in PASTED.items() if "\x00" not in text or connection.vendor != "postgresql"}


@pytest.mark.parametrize("pasted", STORABLE.values(), ids=STORABLE.keys())
def test_a_letter_whose_stored_text_has_characters_pasted_from_word_issues_with_pdf_and_docx(
    officer, second_officer, school, pasted
):
    """Stored as it was before text was normalised at the boundary (written past the forms): the
    document builders still produce both files."""
    letter = approved(school, "warning_notice", drafter=second_officer, officer=officer)
    Letter.objects.filter(pk=letter.pk).update(
        subject=f"Warning notice{pasted} to {school.name}",
        body=f"To the governing body{pasted}\n\nLine one{pasted}line two.\n\n# Grounds{pasted}\n{{grounds}}",
    )
    letter.refresh_from_db()
    letter = services.letter_issue(letter=letter, actor=officer)
    text = docx_text(Document(letter.docx.path))
    assert "To the governing body" in text
    assert "Line one" in text
    assert "Line one" in pdf_text(Path(letter.pdf.path).read_bytes())
    lines = [line for block in letter.issued_content["blocks"] for line in block["lines"]]
    for stored in (letter.issued_content["subject"], *lines):
        assert not any(ch in stored for ch in "\x0b\x0c\r\x00\x07\x1b\x7f\x9b\x85\u2028\u2029\u200b\u2060\ufeff\uffff")


def test_a_notice_of_intention_with_pasted_text_is_produced(officer, second_officer, school):
    today = timezone.localdate()
    letter = issued(
        school, "warning_notice", drafter=second_officer, officer=officer, issued_on=today - timedelta(days=60),
        compliance_end_date=today - timedelta(days=5),
    )  # fmt: skip
    services.warning_notice_outcome_record(letter=letter, actor=officer, outcome="not_complied")
    progress = services.warning_notice_intention_give(
        letter=letter, actor=officer, given_on=today, powers=["s64"], text="We propose\x0bto appoint\x07 governors."
    )
    assert "We propose\nto appoint governors." in docx_text(Document(progress.intention_docx.path))


def test_the_letter_page_and_template_preview_show_the_letterhead_and_logo_inline(joint_service, client_as, officer):
    letter = approved(joint_service["874"], "congratulations", drafter=officer, officer=officer)
    page = client_as("officer").get(letter.get_absolute_url()).content.decode()
    assert 'class="letter__logo" src="data:image/png;base64,' in collapsed(page)
    assert "Town Hall" in page
    url = reverse("letters:template_edit", kwargs={"code": "congratulations"})
    template = LetterTemplate.objects.get(letter_type__code="congratulations")
    html = client_as("admin").post(url, {"subject": template.subject, "body": template.body, "preview": ""})
    html = html.content.decode()
    assert "Cam Bridge" in html  # the first managed LA's (873) letterhead and signatory
    assert "Shire Hall" in html
