"""Reads of categorisations. Other apps use `current_categories` / `current_category` /
`category_history`; every read runs a bounded number of queries whatever the number of schools
or the length of their history."""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from schools.models import Governance, School, SchoolStatus, TermName, academic_year_label
from schools.terms import term_on

from .best_fit import BestFit, Counts, Statement, best_fit
from .models import (
    OPEN_STATUSES,
    Categorisation,
    CategorisationEvent,
    Criterion,
    Direction,
    Framework,
    Status,
    SupportLevel,
    Tick,
    direction_between,
)

# ---- the current category (other apps' interface) ----------------------------------------------


@dataclass(frozen=True)
class CurrentCategory:
    school_id: int
    level: str  # SupportLevel value
    academic_year: int
    term: str  # schools.models.TermName value
    approved_at: datetime
    approved_by: str  # display name
    categorisation_id: int
    direction: str | None  # "improving" | "stable" | "declining", or None without a previous one

    @property
    def level_label(self) -> str:
        return SupportLevel(self.level).label

    @property
    def term_label(self) -> str:
        return f"{TermName(self.term).label} {academic_year_label(self.academic_year)}"

    @property
    def direction_label(self) -> str:
        return Direction(self.direction).label if self.direction else "No previous category"


def _end_of_day(day: date) -> datetime:
    """The first instant after `day` ends, in the service's time zone."""
    return timezone.make_aware(datetime.combine(day + dt.timedelta(days=1), datetime.min.time()))


def _name(first_name: str | None, last_name: str | None, username: str | None) -> str:
    """A user's full name, else username; "" when the user is gone (deleted: the fields are None)."""
    return " ".join(part for part in (first_name, last_name) if part) or username or ""


def _display_name(user: User | None) -> str:
    if user is None:
        return ""
    return _name(user.first_name, user.last_name, user.username)


def _latest_two(school_ids: list[int] | QuerySet[Any] | None, on: date | None) -> list[Any]:
    """Each school's latest two approved categorisations (as at the end of `on`), in one query, newest
    first per school. Each school's two are found through the (school, status, approved_at) index
    (correlated subqueries), not by numbering every approval ever made: at England scale (300,000
    approvals) that is tens of milliseconds rather than half a second."""
    approved = Categorisation.objects.filter(status=Status.APPROVED)
    if on is not None:
        approved = approved.filter(approved_at__lt=_end_of_day(on))
    per_school = approved.filter(school=OuterRef("pk")).order_by("-approved_at", "-id").values("id")
    rows: QuerySet[Any, Any] = approved
    schools = School.objects.order_by()
    if school_ids is not None:
        # also on the outer rows, so that a few schools' are read through the index
        rows, schools = rows.filter(school_id__in=school_ids), schools.filter(pk__in=school_ids)
    rows = (
        rows.filter(
            Q(pk__in=schools.annotate(found=Subquery(per_school[:1])).values("found"))
            | Q(pk__in=schools.annotate(found=Subquery(per_school[1:2])).values("found"))
        )
        .order_by("school_id", "-approved_at", "-id")
        # plain rows: building 20,000 model instances would cost more than the query
        .values_list(
            "id",
            "school_id",
            "level",
            "academic_year",
            "term",
            "approved_at",
            "approved_by__first_name",
            "approved_by__last_name",
            "approved_by__username",
            named=True,
        )
    )
    return list(rows)


def current_categories(
    school_ids: Iterable[int] | QuerySet[Any] | None = None, *, on: date | None = None
) -> dict[int, CurrentCategory]:
    """Each school's latest APPROVED categorisation (as it stood at the end of `on` when given),
    with its direction of travel against the one before; schools with none are absent. One query.
    `school_ids` may be a subquery (for thousands of schools: SQLite allows 32,766 parameters)."""
    if school_ids is not None and not isinstance(school_ids, QuerySet):
        school_ids = list(school_ids)
        if not school_ids:
            return {}
    found: dict[int, CurrentCategory] = {}
    previous: dict[int, str] = {}
    found_ids: set[int] = set()
    rows = _latest_two(school_ids, on)
    for row in rows:
        if row.school_id in found_ids:
            previous[row.school_id] = row.level
        found_ids.add(row.school_id)
    for row in rows:
        if row.school_id not in found:
            found[row.school_id] = CurrentCategory(
                school_id=row.school_id,
                level=row.level,
                academic_year=row.academic_year,
                term=row.term,
                approved_at=row.approved_at,
                approved_by=_name(row.approved_by__first_name, row.approved_by__last_name, row.approved_by__username),
                categorisation_id=row.id,
                direction=direction_between(previous.get(row.school_id), row.level),
            )
    return found


def levels_on(
    days: Iterable[date], school_ids: Iterable[int] | QuerySet[Any] | None = None
) -> dict[date, dict[int, str]]:
    """Each school's category level as it stood at the end of each of `days` (the same answer as
    `current_categories(on=day)`, level only), in two queries however many days: the latest approval
    before the first day ends, then every approval up to the last day, replayed in order. Schools
    with no category on a day are absent from that day's dict. `school_ids` may be a subquery."""
    days = sorted(set(days))
    if not days:
        return {}
    approved = Categorisation.objects.filter(status=Status.APPROVED)
    schools = School.objects.order_by()
    if school_ids is not None:
        school_ids = school_ids if isinstance(school_ids, QuerySet) else list(school_ids)
        approved = approved.filter(school_id__in=school_ids)
        schools = schools.filter(pk__in=school_ids)
    first_end = _end_of_day(days[0])
    latest_by_then = Subquery(
        Categorisation.objects.filter(status=Status.APPROVED, school=OuterRef("pk"), approved_at__lt=first_end)
        .order_by("-approved_at", "-id")
        .values("level")[:1]
    )
    levels = dict(schools.annotate(level_then=latest_by_then).exclude(level_then=None).values_list("pk", "level_then"))
    later = (
        approved.filter(approved_at__gte=first_end, approved_at__lt=_end_of_day(days[-1]))
        .order_by("approved_at", "id")
        .values_list("approved_at", "school_id", "level")
    )
    found: dict[date, dict[int, str]] = {}
    pending = cast(Iterator[tuple[datetime, int, str]], iter(later))  # approved_at__gte: never None
    event = next(pending, None)
    for day in days:
        day_end = _end_of_day(day)
        while event is not None and event[0] < day_end:
            levels[event[1]] = event[2]
            event = next(pending, None)
        found[day] = dict(levels)
    return found


def _latest_levels(days: list[date]) -> dict[str, Subquery]:
    """One annotation per day (level_0, level_1, ...): the school's latest approved level before the
    day ended, or None (the index on school, status and approval time finds it)."""
    return {
        f"level_{i}": Subquery(
            Categorisation.objects.filter(
                status=Status.APPROVED, school=OuterRef("pk"), approved_at__lt=_end_of_day(day)
            )
            .order_by("-approved_at", "-id")
            .values("level")[:1]
        )
        for i, day in enumerate(days)
    }


def level_paths(days: Iterable[date], schools: QuerySet[School]) -> list[tuple[tuple[str | None, ...], int]]:
    """How many of `schools` (a queryset) had each sequence of category levels at the end of `days`
    (sorted; None where a school had no category that day): the same levels as `levels_on`, counted
    in one grouped query instead of returned per school, so the answer is a few hundred rows however
    many schools."""
    days = sorted(set(days))
    if not days:
        return []
    latest = _latest_levels(days)
    grouped = (
        School.objects.filter(pk__in=schools.order_by().values("pk"))
        .order_by()
        .annotate(**latest)
        .values(*latest)
        .annotate(n=Count("pk"))
        .values_list(*latest, "n")
    )
    return [(tuple(row[:-1]), row[-1]) for row in grouped]


def school_levels(days: list[date], school_ids: Iterable[int]) -> list[tuple[int, tuple[str | None, ...]]]:
    """Each school's level at the end of each of `days` (in the order given; None where it had no
    category), one row per school: what level_paths counts, for storing (dashboard.stored_levels)."""
    latest = _latest_levels(days)
    rows = School.objects.filter(pk__in=list(school_ids)).order_by().annotate(**latest).values_list("pk", *latest)
    return [(row[0], tuple(row[1:])) for row in rows]


def current_category(school: School, *, on: date | None = None) -> CurrentCategory | None:
    """The school's current category (or as it stood at the end of `on`), or None."""
    return current_categories([school.pk], on=on).get(school.pk)


@dataclass(frozen=True)
class HistoryEntry:
    categorisation_id: int
    level: str
    academic_year: int
    term: str
    approved_at: datetime | None  # an approved categorisation's, so always set
    approved_by: str
    direction: str | None
    framework: str
    departs_from_suggestion: bool
    suggested_level: str
    previous_level: str | None = None

    @property
    def level_label(self) -> str:
        return SupportLevel(self.level).label

    @property
    def term_label(self) -> str:
        return f"{TermName(self.term).label} {academic_year_label(self.academic_year)}"

    @property
    def direction_label(self) -> str:
        return Direction(self.direction).label if self.direction else "First category"


def category_history(school: School) -> list[HistoryEntry]:
    """The school's approved categorisations, newest first, each with its direction of travel
    against the one approved before it. One query."""
    approved = list(
        Categorisation.objects.filter(school=school, status=Status.APPROVED)
        .select_related("approved_by", "framework")
        .order_by("approved_at", "id")
    )
    entries, previous = [], None
    for row in approved:
        entries.append(
            HistoryEntry(
                categorisation_id=row.id,
                level=row.level,
                academic_year=row.academic_year,
                term=row.term,
                approved_at=row.approved_at,
                approved_by=_display_name(row.approved_by),
                direction=direction_between(previous, row.level),
                framework=row.framework.name,
                departs_from_suggestion=row.departs_from_suggestion,
                suggested_level=row.suggested_level,
                previous_level=previous,
            )
        )
        previous = row.level
    return entries[::-1]


# ---- frameworks -----------------------------------------------------------------------------


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
    """Drafts and returned categorisations the user started or whose school they are link adviser of."""
    return (
        Categorisation.objects.filter(status__in=[Status.DRAFT, Status.RETURNED])
        .filter(Q(created_by=user) | Q(school__link_adviser=user))
        .select_related("school", "returned_by")
        .order_by("-updated_at", "-id")
    )


# ---- lists of schools by category -----------------------------------------------------------


def latest_approved_subquery(field: str) -> Subquery:
    return Subquery(
        Categorisation.objects.filter(school=OuterRef("pk"), status=Status.APPROVED)
        .order_by("-approved_at", "-id")
        .values(field)[:1]
    )


def open_status_subquery() -> Subquery:
    return Subquery(Categorisation.objects.filter(school=OuterRef("pk"), status__in=OPEN_STATUSES).values("status")[:1])


def open_id_subquery() -> Subquery:
    return Subquery(Categorisation.objects.filter(school=OuterRef("pk"), status__in=OPEN_STATUSES).values("id")[:1])


def schools_by_category() -> QuerySet[School]:
    """Every school annotated with its current level (None when not categorised)."""
    return School.objects.select_related("establishment_type", "link_adviser").annotate(
        current_level=latest_approved_subquery("level"),
        open_status=open_status_subquery(),
        open_id=open_id_subquery(),
    )


def approved_this_term(day: date) -> Exists:
    period = term_on(day)
    return Exists(
        Categorisation.objects.filter(
            school=OuterRef("pk"), status=Status.APPROVED, academic_year=period.academic_year, term=period.term
        )
    )


def review_due(day: date, *, annotated: bool = True) -> QuerySet[School]:
    """Open LA-maintained schools with no approved categorisation in the term the day falls in
    (strategy: direction of travel is monitored at least termly). Closed schools and schools only
    proposed to open are not due. `annotated` False leaves out schools_by_category's current level
    and open categorisation, for counting (three subqueries a school fewer)."""
    return (
        (schools_by_category() if annotated else School.objects.all())
        .filter(establishment_type__governance=Governance.MAINTAINED)
        .exclude(status__in=[SchoolStatus.CLOSED, SchoolStatus.PROPOSED_TO_OPEN])
        .filter(~approved_this_term(day))
    )


def level_counts(schools: QuerySet[School]) -> dict[str, int]:
    """How many of the schools are at each level, and not categorised ("none"), in one query: grouped
    by the current level, so each school's latest approval is looked up once."""
    counts = {level.value: 0 for level in SupportLevel} | {"none": 0}
    grouped = (
        schools.order_by()
        .annotate(level_now=latest_approved_subquery("level"))
        .values("level_now")
        .annotate(n=Count("id"))
        .values_list("level_now", "n")
    )
    for level, n in grouped:
        counts[level or "none"] += n
    return counts


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
