"""The best-fit rule (categorisation.best_fit, ADR 0002): each clause, parametrised cases on the
shape of the 2022-2024 strategy's criteria, hypothesis properties, and the cases issue 8 found
too lenient through the services (tests/categorisation/test_best_fit_services.py)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from categorisation.best_fit import (
    Counts,
    LevelShare,
    Statement,
    a_decisive_statement_sets_at_least_its_level,
    an_areas_best_fit_is_its_largest_share_of_statements_ticked,
    best_fit,
    never_more_than_one_level_below_the_most_concerning_area,
    the_best_fit_across_areas_is_the_level_at_least_half_of_them_reach,
    the_weight_of_ticks_in_an_area_counts,
)
from categorisation.models import SUPPORT_ORDER, SupportLevel

LEVELS = ["low", "medium", "high"]


def rank(level: str | None) -> int:
    return -1 if level is None else SUPPORT_ORDER[level]


def framework(shape: dict[str, tuple[int, int, int]], decisive: set[str] = frozenset()) -> list[Statement]:
    """Statements keyed "<area>-<level>-<n>": shape {area: (low count, medium count, high count)}."""
    statements = []
    for area, counts in shape.items():
        for level, count in zip(LEVELS, counts, strict=True):
            for n in range(1, count + 1):
                key = f"{area}-{level}-{n}"
                statements.append(
                    Statement(
                        key, area, level, text=f"Statement {key}", area_name=area.title(), decisive=key in decisive
                    )
                )
    return statements


# The shape of the 2022-2024 strategy's criteria, and the rule's data the migration gives it:
# lm-high-1 safeguarding not met, lm-high-4 a warning notice, lm-high-5 an Ofsted category of
# concern, lm-medium-4 requires improvement; counts (medium or above, high) per area.
STRATEGY = {"lm": (5, 5, 9), "qe": (4, 6, 7), "ba": (3, 3, 4), "pd": (2, 2, 2)}
DECISIVE = {"lm-high-1", "lm-high-4", "lm-high-5", "lm-medium-4"}
COUNTS = {"lm": Counts(2, 3), "qe": Counts(2, 3), "ba": Counts(2, 2), "pd": Counts(2, 2)}
STRONG = ("lm-low-2..5", "qe-low-1..4", "ba-low-1..3", "pd-low-1..2")  # every strength but safeguarding


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


def strategy_fit(ticked):
    return best_fit(framework(STRATEGY, DECISIVE), ticked, counts=COUNTS)


# ---- each clause --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shares", "level"),
    [
        ([("low", 0, 5), ("medium", 0, 5), ("high", 0, 9)], None),
        ([("low", 2, 5), ("medium", 0, 5), ("high", 3, 9)], "low"),  # 40% beats 33%: a share, not a count
        ([("low", 1, 2), ("medium", 0, 2), ("high", 1, 2)], "high"),  # a tie goes to more support
        ([("low", 1, 4), ("high", 2, 7)], "high"),
    ],
)
def test_an_areas_best_fit_is_its_largest_share_of_statements_ticked(shares, level):
    shares = [LevelShare(*share) for share in shares]
    assert an_areas_best_fit_is_its_largest_share_of_statements_ticked(shares) == level


@pytest.mark.parametrize(
    ("ticked_at", "counts", "level"),
    [
        ({"low": 5, "medium": 0, "high": 2}, Counts(2, 3), "medium"),  # two at medium or above
        ({"low": 5, "medium": 1, "high": 1}, Counts(2, 3), "medium"),  # concerns at two levels add up
        ({"low": 0, "medium": 2, "high": 3}, Counts(2, 3), "high"),
        ({"low": 4, "medium": 1, "high": 0}, Counts(2, 3), None),
        ({"low": 0, "medium": 9, "high": 9}, Counts(), None),  # no counts: no weight
        ({"low": 0, "medium": 0, "high": 2}, Counts(high=2), "high"),
    ],
)
def test_the_weight_of_ticks_in_an_area_counts(ticked_at, counts, level):
    assert the_weight_of_ticks_in_an_area_counts(ticked_at, counts) == level


def test_a_decisive_statement_sets_at_least_its_level():
    notice = Statement("lm-high-4", "lm", "high", decisive=True)
    requires_improvement = Statement("lm-medium-4", "lm", "medium", decisive=True)
    assert a_decisive_statement_sets_at_least_its_level([]) is None
    assert a_decisive_statement_sets_at_least_its_level([requires_improvement]) == "medium"
    assert a_decisive_statement_sets_at_least_its_level([requires_improvement, notice]) == "high"


@pytest.mark.parametrize(
    ("areas", "level"),
    [
        (["low", "low", "low", "high"], "low"),
        (["low", "low", "medium", "medium"], "medium"),  # half is enough: a tie goes to more support
        (["low", "medium", "high"], "medium"),  # the middle area
        (["low", "high"], "high"),
        (["high", "high", "low", "medium"], "high"),
        (["medium"], "medium"),
    ],
)
def test_the_best_fit_across_areas_is_the_level_at_least_half_of_them_reach(areas, level):
    assert the_best_fit_across_areas_is_the_level_at_least_half_of_them_reach(areas) == level


@pytest.mark.parametrize(
    ("areas", "level"), [(["low", "high"], "medium"), (["medium", "low"], "low"), (["low"], None), ([], None)]
)
def test_never_more_than_one_level_below_the_most_concerning_area(areas, level):
    assert never_more_than_one_level_below_the_most_concerning_area(areas) == level


# ---- cases ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ticked", "areas", "overall"),
    [
        # Issue 8's cases, too lenient under the old rule (each gave low support).
        # A warning notice in force, everything else strong: the notice is decisive.
        (ticks("lm-high-4", *STRONG), {"lm": "high", "qe": "low"}, "high"),
        # Six of seven high quality-of-education statements and a low tick elsewhere (or in every other area).
        (ticks("qe-high-1..6", "lm-low-2"), {"qe": "high", "lm": "low"}, "high"),
        (ticks("qe-high-1..6", "lm-low-2", "ba-low-1", "pd-low-1"), {"qe": "high", "ba": "low"}, "high"),
        (ticks("qe-high-1..6", "qe-low-1", *STRONG), {"qe": "high"}, "high"),
        # An interim head and "at risk of RI", otherwise strong.
        (ticks("lm-medium-4..5", "qe-low-1", "ba-low-1", "pd-low-1"), {"lm": "medium"}, "medium"),
        (ticks("lm-medium-4..5", *STRONG), {"lm": "medium", "qe": "low"}, "medium"),
        # An interim head and another concern (neither decisive) still add up in their area.
        (ticks("lm-medium-5", "lm-medium-2", *STRONG), {"lm": "medium"}, "medium"),
        # Three high leadership statements are not outvoted by two medium ones.
        (ticks("lm-high-2..3", "lm-high-7", "lm-medium-2..3"), {"lm": "high"}, "high"),
        (ticks("lm-high-2..3", "lm-high-7", "lm-medium-2..3", "qe-low-1..4", "ba-low-1..3"), {"lm": "high"}, "high"),
        # Other decisive statements: safeguarding not met, a category of concern, requires improvement.
        (ticks("lm-high-1", *STRONG), {"lm": "high"}, "high"),
        (ticks("lm-high-5", *STRONG), {"lm": "high"}, "high"),
        (ticks("lm-medium-4", *STRONG), {"lm": "medium"}, "medium"),
        # A statement that is not decisive is weighed: one concern among strengths is best fit away...
        (ticks("lm-medium-1", *STRONG), {"lm": "low"}, "low"),
        (ticks("lm-high-6", *STRONG), {"lm": "low"}, "low"),
        # ...but a second one at medium or above in the same area counts.
        (ticks("lm-high-6", "lm-medium-2", *STRONG), {"lm": "medium"}, "medium"),
        # Nothing ticked: no suggestion.
        (set(), {"lm": None, "qe": None, "ba": None, "pd": None}, None),
        # One area, one statement.
        (ticks("qe-medium-1"), {"qe": "medium"}, "medium"),
        # Best fit by share within an area when no count is reached.
        (ticks("pd-low-1", "pd-medium-1"), {"pd": "medium"}, "medium"),  # a tie goes to more support
        (ticks("lm-low-1..3", "lm-high-2"), {"lm": "low"}, "low"),
        # Across areas: the level at least half reach...
        (ticks("lm-medium-1", "qe-medium-1", "ba-low-1", "pd-low-1"), {}, "medium"),
        (ticks("lm-low-1", "qe-medium-1", "ba-high-1"), {"ba": "high"}, "medium"),
        (ticks("lm-high-2", "qe-high-1", "ba-low-1", "pd-low-1"), {}, "high"),
        # ...never more than one level below the most concerning area...
        (ticks("lm-low-1", "qe-low-1", "ba-low-1", "pd-high-1"), {"pd": "high"}, "medium"),
        (ticks("lm-low-1", "qe-low-1", "ba-low-1", "pd-medium-1"), {"pd": "medium"}, "low"),
        # ...and the weight of one area counts for the school.
        (ticks("lm-low-1", "qe-low-1", "ba-low-1", "pd-high-1..2"), {"pd": "high"}, "high"),
        (ticks("lm-low-1", "qe-low-1", "ba-medium-1..2"), {"ba": "medium"}, "medium"),
        (ticks("lm-low-1..5", "qe-low-1..4", "ba-high-1..2", "ba-low-1..3"), {"ba": "high"}, "high"),
    ],
)
def test_best_fit_cases(ticked, areas, overall):
    result = strategy_fit(ticked)
    assert result.level == overall
    by_area = {a.area: a.level for a in result.areas}
    for area, level in areas.items():
        assert by_area[area] == level, area


def test_a_share_tie_in_an_area_goes_to_more_support():
    # 1 of 4 low (25%) against 1 of 7 high (14%): low has the larger share...
    assert strategy_fit(ticks("qe-low-1", "qe-high-2")).areas[1].by_share == "low"
    # ...unless the high one is one of two in a short list (50% each): then more support.
    assert strategy_fit(ticks("pd-low-1", "pd-high-1")).level == "high"


def test_without_counts_or_decisive_statements_the_rule_is_best_fit_by_share_and_across_areas():
    statements = framework(STRATEGY)
    assert best_fit(statements, ticks("lm-high-4", *STRONG)).level == "low"
    assert best_fit(statements, ticks("lm-high-2..4", "lm-medium-2..3")).level == "medium"
    assert best_fit(statements, ticks("lm-high-1", "qe-low-1", "ba-low-1", "pd-low-1")).level == "medium"


def test_the_explanation_names_the_decisive_statement_and_says_why_in_plain_words():
    result = strategy_fit(ticks("lm-high-4", *STRONG))
    assert result.explanation[0] == (
        "Low support is the best fit across the 4 areas with a level (1 high support, 3 low support): "
        "the highest level that at least half of them reach."
    )
    assert result.explanation[1] == (
        "Raised to high support, because a decisive statement is ticked (“Statement lm-high-4”), "
        "and a ticked decisive statement makes the suggestion at least its level."
    )
    assert result.decisive == ("Statement lm-high-4",)
    lm = result.areas[0]
    assert lm.explanation.startswith(
        "Lm: high support (1 of 9 high support, 0 of 5 medium support, 4 of 5 low support statements ticked). "
        "A decisive statement is ticked: “Statement lm-high-4”."
    )


def test_the_explanation_gives_the_weight_of_ticks_and_the_one_level_rule():
    weight = strategy_fit(ticks("qe-high-1..6", "lm-low-2", "ba-low-1", "pd-low-1"))
    assert weight.explanation[1] == (
        "Raised to high support, because Qe has 6 statements at high support ticked (3 are enough), "
        "and the weight of ticks in one area counts for the whole school."
    )
    qe = next(a for a in weight.areas if a.area == "qe")
    assert "6 statements at high support are ticked, and 3 are enough to make the area high support." in qe.explanation
    assert "This level also has the largest share of its statements ticked." in qe.explanation
    assert "“Statement qe-high-1”; “Statement qe-high-2”; “Statement qe-high-3”; 3 more" in qe.explanation

    medium = strategy_fit(ticks("lm-high-6", "lm-medium-2", *STRONG))
    lm = medium.areas[0]
    assert (
        "2 statements at medium support or above are ticked, and 2 are enough to make the area medium support."
        in lm.explanation
    )

    below = strategy_fit(ticks("lm-low-1", "qe-low-1", "ba-low-1", "pd-high-1"))
    assert below.explanation[1] == (
        "Raised to medium support, because Pd is at high support, and the suggestion is never more than one "
        "level below the most concerning area."
    )
    nothing = strategy_fit(set())
    assert nothing.explanation == ("Nothing is ticked yet, so there is no suggestion.",)
    assert nothing.areas[0].explanation == "Lm: nothing ticked, so this area has no level."


def test_best_fit_is_deterministic_whatever_the_order_of_the_statements():
    statements = framework(STRATEGY, DECISIVE)
    chosen = ticks("lm-low-1", "qe-medium-2", "ba-high-1", "pd-low-1", "lm-medium-4")
    assert best_fit(statements, chosen, counts=COUNTS) == best_fit(
        statements, sorted(chosen, reverse=True), counts=COUNTS
    )
    assert (
        best_fit(statements, chosen, counts=COUNTS).level
        == best_fit(list(reversed(statements)), chosen, counts=COUNTS).level
    )


# ---- properties -------------------------------------------------------------------------------

shapes = st.dictionaries(
    keys=st.sampled_from(["a", "b", "c", "d", "e"]),
    values=st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 4)).filter(any),
    min_size=1,
    max_size=5,
)
a_count = st.sampled_from([None, None, None, 1, 2, 3, 4])  # often no count, so the other parts show


@st.composite
def cases(draw):
    """(statements, counts, ticked): any framework shape, decisive statements and counts."""
    shape = draw(shapes)
    keys = [s.key for s in framework(shape)]
    decisive = draw(st.sets(st.sampled_from(keys), max_size=2))
    statements = framework(shape, decisive)
    counts = {area: Counts(draw(a_count), draw(a_count)) for area in shape}
    ticked = draw(st.sets(st.sampled_from(keys)))
    return statements, counts, ticked


@settings(max_examples=400, deadline=None)
@given(cases())
def test_the_suggestion_is_never_more_than_one_level_below_the_most_concerning_area(case):
    statements, counts, ticked = case
    result = best_fit(statements, ticked, counts=counts)
    worst = max((rank(a.level) for a in result.areas), default=-1)
    if worst >= 0:
        assert worst - 1 <= rank(result.level) <= worst


@st.composite
def cases_with_a_ticked_decisive_statement(draw):
    statements, counts, ticked = draw(cases())
    chosen = draw(st.sampled_from(statements))
    statements = [s if s.key != chosen.key else Statement(s.key, s.area, s.level, s.text, s.area_name, True)
                  for s in statements]  # fmt: skip
    return statements, counts, ticked | {chosen.key}


@settings(max_examples=400, deadline=None)
@given(cases_with_a_ticked_decisive_statement())
def test_a_ticked_decisive_statement_always_gives_at_least_its_level(case):
    statements, counts, ticked = case
    result = best_fit(statements, ticked, counts=counts)
    areas = {a.area: a for a in result.areas}
    for statement in statements:
        if statement.decisive and statement.key in ticked:
            assert rank(result.level) >= rank(statement.level)
            assert rank(areas[statement.area].level) >= rank(statement.level)


@settings(max_examples=400, deadline=None)
@given(cases(), st.data())
def test_ticking_one_more_high_statement_never_lowers_the_suggestion_or_any_area(case, data):
    statements, counts, ticked = case
    unticked_high = [s.key for s in statements if s.level == "high" and s.key not in ticked]
    if not unticked_high:
        return
    more = ticked | {data.draw(st.sampled_from(unticked_high))}
    before, after = best_fit(statements, ticked, counts=counts), best_fit(statements, more, counts=counts)
    assert rank(after.level) >= rank(before.level)
    for old, new in zip(before.areas, after.areas, strict=True):
        assert rank(new.level) >= rank(old.level)


def test_a_high_tick_that_makes_an_area_medium_by_its_count_does_not_lower_the_school():
    """The case that rules out "the most common area level" across areas: {low, medium, high}
    would tie towards high, and {medium, medium, high} fall to medium."""
    before = ticks("lm-low-1..3", "lm-medium-2", "qe-medium-1", "ba-high-2")
    after = before | {"lm-high-6"}
    assert [a.level for a in strategy_fit(before).areas[:3]] == ["low", "medium", "high"]
    assert [a.level for a in strategy_fit(after).areas[:3]] == ["medium", "medium", "high"]
    assert strategy_fit(before).level == strategy_fit(after).level == "medium"


@settings(max_examples=300, deadline=None)
@given(cases(), st.data())
def test_more_rule_data_never_lowers_the_suggestion(case, data):
    """Marking a statement decisive, or needing fewer ticks for a count, only ever raises it."""
    statements, counts, ticked = case
    before = best_fit(statements, ticked, counts=counts)
    index = data.draw(st.integers(0, len(statements) - 1))
    marked = [s if i != index else Statement(s.key, s.area, s.level, s.text, s.area_name, True)
              for i, s in enumerate(statements)]  # fmt: skip
    assert rank(best_fit(marked, ticked, counts=counts).level) >= rank(before.level)
    area = data.draw(st.sampled_from(sorted(counts)))
    lowered = dict(counts)
    lowered[area] = Counts(*(max(1, n - 1) if n else n for n in (counts[area].medium, counts[area].high)))
    assert rank(best_fit(statements, ticked, counts=lowered).level) >= rank(before.level)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_an_area_that_reaches_its_count_gives_the_school_at_least_that_level(case):
    statements, counts, ticked = case
    result = best_fit(statements, ticked, counts=counts)
    for area in result.areas:
        for level in ("medium", "high"):
            needed = counts[area.area].for_level(level)
            at_or_above = sum(
                s.key in ticked and rank(s.level) >= rank(level) for s in statements if s.area == area.area
            )
            if needed and at_or_above >= needed:
                assert rank(area.level) >= rank(level)
                assert rank(result.level) >= rank(level)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_the_suggestion_lies_between_the_levels_ticked_and_is_none_only_when_nothing_is(case):
    statements, counts, ticked = case
    result = best_fit(statements, ticked, counts=counts)
    if not ticked:
        assert result.level is None
        assert all(a.level is None for a in result.areas)
        return
    ticked_levels = [rank(s.level) for s in statements if s.key in ticked]
    assert min(ticked_levels) <= rank(result.level) <= max(ticked_levels)
    assert result.explanation
    for area in result.areas:
        in_area = [rank(s.level) for s in statements if s.area == area.area and s.key in ticked]
        if not in_area:
            assert area.level is None
        else:
            assert min(in_area) <= rank(area.level) <= max(in_area)
            assert area.explanation.startswith(f"{area.name}: {area.level_label.lower()}")


@settings(max_examples=300, deadline=None)
@given(cases())
def test_an_areas_level_is_its_best_fit_by_share_raised_only_by_its_count_or_a_decisive_statement(case):
    statements, counts, ticked = case
    for area in best_fit(statements, ticked, counts=counts).areas:
        if area.level is None:
            assert not any(s.ticked for s in area.shares)
            continue
        chosen = next(s for s in area.shares if s.level == area.by_share)
        for other in area.shares:
            assert chosen.share >= other.share
            if other.share == chosen.share:
                assert rank(area.by_share) >= rank(other.level)
        assert area.level == max([area.by_share, area.by_count, area.by_decisive], key=rank)


def test_the_explanation_counts_one_statement_in_the_singular():
    statements = [
        Statement(key="A-H1", area="a", level=SupportLevel.HIGH.value, area_name="A", text="One concern"),
        Statement(key="A-L1", area="a", level=SupportLevel.LOW.value, area_name="A", text="One strength"),
    ]
    fit = best_fit(statements, {"A-H1"}, counts={"a": Counts(high=1)})
    text = " ".join([*fit.explanation, *(a.explanation for a in fit.areas)])
    assert "1 statement at high support is ticked, and 1 is enough" in text
    assert "1 statements" not in text
