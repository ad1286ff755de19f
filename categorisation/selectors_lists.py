"""The lists of schools by category: schools annotated with their current level and open
categorisation, the schools due a review this term and how many schools are at each level, as the
list pages and the dashboards filter and count them. Re-exported by categorisation.selectors."""

from datetime import date

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery

from schools.models import Governance, School, SchoolStatus
from schools.terms import Period, term_on

from .models import OPEN_STATUSES, Categorisation, Status, SupportLevel, term_label


def latest_approved_subquery(field: str) -> Subquery:
    return Subquery(
        Categorisation.objects.filter(school=OuterRef("pk"), status=Status.APPROVED)
        .order_by("-approved_at", "-id")
        .values(field)[:1]
    )


def open_field_subquery(field: str) -> Subquery:
    """A field of the school's open categorisation (one at most: one_open_categorisation_per_school)."""
    return Subquery(Categorisation.objects.filter(school=OuterRef("pk"), status__in=OPEN_STATUSES).values(field)[:1])


def open_status_subquery() -> Subquery:
    return open_field_subquery("status")


def open_id_subquery() -> Subquery:
    return open_field_subquery("id")


def open_term_label(school: School) -> str:
    """The term of the school's open categorisation (schools_by_category's open_year and open_term):
    "Summer 2026/27"; "" when none is open."""
    year, term = getattr(school, "open_year", None), getattr(school, "open_term", None)
    return term_label(year, term) if year is not None and term else ""


def open_for_another_term(school: School, period: Period) -> str:
    """The term of the school's open categorisation when it is not `period`'s, else "": a draft left
    from last term is not this term's review (one is open at a time), and this term's lists say so."""
    if (getattr(school, "open_year", None), getattr(school, "open_term", None)) == (period.academic_year, period.term):
        return ""
    return open_term_label(school)


def schools_by_category() -> QuerySet[School]:
    """Every school annotated with its current level (None when not categorised)."""
    return School.objects.select_related("establishment_type", "link_adviser").annotate(
        current_level=latest_approved_subquery("level"),
        open_status=open_status_subquery(),
        open_id=open_id_subquery(),
        # Its term: a draft left from an earlier term is not this term's review (open_for_another_term).
        open_year=open_field_subquery("academic_year"),
        open_term=open_field_subquery("term"),
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
