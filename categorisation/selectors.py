"""Reads of categorisations. Other apps use `current_categories` / `current_category` /
`category_history`; every read runs a bounded number of queries whatever the number of schools
or the length of their history.

This module is the app's one entry point for reads (`from categorisation import selectors`). It
holds the reads of a categorisation itself (its detail, the previous one, who made its judgement,
the approval queue, its evidence by area); a school's category (the other apps' interface) is in
categorisation.selectors_category, the frameworks in categorisation.selectors_frameworks and the
lists of schools by category in categorisation.selectors_lists, each re-exported here."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import User
from schools.models import School
from schools.selectors import link_school_ids

from .best_fit import BestFit
from .models import OPEN_STATUSES, Categorisation, CategorisationEvent, Status, Tick
from .selectors_category import (  # re-exported: a school's category: current, on given days, history
    CurrentCategory,
    HistoryEntry,
    category_history,
    current_categories,
    current_category,
    level_held_since,
    level_paths,
    levels_on,
    school_levels,
)
from .selectors_frameworks import (  # re-exported: the criteria frameworks'
    FrameworkStatus,
    counts_of,
    framework_criteria,
    framework_in_use,
    framework_status,
    framework_status_key,
    frameworks_list,
    statements_of,
    suggestion_for,
)
from .selectors_lists import (  # re-exported: the lists of schools by category
    approved_this_term,
    latest_approved_subquery,
    level_counts,
    open_for_another_term,
    open_id_subquery,
    open_status_subquery,
    open_term_label,
    review_due,
    schools_by_category,
)

__all__ = [
    "AreaEvidence",
    "CurrentCategory",
    "Evidence",
    "FrameworkStatus",
    "HistoryEntry",
    "JudgementAuthors",
    "approval_queue",
    "approved_this_term",
    "categorisation_detail",
    "category_history",
    "counts_of",
    "current_categories",
    "current_category",
    "evidence_of",
    "framework_criteria",
    "framework_in_use",
    "framework_status",
    "framework_status_key",
    "frameworks_list",
    "in_progress_for",
    "judgement_authors",
    "latest_approved_subquery",
    "level_counts",
    "level_held_since",
    "level_paths",
    "levels_on",
    "open_categorisation",
    "open_for_another_term",
    "open_id_subquery",
    "open_status_subquery",
    "open_term_label",
    "previous_approved",
    "review_due",
    "school_levels",
    "schools_by_category",
    "side_by_side",
    "statements_of",
    "suggestion_for",
]


# ---- categorisations ------------------------------------------------------------------------


def categorisation_detail(pk: int) -> Categorisation:
    return (
        Categorisation.objects.select_related(
            "school",
            "school__establishment_type",
            "school__link_adviser",
            "framework",
            "created_by",
            "submitted_by",
            "returned_by",
            "approved_by",
            "supersedes",
        )
        .prefetch_related(
            Prefetch("events", queryset=_events()),
            Prefetch("ticks", queryset=_ticks()),
        )
        .get(pk=pk)
    )


def _events() -> QuerySet[CategorisationEvent]:
    return CategorisationEvent.objects.select_related("actor")


def _ticks() -> QuerySet[Tick]:
    return Tick.objects.select_related("criterion", "criterion__area")


def previous_approved(categorisation: Categorisation) -> Categorisation | None:
    """The school's latest approved categorisation other than this one, approved before it (or,
    for one not yet approved, the current one), with its ticks."""
    queryset = Categorisation.objects.filter(school_id=categorisation.school_id, status=Status.APPROVED).exclude(
        pk=categorisation.pk
    )
    if categorisation.approved_at:
        queryset = queryset.filter(
            Q(approved_at__lt=categorisation.approved_at)
            | Q(approved_at=categorisation.approved_at, id__lt=categorisation.pk)
        )
    found = queryset.order_by("-approved_at", "-id").values_list("pk", flat=True).first()
    return categorisation_detail(found) if found else None


@dataclass(frozen=True)
class JudgementAuthors:
    """Who made a categorisation's judgement: who submitted it, and everyone who started it or
    changed its ticks, evidence, cited evidence, final level or rationale (from the audit history)."""

    submitted_by_id: int | None
    user_ids: frozenset[int]


def judgement_authors(categorisation: Categorisation) -> JudgementAuthors:
    """Two queries, whatever the length of the history."""
    users = {categorisation.created_by_id, categorisation.submitted_by_id}
    users |= set(
        Tick.history.filter(categorisation_id=categorisation.pk)
        .exclude(history_user_id=None)
        .values_list("history_user_id", flat=True)
        .distinct()
    )
    rows = Categorisation.history.filter(id=categorisation.pk).order_by("history_date", "history_id")
    before = None
    for user_id, *judgement in rows.values_list("history_user_id", "level", "rationale", "cited_evidence"):
        if before is not None and judgement != before:
            users.add(user_id)
        before = judgement
    return JudgementAuthors(categorisation.submitted_by_id, frozenset(u for u in users if u is not None))


def open_categorisation(school: School) -> Categorisation | None:
    return (
        Categorisation.objects.filter(school=school, status__in=OPEN_STATUSES)
        .select_related("created_by", "submitted_by")
        .first()
    )


def approval_queue() -> QuerySet[Categorisation]:
    return (
        Categorisation.objects.filter(status=Status.SUBMITTED)
        .select_related("school", "school__link_adviser", "submitted_by", "framework")
        .order_by("submitted_at", "id")
    )


def in_progress_for(user: User) -> QuerySet[Categorisation]:
    """Drafts and returned categorisations the user started or whose school they are link adviser of.
    Their schools are fetched by id afterwards, not joined: the planner cannot tell how few rows the
    OR finds, and at England scale it hashed every school for seven rows (37 ms against 1 ms)."""
    return (
        Categorisation.objects.filter(status__in=[Status.DRAFT, Status.RETURNED])
        .filter(Q(created_by=user) | Q(school__in=link_school_ids(user)))
        .select_related("returned_by")
        .prefetch_related("school")
        .order_by("-updated_at", "-id")
    )


# ---- evidence by area (the categorisation page) -------------------------------------------------


@dataclass
class AreaEvidence:
    code: str
    name: str
    level: str | None
    explanation: str
    ticks: list[Tick]  # with criterion


@dataclass
class Evidence:
    categorisation: Categorisation
    fit: BestFit
    areas: list[AreaEvidence]

    @property
    def suggestion_changed(self) -> bool:
        """Whether the best fit of the ticks now differs from the suggestion stored when the
        categorisation was last saved (the rule or its data changed since: ADR 0002). The stored
        one stays the record; a draft's is recomputed when it is next saved."""
        return (self.fit.level or "") != self.categorisation.suggested_level


def evidence_of(categorisation: Categorisation) -> Evidence:
    """The categorisation's ticks grouped by its framework's areas, with the best fit of those
    ticks (computed now, from the framework it was made under)."""
    criteria = framework_criteria(categorisation.framework)
    ticks = list(categorisation.ticks.all())
    fit = suggestion_for(criteria, [t.criterion_id for t in ticks])
    by_area: dict[str, list[Tick]] = {}
    for tick in sorted(ticks, key=lambda t: (t.criterion.area.order, t.criterion.order)):
        by_area.setdefault(tick.criterion.area.code, []).append(tick)
    areas = [AreaEvidence(a.area, a.name, a.level, a.explanation, by_area.get(a.area, [])) for a in fit.areas]
    return Evidence(categorisation, fit, areas)


def side_by_side(
    this: Evidence, previous: Evidence | None
) -> list[tuple[str, AreaEvidence | None, AreaEvidence | None]]:
    """Rows of (area name, this categorisation's area, the previous one's area), matched by area code;
    areas of a previous framework that do not match come last."""
    earlier = {a.code: a for a in previous.areas} if previous else {}
    rows: list[tuple[str, AreaEvidence | None, AreaEvidence | None]]
    rows = [(a.name, a, earlier.pop(a.code, None)) for a in this.areas]
    rows += [(a.name, None, a) for a in earlier.values()]
    return rows


def nobody_at_the_school_reads_its_category(school: School) -> bool:
    """No active headteacher or chair of governors account: the category sent is in the service, but
    nobody at the school can read or answer it there (the officer's page says so, to tell the school)."""
    from accounts.headships import headteachers_of

    from .notices import chairs_of  # (notices reads the selectors)

    return not headteachers_of(school).exists() and not chairs_of(school).exists()
