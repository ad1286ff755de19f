"""The best-fit suggestion: a pure, deterministic function of a framework's statements, the rule
data the framework carries (decisive statements, each area's tick counts) and the statements
ticked. The form's live suggestion, the saved `suggested_level` and the officer's review all call
`best_fit()`; nothing else computes a suggestion (the page's script only posts the ticks to the
server and shows what this function returned).

THE RULE (strategy, "Monitoring": the criteria are 'best fit', i.e. a school does not have to meet
all bullet points listed to be judged in any one category; "best fit" never means that the most
severe evidence is averaged away). ADR 0002 records why.

1. Each area on its own: its level is the highest of
   a. its best fit: the level with the largest share of its statements ticked (ticked /
      statements at that level); a tie goes to the level offering more support;
   b. the weight of its ticks: a level whose count is reached, i.e. at least N of the area's
      statements at that level *or above* are ticked (N per area and level, stored on the area;
      empty means no count for that level);
   c. the level of any ticked decisive statement of the area.
   An area with nothing ticked has no level and takes no part.
2. Overall, from the areas with a level, the highest of
   a. the best fit across the areas: the highest level that at least half of them are at or above
      (the middle area level; with an even number of areas a tie goes to more support);
   b. one level below the most concerning area: the suggestion is never more than one level
      below any area's level;
   c. the weight of ticks: a level an area reaches by its count (1b) is a level for the school;
   d. decisive statements: a ticked decisive statement sets at least its level (e.g. a warning
      notice in force, an Ofsted category of concern, safeguarding not met).
3. Nothing ticked: no suggestion.

Every part only ever raises a level, so ticking one more high-support statement never lowers the
suggestion; and the suggestion is always the most concerning area's level or one below it.

The result carries a plain-language explanation of each area and of the overall suggestion,
naming the statements that drove it."""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from core.text import count_of

from .models import LEVELS, SUPPORT_ORDER

LEVEL_LABEL = {level.value: level.label for level in LEVELS}
LEVEL_VALUES = [level.value for level in LEVELS]  # least support first


def level_label(level: str | None) -> str:
    return LEVEL_LABEL[level] if level else "No suggestion"


def _lower(level: str) -> str:
    return LEVEL_LABEL[level].lower()


@dataclass(frozen=True)
class Statement:
    """What best_fit needs to know of one criterion."""

    key: str  # unique within the framework (the criterion's code or id)
    area: str  # area key
    level: str  # SupportLevel value
    text: str = ""
    area_name: str = ""
    decisive: bool = False  # ticked, it sets at least its level overall


@dataclass(frozen=True)
class Counts:
    """An area's tick counts: with `medium` of its statements at medium support or above ticked,
    the area (and the school) is at least medium support; with `high` of its high-support
    statements ticked, high support. None: no count for that level."""

    medium: int | None = None
    high: int | None = None

    def for_level(self, level: str) -> int | None:
        return getattr(self, level, None)


NO_COUNTS = Counts()


@dataclass(frozen=True)
class LevelShare:
    level: str
    ticked: int
    total: int

    @property
    def share(self) -> float:
        return self.ticked / self.total if self.total else 0.0

    @property
    def percent(self) -> int:
        return round(100 * self.share)

    @property
    def label(self) -> str:
        return LEVEL_LABEL[self.level]


@dataclass(frozen=True)
class AreaFit:
    area: str
    name: str
    level: str | None
    shares: tuple[LevelShare, ...]
    drivers: tuple[str, ...]  # texts of the ticked statements at the area's level
    explanation: str
    by_share: str | None = None  # 1a
    by_count: str | None = None  # 1b
    by_decisive: str | None = None  # 1c
    decisive: tuple[str, ...] = ()  # texts of the area's ticked decisive statements
    counted: int = 0  # with by_count: statements at that level or above ticked
    needed: int | None = None  # ...and the count that level needs

    @property
    def level_label(self) -> str:
        return level_label(self.level)


@dataclass(frozen=True)
class BestFit:
    level: str | None
    areas: tuple[AreaFit, ...]
    explanation: tuple[str, ...]  # sentences about the overall suggestion
    decisive: tuple[str, ...] = field(default=())  # texts of the ticked decisive statements
    across_areas: str | None = None  # 2a, before anything raised it

    @property
    def level_label(self) -> str:
        return level_label(self.level)

    def as_dict(self) -> dict:
        return {
            "level": self.level,
            "level_label": self.level_label,
            "explanation": list(self.explanation),
            "areas": [
                {
                    "area": a.area,
                    "name": a.name,
                    "level": a.level,
                    "level_label": a.level_label,
                    "explanation": a.explanation,
                }
                for a in self.areas
            ],
        }


def _rank(level: str | None) -> int:
    return -1 if level is None else SUPPORT_ORDER[level]


def _highest(levels: Iterable[str | None]) -> str | None:
    return max(levels, key=_rank, default=None)


def _quote(texts: Sequence[str], limit: int = 3) -> str:
    shown = [f"“{t}”" for t in texts[:limit]]
    more = len(texts) - limit
    if more > 0:
        shown.append(f"{more} more")
    return "; ".join(shown)


def _at_or_above(level: str) -> str:
    return _lower(level) + (" or above" if level != LEVEL_VALUES[-1] else "")


# ---- the clauses --------------------------------------------------------------------------------


def an_areas_best_fit_is_its_largest_share_of_statements_ticked(shares: Sequence[LevelShare]) -> str | None:
    """1a. The level with the largest share of its statements ticked; a tie goes to the level
    offering more support. None when nothing is ticked."""
    if not any(s.ticked for s in shares):
        return None
    best = max(s.share for s in shares)
    return _highest(s.level for s in shares if s.share == best)


def the_weight_of_ticks_in_an_area_counts(ticked_at: Mapping[str, int], counts: Counts) -> str | None:
    """1b and 2c. The highest level whose count the area reaches: at least N of its statements at
    that level or above ticked (so a long list of severe statements is not a share to be diluted,
    and two concerns at different levels still add up). None when no count is reached."""
    reached = None
    for level in LEVEL_VALUES:
        needed = counts.for_level(level)
        at_or_above = sum(n for lv, n in ticked_at.items() if SUPPORT_ORDER[lv] >= SUPPORT_ORDER[level])
        if needed and at_or_above >= needed:
            reached = level
    return reached


def a_decisive_statement_sets_at_least_its_level(ticked_decisive: Iterable[Statement]) -> str | None:
    """1c and 2d. A ticked decisive statement (a warning notice or significant-concerns letter in
    force, an Ofsted category of concern, safeguarding not met...) sets at least its level."""
    return _highest(s.level for s in ticked_decisive)


def the_best_fit_across_areas_is_the_level_at_least_half_of_them_reach(area_levels: Sequence[str]) -> str | None:
    """2a. The highest level that at least half of the areas with a level are at or above (the
    middle area level; with an even number of areas a tie goes to more support)."""
    reached = None
    for level in LEVEL_VALUES:
        at_or_above = sum(SUPPORT_ORDER[lv] >= SUPPORT_ORDER[level] for lv in area_levels)
        if area_levels and 2 * at_or_above >= len(area_levels):
            reached = level
    return reached


def never_more_than_one_level_below_the_most_concerning_area(area_levels: Sequence[str]) -> str | None:
    """2b. One level below the most concerning area's level (None when that is low support)."""
    worst = _highest(area_levels)
    if worst is None or SUPPORT_ORDER[worst] == 0:
        return None
    return LEVEL_VALUES[SUPPORT_ORDER[worst] - 1]


# ---- areas and overall ------------------------------------------------------------------------


def _area_fit(area: str, name: str, statements: list[Statement], ticked: Collection[str], counts: Counts) -> AreaFit:
    shares = []
    for level in LEVEL_VALUES:
        at_level = [s for s in statements if s.level == level]
        if at_level:
            shares.append(LevelShare(level, sum(s.key in ticked for s in at_level), len(at_level)))
    by_share = an_areas_best_fit_is_its_largest_share_of_statements_ticked(shares)
    if by_share is None:
        return AreaFit(area, name, None, tuple(shares), (), f"{name}: nothing ticked, so this area has no level.")
    ticked_at = {s.level: s.ticked for s in shares}
    by_count = the_weight_of_ticks_in_an_area_counts(ticked_at, counts)
    decisive = [s for s in statements if s.decisive and s.key in ticked]
    by_decisive = a_decisive_statement_sets_at_least_its_level(decisive)
    level = _highest([by_share, by_count, by_decisive])

    counted, needed = 0, None
    if by_count:
        needed = counts.for_level(by_count)
        counted = sum(n for lv, n in ticked_at.items() if SUPPORT_ORDER[lv] >= SUPPORT_ORDER[by_count])

    tally = ", ".join(f"{s.ticked} of {s.total} {_lower(s.level)}" for s in reversed(shares))
    sentences = [f"{name}: {_lower(level)} ({tally} statements ticked)."]
    decisive_here: tuple[str, ...] = ()
    if by_decisive == level:
        decisive_here = tuple(s.text or s.key for s in decisive if s.level == level)
        sentences.append(f"A decisive statement is ticked: {_quote(decisive_here)}.")
    if by_count == level:
        sentences.append(
            f"{count_of(counted, 'statement')} at {_at_or_above(level)} {'is' if counted == 1 else 'are'} ticked, "
            f"and {needed} {'is' if needed == 1 else 'are'} enough to make the area {_lower(level)}."
        )
    if by_share == level:
        tied = [s.level for s in shares if s.ticked and s.share == max(x.share for x in shares)]
        also = " also" if len(sentences) > 1 else ""
        tie = " (a tie, which goes to more support)" if len(tied) > 1 else ""
        sentences.append(f"This level{also} has the largest share of its statements ticked{tie}.")
    drivers = tuple(s.text or s.key for s in statements if s.level == level and s.key in ticked)
    if drivers and drivers != decisive_here:
        sentences.append(f"Ticked at this level: {_quote(drivers)}.")
    return AreaFit(
        area,
        name,
        level,
        tuple(shares),
        drivers,
        " ".join(sentences),
        by_share=by_share,
        by_count=by_count,
        by_decisive=by_decisive,
        decisive=tuple(s.text or s.key for s in decisive),
        counted=counted,
        needed=needed,
    )


def best_fit(
    statements: Sequence[Statement], ticked: Collection[str], *, counts: Mapping[str, Counts] | None = None
) -> BestFit:
    """Suggest a support level from the ticked statements (see the module docstring for the rule).
    `counts` gives each area's tick counts by area key (none: no counts)."""
    ticked = set(ticked)
    counts = counts or {}
    by_area: dict[str, list[Statement]] = {}
    names: dict[str, str] = {}
    for statement in statements:
        by_area.setdefault(statement.area, []).append(statement)
        names.setdefault(statement.area, statement.area_name or statement.area)
    areas = tuple(
        _area_fit(area, names[area], items, ticked, counts.get(area, NO_COUNTS)) for area, items in by_area.items()
    )
    judged = [a for a in areas if a.level]
    if not judged:
        return BestFit(None, areas, ("Nothing is ticked yet, so there is no suggestion.",))

    levels = [a.level for a in judged]
    across = the_best_fit_across_areas_is_the_level_at_least_half_of_them_reach(levels)
    below_worst = never_more_than_one_level_below_the_most_concerning_area(levels)
    by_count = _highest(a.by_count for a in judged)
    decisive_texts = tuple(t for a in judged for t in a.decisive)
    by_decisive = _highest(a.by_decisive for a in judged)
    level = _highest([across, below_worst, by_count, by_decisive])

    tally = ", ".join(f"{levels.count(lv)} {_lower(lv)}" for lv in reversed(LEVEL_VALUES) if lv in levels)
    areas_phrase = count_of(len(judged), "area")
    if len(judged) == 1:
        sentences = [f"{LEVEL_LABEL[across]} is the level of the one area with a level ({judged[0].name})."]
    else:
        sentences = [
            f"{LEVEL_LABEL[across]} is the best fit across the {areas_phrase} with a level ({tally}): "
            f"the highest level that at least half of them reach."
        ]
    if _rank(level) > _rank(across):
        reasons = []
        if by_decisive == level:
            texts = [t for a in judged if a.by_decisive == level for t in a.decisive]
            reasons.append(
                f"a decisive statement is ticked ({_quote(texts)}), and a ticked decisive statement "
                "makes the suggestion at least its level"
            )
        if by_count == level:
            area = next(a for a in judged if a.by_count == level)
            reasons.append(
                f"{area.name} has {count_of(area.counted, 'statement')} at {_at_or_above(level)} ticked "
                f"({area.needed} {'is' if area.needed == 1 else 'are'} enough), and the weight of ticks in one area "
                "counts for the whole school"
            )
        if below_worst == level:
            worst = next(a for a in judged if a.level == _highest(levels))
            reasons.append(
                f"{worst.name} is at {_lower(worst.level)}, and the suggestion is never more than one level "
                "below the most concerning area"
            )
        sentences.append(f"Raised to {_lower(level)}, because " + "; and ".join(reasons) + ".")
    return BestFit(level, areas, tuple(sentences), decisive=decisive_texts, across_areas=across)
