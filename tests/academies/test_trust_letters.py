"""Letters to the trust drafted from a concern (docs/adr/0017): the draft is made through the letters
services from the LA's template with the concern's types ticked, linked to the concern
(ConcernLetter), approved and issued like any letter, shown on the concern page with its downloads,
and recorded with the formal-letter step of the ladder."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from academies import rules, services
from academies.models import ConcernLetter, ConcernSource, ConcernStatus, ConcernStep, LadderStage
from academies.views.casework import DRAFTED
from letters import services as letter_services
from letters.models import LetterKind, LetterStatus

from .conftest import DAY

pytestmark = pytest.mark.django_db

CHAIR, CEO = LetterKind.TRUST_CHAIR_MEETING, LetterKind.TRUST_CEO_CONCERN


@pytest.fixture
def trust_academy(academy):
    trust = academy.trust
    trust.name, trust.chair_name, trust.ceo_name = "Fenland Learning Trust", "Mr Richard Cole", "Dr Helen Marsh"
    trust.save()
    return academy


@pytest.fixture
def concern(trust_academy, make_concern, on_day):
    on_day(DAY)
    return make_concern(trust_academy, codes=("declining_performance", "ofsted_drop"))


def _issue(letter, officer):
    """Complete the draft (its [prompt] written), submit, approve and issue it, copied to both bodies."""
    letter_services.letter_draft_update(
        letter=letter, actor=officer, subject=letter.subject,
        body=letter.body.replace("[", "").replace("]", ""), indicators=list(letter.indicators.all()),
    )  # fmt: skip
    letter_services.letter_submit(letter=letter, actor=officer)
    letter_services.letter_approve(letter=letter, actor=officer)
    return letter_services.letter_issue(letter=letter, actor=officer, copy_to=["regional_director", "ofsted"])


# ---- the rules, each with its same-named test --------------------------------------------------------


def test_the_la_writes_formally_to_the_chair_of_the_academy_trust():
    rule = rules.the_la_writes_formally_to_the_chair_of_the_academy_trust
    assert rule(source=ConcernSource.LA_MONITORING, status=ConcernStatus.OPEN) == []
    assert rule(source=ConcernSource.WHISTLEBLOWING, status=ConcernStatus.OPEN) == [
        rules.NO_LETTER_ABOUT_WHISTLEBLOWING
    ]
    assert rule(source=ConcernSource.OFSTED, status=ConcernStatus.CLOSED) == [
        rules.CONCERN_NOT_OPEN.format(status="closed")
    ]


def test_a_step_carries_an_issued_letter_of_its_concern(concern, officer):
    chair_letter, _ = services.concern_draft_trust_letter(concern=concern, kind=CHAIR, actor=officer)
    rule = rules.a_step_carries_an_issued_letter_of_its_concern
    ids = {chair_letter.pk}
    assert rule(stage=LadderStage.FORMAL_LETTER, letter=None, concern_letter_ids=set(), on_other_step=False) == []
    assert rule(
        stage=LadderStage.FORMAL_LETTER, letter=chair_letter, concern_letter_ids=set(), on_other_step=False
    ) == [rules.LETTER_NOT_OF_THIS_CONCERN]
    assert rule(stage=LadderStage.FORMAL_LETTER, letter=chair_letter, concern_letter_ids=ids, on_other_step=False) == [
        rules.LETTER_NOT_ISSUED.format(reference=chair_letter.reference, status="draft")
    ]
    chair_letter = _issue(chair_letter, officer)
    assert rule(stage=LadderStage.FORMAL_LETTER, letter=chair_letter, concern_letter_ids=ids, on_other_step=False) == []
    assert rule(stage=LadderStage.FORMAL_LETTER, letter=chair_letter, concern_letter_ids=ids, on_other_step=True) == [
        rules.LETTER_ON_ANOTHER_STEP.format(reference=chair_letter.reference)
    ]
    ceo_letter = _issue(services.concern_draft_trust_letter(concern=concern, kind=CEO, actor=officer)[0], officer)
    ids.add(ceo_letter.pk)
    assert rule(stage=LadderStage.FORMAL_LETTER, letter=ceo_letter, concern_letter_ids=ids, on_other_step=False) == [
        rules.FORMAL_LETTER_IS_TO_THE_CHAIR.format(
            reference=ceo_letter.reference, letter_type=ceo_letter.letter_type.name.lower()
        )
    ]
    assert rule(stage=LadderStage.MEETING, letter=ceo_letter, concern_letter_ids=ids, on_other_step=False) == []


# ---- services ------------------------------------------------------------------------------------------


def test_drafting_from_a_concern_makes_a_letter_from_the_template_with_the_concerns_types_ticked(concern, officer):
    letter, created = services.concern_draft_trust_letter(concern=concern, kind=CHAIR, actor=officer)
    assert created
    assert (letter.status, letter.school) == (LetterStatus.DRAFT, concern.school)
    assert sorted(letter.indicators.values_list("code", flat=True)) == ["declining_performance", "ofsted_drop"]
    assert "Chair of Fenland Learning Trust" in letter.body
    assert ConcernLetter.objects.get(letter=letter).concern == concern
    assert letter.events.get().actor == officer


def test_a_second_click_returns_the_draft_in_progress_rather_than_drafting_twice(concern, officer):
    first, _ = services.concern_draft_trust_letter(concern=concern, kind=CHAIR, actor=officer)
    again, created = services.concern_draft_trust_letter(concern=concern, kind=CHAIR, actor=officer)
    assert (again, created) == (first, False)
    ceo, created = services.concern_draft_trust_letter(concern=concern, kind=CEO, actor=officer)
    assert created
    assert ceo != first
    _issue(first, officer)
    second, created = services.concern_draft_trust_letter(concern=concern, kind=CHAIR, actor=officer)
    assert created
    assert second != first  # a second formal letter, once the first has gone


def test_no_letter_to_the_trust_is_drafted_from_a_whistleblowing_or_a_closed_concern(
    trust_academy, make_concern, officer, on_day
):
    on_day(DAY)
    whistleblowing = make_concern(trust_academy, source=ConcernSource.WHISTLEBLOWING)
    with pytest.raises(ValidationError) as error:
        services.concern_draft_trust_letter(concern=whistleblowing, kind=CHAIR, actor=officer)
    assert error.value.messages == [rules.NO_LETTER_ABOUT_WHISTLEBLOWING]
    closed = make_concern(trust_academy)
    services.concern_end(concern=closed, status=ConcernStatus.CLOSED, outcome="Handed to the DfE.", actor=officer)
    with pytest.raises(ValidationError):
        services.concern_draft_trust_letter(concern=closed, kind=CEO, actor=officer)
    assert not ConcernLetter.objects.exists()


def test_the_formal_letter_step_is_recorded_with_the_issued_letter_to_the_chair(concern, officer):
    services.concern_record_step(concern=concern, stage=LadderStage.MEETING, taken_on=DAY, notes="Met the CEO.",
                                 actor=officer)  # fmt: skip
    letter = _issue(services.concern_draft_trust_letter(concern=concern, kind=CHAIR, actor=officer)[0], officer)
    step = services.concern_record_step(
        concern=concern, stage=LadderStage.FORMAL_LETTER, taken_on=DAY, notes="Letter sent.", letter=letter,
        actor=officer,
    )  # fmt: skip
    assert step.letter == letter
    with pytest.raises(ValidationError) as error:
        services.concern_record_step(
            concern=concern, stage=LadderStage.FORMAL_LETTER, taken_on=DAY, notes="Again.", letter=letter,
            actor=officer,
        )  # fmt: skip
    assert rules.LETTER_ON_ANOTHER_STEP.format(reference=letter.reference) in error.value.messages


def test_a_letter_of_another_concern_cannot_be_recorded_with_a_step(concern, trust_academy, make_concern, officer):
    other = make_concern(trust_academy)
    letter = _issue(services.concern_draft_trust_letter(concern=other, kind=CEO, actor=officer)[0], officer)
    with pytest.raises(ValidationError) as error:
        services.concern_record_step(concern=concern, stage=LadderStage.MEETING, taken_on=DAY, notes="Met.",
                                     letter=letter, actor=officer)  # fmt: skip
    assert error.value.messages == [rules.LETTER_NOT_OF_THIS_CONCERN]
    assert not ConcernStep.objects.filter(concern=concern).exists()


# ---- pages -----------------------------------------------------------------------------------------------


def test_an_officer_drafts_the_letter_to_the_chair_from_the_concern_page_and_sees_it_issued(
    client_as, concern, officer
):
    client = client_as("officer")
    page = client.get(concern.get_absolute_url()).content.decode()
    url = reverse("academies:draft_letter", kwargs={"pk": concern.pk, "kind": CHAIR})
    assert url in page
    assert "Draft the letter to the trust chair" in page

    response = client.post(url, follow=True)
    letter = ConcernLetter.objects.get(concern=concern).letter
    assert response.redirect_chain[-1][0] == reverse("letters:edit", kwargs={"pk": letter.pk})
    assert DRAFTED.format(letter_type=letter.letter_type.name.lower()) in response.content.decode()

    _issue(letter, officer)
    page = client.get(concern.get_absolute_url()).content.decode()
    assert letter.reference in page
    assert reverse("letters:download", kwargs={"pk": letter.pk, "document": "letter", "fmt": "pdf"}) in page
    assert reverse("letters:download", kwargs={"pk": letter.pk, "document": "letter", "fmt": "docx"}) in page
    assert "DfE Regional Director" in page
    assert f"{reverse('academies:step', kwargs={'pk': concern.pk})}?letter={letter.pk}" in page


def test_the_step_page_offers_the_issued_letter_and_records_the_formal_letter_with_it(client_as, concern, officer):
    services.concern_record_step(concern=concern, stage=LadderStage.MEETING, taken_on=DAY, notes="Met.",
                                 actor=officer)  # fmt: skip
    letter = _issue(services.concern_draft_trust_letter(concern=concern, kind=CHAIR, actor=officer)[0], officer)
    client = client_as("officer")
    url = reverse("academies:step", kwargs={"pk": concern.pk})
    form = client.get(url, {"letter": letter.pk}).context["form"]
    assert (form.initial["letter"], form.initial["stage"]) == (letter, LadderStage.FORMAL_LETTER)

    response = client.post(url, {
        "stage": LadderStage.FORMAL_LETTER, "taken_on_0": DAY.day, "taken_on_1": DAY.month, "taken_on_2": DAY.year,
        "notes": "Formal letter to the chair.", "letter": letter.pk,
    })  # fmt: skip
    assert response.status_code == 302
    assert ConcernStep.objects.get(concern=concern, stage=LadderStage.FORMAL_LETTER).letter == letter
    page = client.get(concern.get_absolute_url()).content.decode()
    assert 'data-testid="step-letter"' in page


def test_a_whistleblowing_concern_page_offers_no_letter_to_the_trust(client_as, trust_academy, make_concern, on_day):
    on_day(DAY)
    whistleblowing = make_concern(trust_academy, source=ConcernSource.WHISTLEBLOWING)
    page = client_as("officer").get(whistleblowing.get_absolute_url()).content.decode()
    assert rules.NO_LETTER_ABOUT_WHISTLEBLOWING in page
    assert reverse("academies:draft_letter", kwargs={"pk": whistleblowing.pk, "kind": CHAIR}) not in page


def test_an_adviser_who_is_not_the_academys_link_adviser_is_not_offered_the_draft(client_as, concern):
    page = client_as("adviser").get(concern.get_absolute_url()).content.decode()
    assert reverse("academies:draft_letter", kwargs={"pk": concern.pk, "kind": CHAIR}) not in page


def test_an_unknown_kind_of_letter_is_not_found(client_as, concern):
    url = reverse("academies:draft_letter", kwargs={"pk": concern.pk, "kind": "warning_notice"})
    assert client_as("officer").post(url).status_code == 404


def test_an_officer_records_the_trusts_postal_address_on_the_trust_page(client_as, trust_academy):
    trust = trust_academy.trust
    url = reverse("academies:trust_edit", kwargs={"code": trust.code})
    response = client_as("officer").post(
        url, {"ceo_name": "Dr Helen Marsh", "chair_name": "Mr Richard Cole", "address": " Fenland House \r\nPE1 1XX"}
    )
    assert response.status_code == 302
    trust.refresh_from_db()
    assert trust.address_lines == ["Fenland House", "PE1 1XX"]
    page = client_as("officer").get(reverse("academies:trust", kwargs={"code": trust.code})).content.decode()
    assert "Fenland House<br>PE1 1XX" in page


def test_a_link_adviser_of_the_academy_may_draft_the_letter_but_not_issue_it(client_as, concern, adviser):
    school = concern.school
    school.link_adviser = adviser
    school.save()
    response = client_as("adviser").post(reverse("academies:draft_letter", kwargs={"pk": concern.pk, "kind": CEO}))
    letter = ConcernLetter.objects.get(concern=concern).letter
    assert response.status_code == 302
    assert letter.drafted_by == adviser
    assert client_as("adviser").get(reverse("letters:issue", kwargs={"pk": letter.pk})).status_code == 403


def test_the_letter_page_links_back_to_the_concern_it_was_drafted_from(client_as, concern, officer):
    letter, _ = services.concern_draft_trust_letter(concern=concern, kind=CHAIR, actor=officer)
    page = client_as("officer").get(reverse("letters:detail", kwargs={"pk": letter.pk})).content.decode()
    assert 'data-testid="belongs-to"' in page
    assert concern.get_absolute_url() in page
    school_letter_page = client_as("adviser").get(reverse("letters:detail", kwargs={"pk": letter.pk}))
    assert concern.get_absolute_url() in school_letter_page.content.decode()  # advisers read the concern too


def test_the_draft_of_a_letter_to_the_trust_names_the_trusts_addressee_not_the_schools(client_as, concern, officer):
    """The editor's Recipients said "The chair of governors ... and the headteacher" for a letter to
    the trust's chair (the academies journey): it names whom the issued letter is addressed to."""
    client = client_as("officer")
    client.post(reverse("academies:draft_letter", kwargs={"pk": concern.pk, "kind": CHAIR}))
    letter = ConcernLetter.objects.get(concern=concern).letter
    page = " ".join(client.get(reverse("letters:edit", kwargs={"pk": letter.pk})).content.decode().split())
    assert (
        "Chair of Trustees of Fenland Learning Trust (Mr Richard Cole), named from the trust's record when the"
        " letter is issued." in page
    )
    assert "Chair of governors (" not in page
