"""The compliance view's rows: each open maintained school's category, visits due and done, MSP
meetings, and enhanced offer use, computed by visits.entitlement from inputs read in a fixed number
of queries whatever the number of schools or visits."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from categorisation.models import SupportLevel
from categorisation.selectors import CurrentCategory, current_categories, levels_on
from schools.models import School, SchoolStatus
from schools.terms import periods_of_half_terms, periods_of_terms, school_year_terms

from .entitlement import VISIT_LEAD_ROLES, ComplianceStatus, VisitFacts, YearCalendar, build_year_calendar
from .entitlement_status import (
    EnhancedUse,
    MspCompliance,
    VisitCompliance,
    enhanced_offer_use,
    msp_group_to_set_up,
    msp_meets_half_termly,
    visit_compliance,
)
from .models import EnhancedOffer, MspGroup, MspGroupStatus, MspMeeting, Visit, VisitStatus

NOT_CATEGORISED = "none"
CATEGORY_CHOICES = [(level.value, level.label) for level in SupportLevel] + [(NOT_CATEGORISED, "Not categorised")]


def year_calendar(today: date) -> YearCalendar:
    """The academic year `today` counts in (schools.terms.school_year_terms), with its terms and
    half-terms exactly as term_on / half_term_on make them, from two or three reads of the term dates."""
    _, this, following = school_year_terms(today)
    return build_year_calendar(
        today=today,
        terms=periods_of_terms(this, following),
        half_terms=periods_of_half_terms(this, following),
        term_records=this,
    )


@dataclass
class ComplianceRow:
    school: School
    category: CurrentCategory | None
    visits: VisitCompliance
    msp_group: MspGroup | None
    msp: MspCompliance | None
    msp_to_set_up: bool
    enhanced: EnhancedUse | None

    @property
    def level(self) -> str:
        return self.category.level if self.category else NOT_CATEGORISED

    @property
    def level_label(self) -> str:
        return self.category.level_label if self.category else "Not categorised"

    @property
    def needs_attention(self) -> bool:
        return (
            self.visits.status == ComplianceStatus.OVERDUE
            or self.msp_to_set_up
            or (self.msp is not None and self.msp.status == ComplianceStatus.OVERDUE)
        )


def _level_lookup(by_day: dict[date, dict[int, str]], school_id: int):
    def level_on(day: date) -> str | None:
        return by_day[day].get(school_id)

    return level_on


# Schools that are not (or not yet) open have no entitlement.
NO_ENTITLEMENT_STATUSES = (SchoolStatus.CLOSED, SchoolStatus.PROPOSED_TO_OPEN)


def has_entitlement(school: School) -> bool:
    """An open (or open but proposed to close) LA maintained school: one compliance_rows covers."""
    return school.is_maintained and school.status not in NO_ENTITLEMENT_STATUSES


def compliance_schools(*, school_ids=None) -> QuerySet[School]:
    """Open LA-maintained schools (those with an entitlement), optionally some of them."""
    schools = (
        School.objects.maintained()
        .exclude(status__in=NO_ENTITLEMENT_STATUSES)
        .select_related("link_adviser", "establishment_type")
    )
    if school_ids is not None:
        schools = schools.filter(pk__in=school_ids if isinstance(school_ids, QuerySet) else list(school_ids))
    return schools.order_by("name", "pk")


def lead_roles() -> dict[int, str]:
    """The LA role (adviser or officer) of every user who has one, by user id: the few hundred LA
    staff, read once rather than joined to every visit of the year."""
    memberships = get_user_model().groups.through.objects.filter(group__name__in=sorted(VISIT_LEAD_ROLES))
    return dict(memberships.order_by("-group__name").values_list("user_id", "group__name"))


def compliance_rows(*, today: date, schools: QuerySet[School] | list[School] | None = None) -> list[ComplianceRow]:
    """One row per school of `schools` (default: every open maintained school; a list of schools
    already loaded is used as it is). Queries: the schools, the term dates (two), the categories
    on each day a period of the year is judged by (at most seven), the year's visits, the LA roles
    of the users who lead visits, the open MSP groups and their meetings, and enhanced offers."""
    schools_qs = schools if schools is not None else compliance_schools()
    school_list = list(schools_qs)
    if not school_list:
        return []
    calendar = year_calendar(today)
    ids = [s.pk for s in school_list]
    # Filter the related rows by the schools' query (a subquery) or, for a list, by their ids.
    school_filter = schools_qs.values("pk") if isinstance(schools_qs, QuerySet) else ids
    periods = calendar.started(calendar.terms) + calendar.started(calendar.half_terms)
    days = sorted({calendar.assess_day(p) for p in periods} | {today})
    by_day = levels_on(days, school_filter)
    categories = current_categories(school_filter, on=today)

    visits_by_school = defaultdict(list)
    visits = (
        Visit.objects.filter(school__in=school_filter, visit_date__range=(calendar.starts_on, calendar.ends_on))
        .exclude(status=VisitStatus.CANCELLED)
        .values_list("school_id", "adviser_id", "visit_date", "status", "visit_type", "length")
    )
    roles = lead_roles()
    for row in visits:
        visits_by_school[row[0]].append(VisitFacts(*row, lead_role=roles.get(row[1])))

    groups = {
        g.school_id: g
        for g in MspGroup.objects.filter(school__in=school_filter, status=MspGroupStatus.OPEN).select_related("chair")
    }
    meetings_by_group = defaultdict(list)
    meetings = MspMeeting.objects.filter(
        group_id__in=[g.pk for g in groups.values()], held_on__range=(calendar.starts_on, calendar.ends_on)
    ).only("id", "group_id", "held_on", "status")
    for meeting in meetings if groups else []:
        meetings_by_group[meeting.group_id].append(meeting)

    offers = dict(
        EnhancedOffer.objects.filter(school__in=school_filter, academic_year=calendar.academic_year).values_list(
            "school_id", "half_days"
        )
    )

    rows = []
    for school in school_list:
        level_on = _level_lookup(by_day, school.pk)
        school_visits = visits_by_school.get(school.pk, [])
        group = groups.get(school.pk)
        bought = offers.get(school.pk)
        rows.append(
            ComplianceRow(
                school=school,
                category=categories.get(school.pk),
                visits=visit_compliance(
                    calendar=calendar,
                    maintained=True,
                    level_on=level_on,
                    visits=school_visits,
                    opened_on=school.open_date,
                ),
                msp_group=group,
                msp=msp_meets_half_termly(
                    calendar=calendar, set_up_on=group.set_up_on, meetings=meetings_by_group.get(group.pk, [])
                )
                if group
                else None,
                msp_to_set_up=msp_group_to_set_up(maintained=True, level=level_on(today), has_open_group=bool(group)),
                enhanced=enhanced_offer_use(
                    bought=bought, visits=school_visits, calendar=calendar, link_adviser_id=school.link_adviser_id
                )
                if bought
                else None,
            )
        )
    return rows


# ---- the status filter and the summary counts: one predicate each, so they always agree ----------

MISSED_EARLIER = "missed_earlier"
NEEDS_ATTENTION = "attention"
STATUS_FILTERS = {
    ComplianceStatus.MET.value: lambda row: row.visits.status == ComplianceStatus.MET,
    ComplianceStatus.DUE.value: lambda row: row.visits.status == ComplianceStatus.DUE,
    ComplianceStatus.OVERDUE.value: lambda row: row.visits.status == ComplianceStatus.OVERDUE,
    MISSED_EARLIER: lambda row: bool(row.visits.missed_earlier),
    NEEDS_ATTENTION: lambda row: row.needs_attention,
}
STATUS_FILTER_CHOICES = [
    (ComplianceStatus.MET.value, "Met this term"),
    (ComplianceStatus.DUE.value, "Due"),
    (ComplianceStatus.OVERDUE.value, "Overdue"),
    (MISSED_EARLIER, "Missed a visit earlier this year"),
    (NEEDS_ATTENTION, "Needs attention"),
]


def rows_with_status(rows: list[ComplianceRow], status: str) -> list[ComplianceRow]:
    """The rows the status filter keeps (every row for "" or an unknown value)."""
    keep = STATUS_FILTERS.get(status)
    return [r for r in rows if keep(r)] if keep else list(rows)


@dataclass
class ComplianceSummary:
    met: int
    due: int
    overdue: int
    missed_earlier: int
    needs_attention: int
    msp_to_set_up: int
    msp_overdue: int
    total: int


def summarise(rows: list[ComplianceRow]) -> ComplianceSummary:
    """The counts of each status filter's rows (the same predicates as rows_with_status)."""

    def count(status: str) -> int:
        return sum(1 for r in rows if STATUS_FILTERS[status](r))

    return ComplianceSummary(
        met=count(ComplianceStatus.MET),
        due=count(ComplianceStatus.DUE),
        overdue=count(ComplianceStatus.OVERDUE),
        missed_earlier=count(MISSED_EARLIER),
        needs_attention=count(NEEDS_ATTENTION),
        msp_to_set_up=sum(1 for r in rows if r.msp_to_set_up),
        msp_overdue=sum(1 for r in rows if r.msp and r.msp.status == ComplianceStatus.OVERDUE),
        total=len(rows),
    )
