"""The note of visit shared with the school, as a PDF for its headteacher (visits:shared_note_pdf,
docs/visits.md): made as the staff PDF is (visits/note_pdf.html), found as the shared note page
finds it, refused to every other role as that page is (its row in tests/visits/test_role_matrix.py)."""

import subprocess
from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts.models import Headship
from accounts.roles import Role
from audit.models import ReadEvent
from tests.visits.conftest import content
from tests.visits.factories import ActionFactory, VisitFactory
from visits import acknowledgement

pytestmark = pytest.mark.django_db

VISIT_DAY = date(2026, 11, 12)
STRENGTHS = "Phonics teaching is consistent across Key Stage 1."


@pytest.fixture
def shared(school, adviser, headteacher, on_day):
    on_day(date(2026, 11, 13))
    school.link_adviser = adviser
    school.save()
    visit = VisitFactory(school=school, adviser=adviser, completed=True, visit_date=VISIT_DAY, strengths=STRENGTHS)
    ActionFactory(school=school, visit=visit, description="Publish the reading plan")
    acknowledgement.note_share_with_school(visit=visit, actor=adviser)
    return visit


def pdf_url(visit) -> str:
    return reverse("visits:shared_note_pdf", kwargs={"pk": visit.pk})


def pdf_text(data: bytes) -> str:
    """The PDF's text as poppler's pdftotext reads it, its white space collapsed."""
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
    return " ".join(out.decode("utf-8").split())


def head_of(make_user, school, username: str):
    user = make_user(Role.HEADTEACHER, username=username)
    Headship.objects.create(user=user, school=school)
    return user


def test_the_headteacher_downloads_the_note_as_a_pdf(client_as, shared, school):
    response = client_as("headteacher").get(pdf_url(shared))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert "Note of visit" in text
    assert school.name in text
    assert STRENGTHS in text
    assert "Publish the reading plan" in text


def test_the_pdf_is_an_attachment_named_for_the_school_and_day_and_never_kept(client_as, shared):
    response = client_as("headteacher").get(pdf_url(shared))
    filename = "note-of-visit-kingfisher-primary-school-2026-11-12.pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    cache = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache  # core.responses.PrivateResponsesMiddleware, as the staff PDF


def test_a_school_name_with_quotes_and_accents_gives_a_safe_file_name(client_as, shared, school):
    school.name = 'St Mary\'s "Ærø" C of E / Primary; School'
    school.save()
    disposition = client_as("headteacher").get(pdf_url(shared))["Content-Disposition"]
    assert disposition == 'attachment; filename="note-of-visit-st-marys-r-c-of-e-primary-school-2026-11-12.pdf"'
    school.name = "\u5b66\u6821"  # a name with no ASCII letter leaves the URN
    school.save()
    disposition = client_as("headteacher").get(pdf_url(shared))["Content-Disposition"]
    assert disposition == f'attachment; filename="note-of-visit-{school.urn}-2026-11-12.pdf"'


def test_the_schools_pdf_says_what_the_staff_pdf_says(client_as, shared):
    """The same document as the LA's (visits:note_pdf): if the staff PDF ever gains something, this
    fails, so whether the school may read it is decided, not inherited."""
    school_copy = pdf_text(client_as("headteacher").get(pdf_url(shared)).content)
    staff_copy = pdf_text(client_as("adviser").get(reverse("visits:note_pdf", kwargs={"pk": shared.pk})).content)
    assert school_copy == staff_copy


def test_the_pdf_holds_the_note_not_the_answers_under_it(client_as, shared):
    client = client_as("headteacher")
    url = reverse("visits:shared_note", kwargs={"pk": shared.pk})
    request_id = shared.acknowledgements.get().pk
    answered = client.post(url, {"note_request": request_id, "accurate": "no", "comments": "The date is wrong."})
    assert answered.status_code == 302
    assert "The date is wrong." in content(client.get(url))
    assert "The date is wrong." not in pdf_text(client.get(pdf_url(shared)).content)


def test_the_download_is_in_the_read_log_as_the_page_is(client_as, shared, headteacher):
    ReadEvent.objects.all().delete()
    assert client_as("headteacher").get(pdf_url(shared)).status_code == 200
    reads = ReadEvent.objects.filter(content_type=ContentType.objects.get_for_model(shared), object_id=shared.pk)
    assert [(r.user_id, r.view) for r in reads] == [(headteacher.pk, "visits:shared_note_pdf")]


def test_a_note_not_shared_is_not_found_for_the_headteacher(client_as, school, adviser, headteacher, on_day):
    on_day(date(2026, 11, 13))
    visit = VisitFactory(school=school, adviser=adviser, completed=True, visit_date=VISIT_DAY)
    client = client_as("headteacher")
    assert client.get(pdf_url(visit)).status_code == 404
    assert client.get(reverse("visits:shared_note", kwargs={"pk": visit.pk})).status_code == 404
    assert not ReadEvent.objects.exists()


def test_another_schools_headteacher_gets_404_as_on_the_page(client_as, shared, other_school, make_user):
    client = client_as("anonymous")
    client.force_login(head_of(make_user, other_school, "otherhead"))
    assert client.get(pdf_url(shared)).status_code == 404
    assert client.get(reverse("visits:shared_note", kwargs={"pk": shared.pk})).status_code == 404
    assert not ReadEvent.objects.filter(view="visits:shared_note_pdf").exists()


def test_the_shared_note_page_links_to_its_pdf(client_as, shared):
    page = content(client_as("headteacher").get(reverse("visits:shared_note", kwargs={"pk": shared.pk})))
    assert f'<a class="govuk-link" href="{pdf_url(shared)}">Download the note as a PDF</a>' in page
