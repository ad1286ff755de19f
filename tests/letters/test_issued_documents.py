"""An issued letter's PDF and Word files are produced by a background task from the words fixed at
issue (letters.issued_documents, letters.tasks); the letter's page says where they are, and an
officer can ask again for files that could not be produced."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob
from pypdf import PdfReader

from core import fonts
from core.tasks import queue_is_postgresql
from letters import documents, issued_documents, services
from letters.models import DocumentsStatus, Letter, WarningNoticeProgress

from .factories import approved, draft, eligible_notice, issued

pytestmark = pytest.mark.django_db


def pdf_text(stored) -> str:
    with stored.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(handle).pages)


def _without_origin(args: dict) -> dict:
    return {name: value for name, value in args.items() if name != "origin"}


@pytest.fixture
def queued(settings):
    """The request defers to the queue instead of running tasks inline: on PostgreSQL its real table
    (in the test's transaction, no worker), elsewhere Procrastinate's in-memory connector. Returns
    the queued jobs' (task name, arguments)."""
    settings.TASKS_INLINE = False
    if queue_is_postgresql():
        yield lambda: [
            (name, _without_origin(args)) for name, args in ProcrastinateJob.objects.values_list("task_name", "args")
        ]
        return
    app.connector.reset()
    yield lambda: [(job["task_name"], _without_origin(job["args"])) for job in app.connector.jobs.values()]
    app.connector.reset()


@pytest.fixture
def failing_renderer(monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("the renderer fell over")

    monkeypatch.setattr(documents, "pdf_bytes", refuse)


def test_without_a_queue_the_files_are_produced_with_the_issue(school, adviser, officer):
    letter = issued(school, "significant_concerns", drafter=adviser, officer=officer)
    assert letter.documents_status == DocumentsStatus.READY
    assert letter.pdf.name.endswith(".pdf")
    assert letter.docx.name.endswith(".docx")
    assert letter.reference in pdf_text(letter.pdf)


def test_with_a_queue_issuing_queues_the_files_and_the_page_says_they_are_being_produced(
    school, adviser, officer, queued, client_as
):
    letter = issued(school, "significant_concerns", drafter=adviser, officer=officer)
    assert letter.documents_status == DocumentsStatus.PENDING
    assert not letter.pdf
    assert queued() == [("letters.tasks.render_issued_documents", {"letter_id": letter.pk, "document": "letter"})]
    page = client_as("officer").get(letter.get_absolute_url()).content.decode()
    assert "are being produced" in page
    assert "Download the letter as PDF" not in page

    download = client_as("officer").get(reverse("letters:download", args=[letter.pk, "letter", "pdf"]), follow=True)
    assert download.redirect_chain == [(letter.get_absolute_url(), 302)]  # a link followed too soon
    assert "being produced" in download.content.decode()

    issued_documents.documents_render(letter_id=letter.pk, document="letter", last_attempt=False)
    letter.refresh_from_db()
    assert letter.documents_status == DocumentsStatus.READY
    page = client_as("officer").get(letter.get_absolute_url()).content.decode()
    assert "Download the letter as PDF" in page


def test_the_issue_message_never_says_the_files_are_ready_before_they_are(
    school, adviser, officer, second_officer, queued, client_as
):
    letter = approved(school, "significant_concerns", drafter=adviser, officer=officer)
    today = timezone.localdate()
    response = client_as("officer").post(
        reverse("letters:issue", kwargs={"pk": letter.pk}),
        {"issued_on_0": today.day, "issued_on_1": today.month, "issued_on_2": today.year, "other_copies": ""},
    )
    assert response.status_code == 302
    message = str(next(iter(response.wsgi_request._messages)))
    assert "being produced" in message
    assert "ready to send" not in message


def test_the_files_say_what_was_issued_even_if_the_school_changes_before_they_are_made(
    school, adviser, officer, queued
):
    letter = issued(school, "significant_concerns", drafter=adviser, officer=officer)
    school.name = "Renamed After Issue Academy"
    school.save()
    issued_documents.documents_render(letter_id=letter.pk, document="letter", last_attempt=True)
    letter.refresh_from_db()
    text = pdf_text(letter.pdf)
    assert "Kingfisher Primary School" in text
    assert "Renamed After Issue" not in text


def test_producing_the_files_twice_keeps_the_first_ones(school, adviser, officer):
    letter = issued(school, "significant_concerns", drafter=adviser, officer=officer)
    first = letter.pdf.name
    issued_documents.documents_render(letter_id=letter.pk, document="letter", last_attempt=True)
    letter.refresh_from_db()
    assert letter.pdf.name == first


def test_a_failure_before_the_last_attempt_leaves_the_files_owed_for_the_next(
    school, adviser, officer, queued, failing_renderer
):
    letter = issued(school, "significant_concerns", drafter=adviser, officer=officer)
    with pytest.raises(RuntimeError):
        issued_documents.documents_render(letter_id=letter.pk, document="letter", last_attempt=False)
    letter.refresh_from_db()
    assert letter.documents_status == DocumentsStatus.PENDING


def test_a_failure_on_the_last_attempt_is_shown_and_an_officer_can_ask_again(
    school, adviser, officer, client_as, monkeypatch, failing_renderer
):
    letter = issued(school, "significant_concerns", drafter=adviser, officer=officer)  # inline: one attempt
    assert letter.documents_status == DocumentsStatus.FAILED
    assert not letter.pdf
    assert Letter.objects.get(pk=letter.pk).status == "issued"  # the issue stands; only its files are owed
    officer_page = client_as("officer").get(letter.get_absolute_url()).content.decode()
    assert "could not be produced" in officer_page
    assert "Produce the files again" in officer_page
    adviser_page = client_as("adviser").get(letter.get_absolute_url()).content.decode()
    assert "could not be produced" in adviser_page
    assert "Produce the files again" not in adviser_page

    monkeypatch.undo()
    retry = reverse("letters:documents_retry", kwargs={"pk": letter.pk, "document": "letter"})
    assert client_as("adviser").post(retry).status_code == 403
    assert "The PDF and Word files are ready to send." in client_as("officer").post(retry, follow=True).content.decode()
    letter.refresh_from_db()
    assert letter.documents_status == DocumentsStatus.READY
    assert letter.reference in pdf_text(letter.pdf)


def test_asking_again_for_files_that_were_produced_is_refused_with_a_message(school, adviser, officer, client_as):
    letter = issued(school, "significant_concerns", drafter=adviser, officer=officer)
    retry = reverse("letters:documents_retry", kwargs={"pk": letter.pk, "document": "letter"})
    response = client_as("officer").post(retry, follow=True)
    assert issued_documents.NOT_FAILED.format(reference=letter.reference) in response.content.decode()
    assert client_as("officer").post(reverse("letters:documents_retry", args=[letter.pk, "other"])).status_code == 404


def test_asking_for_the_notice_of_intention_of_a_letter_that_has_none_is_refused_with_a_message(
    school, adviser, officer, client_as
):
    letter = issued(school, "significant_concerns", drafter=adviser, officer=officer)
    retry = reverse("letters:documents_retry", kwargs={"pk": letter.pk, "document": "intention"})
    response = client_as("officer").post(retry, follow=True)
    assert response.status_code == 200
    assert issued_documents.NOT_FAILED.format(reference=letter.reference) in response.content.decode()


def test_the_notice_of_intention_is_produced_the_same_way(school, adviser, officer, second_officer, queued):
    notice = eligible_notice(school, drafter=second_officer, officer=officer)
    progress = notice.progress
    assert progress.intention_documents_status == DocumentsStatus.PENDING
    assert not progress.intention_pdf
    assert progress.intention_content["reference"] == f"{notice.reference}/N"
    issued_documents.documents_render(letter_id=notice.pk, document="intention", last_attempt=True)
    progress.refresh_from_db()
    assert progress.intention_documents_status == DocumentsStatus.READY
    assert "additional governors" in pdf_text(progress.intention_pdf)


def test_a_letter_whose_words_have_a_character_no_font_can_print_is_not_issued_and_the_page_names_it(
    school, adviser, officer, client_as, monkeypatch
):
    """Issued, its files would fail on every attempt and the issued letter could not be changed. (The
    drafter's own words are checked at submission; the school's name can change after approval.)"""
    monkeypatch.setattr(fonts, "printable", lambda: frozenset(range(0x3000)))  # a server without CJK fonts
    letter = approved(school, "significant_concerns", drafter=adviser, officer=officer)
    school.name = "Kingfisher 学 Primary School"  # (a GIAS import renames it)
    school.save()
    url = reverse("letters:issue", args=[letter.pk])
    today = timezone.localdate()
    issued_on = {"issued_on_0": today.day, "issued_on_1": today.month, "issued_on_2": today.year}
    response = client_as("officer").post(url, issued_on)
    assert response.status_code == 200
    page = response.content.decode()
    assert "the server has no font with “学” (U+5B66 CJK UNIFIED IDEOGRAPH-5B66)" in page
    assert f'name="issued_on_0" value="{today.day}"' in page  # the date typed is kept
    letter.refresh_from_db()
    assert letter.status == "approved"
    assert not letter.issued_content
    assert not Letter.history.filter(id=letter.pk, status="issued").exists()


def test_a_letter_with_a_character_no_font_can_print_is_refused_at_submission_while_its_drafter_can_change_it(
    school, adviser, monkeypatch
):
    monkeypatch.setattr(fonts, "printable", lambda: frozenset(range(0x3000)))  # a server without CJK fonts
    letter = draft(school, "significant_concerns", actor=adviser)
    letter.body += "\n\nWith thanks 学."
    letter.save()
    with pytest.raises(ValidationError) as refused:
        services.letter_submit(letter=letter, actor=adviser)
    assert any("the server has no font with “学”" in message for message in refused.value.messages)
    letter.refresh_from_db()
    assert letter.status == "draft"


def test_a_notice_of_intention_with_a_character_no_font_can_print_is_refused(
    school, adviser, officer, second_officer, monkeypatch
):
    end = date(2026, 10, 1)
    letter = issued(
        school, "warning_notice", drafter=second_officer, officer=officer, issued_on=date(2026, 8, 1),
        today=end + timedelta(days=3), compliance_end_date=end,
    )  # fmt: skip
    services.warning_notice_outcome_record(
        letter=letter, actor=officer, outcome="not_complied", today=end + timedelta(days=1)
    )
    monkeypatch.setattr(fonts, "printable", lambda: frozenset(range(0x3000)))
    with pytest.raises(ValidationError) as refused:
        services.warning_notice_intention_give(
            letter=letter, actor=officer, given_on=end + timedelta(days=3), powers=["s64"],
            text="To the governing body of {school_name}\n\nWe propose to appoint additional governors 学.",
            today=end + timedelta(days=3),
        )  # fmt: skip
    assert "“学” (U+5B66" in refused.value.messages[0]
    progress = WarningNoticeProgress.objects.get(letter=letter)
    assert progress.intention_given_on is None
    assert progress.intention_documents_status != DocumentsStatus.PENDING
