"""Drafting with preview, approval, return and issue, with the PDF and Word files and the alerts."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from letters import rules, services
from letters.documents import SECRETARY_OF_STATE
from letters.models import Letter, LetterEvent, LetterStatus
from letters.placeholders import UNKNOWN_PLACEHOLDER, long_date
from schools.models import Councillor, ElectedMemberAlert, ElectedMemberAlertKind

from .factories import approved, draft, issued, letter_type

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def new_url(school, code):
    return reverse("letters:new", kwargs={"urn": school.urn, "code": code})


def compliance_end() -> date:
    """Eight weeks from today: a compliance period a warning notice may set on any day."""
    return timezone.localdate() + timedelta(weeks=8)


def form_data(letter_type_code, **overrides):
    kind = letter_type(letter_type_code)
    end = compliance_end()
    data = {
        "subject": "Warning notice: {school_name}",
        "body": "To the governing body of {school_name}\n\n{grounds}\n\n{indicators}\n\nBy {compliance_end_date}.",
        "indicators": [kind.indicators.get(code="low_standards").pk] if kind.is_warning_notice else [],
        "grounds": ["a", "b"],
        "compliance_end_date_0": str(end.day),
        "compliance_end_date_1": str(end.month),
        "compliance_end_date_2": str(end.year),
    }
    data.update(overrides)
    return data


def test_an_adviser_drafts_a_warning_notice_for_a_link_school(client_as, link_school):
    response = client_as("adviser").post(new_url(link_school, "warning_notice"), form_data("warning_notice", save=""))
    letter = Letter.objects.get()
    assert response.status_code == 302
    assert response["Location"] == letter.get_absolute_url()
    assert (letter.status, letter.grounds, letter.drafted_by.username) == (LetterStatus.DRAFT, ["a", "b"], "adviser")
    assert [i.code for i in letter.indicators.all()] == ["low_standards"]
    assert letter.history.first().history_user.username == "adviser"


def test_an_adviser_cannot_draft_for_a_school_that_is_not_theirs(client_as, school, adviser):
    response = client_as("adviser").post(new_url(school, "warning_notice"), form_data("warning_notice", save=""))
    assert response.status_code == 403
    assert not Letter.objects.exists()


def test_the_draft_form_is_prefilled_from_the_template_with_the_schools_facts(client_as, link_school):
    page = client_as("officer").get(new_url(link_school, "significant_concerns"))
    body = page.context["form"].initial["body"]
    assert "Dear Grace Holt and Mrs Jane Smith," in body
    assert "{indicators}" in body  # filled in at preview and issue, when the ticks are final


def test_preview_shows_the_letter_as_it_will_be_sent_and_saves_nothing(client_as, link_school):
    response = client_as("adviser").post(
        new_url(link_school, "warning_notice"), form_data("warning_notice", preview="")
    )
    assert response.status_code == 200
    preview = response.context["preview"]
    text = response.content.decode()
    assert preview.subject == f"Warning notice: {link_school.name}"
    assert "(b) there has been a serious breakdown in the way the school is managed or governed" in text
    assert f"By {long_date(compliance_end())}." in text
    assert SECRETARY_OF_STATE in text
    assert not Letter.objects.exists()


def test_a_preview_refuses_what_saving_refuses_a_compliance_period_that_ends_before_issue(client_as, link_school):
    past = timezone.localdate() - timedelta(days=30)
    dates = {"compliance_end_date_0": past.day, "compliance_end_date_1": past.month, "compliance_end_date_2": past.year}
    errors = {}
    for button in ("preview", "save"):
        response = client_as("adviser").post(
            new_url(link_school, "warning_notice"), form_data("warning_notice", **{button: ""}, **dates)
        )
        assert response.status_code == 200
        assert response.context.get("preview") is None
        errors[button] = response.context["form"].errors["compliance_end_date"]
    assert errors["preview"] == errors["save"]
    assert not Letter.objects.exists()


def test_an_unknown_placeholder_is_an_error_on_the_form_and_nothing_is_saved(client_as, link_school):
    data = form_data("warning_notice", save="", body="Dear {head_teacher}")
    response = client_as("adviser").post(new_url(link_school, "warning_notice"), data)
    assert response.status_code == 200
    assert UNKNOWN_PLACEHOLDER.format(name="head_teacher") in response.context["form"].errors["body"]
    assert not Letter.objects.exists()


def test_a_warning_notice_needs_a_ground_and_a_compliance_period_ending_in_the_future(client_as, link_school):
    data = form_data("warning_notice", save="", grounds=[], compliance_end_date_2="2020")
    form = client_as("officer").post(new_url(link_school, "warning_notice"), data).context["form"]
    assert form.errors["grounds"] == [rules.NEEDS_A_GROUND]
    assert form.errors["compliance_end_date"][0].startswith("The compliance period must end after the date of issue")
    assert not Letter.objects.exists()


def test_letters_of_concern_are_for_maintained_schools_only(officer, academy):
    with pytest.raises(ValidationError) as error:
        draft(academy, "significant_concerns", actor=officer)
    assert (
        rules.ONLY_MAINTAINED.format(letter_type="significant concerns letter", school=academy.name)
        in error.value.messages
    )
    assert draft(academy, "congratulations", actor=officer).status == LetterStatus.DRAFT


def test_a_letter_is_submitted_only_once_every_prompt_is_completed_and_an_indicator_ticked(officer, link_school):
    kind = letter_type("significant_concerns")
    letter = draft(link_school, "significant_concerns", actor=officer, indicators=[], body=kind.template.body)
    with pytest.raises(ValidationError) as error:
        services.letter_submit(letter=letter, actor=officer)
    assert services.NEEDS_AN_INDICATOR in error.value.messages
    assert any(m.startswith("Complete or remove the text in square brackets") for m in error.value.messages)
    assert Letter.objects.get().status == LetterStatus.DRAFT


def test_an_officer_approves_a_submitted_letter_and_approving_it_again_is_refused_with_a_message(
    client_as, officer, adviser, link_school
):
    letter = draft(link_school, "significant_concerns", actor=adviser)
    services.letter_submit(letter=letter, actor=adviser)
    client = client_as("officer")
    client.post(reverse("letters:approve", kwargs={"pk": letter.pk}), {"comments": "Good."})
    letter.refresh_from_db()
    assert (letter.status, letter.approved_by) == (LetterStatus.APPROVED, officer)

    response = client.post(reverse("letters:approve", kwargs={"pk": letter.pk}), follow=True)
    assert services.CANNOT_APPROVE.format(status="approved, awaiting issue") in response.content.decode()


def test_a_returned_letter_carries_the_officers_comments_and_can_be_changed_and_resubmitted(
    client_as, adviser, link_school
):
    letter = draft(link_school, "significant_concerns", actor=adviser)
    services.letter_submit(letter=letter, actor=adviser)
    client = client_as("officer")
    url = reverse("letters:return", kwargs={"pk": letter.pk})
    assert client.post(url, {"comments": ""}).context["form"].errors["comments"]
    client.post(url, {"comments": "Add the attendance evidence."})
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RETURNED
    assert LetterEvent.objects.filter(
        letter=letter, action="returned", comments="Add the attendance evidence."
    ).exists()
    adviser_client = client_as("adviser")
    pages = {
        letter.get_absolute_url(): 'class="letters-paper',
        reverse("letters:edit", args=[letter.pk]): 'name="subject"',
    }
    for page, the_letter in pages.items():
        # At the top, in the "Returned" banner, before the letter itself: where the drafter looks.
        content = adviser_client.get(page).content.decode()
        banner = content.index('id="returned-title"')
        assert banner < content.index("Add the attendance evidence.") < content.index(the_letter), page
        assert "Olivia Okafor returned this on" in content, page
    services.letter_submit(letter=letter, actor=adviser)
    assert 'id="returned-title"' not in adviser_client.get(letter.get_absolute_url()).content.decode()


def test_issuing_records_the_date_and_recipients_and_keeps_the_pdf_and_word_files(officer, adviser, link_school):
    letter = approved(
        link_school, "warning_notice", drafter=adviser, officer=officer, compliance_end_date=date(2027, 1, 29),
        today=date(2026, 11, 19),
    )  # fmt: skip
    letter = services.letter_issue(letter=letter, actor=officer, issued_on=date(2026, 11, 20), today=date(2026, 11, 22))

    assert (letter.status, letter.issued_on, letter.issued_by) == (LetterStatus.ISSUED, date(2026, 11, 20), officer)
    assert letter.recipients == [
        {"role": "Chair of governors", "name": "Grace Holt"},
        {"role": "Headteacher", "name": "Mrs Jane Smith"},
    ]
    assert letter.copies == [SECRETARY_OF_STATE]
    for text in (pdf_text(letter.pdf.read()), docx_text(letter.docx.read())):
        assert link_school.name in text
        assert "the standards of performance of pupils at the school are unacceptably low" in text
        assert "29 January 2027" in text
        assert "20 November 2026" in text
        assert "Secretary of State" in text
    assert letter.progress.outcome == ""


def test_an_issued_letter_cannot_be_edited_or_issued_again(client_as, officer, adviser, link_school):
    letter = issued(link_school, "significant_concerns", drafter=adviser, officer=officer)
    with pytest.raises(ValidationError) as error:
        services.letter_draft_update(letter=letter, actor=officer, subject="x", body="y")
    assert error.value.messages == [rules.ISSUED_CANNOT_BE_EDITED]
    with pytest.raises(ValidationError) as error:
        services.letter_issue(letter=letter, actor=officer)
    assert error.value.messages == [services.CANNOT_ISSUE.format(status="issued")]
    response = client_as("officer").get(reverse("letters:edit", kwargs={"pk": letter.pk}), follow=True)
    assert services.NOT_EDITABLE.format(status="issued") in response.content.decode()


@pytest.mark.parametrize(
    ("issued_on", "end", "message"),
    [
        (date(2026, 11, 23), date(2027, 1, 1), rules.ISSUE_DATE_IN_FUTURE),
        (date(2026, 11, 22), date(2026, 11, 22), rules.COMPLIANCE_END_AFTER_ISSUE.format(issued_on=date(2026, 11, 22))),
    ],
)
def test_the_issue_date_is_not_in_the_future_and_precedes_the_end_of_the_compliance_period(
    officer, link_school, issued_on, end, message, second_officer
):
    letter = approved(
        link_school, "warning_notice", drafter=second_officer, officer=officer, compliance_end_date=date(2027, 1, 1),
        today=date(2026, 11, 20),
    )  # fmt: skip
    Letter.objects.filter(pk=letter.pk).update(compliance_end_date=end)
    with pytest.raises(ValidationError) as error:
        services.letter_issue(letter=letter, actor=officer, issued_on=issued_on, today=date(2026, 11, 22))
    assert message in error.value.messages
    assert Letter.objects.get().status == LetterStatus.APPROVED


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("warning_notice", ElectedMemberAlertKind.WARNING_NOTICE),
        ("significant_concerns_top", ElectedMemberAlertKind.SIGNIFICANT_CONCERNS),
    ],
)
def test_issuing_a_warning_notice_or_top_tier_letter_alerts_the_wards_councillors_after_commit(
    officer, link_school, mailoutbox, django_capture_on_commit_callbacks, code, kind, second_officer
):
    Councillor.objects.create(ward=link_school.ward, name="Jane Doe", email="jane@example.gov.uk")
    letter = approved(link_school, code, drafter=second_officer, officer=officer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.letter_issue(letter=letter, actor=officer)
        alert = ElectedMemberAlert.objects.get()
        assert (alert.school, alert.kind, alert.created_by) == (link_school, kind, officer)
        assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert [m.to for m in mailoutbox] == [["jane@example.gov.uk"]]
    assert letter.reference in mailoutbox[0].body


@pytest.mark.parametrize("code", ["congratulations", "significant_concerns"])
def test_other_letters_alert_nobody(officer, link_school, mailoutbox, django_capture_on_commit_callbacks, code):
    Councillor.objects.create(ward=link_school.ward, name="Jane Doe", email="jane@example.gov.uk")
    with django_capture_on_commit_callbacks(execute=True):
        issued(link_school, code, drafter=officer, officer=officer)
    assert not ElectedMemberAlert.objects.exists()
    assert mailoutbox == []


def test_a_failed_issue_changes_nothing_and_leaves_no_files(
    officer, link_school, monkeypatch, settings, second_officer
):
    letter = approved(link_school, "warning_notice", drafter=second_officer, officer=officer)

    def refuse(**kwargs):
        raise RuntimeError("mail server down")

    monkeypatch.setattr(services, "elected_members_alert", refuse)
    with pytest.raises(RuntimeError):
        services.letter_issue(letter=letter, actor=officer)
    letter.refresh_from_db()
    assert (letter.status, letter.pdf.name, letter.docx.name) == (LetterStatus.APPROVED, "", "")
    media = settings.MEDIA_ROOT / "letters"
    assert not media.exists() or not any(media.rglob("*.pdf"))


def test_the_issue_page_issues_and_the_downloads_are_attachments_not_public_urls(client_as, officer, link_school):
    letter = approved(link_school, "congratulations", drafter=officer, officer=officer)
    client = client_as("officer")
    today = timezone.localdate()
    response = client.post(
        reverse("letters:issue", kwargs={"pk": letter.pk}),
        {"issued_on_0": today.day, "issued_on_1": today.month, "issued_on_2": today.year, "other_copies": "Diocese\n"},
    )
    letter.refresh_from_db()
    assert response.status_code == 302
    assert letter.status == LetterStatus.ISSUED
    assert letter.copies == ["Diocese"]
    page = client.get(letter.get_absolute_url()).content.decode()
    assert "/media/" not in page
    download = client.get(reverse("letters:download", kwargs={"pk": letter.pk, "document": "letter", "fmt": "docx"}))
    assert download["Content-Disposition"].startswith("attachment;")
    assert link_school.name in docx_text(b"".join(download.streaming_content))


def test_a_letter_can_be_withdrawn_but_stays_in_the_register(client_as, adviser, link_school):
    letter = draft(link_school, "significant_concerns", actor=adviser)
    client_as("adviser").post(reverse("letters:withdraw", kwargs={"pk": letter.pk}))
    letter.refresh_from_db()
    assert letter.status == LetterStatus.WITHDRAWN
    assert letter in client_as("adviser").get(reverse("letters:register")).context["pagination"].page.object_list


def test_the_draft_pdf_is_marked_draft(client_as, adviser, link_school):
    letter = draft(link_school, "congratulations", actor=adviser)
    response = client_as("adviser").get(reverse("letters:draft_pdf", kwargs={"pk": letter.pk}))
    assert response["Content-Disposition"].startswith("inline;")
    assert "DRAFT" in pdf_text(response.content)


def test_the_register_filters_and_exports_the_letters(client_as, officer, link_school, other_school):
    issued(link_school, "congratulations", drafter=officer, officer=officer)
    draft(other_school, "significant_concerns", actor=officer)
    client = client_as("adviser")
    listed = client.get(reverse("letters:register"), {"letter_type": "congratulations"}).context["pagination"]
    assert [letter.school for letter in listed.page.object_list] == [link_school]
    assert len(client.get(reverse("letters:register"), {"q": str(other_school.urn)}).context["rows"]) == 1
    body = b"".join(
        client.get(reverse("letters:export", kwargs={"fmt": "csv"}), {"status": "draft"}).streaming_content
    ).decode("utf-8-sig")
    assert body.count("\n") == 2
    assert other_school.name in body
    xlsx = client.get(reverse("letters:export", kwargs={"fmt": "xlsx"}))
    assert xlsx.status_code == 200


def test_a_school_page_lists_its_letters_in_order_with_the_compliance_deadline(
    client_as, officer, link_school, second_officer
):
    today = timezone.localdate()
    issued(link_school, "significant_concerns", drafter=officer, officer=officer, issued_on=today - timedelta(days=60))
    notice = issued(
        link_school,
        "warning_notice",
        drafter=second_officer,
        officer=officer,
        compliance_end_date=today + timedelta(days=60),
    )
    page = client_as("adviser").get(link_school.get_absolute_url())
    rows = page.context["sections"]
    letters_ctx = next(ctx for section, ctx in rows if section.key == "letters")
    assert next(letter for letter, _ in letters_ctx["rows"]) == notice
    text = page.content.decode()
    assert f"Compliance period ends: <strong>{long_date(today + timedelta(days=60))}</strong>" in text


def test_the_letter_timeline_and_history_show_who_did_what(client_as, officer, adviser, link_school):
    letter = issued(link_school, "congratulations", drafter=adviser, officer=officer)
    actions = list(letter.events.values_list("action", "actor__username"))
    assert actions == [("created", "adviser"), ("submitted", "adviser"), ("approved", "officer"), ("issued", "officer")]
    assert {h.history_user.username for h in letter.history.all()} == {"adviser", "officer"}


def test_a_draft_for_a_future_compliance_date_is_fine_until_that_date_passes(officer, link_school):
    end = date(2026, 12, 1)
    letter = draft(link_school, "warning_notice", actor=officer, compliance_end_date=end, today=date(2026, 11, 1))
    with pytest.raises(ValidationError):
        services.letter_submit(letter=letter, actor=officer, today=end + timedelta(days=1))
