"""Concern types the system's facts suggest for an academy, each with its source ("Ofsted: requires
improvement (10 March 2025), down from good"). Suggestions are offered next to the concern types,
never ticked: only the officer's ticks count.

Sources: the Ofsted drop is this module's (the latest two graded inspections, overall
effectiveness; report cards are not compared with graded inspections); performance and attendance
are the categorisation app's facts (categorisation.facts), which already read the performance data
against national for any school."""

from dataclasses import dataclass
from datetime import date

from categorisation.facts import FactKey, facts_for
from schools.models import OfstedFramework, OfstedGrade, OfstedInspection, School

# Categorisation facts -> the strategy's academy concern types (ConcernType.code).
FACT_TO_CONCERN_TYPE = {
    FactKey.ATTAINMENT_DECLINING: "declining_performance",
    FactKey.ATTAINMENT_DECLINING_AND_BELOW: "declining_performance",
    FactKey.ATTAINMENT_BELOW_NATIONAL: "inadequate_progress",
    FactKey.ATTENDANCE_LOW: "high_absence",
    FactKey.ATTENDANCE_CONSISTENTLY_LOW: "high_absence",
    FactKey.OFSTED_REQUIRES_IMPROVEMENT: "inadequate_progress",
    FactKey.OFSTED_INADEQUATE_OR_CATEGORY: "inadequate_progress",
    FactKey.SAFEGUARDING_NOT_MET: "behaviour_safety",
}
OFSTED_DROP = "ofsted_drop"


@dataclass(frozen=True)
class Suggestion:
    code: str  # ConcernType.code
    source: str


def ofsted_drop(school: School) -> Suggestion | None:
    """A drop in Ofsted rating: the latest graded inspection's overall effectiveness is worse than
    the one before it."""
    graded = list(
        OfstedInspection.objects.filter(
            school=school, framework=OfstedFramework.GRADED, overall_effectiveness__isnull=False
        ).order_by("-start_date")[:2]
    )
    if len(graded) < 2 or graded[0].overall_effectiveness <= graded[1].overall_effectiveness:
        return None
    latest, previous = graded
    return Suggestion(
        OFSTED_DROP,
        f"Ofsted: {OfstedGrade(latest.overall_effectiveness).label.lower()} ({latest.start_date:%-d %B %Y}), "
        f"down from {OfstedGrade(previous.overall_effectiveness).label.lower()}",
    )


def suggested_concern_types(*, school: School, on: date) -> dict[str, list[str]]:
    """{concern type code: [source, ...]} for the school on the day."""
    found: dict[str, list[str]] = {}
    drop = ofsted_drop(school)
    if drop:
        found.setdefault(drop.code, []).append(drop.source)
    for fact in facts_for([school.pk], on).get(school.pk, []):
        code = FACT_TO_CONCERN_TYPE.get(fact.key)
        if code and fact.source not in found.get(code, []):
            found.setdefault(code, []).append(fact.source)
    return found
