"""The letter types and their indicators come word for word from the strategy; templates are valid."""

from pathlib import Path

import pytest
from django.conf import settings

from letters import placeholders
from letters.models import TRUST_LETTER_KINDS, Indicator, LetterKind, LetterTemplate, LetterType

pytestmark = pytest.mark.django_db

SEED = Path(settings.BASE_DIR).parent / "shared" / "seeds" / "002_630a7d255ff2f491.txt"


def seed_section() -> list[str]:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    start = lines.index("LETTERS TO SCHOOLS")
    end = lines.index("WHERE THE LA HAS CONCERNS ABOUT AN ACADEMY")
    return lines[start:end]


def seed_indicators() -> dict[str, list[str]]:
    """{heading: [indicator]} as the seed lists them."""
    found, heading = {}, None
    for line in seed_section():
        if line.startswith("- "):
            found[heading].append(line[2:])
        elif line.strip() and not line.startswith("Where one"):
            heading = line
            found[heading] = []
    return found


@pytest.mark.skipif(not SEED.exists(), reason="the strategy seed is not beside the repository")
def test_every_loaded_indicator_appears_verbatim_in_the_seed():
    section = "\n".join(seed_section())
    # Letters to a trust list the strategy's academy concern types (tests/letters/test_trust_letters.py).
    indicators = list(Indicator.objects.exclude(letter_type__code__in=TRUST_LETTER_KINDS))
    assert len(indicators) == 21
    for indicator in indicators:
        assert f"- {indicator.text}\n" in section + "\n", indicator.text


@pytest.mark.skipif(not SEED.exists(), reason="the strategy seed is not beside the repository")
def test_each_type_has_the_seeds_list_in_the_seeds_order():
    expected = {
        LetterKind.CONGRATULATIONS: "✔ CONGRATULATIONS LETTER",
        LetterKind.SIGNIFICANT_CONCERNS: "⚠ SIGNIFICANT CONCERNS LETTER",
        LetterKind.WARNING_NOTICE: "⚠⚠ WARNING NOTICE",
        LetterKind.SIGNIFICANT_CONCERNS_TOP: "⚠⚠⚠ SIGNIFICANT CONCERNS",
    }
    seed = seed_indicators()
    for code, heading in expected.items():
        letter_type = LetterType.objects.get(code=code)
        assert f"{letter_type.symbol} {heading.split(' ', 1)[1]}" == heading
        assert [i.text for i in letter_type.indicators.order_by("order")] == seed[heading]


def test_the_floor_standard_indicator_is_kept_as_data_only():
    indicator = Indicator.objects.get(letter_type__code=LetterKind.WARNING_NOTICE, code="low_standards")
    assert "below the floor standard" in indicator.text


@pytest.mark.parametrize("code", LetterKind.values)
def test_each_types_template_uses_only_placeholders_it_may(code):
    template = LetterTemplate.objects.get(letter_type__code=code)
    for text in (template.subject, template.body):
        assert placeholders.check(text, code) == []


def test_the_warning_notice_template_sets_out_what_section_60_4_requires():
    body = LetterTemplate.objects.get(letter_type__code=LetterKind.WARNING_NOTICE).body
    for placeholder in ("{grounds}", "{indicators}", "{compliance_end_date}", "{compliance_period}", "{powers}"):
        assert placeholder in body
    assert "Action the governing body must take" in body
