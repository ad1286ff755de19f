"""A control character in an imported file never reaches a document or an export (ADR 0010): a GIAS
school name with a NUL, a vertical tab, C0/C1 controls, a zero-width space or a bidi override is
imported as plain text (a NUL makes the file refused as binary), and every export and letter of that school works."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from letters import services as services_letters
from schools import services
from schools.demo_files import current_gias_header, gias_row, to_csv_bytes
from schools.models import School
from tests.categorisation.factories import CategorisationFactory
from tests.dashboard.case_file_pdf import download_pdf
from tests.letters.factories import draft, issued
from tests.visits.factories import VisitFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db

# A NUL makes the whole file binary, and it is refused (core.tabular): every other control is cleaned.
HOSTILE_NAME = "Kingfisher Pri\x01mary\x0b School\x1f \x85Trust\u200b \u202eloohcS\u202c\x7f"
CLEAN_NAME = "Kingfisher Primary School Trust loohcS"
EXPORTS = ["schools:export", "categorisation:export", "letters:export", "visits:compliance_export"]


def import_gias(name: str) -> School:
    row = gias_row(
        urn=874555, name=name, type_code=1, phase="Primary", ward=("E05099001", "Ward\x02 of\u202e the\x0b Wood")
    )
    data = to_csv_bytes(current_gias_header(), [row], encoding="utf-8")
    record = services.import_run(kind="gias", data=data, filename="edubasealldata.csv", actor=None,
                                 options={"la_codes": ["874"]})  # fmt: skip
    assert record.created == 1, record.message
    return School.objects.get(urn=874555)


def test_a_gias_school_name_with_control_characters_is_imported_as_plain_text():
    school = import_gias(HOSTILE_NAME)

    assert school.name == CLEAN_NAME
    assert school.ward.name == "Ward of the Wood"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("url_name", EXPORTS)
def test_every_export_works_for_a_school_whose_stored_name_has_control_characters(
    client_as, adviser, officer, url_name, fmt
):
    """Even text stored before this rule (written with QuerySet.update, which runs no signal) cannot
    break an export: the exports normalise every cell themselves."""
    school = import_gias(HOSTILE_NAME)
    CategorisationFactory(school=school)
    issued(school, "congratulations", drafter=officer, officer=officer)
    VisitFactory(school=school, adviser=adviser, completed=True)
    School.objects.filter(pk=school.pk).update(name=HOSTILE_NAME)  # older stored text

    client = client_as("officer")
    stored = (url_name, fmt) == ("schools:export", "xlsx")  # asked for by POST (its button): a stored export
    response = (client.post if stored else client.get)(reverse(url_name, kwargs={"fmt": fmt}), follow=True)
    if export := (response.context or {}).get("export"):  # a spreadsheet built in the background (ADR 0024)
        response = client.get(reverse("core:export_download", args=[export.pk]))

    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "xlsx":
        text = "\n".join(
            str(cell) for row in load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True) for cell in row
        )
    else:
        text = body.decode("utf-8-sig")
    for character in "\x01\x0b\x1f\x7f\x85\u200b\u202e":
        assert character not in text


def test_the_letters_and_visit_notes_of_a_school_imported_with_control_characters_can_be_made_and_downloaded(
    client_as, officer, adviser
):
    school = import_gias(HOSTILE_NAME)
    client = client_as("officer")
    letter = draft(school, "congratulations", actor=officer)
    assert client.get(reverse("letters:draft_pdf", kwargs={"pk": letter.pk})).status_code == 200
    services_letters.letter_submit(letter=letter, actor=officer)
    services_letters.letter_approve(letter=letter, actor=officer)
    services_letters.letter_issue(letter=letter, actor=officer, issued_on=timezone.localdate())

    for fmt in ("pdf", "docx"):
        response = client.get(reverse("letters:download", kwargs={"pk": letter.pk, "document": "letter", "fmt": fmt}))
        assert response.status_code == 200, fmt
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if fmt == "docx":
            text = "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)
            assert CLEAN_NAME in text
    visit = VisitFactory(school=school, adviser=adviser, completed=True)
    assert client.get(reverse("visits:note_pdf", kwargs={"pk": visit.pk})).status_code == 200


def test_a_note_of_visit_pdf_is_made_from_text_stored_with_control_characters(client_as, adviser, officer):
    """Text stored before the rule (QuerySet.update runs no signal): the PDF builder normalises the
    page it renders, as the exports and the Word builder normalise their cells and strings."""
    school = import_gias("Kingfisher Primary School")
    visit = VisitFactory(school=school, adviser=adviser, completed=True)
    Visit.objects.filter(pk=visit.pk).update(notes="Seen\x01 in\x0b class\x1b[31m \u202edetirW\u202c", purpose="A\x07B")

    response = client_as("officer").get(reverse("visits:note_pdf", kwargs={"pk": visit.pk}))

    assert response.status_code == 200
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Seen in" in text
    assert not {"\x01", "\x07", "\x1b", "\u202e"} & set(text)


def test_the_documents_and_exports_added_since_work_from_text_stored_with_control_characters(client_as, officer):
    """The academies' meeting pack (PDF and spreadsheet), a school's case file as a PDF, and the
    access and read logs' CSVs, built from text stored before the rule (QuerySet.update runs no
    signal): every builder normalises what it writes."""
    from academies import services as academy_services
    from academies.models import Concern, ConcernSource, ConcernType, IntelligenceEntry, Rag, Sensitivity, SourceTeam
    from accounts.models import AccessEvent
    from audit.models import ReadEvent
    from tests.factories import SchoolFactory

    academy = SchoolFactory(name="Osprey Academy", academy=True)
    concern = academy_services.concern_open(
        school=academy, source=ConcernSource.LA_MONITORING, concern_types=[ConcernType.objects.first()],
        description="x", raised_on=academy.created_at.date(), rag=Rag.RED, rag_reason="x", owner=officer,
        actor=officer,
    )  # fmt: skip
    entry = academy_services.intelligence_record(
        school=academy, received_on=academy.created_at.date(), source_team=SourceTeam.HR, summary="x",
        sensitivity=Sensitivity.RESTRICTED, actor=officer,
    )  # fmt: skip
    client = client_as("officer")
    client.get(reverse("academies:detail", kwargs={"pk": concern.pk}))  # a read log entry
    School.objects.filter(pk=academy.pk).update(name=HOSTILE_NAME)
    Concern.objects.filter(pk=concern.pk).update(description=HOSTILE_NAME, rag_reason=HOSTILE_NAME)
    IntelligenceEntry.objects.filter(pk=entry.pk).update(summary=HOSTILE_NAME)
    ReadEvent.objects.update(label=HOSTILE_NAME)
    AccessEvent.objects.update(detail=HOSTILE_NAME)
    urls = [
        reverse("academies:meeting_pack_pdf"),
        reverse("academies:meeting_pack_xlsx"),
        reverse("dashboard:timeline_pdf", kwargs={"urn": academy.urn}),
        reverse("audit:access_log_export"),
        reverse("audit:read_log_export"),
    ]

    for url in urls:
        if "timeline" in url:  # built in the background (docs/adr/0037)
            pdf = download_pdf(client, url)
            status, content_type, body = pdf.status_code, pdf.content_type, pdf.content
        else:
            response = client.get(url)
            status, content_type = response.status_code, response["Content-Type"]
            body = b"".join(response.streaming_content) if response.streaming else response.content
        assert status == 200, url
        if "spreadsheetml" in content_type:
            rows = load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True)
            text = "\n".join(str(cell) for row in rows for cell in row)
        elif content_type.startswith("text/csv"):
            text = body.decode("utf-8-sig")
        else:
            text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
        assert CLEAN_NAME in " ".join(text.split()), url
        for character in "\x01\x0b\x1f\x7f\x85\u200b\u202e":
            assert character not in text, (url, character)
