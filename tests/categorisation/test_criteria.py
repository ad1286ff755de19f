"""The 2022-2024 strategy's criteria, loaded by the data migration, against the seed's tables."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from categorisation.facts import FactKey
from categorisation.models import Criterion, Framework
from categorisation.selectors import framework_in_use
from tests.categorisation.factories import STRATEGY_FRAMEWORK

pytestmark = pytest.mark.django_db

SEED = Path(settings.BASE_DIR).parent / "shared" / "seeds" / "002_630a7d255ff2f491.txt"
# The seed's "PRIORITISATION CRITERIA" section copied verbatim, for checkouts without ../shared.
SEED_COPY = Path(__file__).with_name("seed_prioritisation_criteria.txt")
AREAS = ["leadership", "quality", "behaviour", "personal"]


def seed_section() -> str:
    if SEED.exists():
        text = SEED.read_text(encoding="utf-8")
        return text[text.index("\nPRIORITISATION CRITERIA\n") + 1 :]
    return SEED_COPY.read_text(encoding="utf-8")


def seed_tables() -> dict[tuple[str, str], list[str]]:
    """(area, level) -> statements, from the seed's "PRIORITISATION CRITERIA" section: the four
    blocks of LOW / MEDIUM / HIGH lists, in the order of the areas."""
    section = seed_section()
    blocks: list[tuple[str, list[str]]] = []
    for line in section.splitlines():
        if line in ("LOW SUPPORT", "MEDIUM SUPPORT", "HIGH SUPPORT"):
            blocks.append((line.split()[0].lower(), []))
        elif line.startswith("- "):
            blocks[-1][1].append(line[2:])
    assert len(blocks) == 12
    return {(AREAS[n // 3], level): statements for n, (level, statements) in enumerate(blocks)}


@pytest.fixture
def criteria():
    return list(Criterion.objects.filter(area__framework__name=STRATEGY_FRAMEWORK).select_related("area"))


@pytest.mark.skipif(not SEED.exists(), reason="the seed file is outside this checkout")
def test_the_copy_of_the_criteria_section_is_the_seeds_own():
    assert SEED_COPY.read_text(encoding="utf-8") == seed_section()


def test_every_statement_is_loaded_word_for_word_in_the_seeds_order(criteria):
    tables = seed_tables()
    seed_text = seed_section()
    for criterion in criteria:
        assert f"- {criterion.text}\n" in seed_text, criterion.code
    loaded = {}
    for criterion in sorted(criteria, key=lambda c: (c.area.order, c.order)):
        loaded.setdefault((criterion.area.code, criterion.level), []).append(criterion.text)
    assert loaded == tables


def test_counts_per_area_and_level_match_the_strategy(criteria):
    counts = {}
    for criterion in criteria:
        counts[(criterion.area.code, criterion.level)] = counts.get((criterion.area.code, criterion.level), 0) + 1
    assert counts == {
        ("leadership", "low"): 5, ("leadership", "medium"): 5, ("leadership", "high"): 9,
        ("quality", "low"): 4, ("quality", "medium"): 6, ("quality", "high"): 7,
        ("behaviour", "low"): 3, ("behaviour", "medium"): 3, ("behaviour", "high"): 4,
        ("personal", "low"): 2, ("personal", "medium"): 2, ("personal", "high"): 2,
    }  # fmt: skip
    assert len(criteria) == 52


def test_the_seeds_own_wording_and_typos_are_kept(criteria):
    texts = {c.text for c in criteria}
    assert "There are minor weakness in safeguarding arrangements and practice that require attention" in texts
    assert any("what each pupils can achieve" in t for t in texts)
    assert any("British values including. showing respect" in t for t in texts)


def test_the_see_data_statements_are_marked_data_driven(criteria):
    marked = {c.code for c in criteria if c.data_driven}
    with_marker = {c.code for c in criteria if re.search(r"[\[(]See data[\])]", c.text)}
    assert marked == with_marker == {"QE-M5", "QE-M6", "QE-H7", "BA-L1", "BA-M1", "BA-H1"}


def test_codes_are_stable_and_unique(criteria):
    codes = [c.code for c in criteria]
    assert len(set(codes)) == len(codes)
    by_code = {c.code: c.text for c in criteria}
    assert by_code["LM-M5"] == "A new or interim Headteacher in the first year of Headship"
    assert by_code["LM-H4"] == "The school has been issued with a Warning Notice or Significant Concerns letter"


def test_facts_the_system_knows_are_mapped_to_their_statements(criteria):
    by_key = {}
    for criterion in criteria:
        if criterion.fact_key:
            assert criterion.fact_key in FactKey.LABELS
            by_key.setdefault(criterion.fact_key, []).append(criterion.code)
    assert by_key == {
        FactKey.OFSTED_GOOD_OR_BETTER: ["LM-L4"],
        FactKey.OFSTED_REQUIRES_IMPROVEMENT: ["LM-M4"],
        FactKey.HEAD_NEW_OR_INTERIM: ["LM-M5"],
        FactKey.SAFEGUARDING_NOT_MET: ["LM-H1"],
        FactKey.WARNING_NOTICE_OR_CONCERNS_LETTER: ["LM-H4"],
        FactKey.OFSTED_INADEQUATE_OR_CATEGORY: ["LM-H5"],
        FactKey.ATTAINMENT_IN_LINE: ["QE-M5"],
        FactKey.ATTAINMENT_DECLINING: ["QE-M6"],
        FactKey.ATTAINMENT_BELOW_NATIONAL: ["QE-H6"],
        FactKey.ATTAINMENT_DECLINING_AND_BELOW: ["QE-H7"],
        FactKey.ATTENDANCE_HIGH_OR_IMPROVING: ["BA-L1"],
        FactKey.ATTENDANCE_LOW: ["BA-M1"],
        FactKey.ATTENDANCE_CONSISTENTLY_LOW: ["BA-H1"],
    }


def test_the_safeguarding_statements_are_marked(criteria):
    assert {c.code for c in criteria if c.is_safeguarding} == {"LM-L1", "LM-M1", "LM-H1"}


def test_the_strategy_framework_is_the_default_active_one():
    framework = Framework.objects.get(name=STRATEGY_FRAMEWORK)
    assert framework.active_from is not None
    assert framework_in_use(framework.active_from) == framework
    assert [a.name for a in framework.areas.all()] == [
        "Leadership and management (including safeguarding)",
        "Quality of education",
        "Behaviour and attitudes",
        "Personal development",
    ]
