"""The best-fit suggestion: a pure, deterministic function of a framework's statements and the
statements ticked. The form's live suggestion, the saved `suggested_level` and the officer's
review all call `best_fit()`; nothing else computes a suggestion (the page's script only posts
the ticks to the server and shows what this function returned).

THE RULE (strategy, "Monitoring": the criteria are 'best fit', i.e. a school does not have to meet
all bullet points listed to be judged in any one category):

1. Each area on its own. For each support level of the area that has statements, the share of
   its statements that are ticked (ticked / statements at that level). The area's level is the
   level with the largest share; a tie goes to the level offering more support. An area with no
   statement ticked has no level and takes no part in the overall judgement.
2. Overall, from the areas that have a level:
   a. Safeguarding first: if any ticked statement is a safeguarding statement at high support,
      the overall suggestion is high support, whatever else is ticked.
   b. Otherwise the most common area level; a tie goes to the level offering more support.
   c. Floor: the overall suggestion is never below a level whose statements in some area are
      all ticked (a level fully met in an area is not outvoted by the other areas).
3. Nothing ticked: no suggestion.

The result carries a plain-language explanation of each area and of the overall suggestion,
naming the statements that drove it."""

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from .models import LEVELS, SUPPORT_ORDER, SupportLevel

LEVEL_LABEL = {level.value: level.label for level in LEVELS}


def level_label(level: str | None) -> str:
    return LEVEL_LABEL[level] if level else "No suggestion"


@dataclass(frozen=True)
class Statement:
    """What best_fit needs to know of one criterion."""

    key: str  # unique within the framework (the criterion's code or id)
    area: str  # area key
    level: str  # SupportLevel value
    text: str = ""
    area_name: str = ""
    is_safeguarding: bool = False


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
    fully_met: tuple[str, ...]  # levels whose statements in this area are all ticked
    explanation: str

    @property
    def level_label(self) -> str:
        return level_label(self.level)


@dataclass(frozen=True)
class BestFit:
    level: str | None
    areas: tuple[AreaFit, ...]
    explanation: tuple[str, ...]  # sentences about the overall suggestion
    safeguarding: tuple[str, ...] = field(default=())  # ticked high-support safeguarding statements

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


def _most_support(levels: Iterable[str]) -> str:
    return max(levels, key=SUPPORT_ORDER.__getitem__)


def _quote(texts: Sequence[str], limit: int = 3) -> str:
    shown = [f"“{t}”" for t in texts[:limit]]
    more = len(texts) - limit
    if more > 0:
        shown.append(f"{more} more")
    return "; ".join(shown)


def _area_fit(area: str, name: str, statements: list[Statement], ticked: Collection[str]) -> AreaFit:
    shares = []
    for level in LEVELS:
        at_level = [s for s in statements if s.level == level]
        if at_level:
            shares.append(LevelShare(level.value, sum(s.key in ticked for s in at_level), len(at_level)))
    fully_met = tuple(s.level for s in shares if s.ticked == s.total)
    if not any(s.ticked for s in shares):
        return AreaFit(area, name, None, tuple(shares), (), (), f"{name}: nothing ticked, so this area has no level.")
    best = max(s.share for s in shares)
    tied = [s.level for s in shares if s.share == best]
    level = _most_support(tied)
    drivers = tuple(s.text or s.key for s in statements if s.level == level and s.key in ticked)
    counts = ", ".join(f"{s.ticked} of {s.total} {s.label.lower()}" for s in shares)
    explanation = f"{name}: {LEVEL_LABEL[level].lower()}, the largest share of statements ticked ({counts})."
    if len(tied) > 1:
        others = " and ".join(LEVEL_LABEL[t].lower() for t in tied)
        explanation += f" {others.capitalize()} tie, and a tie goes to more support."
    explanation += f" Ticked at this level: {_quote(drivers)}."
    return AreaFit(area, name, level, tuple(shares), drivers, fully_met, explanation)


def best_fit(statements: Sequence[Statement], ticked: Collection[str]) -> BestFit:
    """Suggest a support level from the ticked statements (see the module docstring for the rule)."""
    ticked = set(ticked)
    by_area: dict[str, list[Statement]] = {}
    names: dict[str, str] = {}
    for statement in statements:
        by_area.setdefault(statement.area, []).append(statement)
        names.setdefault(statement.area, statement.area_name or statement.area)
    areas = tuple(_area_fit(area, names[area], items, ticked) for area, items in by_area.items())
    judged = [a for a in areas if a.level]
    if not judged:
        return BestFit(None, areas, ("Nothing is ticked yet, so there is no suggestion.",))

    safeguarding = tuple(
        s.text or s.key
        for s in statements
        if s.key in ticked and s.is_safeguarding and s.level == SupportLevel.HIGH.value
    )
    if safeguarding:
        explanation = (
            f"High support, because a high-support safeguarding statement is ticked: {_quote(safeguarding)}. "
            "Safeguarding at high support makes the overall suggestion high support whatever else is ticked.",
        )
        return BestFit(SupportLevel.HIGH.value, areas, explanation, safeguarding)

    votes = Counter(a.level for a in judged)
    top = max(votes.values())
    tied = [level for level, count in votes.items() if count == top]
    level = _most_support(tied)
    tally = ", ".join(f"{votes[lv.value]} {lv.label.lower()}" for lv in reversed(LEVELS) if votes.get(lv.value))
    sentences = [
        f"{LEVEL_LABEL[level]} is the most common level across the {len(judged)} area"
        f"{'s' if len(judged) != 1 else ''} with a level ({tally})."
    ]
    if len(tied) > 1:
        sentences.append(
            " and ".join(LEVEL_LABEL[t] for t in sorted(tied, key=SUPPORT_ORDER.__getitem__))
            + " tie, and a tie goes to more support."
        )
    floor_areas = [(a, max(a.fully_met, key=SUPPORT_ORDER.__getitem__)) for a in areas if a.fully_met]
    if floor_areas:
        floor_area, floor = max(floor_areas, key=lambda pair: SUPPORT_ORDER[pair[1]])
        if SUPPORT_ORDER[floor] > SUPPORT_ORDER[level]:
            level = floor
            sentences.append(
                f"Raised to {LEVEL_LABEL[floor].lower()}, because every {LEVEL_LABEL[floor].lower()} statement "
                f"in {floor_area.name} is ticked, and the suggestion is never below a level fully met in an area."
            )
    return BestFit(level, areas, tuple(sentences))
