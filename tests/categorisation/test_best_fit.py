"""The best-fit rule (categorisation.best_fit): parametrised cases and properties."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from categorisation.best_fit import Statement, best_fit
from categorisation.models import SUPPORT_ORDER

LEVELS = ["low", "medium", "high"]


def framework(shape: dict[str, tuple[int, int, int]], safeguarding: set[str] = frozenset()) -> list[Statement]:
    """Statements keyed "<area>-<level>-<n>": shape {area: (low count, medium count, high count)}."""
    statements = []
    for area, counts in shape.items():
        for level, count in zip(LEVELS, counts, strict=True):
            for n in range(1, count + 1):
                key = f"{area}-{level}-{n}"
                statements.append(
                    Statement(
                        key,
                        area,
                        level,
                        text=f"Statement {key}",
                        area_name=area.title(),
                        is_safeguarding=key in safeguarding,
                    )
                )
    return statements


# The shape of the 2022-2024 strategy's criteria.
STRATEGY = {"lm": (5, 5, 9), "qe": (4, 6, 7), "ba": (3, 3, 4), "pd": (2, 2, 2)}


def ticks(*specs: str) -> set[str]:
    """ "lm-high-1..3" -> {"lm-high-1", "lm-high-2", "lm-high-3"}."""
    found = set()
    for spec in specs:
        if ".." in spec:
            stem, last = spec.split("..")
            prefix, first = stem.rsplit("-", 1)
            found |= {f"{prefix}-{n}" for n in range(int(first), int(last) + 1)}
        else:
            found.add(spec)
    return found


@pytest.mark.parametrize(
    ("ticked", "areas", "overall"),
    [
        # Nothing ticked: no suggestion.
        (set(), {"lm": None, "qe": None, "ba": None, "pd": None}, None),
        # One area, one statement.
        (ticks("qe-medium-1"), {"qe": "medium"}, "medium"),
        # The largest share wins, not the largest count: 2 of 5 low (40%) beat 3 of 9 high (33%).
        (ticks("lm-low-1..2", "lm-high-2..4"), {"lm": "low"}, "low"),
        (ticks("qe-low-1", "qe-high-1..2"), {"qe": "high"}, "high"),  # 25% low < 29% high
        # A tie in shares goes to more support.
        (ticks("pd-low-1", "pd-high-1"), {"pd": "high"}, "high"),
        (ticks("pd-low-1", "pd-medium-1"), {"pd": "medium"}, "medium"),
        (ticks("ba-low-1", "ba-medium-1"), {"ba": "medium"}, "medium"),
        # Overall: the most common area level.
        (ticks("lm-low-1", "qe-low-1", "ba-low-1", "pd-high-2"), {"lm": "low", "pd": "high"}, "low"),
        (ticks("lm-medium-1", "qe-medium-1", "ba-high-1"), {"ba": "high"}, "medium"),
        # A tie between area levels goes to more support.
        (ticks("lm-low-1", "qe-low-1", "ba-medium-1", "pd-medium-1"), {}, "medium"),
        (ticks("lm-low-1", "qe-high-1"), {"lm": "low", "qe": "high"}, "high"),
        (ticks("lm-low-1", "qe-medium-1", "ba-high-1"), {}, "high"),
        # Floor: a level fully met in an area is never outvoted.
        (ticks("lm-low-1", "qe-low-1", "ba-low-1", "pd-high-1..2"), {"pd": "high"}, "high"),
        (ticks("lm-low-1", "qe-low-1", "ba-medium-1..3"), {"ba": "medium"}, "medium"),
        # Safeguarding at high support makes the overall high whatever else is ticked.
        (ticks("lm-high-1", "lm-low-2..5", "qe-low-1..4", "ba-low-1..3", "pd-low-1..2"), {"lm": "low"}, "high"),
    ],
)
def test_best_fit_cases(ticked, areas, overall):
    result = best_fit(framework(STRATEGY, safeguarding={"lm-high-1", "lm-medium-1", "lm-low-1"}), ticked)
    assert result.level == overall
    by_area = {a.area: a.level for a in result.areas}
    for area, level in areas.items():
        assert by_area[area] == level, area


def test_a_safeguarding_statement_at_another_level_does_not_force_high():
    result = best_fit(framework(STRATEGY, safeguarding={"lm-medium-1"}), ticks("lm-medium-1", "qe-low-1..4"))
    assert result.level == "medium"  # tie between areas medium / low goes to medium, not forced high


def test_the_explanation_names_the_statements_that_drove_each_area_and_the_overall():
    statements = framework(STRATEGY, safeguarding={"lm-high-1"})
    result = best_fit(statements, ticks("qe-high-1..2", "qe-low-1", "ba-medium-1"))
    qe = next(a for a in result.areas if a.area == "qe")
    assert qe.drivers == ("Statement qe-high-1", "Statement qe-high-2")
    assert "2 of 7 high support" in qe.explanation
    assert "1 of 4 low support" in qe.explanation
    assert "“Statement qe-high-1”" in qe.explanation
    assert "Qe: nothing ticked" not in qe.explanation
    assert result.explanation[0].startswith("High support is the most common level")
    assert "tie" in result.explanation[1]

    safe = best_fit(statements, ticks("lm-high-1"))
    assert "safeguarding" in safe.explanation[0]
    assert "“Statement lm-high-1”" in safe.explanation[0]

    floor = best_fit(framework(STRATEGY), ticks("lm-low-1", "qe-low-1", "ba-low-1", "pd-high-1..2"))
    assert any("every high support statement in Pd is ticked" in s for s in floor.explanation)


def test_best_fit_is_deterministic_whatever_the_order_of_the_statements():
    statements = framework(STRATEGY)
    chosen = ticks("lm-low-1", "qe-medium-2", "ba-high-1", "pd-low-1")
    assert best_fit(statements, chosen) == best_fit(statements, sorted(chosen, reverse=True))
    assert best_fit(statements, chosen).level == best_fit(list(reversed(statements)), chosen).level


# ---- properties -------------------------------------------------------------------------------

shapes = st.dictionaries(
    keys=st.sampled_from(["a", "b", "c", "d", "e"]),
    values=st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 4)).filter(any),
    min_size=1,
    max_size=5,
)


@st.composite
def frameworks_and_ticks(draw):
    shape = draw(shapes)
    statements = framework(shape)
    safeguarding = draw(st.sets(st.sampled_from([s.key for s in statements])))
    statements = framework(shape, safeguarding)
    ticked = draw(st.sets(st.sampled_from([s.key for s in statements])))
    return statements, ticked


@settings(max_examples=400, deadline=None)
@given(frameworks_and_ticks())
def test_the_suggestion_never_falls_below_a_level_whose_statements_are_all_ticked(case):
    statements, ticked = case
    result = best_fit(statements, ticked)
    for area in {s.area for s in statements}:
        for level in LEVELS:
            at_level = [s for s in statements if s.area == area and s.level == level]
            if at_level and all(s.key in ticked for s in at_level):
                assert SUPPORT_ORDER[result.level] >= SUPPORT_ORDER[level]
    # ...and therefore never below a level whose statements are all ticked across the framework.
    for level in LEVELS:
        at_level = [s for s in statements if s.level == level]
        if at_level and all(s.key in ticked for s in at_level):
            assert SUPPORT_ORDER[result.level] >= SUPPORT_ORDER[level]


@settings(max_examples=300, deadline=None)
@given(frameworks_and_ticks())
def test_the_suggestion_is_one_of_the_levels_ticked_and_none_only_when_nothing_is(case):
    statements, ticked = case
    result = best_fit(statements, ticked)
    if not ticked:
        assert result.level is None
        return
    ticked_levels = {s.level for s in statements if s.key in ticked}
    assert result.level in ticked_levels
    assert result.explanation
    for area in result.areas:
        if area.level:
            assert area.level in {s.level for s in statements if s.area == area.area and s.key in ticked}


@settings(max_examples=300, deadline=None)
@given(frameworks_and_ticks())
def test_a_ticked_high_safeguarding_statement_always_makes_the_suggestion_high(case):
    statements, ticked = case
    if any(s.key in ticked and s.is_safeguarding and s.level == "high" for s in statements):
        assert best_fit(statements, ticked).level == "high"


@settings(max_examples=300, deadline=None)
@given(frameworks_and_ticks())
def test_every_area_level_is_the_largest_share_with_ties_towards_more_support(case):
    statements, ticked = case
    for area in best_fit(statements, ticked).areas:
        if area.level is None:
            assert not any(s.ticked for s in area.shares)
            continue
        chosen = next(s for s in area.shares if s.level == area.level)
        for other in area.shares:
            assert chosen.share >= other.share
            if other.share == chosen.share:
                assert SUPPORT_ORDER[area.level] >= SUPPORT_ORDER[other.level]
