"""Facts the system knows about schools, which pre-tick criteria as *suggestions*.

Each criterion of a framework may carry a `fact_key` (a FactKey value). When a categorisation is
started, every fact known about the school on that day ticks the criteria with its key, labelled
with the fact's `source` ("Ofsted: requires improvement (10 March 2025)"); the adviser may untick
it. Suggestions are never decisions: only the adviser's ticks count towards the best fit.

Facts come from providers. A provider takes school ids and a day and returns, in a bounded number
of queries (never one per school), {school id: [Fact, ...]} for the schools it knows something
about. This app registers its own (school register, Ofsted, performance data) in AppConfig.ready();
other apps register theirs the same way, e.g. the letters app:

    from categorisation.facts import Fact, FactKey, register_fact_provider
    register_fact_provider("letters", warning_notice_facts)

`facts_for(school_ids, on)` gathers every provider's facts."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Fact:
    key: str  # a FactKey value
    source: str  # shown next to the suggested tick, e.g. "Warning notice issued 3 March 2026"
    detail: str = ""


class FactKey:
    """The facts criteria can name in their `fact_key`. The mapping of the 2022-2024 strategy's
    statements to these keys is in the data migration (0002) and docs/categorisation.md."""

    # School register (LA-kept headteacher details)
    HEAD_NEW_OR_INTERIM = "head_new_or_interim"
    # Ofsted (latest graded or report-card inspection)
    OFSTED_GOOD_OR_BETTER = "ofsted_good_or_better"
    OFSTED_REQUIRES_IMPROVEMENT = "ofsted_requires_improvement"
    OFSTED_INADEQUATE_OR_CATEGORY = "ofsted_inadequate_or_category"
    SAFEGUARDING_NOT_MET = "safeguarding_not_met"
    # Performance data ("See data")
    ATTAINMENT_IN_LINE = "attainment_in_line"
    ATTAINMENT_BELOW_NATIONAL = "attainment_below_national"
    ATTAINMENT_DECLINING = "attainment_declining"
    ATTAINMENT_DECLINING_AND_BELOW = "attainment_declining_and_below"
    ATTENDANCE_HIGH_OR_IMPROVING = "attendance_high_or_improving"
    ATTENDANCE_LOW = "attendance_low"
    ATTENDANCE_CONSISTENTLY_LOW = "attendance_consistently_low"
    # Letters (provided by the letters app)
    WARNING_NOTICE_OR_CONCERNS_LETTER = "warning_notice_or_concerns_letter"

    LABELS = {
        HEAD_NEW_OR_INTERIM: "Interim headteacher, or first year of headship",
        OFSTED_GOOD_OR_BETTER: "Ofsted: good or better",
        OFSTED_REQUIRES_IMPROVEMENT: "Ofsted: requires improvement",
        OFSTED_INADEQUATE_OR_CATEGORY: "Ofsted: inadequate or a category of concern",
        SAFEGUARDING_NOT_MET: "Ofsted: safeguarding not effective or not met",
        ATTAINMENT_IN_LINE: "Attainment broadly in line with national",
        ATTAINMENT_BELOW_NATIONAL: "Attainment below national in each recent year",
        ATTAINMENT_DECLINING: "Attainment declining against national",
        ATTAINMENT_DECLINING_AND_BELOW: "Attainment declining against national and below it",
        ATTENDANCE_HIGH_OR_IMPROVING: "Attendance high or rapidly improving",
        ATTENDANCE_LOW: "Attendance low and not improving",
        ATTENDANCE_CONSISTENTLY_LOW: "Attendance consistently low",
        WARNING_NOTICE_OR_CONCERNS_LETTER: "Warning notice or significant concerns letter issued",
    }

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [("", "None"), *cls.LABELS.items()]


FactProvider = Callable[[list[int], date], dict[int, list[Fact]]]
_providers: dict[str, FactProvider] = {}


def register_fact_provider(name: str, provider: FactProvider) -> None:
    """Add (or replace, by name) a provider of facts: provider(school_ids, on) -> {school_id: [Fact]}."""
    _providers[name] = provider


def registered_providers() -> list[str]:
    return list(_providers)


def facts_for(school_ids: Iterable[int], on: date) -> dict[int, list[Fact]]:
    """Every registered provider's facts about the schools on the day, by school id (schools with
    none are absent). Each provider runs once for all the schools."""
    ids = list(dict.fromkeys(school_ids))
    gathered: dict[int, list[Fact]] = {}
    if not ids:
        return gathered
    for provider in _providers.values():
        for school_id, facts in provider(ids, on).items():
            if facts:
                gathered.setdefault(school_id, []).extend(facts)
    return gathered


def facts_by_key(facts: Iterable[Fact]) -> dict[str, Fact]:
    """The first fact of each key (one label per suggested criterion)."""
    found: dict[str, Fact] = {}
    for fact in facts:
        found.setdefault(fact.key, fact)
    return found
