"""The documents page, downloads, the school page section and the headteacher's home panel
(issue 14, docs/adr/0034): permission-checked, logged, confidential material never reaching a
school user who may not read it, and a bounded number of queries."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from audit.models import ReadEvent
from exchange import filetypes, services, views
from exchange.models import Document, DocumentKind
from tests.exchange.conftest import DOCX, PDF

pytestmark = pytest.mark.django_db


def list_url(school):
    return reverse("exchange:list", kwargs={"urn": school.urn})


def download_url(document):
    return reverse("exchange:download", kwargs={"urn": document.school.urn, "pk": document.pk})


def test_a_download_is_an_attachment_with_the_stored_type_and_is_logged(client_as, upload, headteacher, adviser):
    document = upload(headteacher, name="SEF «2026».pdf")
    response = client_as("adviser").get(download_url(document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''SEF%20%C2%AB2026%C2%BB.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    read = ReadEvent.objects.get(content_type=ContentType.objects.get_for_model(Document), object_id=document.pk)
    assert read.user == adviser
    assert read.view == "exchange:download"


def test_a_changed_file_is_refused_with_a_message(client_as, upload, headteacher, officer):
    document = upload(headteacher)
    with document.file.open("wb") as handle:
        handle.write(PDF + b"% appended by someone\n")
    response = client_as("officer").get(download_url(document))
    assert response.status_code == 409
    assert escape(views.FILE_CHANGED) in response.content.decode()


def test_a_missing_file_is_a_message_not_a_500(client_as, upload, headteacher):
    document = upload(headteacher)
    document.file.delete(save=False)
    response = client_as("headteacher").get(download_url(document))
    assert response.status_code == 404
    assert escape(views.FILE_MISSING) in response.content.decode()


def post(client, school, **data):
    return client.post(list_url(school), data)


def test_the_headteacher_uploads_on_the_page(client_as, linked, headteacher):
    client = client_as("headteacher")
    page = client.get(list_url(linked)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "Share it with the governing body" not in page
    response = post(client, linked, kind="plan", title="Improvement plan", file=SimpleUploadedFile("plan.docx", DOCX))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Uploaded “Improvement plan”." in page
    assert "plan.docx" in page


def test_a_wrong_file_gets_the_message_on_the_form_and_nothing_is_stored(client_as, linked, headteacher):
    client = client_as("headteacher")
    response = post(client, linked, kind="sef", title="SEF", file=SimpleUploadedFile("sef.pdf", DOCX))
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert filetypes.MISMATCH.format(extension="pdf", found="a Word document") in page
    response = post(client, linked, kind="sef", title="SEF", file=SimpleUploadedFile("sef.exe", b"MZ"))
    assert filetypes.UNSUPPORTED in response.content.decode()
    response = post(client, linked, kind="sef", title="")
    page = response.content.decode()
    assert "Enter a title" in page
    assert "Choose a file to upload" in page
    assert not Document.objects.exists()


def test_a_file_over_the_limit_is_refused_with_the_limit(client_as, linked, headteacher, settings):
    settings.EXCHANGE_MAX_UPLOAD_BYTES = 1024
    big = PDF + b"0" * 2048
    response = post(client_as("headteacher"), linked, kind="sef", title="SEF", file=SimpleUploadedFile("s.pdf", big))
    assert response.status_code == 200
    assert "The file must be smaller than 1KB" in response.content.decode()
    assert not Document.objects.exists()


def test_an_infected_upload_is_refused_on_the_page(scanner, client_as, linked, headteacher):
    from tests.exchange.conftest import EICAR

    response = post(client_as("headteacher"), linked, kind="other", title="x", file=SimpleUploadedFile("a.txt", EICAR))
    assert services.INFECTED in response.content.decode()
    assert not Document.objects.exists()


def test_the_la_shares_and_withdraws_on_the_pages(
    client_as, linked, adviser, headteacher, django_capture_on_commit_callbacks
):
    client = client_as("adviser")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, linked, kind="la", title="Data pack", for_governors="on",
                        file=SimpleUploadedFile("pack.pdf", PDF))  # fmt: skip
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.for_governors
    withdraw = reverse("exchange:withdraw", kwargs={"urn": linked.urn, "pk": document.pk})
    assert "Say why the document is withdrawn" in client.post(withdraw, {"reason": ""}).content.decode()
    response = client.post(withdraw, {"reason": "Superseded"})
    assert response.status_code == 302
    page = client.get(list_url(linked)).content.decode()
    assert "Emailed to Hana Marsh" in page  # the LA sees the school was told
    assert "Withdrawn" in page
    assert "Superseded" in page
    assert client.get(withdraw).status_code == 404  # withdrawn once


def test_the_headteacher_withdraws_a_file_the_school_uploaded_by_mistake_on_the_page(
    client_as, linked, upload, headteacher
):
    mistaken = upload(headteacher, title="SEF with pupils' names")
    withdraw = reverse("exchange:withdraw", kwargs={"urn": linked.urn, "pk": mistaken.pk})
    client = client_as("headteacher")
    assert f'href="{withdraw}"' in client.get(list_url(linked)).content.decode()
    assert "uploaded by mistake" in client.get(withdraw).content.decode()
    done = client.post(withdraw, {"reason": "Wrong file"}, follow=True)
    assert "the school no longer sees it" in done.content.decode()
    assert "SEF with pupils" not in client.get(list_url(linked)).content.decode()
    governor_page = client_as("governor").get(list_url(linked)).content.decode()
    assert "SEF with pupils" not in governor_page
    assert "Wrong file" in client_as("adviser").get(list_url(linked)).content.decode()  # the LA still sees it


def test_a_governor_is_offered_no_withdrawal(client_as, linked, upload, headteacher):
    sef = upload(headteacher)
    page = client_as("governor").get(list_url(linked)).content.decode()
    assert reverse("exchange:withdraw", kwargs={"urn": linked.urn, "pk": sef.pk}) not in page


# ---- confidentiality: planted text -----------------------------------------------------------------

HEAD_ONLY = "PLANTED-head-only-LA-document"
HEAD_OTHER = "PLANTED-headteachers-other-upload"
WITHDRAWN = "PLANTED-withdrawn-document"
WITHDRAW_REASON = "PLANTED-withdrawal-reason"
OTHER_SCHOOL = "PLANTED-other-schools-SEF"


@pytest.fixture
def planted(upload, linked, adviser, officer, headteacher, governor, other_school, other_governor, make_user):
    from accounts.models import Headship
    from accounts.roles import Role

    upload(headteacher, title="Our SEF")
    upload(adviser, kind=DocumentKind.LA_DOCUMENT, title="For the governing body", for_governors=True)
    upload(adviser, kind=DocumentKind.LA_DOCUMENT, title=HEAD_ONLY, name=f"{HEAD_ONLY}.pdf")
    upload(headteacher, kind=DocumentKind.OTHER, title=HEAD_OTHER, name=f"{HEAD_OTHER}.pdf")
    withdrawn = upload(
        officer, kind=DocumentKind.LA_DOCUMENT, title=WITHDRAWN, name=f"{WITHDRAWN}.pdf", for_governors=True
    )
    services.document_withdraw(document=withdrawn, actor=officer, reason=WITHDRAW_REASON)
    other_head = make_user(Role.HEADTEACHER, username="otherhead")
    Headship.objects.create(user=other_head, school=other_school)
    upload(other_head, title=OTHER_SCHOOL, school=other_school)
    return linked


def pages(client, school):
    urls = [reverse("dashboard:home"), reverse("schools:detail", kwargs={"urn": school.urn}), list_url(school)]
    return "".join(client.get(url).content.decode() for url in urls)


def test_a_governor_sees_the_plans_and_what_is_shared_with_the_governing_body_only(client_as, planted):
    text = pages(client_as("governor"), planted)
    assert "Our SEF" in text
    assert "For the governing body" in text
    for secret in (HEAD_ONLY, HEAD_OTHER, WITHDRAWN, WITHDRAW_REASON, OTHER_SCHOOL):
        assert secret not in text
    assert "Share a document" not in text
    assert "Upload a document" not in text


def test_a_headteacher_never_sees_withdrawn_documents_or_another_schools(client_as, planted):
    text = pages(client_as("headteacher"), planted)
    assert HEAD_ONLY in text
    assert HEAD_OTHER in text
    assert "Our SEF" in text
    for secret in (WITHDRAWN, WITHDRAW_REASON, OTHER_SCHOOL):
        assert secret not in text


def test_the_la_side_sees_everything_of_the_school_withdrawn_documents_marked(client_as, planted):
    text = client_as("officer").get(list_url(planted)).content.decode()
    for shown in (HEAD_ONLY, HEAD_OTHER, WITHDRAWN, WITHDRAW_REASON):
        assert shown in text
    assert OTHER_SCHOOL not in text


def test_the_headteachers_home_shows_what_the_la_shared(client_as, planted):
    text = client_as("headteacher").get(reverse("dashboard:home")).content.decode()
    assert "For the governing body" in text
    assert HEAD_ONLY in text
    assert list_url(planted) in text


def test_the_documents_page_runs_a_bounded_number_of_queries(
    client_as, upload, headteacher, adviser, django_assert_max_num_queries
):
    client = client_as("adviser")
    for i in range(3):
        upload(headteacher, title=f"SEF {i}")
        upload(adviser, kind=DocumentKind.LA_DOCUMENT, title=f"Pack {i}")
    with django_assert_max_num_queries(12) as few:
        client.get(list_url(headteacher.headships.get().school))
    for i in range(10):
        upload(headteacher, title=f"More {i}")
        upload(adviser, kind=DocumentKind.LA_DOCUMENT, title=f"More pack {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(list_url(headteacher.headships.get().school))
    assert response.content.decode().count("/download/") == 26


def test_a_stored_content_type_outside_the_accepted_ones_is_never_served(client_as, upload, headteacher):
    document = upload(headteacher)
    Document.objects.filter(pk=document.pk).update(content_type="text/html")
    response = client_as("headteacher").get(download_url(document))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
