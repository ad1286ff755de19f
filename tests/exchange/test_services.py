"""Uploading, scanning, sharing and withdrawing exchanged documents (issue 14, docs/adr/0034)."""

import hashlib
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from core import emails
from exchange import scan, selectors, services
from exchange.models import Direction, Document, DocumentEmail, DocumentKind, ScanStatus
from tests.exchange.conftest import EICAR, PDF

pytestmark = pytest.mark.django_db


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_headteacher_uploads_the_schools_self_evaluation(upload, headteacher, settings):
    document = upload(headteacher, name="C:\\Users\\head\\SEF 2026.pdf")
    assert document.direction == Direction.FROM_SCHOOL
    assert document.kind == DocumentKind.SELF_EVALUATION
    assert document.original_name == "SEF 2026.pdf"
    assert document.size == len(PDF)
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert document.content_type == "application/pdf"
    assert document.scan_status == ScanStatus.NOT_SCANNED  # no scanner configured
    # Stored under a random name the service made, never the browser's.
    assert document.file.name.startswith(f"exchange/{document.school.urn}/")
    assert "SEF" not in document.file.name
    assert document.file.name.endswith(".pdf")
    assert stored_files(settings)[0].read_bytes() == PDF
    assert mail.outbox == []  # the school's own upload emails nobody


def test_the_school_and_the_la_choose_from_their_own_kinds(upload, headteacher, adviser):
    with pytest.raises(ValidationError) as caught:
        upload(headteacher, kind=DocumentKind.LA_DOCUMENT)
    assert caught.value.message_dict == {"kind": [services.KIND_NOT_FOR_SCHOOL]}
    with pytest.raises(ValidationError) as caught:
        upload(adviser, kind=DocumentKind.SELF_EVALUATION)
    assert caught.value.message_dict == {"kind": [services.KIND_NOT_FOR_LA]}


def test_only_the_schools_headteacher_and_its_la_side_may_upload(upload, governor, admin_user, make_user, other_school):
    from accounts.models import Headship
    from accounts.roles import Role

    other_head = make_user(Role.HEADTEACHER, username="otherhead")
    Headship.objects.create(user=other_head, school=other_school)
    other_adviser = make_user(Role.ADVISER, username="otheradviser")
    for actor in (governor, admin_user, other_head, other_adviser):
        with pytest.raises(ValidationError) as caught:
            upload(actor)
        assert caught.value.messages == [services.NOT_ALLOWED]
    assert not Document.objects.exists()


def test_the_la_shares_a_document_and_the_headteacher_is_emailed(
    upload, adviser, headteacher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the email is queued after commit
        document = upload(adviser, kind=DocumentKind.LA_DOCUMENT, title="Termly data pack", for_governors=True)
    assert document.direction == Direction.FROM_LA
    assert document.for_governors
    email = DocumentEmail.objects.get()
    assert email.recipient == headteacher
    assert email.emailed_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["head@example.org"]
    assert "Termly data pack" in message.body
    assert f"/schools/{document.school.urn}/documents/" in message.body
    assert message.attachments == []


def test_a_headteacher_without_an_email_address_is_recorded_not_emailed(upload, adviser, headteacher):
    headteacher.email = ""
    headteacher.save()
    upload(adviser, kind=DocumentKind.LA_DOCUMENT)
    assert DocumentEmail.objects.get().error == emails.NO_EMAIL_ADDRESS
    assert mail.outbox == []


def test_a_failed_email_is_recorded(upload, adviser, headteacher, monkeypatch, django_capture_on_commit_callbacks):
    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(emails, "send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        upload(adviser, kind=DocumentKind.LA_DOCUMENT)
    assert DocumentEmail.objects.get().error == emails.COULD_NOT_SEND.format(error="mail server down")


def test_title_and_names_are_single_line_text(upload, headteacher):
    document = upload(headteacher, title="  SEF\x00 {{ request.user }}\n2026 ", name="../../etc/passwd\r\n.pdf")
    assert "\n" not in document.title
    assert "\x00" not in document.title
    assert "{{ request.user }}" in document.title  # data, never compiled
    assert "/" not in document.original_name
    assert "\n" not in document.original_name
    with pytest.raises(ValidationError) as caught:
        upload(headteacher, title=" \t ")
    assert caught.value.message_dict == {"title": [services.TITLE_REQUIRED]}


# ---- the virus-scan hook ---------------------------------------------------------------------------


def test_a_clean_file_is_recorded_as_scanned(scanner, upload, headteacher):
    assert upload(headteacher).scan_status == ScanStatus.CLEAN


def test_an_infected_file_is_refused_and_nothing_is_stored(scanner, upload, headteacher, settings):
    with pytest.raises(ValidationError) as caught:
        upload(headteacher, name="notes.txt", data=EICAR)
    assert caught.value.message_dict == {"file": [services.INFECTED]}
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_a_scanner_error_refuses_the_upload(scanner, upload, headteacher, settings):
    with pytest.raises(ValidationError) as caught:
        upload(headteacher, name="notes.txt", data=b"BREAK-THE-SCANNER")
    assert caught.value.message_dict == {"file": [services.SCANNER_FAILED]}
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_a_scanner_that_cannot_start_or_hangs_refuses_the_upload(settings, upload, headteacher):
    settings.VIRUS_SCAN_COMMAND = "/nonexistent/clamdscan --no-summary -"
    assert scan.scan(PDF) == scan.Verdict.SCANNER_ERROR
    settings.VIRUS_SCAN_COMMAND = "sleep 5"
    settings.VIRUS_SCAN_TIMEOUT = 1
    assert scan.scan(PDF) == scan.Verdict.SCANNER_ERROR
    settings.VIRUS_SCAN_COMMAND = ""
    assert scan.scan(PDF) == scan.Verdict.NOT_SCANNED


def test_a_database_failure_leaves_no_file_behind(upload, headteacher, settings, monkeypatch):
    def broken(self, *args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(Document, "save", broken)
    with pytest.raises(RuntimeError):
        upload(headteacher)
    assert stored_files(settings) == []


# ---- withdrawal ------------------------------------------------------------------------------------


def test_the_la_withdraws_a_shared_document_which_is_kept_and_recorded(upload, adviser, officer, headteacher):
    document = upload(adviser, kind=DocumentKind.LA_DOCUMENT)
    with pytest.raises(ValidationError) as caught:
        services.document_withdraw(document=document, actor=officer, reason="  ")
    assert caught.value.message_dict == {"reason": [services.REASON_REQUIRED]}
    services.document_withdraw(document=document, actor=officer, reason="Sent to the wrong school")
    document.refresh_from_db()
    assert document.withdrawn
    assert document.withdrawn_by == officer
    assert document.withdrawn_reason == "Sent to the wrong school"
    assert document.history.first().history_user == officer
    with pytest.raises(ValidationError):
        services.document_withdraw(document=document, actor=officer, reason="again")


def test_the_school_cannot_withdraw_what_the_la_shared(upload, adviser, headteacher):
    shared = upload(adviser, kind=DocumentKind.LA_DOCUMENT)
    with pytest.raises(ValidationError) as caught:
        services.document_withdraw(document=shared, actor=headteacher, reason="no")
    assert caught.value.messages == [services.NOT_ALLOWED]
    assert not Document.objects.get(pk=shared.pk).withdrawn


def test_a_file_the_school_uploaded_by_mistake_is_withdrawn_by_its_headteacher_or_the_la_side(
    upload, adviser, headteacher, governor
):
    """ADR 0074: the wrong file (another school's, one with pupils' details) is taken back from the
    governors; the LA still sees it, marked, with who withdrew it and why."""
    mistaken = upload(headteacher)
    services.document_withdraw(document=mistaken, actor=headteacher, reason="Wrong file: it has pupils' names")
    mistaken.refresh_from_db()
    assert (mistaken.withdrawn_by, mistaken.withdrawn_reason) == (headteacher, "Wrong file: it has pupils' names")
    assert mistaken not in selectors.documents_visible_to(user=governor, school=mistaken.school)
    assert mistaken not in selectors.documents_visible_to(user=headteacher, school=mistaken.school)
    assert mistaken in selectors.documents_visible_to(user=adviser, school=mistaken.school)
    with pytest.raises(ValidationError) as caught:
        services.document_withdraw(document=mistaken, actor=adviser, reason="again")
    assert caught.value.messages == [services.NOT_WITHDRAWABLE]
    another = upload(headteacher)
    services.document_withdraw(document=another, actor=adviser, reason="The school asked us to")
    assert Document.objects.get(pk=another.pk).withdrawn_by == adviser


def test_a_governor_cannot_withdraw_what_the_school_uploaded(upload, headteacher, governor):
    sef = upload(headteacher)
    with pytest.raises(ValidationError) as caught:
        services.document_withdraw(document=sef, actor=governor, reason="no")
    assert caught.value.messages == [services.NOT_ALLOWED]
