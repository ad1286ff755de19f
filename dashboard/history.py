"""Maintained schools at each support level over the last six terms, and their movement between
consecutive terms. Terms are schools.terms' (the LA's term dates, England defaults otherwise; a
holiday counts in the term before it); a term is read as it stood on its last day, the term under
way as it stands today (visits.entitlement.YearCalendar.assess_day: the same rule). Levels come from
categorisation.selectors.levels_on and movement from categorisation.models.direction_between."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from categorisation.models import Direction, SupportLevel, direction_between
from categorisation.selectors import level_paths, levels_on
from schools.terms import Period, term_on, term_periods

from .stored_levels import stored_levels, stored_paths

TERMS_SHOWN = 6
NOT_CATEGORISED = "none"
LEVEL_KEYS = [level.value for level in SupportLevel] + [NOT_CATEGORISED]
LEVEL_LABELS = {level.value: level.label for level in SupportLevel} | {NOT_CATEGORISED: "Not categorised"}
MOVEMENTS = [Direction.IMPROVING.value, Direction.STABLE.value, Direction.DECLINING.value]
MOVEMENT_LABELS = {
    Direction.IMPROVING.value: "Improved",
    Direction.STABLE.value: "Stayed",
    Direction.DECLINING.value: "Declined",
}


def term_key(period: Period) -> str:
    """A term in a URL: "2026-autumn"."""
    return f"{period.academic_year}-{period.term}"


def last_terms(today: date, count: int = TERMS_SHOWN) -> list[Period]:
    """The `count` terms up to and including the one today counts in, oldest first. Reads the term
    dates of at most four academic years (two queries each)."""
    current = term_on(today)
    years = range(current.academic_year - (count - 1) // 3 - 1, current.academic_year + 1)
    periods = [p for year in years for p in term_periods(year)]
    # term_periods ends each year's summer at the next autumn's start: the same boundaries term_on uses.
    upto = [p for p in periods if p.starts_on <= current.starts_on]
    return upto[-count:]


def assess_day(period: Period, today: date) -> date:
    return min(period.ends_on, today)


@dataclass
class TermLevels:
    period: Period
    key: str
    # school id -> level key (NOT_CATEGORISED when none)
    levels: dict[int, str]

    def schools_at(self, level: str) -> list[int]:
        return [sid for sid, lvl in self.levels.items() if lvl == level]

    def count(self, level: str) -> int:
        return sum(1 for lvl in self.levels.values() if lvl == level)


def window_days(today: date, window: list[Period]) -> list[date]:
    """The days the stored levels are kept for: the assessment days of the last six terms."""
    return sorted({assess_day(p, today) for p in window})


def _paths(today: date, days: list[date], window: list[Period], schools) -> list[tuple[tuple[str | None, ...], int]]:
    """level_paths(days, schools), from the stored levels when the days are the window's."""
    stored_days = window_days(today, window)
    if not set(days) <= set(stored_days):
        return level_paths(days, schools)
    columns = [stored_days.index(day) for day in days]
    paths: Counter[tuple[str | None, ...]] = Counter()
    for path, n in stored_paths(stored_days, schools):
        paths[tuple(path[c] for c in columns)] += n
    return list(paths.items())


def term_levels(
    *, today: date, schools, terms: list[Period] | None = None, window: list[Period] | None = None
) -> list[TermLevels]:
    """Each of the last six terms (or of `terms`, some of `window`, the last six terms) with each of
    `schools` (today's filtered open maintained schools, a queryset) at its level then, read from
    the stored levels (dashboard.stored_levels; levels_on for terms outside the window)."""
    window = last_terms(today) if window is None else window
    terms = window if terms is None else terms
    days = [assess_day(p, today) for p in terms]
    stored_days = window_days(today, window)
    if set(days) <= set(stored_days):
        stored = stored_levels(stored_days, schools)
        columns = [stored_days.index(day) for day in days]
        return [
            TermLevels(p, term_key(p), {sid: path[c] or NOT_CATEGORISED for sid, path in stored.items()})
            for p, c in zip(terms, columns, strict=True)
        ]
    school_ids = list(schools.order_by().values_list("pk", flat=True))
    by_day = levels_on(days, schools.order_by().values("pk")) if school_ids else {day: {} for day in days}
    return [
        TermLevels(p, term_key(p), {sid: by_day[day].get(sid) or NOT_CATEGORISED for sid in school_ids})
        for p, day in zip(terms, days, strict=True)
    ]


def movement(previous: TermLevels, current: TermLevels) -> dict[str, list[int]]:
    """The schools that improved, stayed or declined from one term to the next (direction_between);
    a school not categorised in either term has no movement."""
    moved: dict[str, list[int]] = {m: [] for m in MOVEMENTS}
    for sid, level in current.levels.items():
        before = previous.levels.get(sid, NOT_CATEGORISED)
        if NOT_CATEGORISED in (level, before):
            continue
        moved[direction_between(before, level)].append(sid)
    return moved


@dataclass
class TermCounts:
    """A term with the number of schools at each level then (TermLevels' counts, without the schools)."""

    period: Period
    key: str
    counts: dict[str, int]

    def count(self, level: str) -> int:
        return self.counts.get(level, 0)


def term_counts(
    *, today: date, schools, terms: list[Period] | None = None, window: list[Period] | None = None
) -> tuple[list[TermCounts], list[dict[str, int] | None]]:
    """term_levels' counts and movement's counts for the last six terms (or `terms`), counted from
    each sequence of six levels and how many schools had it (the stored levels, dashboard.
    stored_levels: one grouped query; categorisation.selectors.level_paths defines them) instead of
    built school by school: the dashboard shows numbers, and only a figure's own page lists its
    schools. The movement of the first term shown is None."""
    window = last_terms(today) if window is None else window
    terms = window if terms is None else terms
    days = [assess_day(p, today) for p in terms]
    counts: list[dict[str, int]] = [dict.fromkeys(LEVEL_KEYS, 0) for _ in terms]
    moves: list[dict[str, int] | None] = [None] + [dict.fromkeys(MOVEMENTS, 0) for _ in terms[1:]]
    # Distinct days only (a term ending in the future is read as today): map each term to its column.
    distinct = sorted(set(days))
    column = [distinct.index(day) for day in days]
    for path, n in _paths(today, distinct, window, schools):
        levels = [path[c] or NOT_CATEGORISED for c in column]
        for i, level in enumerate(levels):
            counts[i][level] += n
            moved = moves[i]
            if moved is not None and NOT_CATEGORISED not in (level, levels[i - 1]):
                direction = direction_between(levels[i - 1], level)
                if direction:  # always, between two levels
                    moved[direction] += n
    return [TermCounts(p, term_key(p), c) for p, c in zip(terms, counts, strict=True)], moves
