"""Reads of the criteria frameworks: the framework in use on a day, its criteria as the best-fit rule's
input and the suggestion for a set of ticks, the list of frameworks with their counts, and a
framework's status (draft, in use, future, replaced). Re-exported by categorisation.selectors."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from .best_fit import BestFit, Counts, Statement, best_fit
from .models import Categorisation, Criterion, Framework


def framework_in_use(on: date) -> Framework | None:
    """The activated framework with the latest active_from on or before the day."""
    return Framework.objects.filter(active_from__lte=on).order_by("-active_from", "-id").first()


def framework_criteria(framework: Framework) -> list[Criterion]:
    return list(Criterion.objects.filter(area__framework=framework).select_related("area"))


def statements_of(criteria: Iterable[Criterion]) -> list[Statement]:
    """The best-fit input for a framework's criteria (keyed by criterion id)."""
    return [
        Statement(
            key=str(c.pk),
            area=c.area.code,
            level=c.level,
            text=c.text,
            area_name=c.area.name,
            decisive=c.decisive,
        )
        for c in criteria
    ]


def counts_of(criteria: Iterable[Criterion]) -> dict[str, Counts]:
    """Each area's tick counts (the best-fit rule's data on the area), by area code."""
    return {c.area.code: Counts(medium=c.area.medium_count, high=c.area.high_count) for c in criteria}


def suggestion_for(criteria: list[Criterion], ticked_ids: Iterable[int]) -> BestFit:
    """best_fit() over a framework's criteria (and its areas' counts) and the ids of the criteria ticked."""
    return best_fit(statements_of(criteria), {str(i) for i in ticked_ids}, counts=counts_of(criteria))


def _count_of(queryset: QuerySet[Any]) -> Coalesce:
    """COUNT(*) of a queryset filtered by OuterRef, as a subquery."""
    counted = queryset.order_by().values(group=Value(1)).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def frameworks_list() -> QuerySet[Framework]:
    """Every framework with its number of statements and of categorisations made under it, each
    counted by its own subquery (joining both in one GROUP BY would multiply the rows: statements
    times categorisations, millions at England scale)."""
    return Framework.objects.annotate(
        criteria_count=_count_of(Criterion.objects.filter(area__framework=OuterRef("pk"))),
        categorisation_count=_count_of(Categorisation.objects.filter(framework=OuterRef("pk"))),
    ).select_related("copied_from")


class FrameworkStatus:
    """A framework's status as templates compare it (the key), beside the label people read."""

    DRAFT = "draft"
    IN_USE = "in_use"
    FUTURE = "future"
    REPLACED = "replaced"


def framework_status_key(framework: Framework, *, today: date, in_use: Framework | None) -> str:
    if framework.active_from is None:
        return FrameworkStatus.DRAFT
    if in_use is not None and framework.pk == in_use.pk:
        return FrameworkStatus.IN_USE
    if framework.active_from > today:
        return FrameworkStatus.FUTURE
    return FrameworkStatus.REPLACED


def framework_status(framework: Framework, *, today: date, in_use: Framework | None) -> str:
    key = framework_status_key(framework, today=today, in_use=in_use)
    if key == FrameworkStatus.FUTURE:
        return f"Active from {framework.active_from:%-d %B %Y}"
    return {FrameworkStatus.DRAFT: "Draft", FrameworkStatus.IN_USE: "In use", FrameworkStatus.REPLACED: "Replaced"}[key]
