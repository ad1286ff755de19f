"""An adviser's own dashboard (/dashboard/adviser/, docs/adr/0029): their link schools with each
school's category, the visit it is owed next and its overdue actions; their drafts; what officers
or schools returned to them; and their notes of visit awaiting the school's acknowledgement.

Read through the owning apps: the category and visit status from the stored compliance status
(visits.stored_compliance, one row per open maintained school, kept current by the writes that
change it: nothing is recomputed per school here), the next visit due from the year's calendar
(visits.compliance.year_calendar) and the entitlement rule (visits.entitlement.minimum_entitlement),
actions from visits.selectors.overdue_open_actions, drafts and returns from
categorisation.selectors.in_progress_for and letters.selectors.adviser_work, notes from
visits.selectors.acknowledgements_awaiting and notes_disputed. A fixed number of queries whatever
the number of link schools."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Min
from django.utils import timezone

from categorisation.models import Status as CategorisationStatus
from categorisation.selectors import in_progress_for
from letters.models import LetterStatus
from letters.selectors import adviser_work
from schools.models import School, academic_year_label
from schools.terms import Period
from visits import selectors as visit_selectors
from visits.compliance import year_calendar
from visits.entitlement import HALF_TERMLY, ComplianceStatus, YearCalendar, minimum_entitlement
from visits.models import StoredCompliance, Visit, VisitStatus
from visits.stored_compliance import stored_compliance

from . import history

LISTED = 20  # drafts, returns and notes listed in each section (the count says if there are more)


@dataclass
class NextVisit:
    """The visit a school is owed next: `by` the last teaching day of the period it falls in."""

    status: str  # ComplianceStatus value, or "" for a school with no entitlement
    status_label: str
    text: str
    by: date | None = None
    overdue: bool = False


@dataclass
class LinkSchool:
    school: School
    level: str  # history.LEVEL_KEYS, or "" when not LA maintained
    category: str
    next_visit: NextVisit
    planned_on: date | None
    overdue_actions: int
    missed_earlier: bool = False


@dataclass
class Item:
    """A draft, a returned item or a note: what it is, for which school, and where it is."""

    kind: str
    school: School
    text: str
    url: str
    on: date | None = None


@dataclass
class Listed:
    items: list[Item] = field(default_factory=list)
    total: int = 0


@dataclass
class AdviserDashboard:
    schools: list[LinkSchool]
    drafts: Listed
    returned: Listed
    awaiting_acknowledgement: Listed
    calendar: YearCalendar

    @property
    def overdue_actions(self) -> int:
        return sum(s.overdue_actions for s in self.schools)

    @property
    def visits_overdue(self) -> int:
        return sum(1 for s in self.schools if s.next_visit.overdue)


def _teaching_end(calendar: YearCalendar, period: Period) -> date:
    return calendar.teaching_ends.get(period, period.ends_on)


def _after(periods, current: Period) -> Period | None:
    later = [p for p in periods if p.starts_on > current.starts_on]
    return later[0] if later else None


def next_visit_due(*, calendar: YearCalendar, stored: StoredCompliance | None) -> NextVisit:
    """The visit a school is owed next, from its stored status: not met this term or half-term
    (due or overdue), by the last teaching day of the period under way; met, by the end of the
    next period of its cadence (half-termly for high support, termly otherwise: minimum_entitlement),
    or the next academic year's autumn term after the summer."""
    if stored is None:
        return NextVisit("", "No entitlement", "Not LA maintained: no visits are owed")
    status = stored.visits_status
    if status == ComplianceStatus.NOT_APPLICABLE:
        return NextVisit(status, ComplianceStatus(status).label, "No visit owed yet")
    entitlement = minimum_entitlement(maintained=True, level=stored.level)
    half_termly = entitlement.cadence == HALF_TERMLY
    periods = calendar.half_terms if half_termly else calendar.terms
    current = calendar.current_half_term if half_termly else calendar.current_term
    label = ComplianceStatus(status).label
    if status != ComplianceStatus.MET:
        by = _teaching_end(calendar, current)
        period = "half-term" if half_termly else "term"
        text = f"This {period}: by {by:%-d %B %Y}"
        if calendar.today > by:
            # The holiday after the period: its teaching is over, but a visit still counts in it.
            text = f"This {period}: teaching ended {by:%-d %B %Y}; a visit until {current.ends_on:%-d %B %Y} counts"
        return NextVisit(status, label, text, by, overdue=status == ComplianceStatus.OVERDUE)
    following = _after(periods, current)
    if following is None:
        return NextVisit(status, label, "Next in the autumn term of the next academic year")
    by = _teaching_end(calendar, following)
    return NextVisit(status, label, f"Next in {following.short_label}: by {by:%-d %B %Y}", by)


def _day(moment) -> date | None:
    return timezone.localtime(moment).date() if moment else None


def _listed(items: list[Item], total: int) -> Listed:
    return Listed(items[:LISTED], total)


def adviser_dashboard(*, user, today: date) -> AdviserDashboard:
    schools = list(
        School.objects.open().filter(link_adviser=user).select_related("establishment_type").order_by("name", "urn")
    )
    ids = [s.pk for s in schools]
    stored = {row.school_id: row for row in stored_compliance(today=today).filter(school_id__in=ids)} if ids else {}
    calendar = year_calendar(today)
    planned = dict(
        Visit.objects.filter(school_id__in=ids, status=VisitStatus.PLANNED, visit_date__gte=today)
        .values("school_id")
        .annotate(on=Min("visit_date"))
        .values_list("school_id", "on")
    ) if ids else {}  # fmt: skip
    overdue = dict(
        visit_selectors.overdue_open_actions(school_ids=ids, today=today)
        .order_by()
        .values("school_id")
        .annotate(n=Count("id"))
        .values_list("school_id", "n")
    ) if ids else {}  # fmt: skip
    rows = []
    for school in schools:
        row = stored.get(school.pk)
        rows.append(
            LinkSchool(
                school=school,
                level=row.level if row else "",
                category=history.LEVEL_LABELS.get(row.level, row.level) if row else "Not LA maintained",
                next_visit=next_visit_due(calendar=calendar, stored=row),
                planned_on=planned.get(school.pk),
                overdue_actions=overdue.get(school.pk, 0),
                missed_earlier=bool(row and row.missed_earlier),
            )
        )
    return AdviserDashboard(
        schools=rows,
        drafts=_drafts(user),
        returned=_returned(user),
        awaiting_acknowledgement=_awaiting(user),
        calendar=calendar,
    )


def _drafts(user) -> Listed:
    """Categorisations and letters in draft that the adviser started or whose school is theirs."""
    categorisations = in_progress_for(user).filter(status=CategorisationStatus.DRAFT)
    letters = adviser_work(user).filter(status=LetterStatus.DRAFT)
    items = [
        Item(
            "Categorisation",
            c.school,
            f"{c.get_term_display()} term {academic_year_label(c.academic_year)}",
            c.get_absolute_url(),
            _day(c.updated_at),
        )
        for c in categorisations[:LISTED]
    ] + [
        Item("Letter", letter.school, letter.letter_type.name, letter.get_absolute_url(), _day(letter.updated_at))
        for letter in letters[:LISTED]
    ]
    items.sort(key=lambda i: i.on or date.min, reverse=True)
    return _listed(items, categorisations.count() + letters.count())


def _returned(user) -> Listed:
    """Categorisations and letters an officer returned, and notes of visit the school said were not
    accurate that the adviser has not replied to."""
    categorisations = in_progress_for(user).filter(status=CategorisationStatus.RETURNED)
    letters = adviser_work(user).filter(status=LetterStatus.RETURNED)
    disputed = visit_selectors.notes_disputed(adviser=user)
    items = (
        [
            Item(
                "Categorisation",
                c.school,
                f"Returned{f' by {c.returned_by}' if c.returned_by else ''}",
                c.get_absolute_url(),
                _day(c.returned_at or c.updated_at),
            )
            for c in categorisations[:LISTED]
        ]
        + [
            Item(
                "Letter",
                letter.school,
                f"{letter.letter_type.name}: returned for changes",
                letter.get_absolute_url(),
                _day(letter.updated_at),
            )
            for letter in letters[:LISTED]
        ]
        + [
            Item(
                "Note of visit",
                a.visit.school,
                f"Visit of {a.visit.visit_date:%-d %B %Y}: the school says it is not accurate",
                a.visit.get_absolute_url(),
                _day(a.responded_at),
            )
            for a in disputed[:LISTED]
        ]
    )
    items.sort(key=lambda i: i.on or date.min, reverse=True)
    return _listed(items, categorisations.count() + letters.count() + disputed.count())


def _awaiting(user) -> Listed:
    awaiting = visit_selectors.acknowledgements_awaiting(adviser=user)
    items = [
        Item(
            "Note of visit",
            a.visit.school,
            f"Visit of {a.visit.visit_date:%-d %B %Y}: shared {a.requested_at:%-d %B %Y}",
            a.visit.get_absolute_url(),
            _day(a.requested_at),
        )
        for a in awaiting[:LISTED]
    ]
    return _listed(items, awaiting.count())
