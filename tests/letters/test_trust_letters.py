"""Letters to an academy's trust (docs/adr/0017): the letter to the chair of the academy trust
seeking a meeting and the letter of concern to the trust's chief executive. Written about academies
only, addressed to the trust's chair or CEO by name, copied to the DfE Regional Director and/or
Ofsted as chosen at issue, never shown to a governor of the academy. (The two rules are tested in
tests/letters/test_rules.py; drafting from a concern, and the link to it, in
tests/academies/test_trust_letters.py.)"""

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from letters import documents, placeholders, rules, services
from letters.models import LetterKind, LetterStatus, LetterType
from schools.models import GovernorRole, Governorship

from .factories import approved, draft, issued

pytestmark = pytest.mark.django_db

CHAIR, CEO = LetterKind.TRUST_CHAIR_MEETING, LetterKind.TRUST_CEO_CONCERN


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# ---- types, templates and placeholders -------------------------------------------------------------


def test_the_two_trust_letter_types_are_loaded_with_the_strategys_concern_types_as_indicators():
    for code in (CHAIR, CEO):
        letter_type = LetterType.objects.get(code=code)
        assert letter_type.is_trust_letter
        assert not letter_type.is_concern
        assert letter_type.indicators.count() == 10
        assert letter_type.indicators.get(code="ofsted_drop").text == "a drop in Ofsted rating"
        assert placeholders.check(letter_type.template.body, code) == []
        assert "{concern_types}" in letter_type.template.body
    assert "{trust_chair}" in LetterType.objects.get(code=CHAIR).template.body
    assert "seeking a meeting" in LetterType.objects.get(code=CHAIR).name
    assert "{trust_ceo}" in LetterType.objects.get(code=CEO).template.body


def test_trust_placeholders_are_refused_in_a_letter_to_a_school():
    assert placeholders.check("Dear {trust_chair}, {concern_types}", LetterKind.SIGNIFICANT_CONCERNS) == [
        placeholders.TRUST_LETTER_ONLY.format(name="trust_chair"),
        placeholders.TRUST_LETTER_ONLY.format(name="concern_types"),
    ]
    assert placeholders.check("Dear {trust_chair} of {trust_name}, {trust_ceo}", CHAIR) == []


def test_a_trust_letter_type_cannot_be_drafted_for_a_maintained_school(school, officer):
    with pytest.raises(ValidationError) as error:
        draft(school, CHAIR, actor=officer)
    chair_letter = LetterType.objects.get(code=CHAIR)
    assert (
        rules.ONLY_ACADEMIES.format(letter_type=chair_letter.name.lower(), school=school.name) in error.value.messages
    )


def test_the_trust_name_is_written_into_the_draft_and_the_chair_is_named_at_issue(trust_academy, officer):
    letter = draft(trust_academy, CHAIR, actor=officer)
    assert "Chair of Fenland Learning Trust" in letter.body
    assert "{trust_chair}" in letter.body  # filled in at preview and issue, from the trust's page then
    content = documents.build_content(letter, issue_date=letter.created_at.date(), draft=True)
    assert "Dear Mr Richard Cole," in content.text


# ---- issue: recipients, copies, the documents -------------------------------------------------------


def test_an_issued_letter_to_the_chair_is_addressed_to_the_chair_and_copied_as_chosen_with_a_real_pdf(
    trust_academy, officer
):
    ofsted_drop = LetterType.objects.get(code=CHAIR).indicators.get(code="ofsted_drop")
    letter = approved(trust_academy, CHAIR, drafter=officer, officer=officer, indicators=[ofsted_drop])
    letter = services.letter_issue(letter=letter, actor=officer, copy_to=["ofsted", "regional_director"])

    assert letter.status == LetterStatus.ISSUED
    assert letter.recipients == [{"role": "Chair of Trustees of Fenland Learning Trust", "name": "Mr Richard Cole"}]
    assert letter.copies == [documents.REGIONAL_DIRECTOR, documents.OFSTED]
    text = pdf_text(Path(letter.pdf.path).read_bytes())
    for expected in (
        "Mr Richard Cole, Chair of Trustees",
        "Fenland Learning Trust",
        f"c/o {trust_academy.name}",
        "a drop in Ofsted rating",
        "Regional Director",
        "Ofsted",
    ):
        assert expected in text, expected
    word = "\n".join(p.text for p in Document(letter.docx.path).paragraphs)
    assert "Mr Richard Cole, Chair of Trustees" in word
    assert documents.REGIONAL_DIRECTOR in word


def test_a_letter_of_concern_to_the_ceo_is_addressed_to_the_ceo_and_may_go_without_copies(trust_academy, officer):
    letter = issued(trust_academy, CEO, drafter=officer, officer=officer)
    assert letter.recipients == [{"role": "Chief Executive of Fenland Learning Trust", "name": "Dr Helen Marsh"}]
    assert letter.copies == []
    assert letter.issued_content["addressees"][0] == "Dr Helen Marsh, Chief Executive"


def test_issue_is_refused_until_the_chairs_name_is_recorded(trust_academy, officer):
    letter = approved(trust_academy, CHAIR, drafter=officer, officer=officer)
    trust = trust_academy.trust
    trust.chair_name = ""
    trust.save()
    with pytest.raises(ValidationError) as error:
        services.letter_issue(letter=letter, actor=officer)
    assert "The name of Fenland Learning Trust's chair of trustees is not recorded" in " ".join(error.value.messages)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.APPROVED
    assert not letter.pdf


def test_copies_to_the_regional_director_or_ofsted_are_for_letters_to_a_trust_only(school, trust_academy, officer):
    letter = approved(school, LetterKind.CONGRATULATIONS, drafter=officer, officer=officer)
    with pytest.raises(ValidationError) as error:
        services.letter_issue(letter=letter, actor=officer, copy_to=["ofsted"])
    assert documents.COPIES_ONLY_FOR_TRUST_LETTERS in error.value.messages
    trust_letter = approved(trust_academy, CEO, drafter=officer, officer=officer)
    with pytest.raises(ValidationError) as error:
        services.letter_issue(letter=trust_letter, actor=officer, copy_to=["the_press"])
    assert documents.UNKNOWN_COPY in error.value.messages


# ---- pages ---------------------------------------------------------------------------------------------


def test_the_letters_pages_do_not_start_a_letter_to_a_trust(client_as, trust_academy, officer):
    client = client_as("officer")
    page = client.get(reverse("letters:start"), {"school": trust_academy.urn}).content.decode()
    assert LetterType.objects.get(code=LetterKind.CONGRATULATIONS).name in page
    assert LetterType.objects.get(code=CHAIR).name not in page
    response = client.get(reverse("letters:new", kwargs={"urn": trust_academy.urn, "code": CHAIR}))
    assert response.status_code == 404


def test_the_issue_page_offers_the_regional_director_and_ofsted_and_records_the_choice(
    client_as, trust_academy, officer
):
    letter = approved(trust_academy, CHAIR, drafter=officer, officer=officer)
    client = client_as("officer")
    page = client.get(reverse("letters:issue", kwargs={"pk": letter.pk})).content.decode()
    assert 'name="copy_to"' in page
    assert documents.REGIONAL_DIRECTOR in page
    assert "Chair of Trustees of Fenland Learning Trust: Mr Richard Cole" in page

    response = client.post(
        reverse("letters:issue", kwargs={"pk": letter.pk}),
        {"issued_on_0": letter.created_at.day, "issued_on_1": letter.created_at.month,
         "issued_on_2": letter.created_at.year, "copy_to": ["regional_director"], "other_copies": ""},
    )  # fmt: skip
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.is_issued
    assert letter.copies == [documents.REGIONAL_DIRECTOR]


def test_the_issue_page_of_a_school_letter_has_no_regional_director_or_ofsted_choice(client_as, link_school, officer):
    letter = approved(link_school, LetterKind.CONGRATULATIONS, drafter=officer, officer=officer)
    page = client_as("officer").get(reverse("letters:issue", kwargs={"pk": letter.pk})).content.decode()
    assert 'name="copy_to"' not in page


def test_the_issue_page_says_the_chair_is_not_recorded_and_links_to_the_trust_page(client_as, trust_academy, officer):
    letter = approved(trust_academy, CHAIR, drafter=officer, officer=officer)
    trust = trust_academy.trust
    trust.chair_name = ""
    trust.save()
    page = client_as("officer").get(reverse("letters:issue", kwargs={"pk": letter.pk})).content.decode()
    assert "chair of trustees is not recorded" in page
    assert reverse("academies:trust_edit", kwargs={"code": trust.code}) in page


def test_a_governor_of_the_academy_never_sees_a_letter_to_its_trust(client_as, trust_academy, officer, governor):
    Governorship.objects.create(user=governor, school=trust_academy, role=GovernorRole.VICE_CHAIR)
    to_trust = issued(trust_academy, CHAIR, drafter=officer, officer=officer)
    congratulations = issued(trust_academy, LetterKind.CONGRATULATIONS, drafter=officer, officer=officer)
    client = client_as("governor")

    assert client.get(reverse("letters:detail", kwargs={"pk": to_trust.pk})).status_code == 404
    for fmt in ("pdf", "docx"):
        url = reverse("letters:download", kwargs={"pk": to_trust.pk, "document": "letter", "fmt": fmt})
        assert client.get(url).status_code == 404
    assert client.get(reverse("letters:detail", kwargs={"pk": congratulations.pk})).status_code == 200
    school_page = client.get(reverse("schools:detail", kwargs={"urn": trust_academy.urn})).content.decode()
    assert congratulations.reference in school_page
    assert to_trust.reference not in school_page
    assert not governor.has_perm("letters.view_letter", to_trust)


def test_the_template_preview_of_a_trust_letter_uses_a_sample_trust(client_as):
    template = LetterType.objects.get(code=CHAIR).template
    url = reverse("letters:template_edit", kwargs={"code": CHAIR})
    response = client_as("admin").post(url, {"subject": template.subject, "body": template.body, "preview": ""})
    preview = response.context["preview"]
    assert preview.addressees[:3] == [
        "Ms C Chair, Chair of Trustees",
        "Sample Academy Trust",
        "c/o Sample Primary School",
    ]
    assert "Dear Ms C Chair," in preview.text


def test_the_draft_preview_of_a_trust_letter_is_addressed_to_the_chair(client_as, trust_academy, officer):
    letter = draft(trust_academy, CHAIR, actor=officer)
    response = client_as("officer").post(
        reverse("letters:edit", kwargs={"pk": letter.pk}),
        {"subject": letter.subject, "body": letter.body, "indicators": [i.pk for i in letter.indicators.all()],
         "preview": ""},
    )  # fmt: skip
    preview = response.context["preview"]
    assert preview.addressees[0] == "Mr Richard Cole, Chair of Trustees"
    assert "Dear Mr Richard Cole," in preview.text
    page = response.content.decode()
    assert "Concern types the letter sets out" in page
    assert "{trust_chair}" in page  # the placeholders list names the trust's


def test_a_letter_to_a_trust_goes_to_the_trusts_postal_address_when_the_la_records_one(trust_academy, officer):
    trust = trust_academy.trust
    trust.address = "Fenland House\n  12 Bridge Street \n\nPeterborough\nPE1 1XX"
    trust.save()
    letter = issued(trust_academy, CHAIR, drafter=officer, officer=officer)
    assert letter.issued_content["addressees"] == [
        "Mr Richard Cole, Chair of Trustees",
        "Fenland Learning Trust",
        "Fenland House",
        "12 Bridge Street",
        "Peterborough",
        "PE1 1XX",
    ]
    assert "PE1 1XX" in pdf_text(Path(letter.pdf.path).read_bytes())
