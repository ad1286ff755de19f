"""A school's category (its latest approved categorisation), the interface other apps read: the current
category of one school or many, with its direction of travel; levels as they stood at the end of
given days, per school or counted by sequence of levels; and a school's history of categories.
Every read runs a bounded number of queries whatever the number of schools or the length of their
history. Re-exported by categorisation.selectors."""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils import timezone

from accounts.models import User
from schools.models import School, TermName, academic_year_label

from .models import (
    Categorisation,
    CategoryNotice,
    Direction,
    NoticeResponse,
    Status,
    SupportLevel,
    direction_between,
)


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
        # One IN over a UNION ALL of the two: an OR of two IN subqueries made PostgreSQL scan every
        # approval for a few schools (50 ms for an adviser's 108 at England scale, against 7).
        rows.filter(
            pk__in=schools.annotate(found=Subquery(per_school[:1]))
            .values("found")
            .union(schools.annotate(found=Subquery(per_school[1:2])).values("found"), all=True)
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


def level_held_since(school_ids: Iterable[int], *, on: date) -> dict[int, datetime]:
    """When each school's current level began, as it stood at the end of `on`: the approval that
    started its unbroken run of approvals at that level (a high-support school re-categorised high
    every term has been high since the first of them). Schools with no category are absent. One
    query, for a page of schools (it reads every approval of each)."""
    school_ids = list(school_ids)
    if not school_ids:
        return {}
    rows = (
        Categorisation.objects.filter(status=Status.APPROVED, school_id__in=school_ids, approved_at__lt=_end_of_day(on))
        .order_by("school_id", "-approved_at", "-id")
        .values_list("school_id", "level", "approved_at")
    )
    since: dict[int, datetime] = {}
    current: dict[int, str] = {}
    broken: set[int] = set()
    for school_id, level, approved_at in rows:
        if school_id in broken or approved_at is None:  # (an approval always has its time)
            continue
        if current.setdefault(school_id, level) != level:
            broken.add(school_id)
            continue
        since[school_id] = approved_at
    return since


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


def challenges_awaiting_decision(user: User) -> list[CategoryNotice]:
    """A headteacher's schools' challenges of their category that no officer has decided yet: on
    their home page until decided, so the answer they sent does not vanish from it (docs/adr/0027)."""
    return list(
        CategoryNotice.objects.filter(
            categorisation__school__headships__user=user, response=NoticeResponse.CHALLENGE, decision=""
        )
        .exclude(categorisation__superseded_by__status=Status.APPROVED)
        .select_related("categorisation__school")
        .order_by("responded_at", "id")
    )
