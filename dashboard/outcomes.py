"""The outcomes table as the council reports it (docs/adr/0029): the share of schools, and of pupils
(number on roll), in good or better schools, primary and secondary, LA maintained and academies,
against England's figure for the year that an admin enters.

A school counts by its latest graded or report-card inspection (schools.selectors.
latest_judgement: an ungraded inspection leaves the last grade standing):

- good or better: latest overall effectiveness outstanding (1) or good (2);
- judged: latest inspection graded with an overall grade (the share's denominator);
- report card: latest inspection a report card, which has no overall grade: not in the share
  (neither numerator nor denominator), counted separately;
- not inspected: no graded or report-card inspection on record: not in the share either.

Every count comes from the stored counts (StoredOutcomeCount, docs/adr/0052): the open schools
grouped by LA code, phase, governance and latest judgement, kept by dashboard.stored_ofsted and
counted again only after a write they depend on, so the table and the length of each figure's list
cost the same for 50 schools or 22,000."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.db.models import Case, CharField, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse

from schools.models import Governance, OfstedFramework, OfstedGrade, School
from schools.selectors import latest_judgement

from . import stored_ofsted
from .models import NationalOutcome, OutcomePhase, StoredOutcomeCount

# GIAS phases in each reported phase (ADR 0029: as Ofsted's official statistics group them).
PHASES_OF = {
    OutcomePhase.PRIMARY.value: ("Primary", "Middle deemed primary"),
    OutcomePhase.SECONDARY.value: ("Secondary", "Middle deemed secondary", "All-through"),
    OutcomePhase.ALL.value: None,  # every phase: nursery, special, PRU and 16 plus too
}
PHASE_LABELS = {phase.value: phase.label for phase in OutcomePhase}
GOVERNANCES = {
    Governance.MAINTAINED.value: "LA maintained",
    Governance.ACADEMY.value: "Academies and free schools",
    "all": "All state-funded",
}
GOOD_OR_BETTER = "good"
BELOW_GOOD = "below"  # requires improvement or inadequate
JUDGED = "judged"  # good or better and below: the share's denominator
REPORT_CARD = "report_card"
NOT_INSPECTED = "none"
SETS = {
    GOOD_OR_BETTER: "Good or better",
    JUDGED: "Judged with an overall grade",
    REPORT_CARD: "Latest inspection a report card (no overall grade)",
    NOT_INSPECTED: "No graded or report-card inspection on record",
}


def phase_of(gias_phase: str) -> str | None:
    """The reported phase (primary or secondary) a GIAS phase belongs to, or None."""
    for phase, names in PHASES_OF.items():
        if names and gias_phase in names:
            return phase
    return None


def share(part: int, whole: int) -> Decimal | None:
    """A percentage to one decimal place, rounded half up; None when there is nothing to share."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def set_of(framework: str | None, grade: int | None) -> str:
    """Which set a school's latest inspection puts it in (the module docstring's rule)."""
    if framework is None:
        return NOT_INSPECTED
    if framework == OfstedFramework.REPORT_CARD:
        return REPORT_CARD
    if grade is None:
        return NOT_INSPECTED  # a graded inspection recorded without its overall grade
    return GOOD_OR_BETTER if grade <= 2 else BELOW_GOOD


def good_or_better_share(counts: Mapping[str, int]) -> Decimal | None:
    """The one definition of "good or better" that every figure reads (the officer's home, the
    outcomes table, the reporting packs), given counts (schools, or pupils) by `set_of`'s sets.

    ADR 0029, *The share*: "good or better = latest overall effectiveness outstanding (1) or good
    (2); the denominator is the schools whose latest inspection is graded with an overall grade. [...]
    Percentages to one decimal place, rounded half up." and "Report cards are excluded from the
    share, in both numerator and denominator, and counted separately [...] as are schools with no
    graded or report-card inspection on record (new schools) and a graded inspection recorded
    without its overall grade." None when no school has an overall grade."""
    good = counts.get(GOOD_OR_BETTER, 0)
    return share(good, good + counts.get(BELOW_GOOD, 0))


@dataclass
class Tally:
    schools: int = 0
    pupils: int = 0


@dataclass
class Cell:
    """One phase and governance: each set's schools and pupils, and the links to them."""

    phase: str
    governance: str
    tallies: dict = field(default_factory=lambda: defaultdict(Tally))
    links: dict = field(default_factory=dict)
    national: NationalOutcome | None = None

    @property
    def label(self) -> str:
        return GOVERNANCES[self.governance]

    @property
    def schools_against_national(self) -> str:
        return against(self.school_share, self.national.share_of_schools if self.national else None)

    @property
    def pupils_against_national(self) -> str:
        return against(self.pupil_share, self.national.share_of_pupils if self.national else None)

    def tally(self, key: str) -> Tally:
        return self.tallies[key]

    @property
    def good(self) -> Tally:
        return self.tallies[GOOD_OR_BETTER]

    @property
    def judged(self) -> Tally:
        """Good or better and below: the share's denominator."""
        return Tally(
            self.tallies[GOOD_OR_BETTER].schools + self.tallies[BELOW_GOOD].schools,
            self.tallies[GOOD_OR_BETTER].pupils + self.tallies[BELOW_GOOD].pupils,
        )

    @property
    def report_card(self) -> Tally:
        return self.tallies[REPORT_CARD]

    @property
    def not_inspected(self) -> Tally:
        return self.tallies[NOT_INSPECTED]

    @property
    def school_share(self) -> Decimal | None:
        return good_or_better_share({which: tally.schools for which, tally in self.tallies.items()})

    @property
    def pupil_share(self) -> Decimal | None:
        return good_or_better_share({which: tally.pupils for which, tally in self.tallies.items()})


def against(ours: Decimal | None, england: Decimal | None) -> str:
    """ "2.5 points above England", "the same as England", or "" when either is missing."""
    if ours is None or england is None:
        return ""
    gap = ours - england
    if gap == 0:
        return "the same as England"
    return f"{abs(gap)} point{'' if abs(gap) == 1 else 's'} {'above' if gap > 0 else 'below'} England"


@dataclass
class PhaseRows:
    phase: str
    label: str
    cells: list  # one Cell per governance
    national: NationalOutcome | None


@dataclass
class OutcomesTable:
    year: int | None
    phases: list  # PhaseRows: primary, secondary, all
    report_cards: int
    not_inspected: int


def outcome_schools(chosen: dict[str, str]) -> QuerySet[School]:
    """The open LA-maintained schools and academies (the filters' LA code kept)."""
    schools = School.objects.open().filter(
        establishment_type__governance__in=[Governance.MAINTAINED, Governance.ACADEMY]
    )
    if chosen.get("la"):
        schools = schools.filter(la_code=chosen["la"])
    return schools


def with_latest(schools: QuerySet[School]) -> QuerySet[School]:
    return schools.annotate(
        latest_framework=latest_judgement("framework"),
        latest_grade=latest_judgement("overall_effectiveness"),
    )


def schools_link(chosen: dict[str, str], *, phase: str, governance: str, which: str) -> str:
    query = {"la": chosen.get("la", ""), "phase": phase, "governance": governance, "set": which}
    return reverse("dashboard:outcome_schools") + "?" + urlencode({k: v for k, v in query.items() if v})


def figure_label(*, phase: str, governance: str, which: str) -> str:
    """ "Primary, LA maintained: good or better", "Secondary, academies and free schools: judged..." """
    name = GOVERNANCES[governance] if governance == Governance.MAINTAINED else GOVERNANCES[governance].lower()
    return f"{PHASE_LABELS[phase]}, {name}: {SETS[which].lower()}"


def national_years() -> list[int]:
    return list(NationalOutcome.objects.order_by("-year").values_list("year", flat=True).distinct())


def service_codes() -> list[str]:
    """The LA codes the table can be filtered by: the service's own (settings.LOCAL_AUTHORITY_CODES)."""
    return sorted(settings.LOCAL_AUTHORITY_CODES)


def _grouped(codes: list[str]) -> QuerySet:
    # A school outside the service's LAs is counted under "": the table filters by the service's codes
    # only, and England's 153 LAs would make 5,300 groups to store after every write instead of 200.
    service_la = Case(When(la_code__in=codes, then=F("la_code")), default=Value(""), output_field=CharField())
    return (
        with_latest(outcome_schools({}))
        .order_by()
        .annotate(service_la=service_la)
        .values("establishment_type__governance", "service_la", "phase", "latest_framework", "latest_grade")
        .annotate(n=Count("id"), pupils=Coalesce(Sum("number_on_roll"), 0))
        .values_list(
            "establishment_type__governance", "service_la", "phase", "latest_framework", "latest_grade", "n", "pupils"
        )
    )


def compute_outcome_counts() -> list[tuple]:
    """The definition of the stored counts (StoredOutcomeCount): outcome_schools grouped by
    governance, LA code (the service's LAs; "" for any other), GIAS phase and their latest
    judgement's framework and overall grade, with how many schools and pupils (number on roll)."""
    return sorted(_grouped(service_codes()), key=lambda row: tuple("" if v is None else str(v) for v in row))


STORED_FIELDS = ("governance", "la_code", "phase", "framework", "grade", "schools", "pupils")


def _recount(row) -> None:
    """Store compute_outcome_counts as StoredOutcomeCount's rows in place of the old ones, and the LA
    codes they were grouped by in the row, under stored_ofsted's lock on the outcomes row, in its
    transaction: one INSERT ... SELECT of the grouped query, no model instances."""
    codes = service_codes()
    StoredOutcomeCount.objects.all().delete()
    sql, params = _grouped(codes).query.sql_with_params()
    table = connection.ops.quote_name(StoredOutcomeCount._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in STORED_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)
    row.counts = codes


def stored_outcome_counts() -> QuerySet[StoredOutcomeCount]:
    """The stored counts, counted again first when a write has marked them stale (stored_ofsted) or
    when they were grouped by other LA codes than the service's now (a deployment's setting changed)."""
    codes = service_codes()
    stored_ofsted.fresh(stored_ofsted.OUTCOMES_ROW, recount=_recount, valid=lambda row: row.counts == codes)
    return StoredOutcomeCount.objects.all()


def _cells(chosen: dict[str, str]) -> dict[tuple[str, str], Cell]:
    """Each phase and governance's tallies of the chosen LA's schools (every LA's for none), from the
    stored counts (an LA outside service_codes, which only a pack built after its LA left the
    service asks for, from the schools): the one count behind the table's figures and the length of
    each figure's list."""
    la = chosen.get("la")
    grouped: Iterable[tuple]
    if la and la not in service_codes():
        grouped = _counted_live(la)
    else:
        stored = stored_outcome_counts()
        if la:
            stored = stored.filter(la_code=la)
        grouped = (
            stored.order_by()
            .values("governance", "phase", "framework", "grade")
            .annotate(n=Sum("schools"), pupils=Sum("pupils"))
            .values_list("governance", "phase", "framework", "grade", "n", "pupils")
        )
    cells = {(phase, governance): Cell(phase, governance) for phase in PHASES_OF for governance in GOVERNANCES}
    for governance, gias_phase, framework, grade, n, pupils in grouped:
        which = set_of(framework, grade)
        for phase in filter(None, (phase_of(gias_phase or ""), OutcomePhase.ALL.value)):
            for gov in (governance, "all"):
                tally = cells[(phase, gov)].tallies[which]
                tally.schools += n
                tally.pupils += pupils or 0
    return cells


def _counted_live(la: str) -> list[tuple]:
    """An LA outside the service's codes, counted from its schools by the stored counts' own grouping
    (which puts it under ""): a pack asked for while its LA was the service's, built after a
    deployment dropped it."""
    rows = _grouped([la]).filter(la_code=la)
    return [(governance, *counted) for governance, _, *counted in rows]  # without the grouped LA code


def figure_count(*, chosen: dict[str, str], phase: str, governance: str, which: str) -> int:
    """How many schools one figure of the table counts: the length of schools_in_set's list."""
    cell = _cells(chosen)[(phase, governance)]
    return cell.judged.schools if which == JUDGED else cell.tallies[which].schools


def outcomes_table(*, chosen: dict[str, str], year: int | None) -> OutcomesTable:
    """The table for the chosen LA code against England's figures of `year` (None: none entered)."""
    cells = _cells(chosen)
    for cell in cells.values():
        cell.links = {
            which: schools_link(chosen, phase=cell.phase, governance=cell.governance, which=which) for which in SETS
        }
    national = {n.phase: n for n in NationalOutcome.objects.filter(year=year)} if year is not None else {}
    for cell in cells.values():
        cell.national = national.get(cell.phase)
    phases = [
        PhaseRows(phase, OutcomePhase(phase).label, [cells[(phase, gov)] for gov in GOVERNANCES], national.get(phase))
        for phase in PHASES_OF
    ]
    everyone = cells[(OutcomePhase.ALL.value, "all")]
    return OutcomesTable(year, phases, everyone.report_card.schools, everyone.not_inspected.schools)


# Each set as a condition on with_latest's annotations: the same rule as set_of.
SET_Q = {
    GOOD_OR_BETTER: Q(latest_framework=OfstedFramework.GRADED, latest_grade__lte=2),
    BELOW_GOOD: Q(latest_framework=OfstedFramework.GRADED, latest_grade__gte=3),
    JUDGED: Q(latest_framework=OfstedFramework.GRADED, latest_grade__isnull=False),
    REPORT_CARD: Q(latest_framework=OfstedFramework.REPORT_CARD),
    NOT_INSPECTED: Q(latest_framework__isnull=True)
    | Q(latest_framework=OfstedFramework.GRADED, latest_grade__isnull=True),
}


def schools_in_set(*, chosen: dict[str, str], phase: str, governance: str, which: str) -> QuerySet[School]:
    """The schools behind one figure of the table, by name: the same rule as the count."""
    schools = outcome_schools(chosen)
    names = PHASES_OF.get(phase)
    if names:
        schools = schools.filter(phase__in=names)
    if governance != "all":
        schools = schools.filter(establishment_type__governance=governance)
    return (
        with_latest(schools.select_related("establishment_type"))
        .filter(SET_Q[which])
        .annotate(latest_date=latest_judgement("start_date"))
        .order_by("name", "urn")
    )


def latest_label(school: School) -> str:
    """A school of schools_in_set's latest inspection, in words."""
    which = set_of(school.latest_framework, school.latest_grade)  # type: ignore[attr-defined]
    if which == REPORT_CARD:
        return "Report card (no overall grade)"
    if which == NOT_INSPECTED:
        return "No overall grade on record" if school.latest_framework else "None on record"  # type: ignore[attr-defined]
    return OfstedGrade(school.latest_grade).label  # type: ignore[attr-defined]
