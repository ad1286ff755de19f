"""The powers of a warning notice's notice of intention: the notice states the powers the officer
ticked (through {powers}, or after the text when it does not use it), while the warning notice
itself lists every power available; and a decision uses only the powers the notice proposed
(s60(1)(d))."""

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from letters import rules, services
from letters.models import InterventionPower

from .conftest import NOTICE_END
from .factories import eligible_notice, issued

pytestmark = pytest.mark.django_db

END = NOTICE_END
S63, S64, S65, S66 = (power.label for power in InterventionPower)


def pdf_text(path: str) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(Path(path).read_bytes())).pages)
    return " ".join(text.split())


def docx_text(path: str) -> str:
    return "\n".join(p.text for p in Document(path).paragraphs)


@pytest.fixture
def not_complied(officer, link_school, second_officer):
    """A warning notice whose compliance period ended on END, recorded as not complied with."""
    notice = issued(
        link_school, "warning_notice", drafter=second_officer, officer=officer, issued_on=date(2026, 8, 1),
        compliance_end_date=END,
    )  # fmt: skip
    services.warning_notice_outcome_record(
        letter=notice, actor=officer, outcome="not_complied", today=END + timedelta(days=1)
    )
    return notice


def _give(client, notice, *, text: str, powers=("s63", "s64")):
    today = timezone.localdate()
    return client.post(
        reverse("letters:intention", kwargs={"pk": notice.pk}),
        {"given_on_0": today.day, "given_on_1": today.month, "given_on_2": today.year, "powers": list(powers),
         "text": text},
    )  # fmt: skip


def test_the_notice_of_intention_lists_the_powers_ticked_where_its_text_uses_powers(client_as, not_complied):
    text = "To the governing body of {school_name}\n\nThe local authority proposes to use:\n\n{powers}\n\nYours,"
    assert _give(client_as("officer"), not_complied, text=text).status_code == 302
    progress = not_complied.progress
    progress.refresh_from_db()
    for document in (pdf_text(progress.intention_pdf.path), docx_text(progress.intention_docx.path)):
        assert [S63 in document, S64 in document] == [True, True]
        assert [p for p in ("(s65)", "(s66)") if p in document] == []


def test_a_notice_of_intention_whose_text_does_not_use_powers_still_states_the_powers_ticked(client_as, not_complied):
    text = "To the governing body of {school_name}\n\nWe write about the warning notice.\n\nYours faithfully,"
    assert _give(client_as("officer"), not_complied, text=text, powers=["s65"]).status_code == 302
    progress = not_complied.progress
    progress.refresh_from_db()
    for document in (pdf_text(progress.intention_pdf.path), docx_text(progress.intention_docx.path)):
        assert "The local authority proposes to use the following powers" in document
        assert S65 in document
        assert [p for p in ("(s63)", "(s64)", "(s66)") if p in document] == []
        # stated before the closing words, not after them
        assert document.index(S65) < document.index("Yours faithfully")


def test_the_notices_default_text_states_the_powers_ticked_with_powers(client_as, not_complied):
    prefilled = client_as("officer").get(reverse("letters:intention", kwargs={"pk": not_complied.pk}))
    assert "\n{powers}\n" in prefilled.context["form"].initial["text"]


def test_the_warning_notice_itself_still_lists_every_power_available(officer, link_school, second_officer):
    notice = issued(link_school, "warning_notice", drafter=second_officer, officer=officer)
    lines = [line for block in notice.issued_content["blocks"] for line in block["lines"]]
    assert {S63, S64, S65, S66} <= set(lines)


@pytest.mark.parametrize(
    ("proposed", "powers", "errors"),
    [
        (["s63", "s64"], ["s63"], []),
        (["s63", "s64"], ["s63", "s64"], []),
        (["s63", "s64"], ["none"], []),
        (["s63", "s64"], ["s66"], [rules.POWER_NOT_PROPOSED.format(powers="s66", proposed="s63 and s64")]),
        (["s64"], ["s64", "s65", "s66"], [rules.POWER_NOT_PROPOSED.format(powers="s65 and s66", proposed="s64")]),
    ],
)
def test_decision_uses_only_the_powers_proposed_s60_1d(proposed, powers, errors):
    assert rules.decision_uses_only_the_powers_proposed_s60_1d(proposed=proposed, powers=powers) == errors


def test_a_decision_using_a_power_the_notice_did_not_propose_is_refused_on_the_power_field(
    client_as, officer, link_school, second_officer
):
    letter = eligible_notice(link_school, drafter=second_officer, officer=officer, end=END)  # proposes s64
    day = END + timedelta(days=10)
    posted = {"decided_on_0": day.day, "decided_on_1": day.month, "decided_on_2": day.year, "powers": ["s66"]}
    response = client_as("officer").post(reverse("letters:decision", kwargs={"pk": letter.pk}), posted)
    assert response.status_code == 200
    message = rules.POWER_NOT_PROPOSED.format(powers="s66", proposed="s64")
    assert response.context["form"].errors["powers"] == [message]
    assert 'href="#id_powers_1"' in response.content.decode()
    letter.progress.refresh_from_db()
    assert letter.progress.decision_on is None


def test_the_service_refuses_a_decision_using_a_power_the_notice_did_not_propose(officer, link_school, second_officer):
    from django.core.exceptions import ValidationError

    letter = eligible_notice(link_school, drafter=second_officer, officer=officer, end=END)
    day = END + timedelta(days=10)
    with pytest.raises(ValidationError) as error:
        services.intervention_decision_record(letter=letter, actor=officer, decided_on=day, powers=["s65"], today=day)
    assert error.value.message_dict["powers"] == [rules.POWER_NOT_PROPOSED.format(powers="s65", proposed="s64")]
