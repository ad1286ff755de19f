"""The officer dashboard's figures, each with the schools behind it. Every figure is computed by the
owning app's rule (imported, never re-implemented): categorisation's review_due and levels_on,
visits' compliance rows and status filters, letters' warning-notice stages, academies' ladder stage,
visits' overdue actions. Each section is one function of the scope, so the list page behind a
figure computes only that figure's section: the number and its list cannot disagree.

A figure's key names it in a URL: "level.2026-autumn.high", "move.2026-autumn.declining",
"review.due", "visits.overdue", "msp.overdue", "letters.warning_notice", "notices.eligible",
"concerns.formal_letter.red", "actions.overdue"."""

from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from django.db.models import Count, Min, Q

from categorisation.selectors import approved_this_term, review_due
from visits.compliance import MISSED_EARLIER, year_calendar
from visits.entitlement import ComplianceStatus
from visits.models import MspMeeting, MspMeetingStatus
from visits.stored_compliance import MSP_OVERDUE, STATUS_Q, rows_for, stored_compliance

from . import history
from .figures_base import NOTICE_DEADLINE_DAYS as NOTICE_DEADLINE_DAYS
from .figures_base import Entry as Entry
from .figures_base import Figure as Figure
from .figures_base import Scope as Scope
from .figures_base import entries_named, entries_of
from .figures_casework import ConcernsSection as ConcernsSection
from .figures_casework import LettersSection as LettersSection
from .figures_casework import actions, concerns, letters
from .figures_casework import open_concerns as open_concerns
from .filters import filter_schools

# ---- support levels over the last six terms ----------------------------------------------------


@dataclass
class LevelsSection:
    terms: list  # history.TermLevels, oldest first
    level_rows: list  # (label, [Figure per term])
    movement_rows: list  # (label, [Figure or None per term]); None for the first term
    figures: list


def levels(scope: Scope) -> LevelsSection:
    if not scope.lists:
        return level_counts(scope)
    terms = history.term_levels(today=scope.today, schools=scope.maintained(), window=scope.terms)
    figures, level_rows, movement_rows = [], [], []
    for level in history.LEVEL_KEYS:
        row = [
            Figure(
                f"level.{t.key}.{level}",
                f"{history.LEVEL_LABELS[level]}, {t.period.label}",
                entries_of(t.schools_at(level)),
            )
            for t in terms
        ]
        level_rows.append((history.LEVEL_LABELS[level], row))
        figures += row
    moves = [None] + [history.movement(before, after) for before, after in pairwise(terms)]
    for direction in history.MOVEMENTS:
        row = [
            None
            if moved is None
            else Figure(
                f"move.{t.key}.{direction}",
                f"{history.MOVEMENT_LABELS[direction]} since the term before, {t.period.label}",
                entries_of(moved[direction]),
            )
            for t, moved in zip(terms, moves, strict=True)
        ]
        movement_rows.append((history.MOVEMENT_LABELS[direction], row))
        figures += [f for f in row if f]
    return LevelsSection(terms, level_rows, movement_rows, figures)


def level_counts(scope: Scope) -> LevelsSection:
    """levels() counted, not listed: the same figures, keys and labels, each with its number only
    (history.term_counts: one grouped query)."""
    terms, moves = history.term_counts(today=scope.today, schools=scope.maintained(), window=scope.terms)
    figures: list[Figure] = []
    level_rows: list = []
    movement_rows: list = []
    for level in history.LEVEL_KEYS:
        row = [
            Figure(f"level.{t.key}.{level}", f"{history.LEVEL_LABELS[level]}, {t.period.label}", n=t.count(level))
            for t in terms
        ]
        level_rows.append((history.LEVEL_LABELS[level], row))
        figures += row
    for direction in history.MOVEMENTS:
        moves_row: list[Figure | None] = [
            None
            if moved is None
            else Figure(
                f"move.{t.key}.{direction}",
                f"{history.MOVEMENT_LABELS[direction]} since the term before, {t.period.label}",
                n=moved[direction],
            )
            for t, moved in zip(terms, moves, strict=True)
        ]
        movement_rows.append((history.MOVEMENT_LABELS[direction], moves_row))
        figures += [f for f in moves_row if f]
    return LevelsSection(terms, level_rows, movement_rows, figures)


def level_figure(scope: Scope, key: str) -> Figure | None:
    """One level or movement figure with its schools ("level.2026-autumn.high",
    "move.2026-autumn.declining"), reading only that term and the one before it: the figure's own
    page needs no other term. None for a term not among the last six or an unknown level."""
    kind, _, rest = key.partition(".")
    term, _, what = rest.partition(".")
    periods = scope.terms
    index = next((i for i, p in enumerate(periods) if history.term_key(p) == term), None)
    if index is None or (kind == "move" and index == 0):
        return None
    if (kind == "level" and what not in history.LEVEL_KEYS) or (kind == "move" and what not in history.MOVEMENTS):
        return None
    terms = history.term_levels(
        today=scope.today, schools=scope.maintained(), terms=periods[max(index - 1, 0) : index + 1], window=periods
    )
    t = terms[-1]
    if kind == "level":
        return Figure(key, f"{history.LEVEL_LABELS[what]}, {t.period.label}", entries_of(t.schools_at(what)))
    moved = history.movement(terms[0], t)
    return Figure(
        key, f"{history.MOVEMENT_LABELS[what]} since the term before, {t.period.label}", entries_of(moved[what])
    )


# ---- categorisation reviews ------------------------------------------------------------------


def reviews(scope: Scope) -> list[Figure]:
    """Due: no approved categorisation in the term today counts in (categorisation.selectors.review_due).
    Overdue: due now, and the term before also ended without one (due on its last day too)."""
    previous_term_end = scope.terms[-2].ends_on
    if not scope.lists:
        # Overdue: due now (open and maintained today) and no approval in the term before either.
        counts = (
            filter_schools(review_due(scope.today, annotated=False), scope.chosen)
            .order_by()
            .aggregate(due=Count("pk"), overdue=Count("pk", filter=~approved_this_term(previous_term_end)))
        )
        return [
            Figure("review.due", "Due for review this term", n=counts["due"]),
            Figure("review.overdue", "Overdue: not reviewed last term either", n=counts["overdue"]),
        ]
    # The same condition as the count, in the same query: (school, overdue) for each school due.
    due_rows = list(
        filter_schools(review_due(scope.today, annotated=False), scope.chosen)
        .order_by()
        .annotate(overdue=~approved_this_term(previous_term_end))
        .values_list("pk", "name", "urn", "overdue")
    )
    return [
        Figure("review.due", "Due for review this term", entries_named(row[:3] for row in due_rows)),
        Figure(
            "review.overdue",
            "Overdue: not reviewed last term either",
            entries_named(row[:3] for row in due_rows if row[3]),
        ),
    ]


# ---- visits and MSP ---------------------------------------------------------------------------

VISIT_FIGURES = [
    (ComplianceStatus.MET.value, "Met this term"),
    (ComplianceStatus.DUE.value, "Due"),
    (ComplianceStatus.OVERDUE.value, "Overdue"),
    (MISSED_EARLIER, "Missed a visit in an earlier half-term or term this year"),
]


@dataclass
class ComplianceSection:
    term: object
    visits: list[Figure]
    msp: list[Figure]
    msp_rows: list  # (school, group, next meeting date or None, status label)

    @property
    def figures(self) -> list[Figure]:
        return self.visits + self.msp


def compliance(scope: Scope) -> ComplianceSection:
    # Counted from the stored status (visits.stored_compliance); full rows only for the schools
    # with an MSP group or one to set up, whose meetings the figures describe.
    stored = stored_compliance(today=scope.today).filter(school__in=scope.maintained().values("pk"))
    if not scope.lists:
        return _compliance_counts(scope, stored)
    visits = [
        Figure(
            f"visits.{key}",
            label,
            [Entry(pk) for pk in stored.filter(STATUS_Q[key]).values_list("school_id", flat=True)],
        )
        for key, label in VISIT_FIGURES
    ]
    rows = rows_for(stored.filter(Q(has_msp_group=True) | Q(msp_to_set_up=True)), today=scope.today)
    with_group = [r for r in rows if r.msp_group]
    next_meeting = _next_meetings([r.msp_group.pk for r in with_group], scope.today)

    def note(row) -> str:
        on = next_meeting.get(row.msp_group.pk)
        return f"Next meeting {on:%-d %B %Y}" if on else "No meeting planned"

    msp_rows = [(r.school, r.msp_group, next_meeting.get(r.msp_group.pk), r.msp.status_label) for r in with_group]

    def entry(row) -> Entry:
        return Entry(row.school.pk, note(row), row.msp_group.get_absolute_url())

    overdue = [r for r in with_group if r.msp.status == ComplianceStatus.OVERDUE]
    msp = [
        Figure("msp.groups", "Schools with an open MSP group", [entry(r) for r in with_group]),
        Figure("msp.overdue", "MSP meeting overdue", [entry(r) for r in overdue]),
        Figure(
            "msp.to_set_up", "High support with no MSP group yet", [Entry(r.school.pk) for r in rows if r.msp_to_set_up]
        ),
    ]
    return ComplianceSection(year_calendar(scope.today).current_term, visits, msp, msp_rows)


MSP_GROUP = Q(has_msp_group=True)
MSP_ROWS_SHOWN = 20  # the dashboard's table of MSP schools; the figure's page lists them all


def _compliance_counts(scope: Scope, stored) -> ComplianceSection:
    """compliance() counted from the stored status in one aggregate, with full rows only for the MSP
    schools the dashboard's table shows."""
    counts = stored.order_by().aggregate(
        **{key: Count("pk", filter=STATUS_Q[key]) for key, _ in VISIT_FIGURES},
        msp_groups=Count("pk", filter=MSP_GROUP),
        msp_overdue=Count("pk", filter=MSP_GROUP & MSP_OVERDUE),
        msp_to_set_up=Count("pk", filter=Q(msp_to_set_up=True)),
    )
    visits = [Figure(f"visits.{key}", label, n=counts[key]) for key, label in VISIT_FIGURES]
    shown = rows_for(stored.filter(MSP_GROUP)[:MSP_ROWS_SHOWN], today=scope.today)
    next_meeting = _next_meetings([r.msp_group.pk for r in shown if r.msp_group], scope.today)
    msp_rows = [
        (r.school, r.msp_group, next_meeting.get(r.msp_group.pk), r.msp.status_label if r.msp else "")
        for r in shown
        if r.msp_group
    ]
    msp = [
        Figure("msp.groups", "Schools with an open MSP group", n=counts["msp_groups"]),
        Figure("msp.overdue", "MSP meeting overdue", n=counts["msp_overdue"]),
        Figure("msp.to_set_up", "High support with no MSP group yet", n=counts["msp_to_set_up"]),
    ]
    return ComplianceSection(year_calendar(scope.today).current_term, visits, msp, msp_rows)


def _next_meetings(group_ids: list[int], today: date) -> dict[int, date]:
    """Each group's next planned meeting from today."""
    if not group_ids:
        return {}
    return dict(
        MspMeeting.objects.filter(group_id__in=group_ids, status=MspMeetingStatus.PLANNED, held_on__gte=today)
        .values("group_id")
        .annotate(next_on=Min("held_on"))
        .values_list("group_id", "next_on")
    )


# ---- the list behind a figure -------------------------------------------------------------------

SECTIONS = {
    "review": reviews,
    "visits": lambda scope: compliance(scope).figures,
    "msp": lambda scope: compliance(scope).figures,
    "letters": lambda scope: letters(scope).figures,
    "notices": lambda scope: letters(scope).figures,
    "concerns": lambda scope: concerns(scope).figures,
    "actions": actions,
}


def names_a_section(key: str) -> bool:
    """Whether the key's first part is a section of the dashboard (or a level or movement figure)."""
    return key.split(".", 1)[0] in (*SECTIONS, "level", "move")


def figure_for(scope: Scope, key: str) -> Figure | None:
    """The figure of this key (None for an unknown key), computing only its section."""
    if key.split(".", 1)[0] in ("level", "move"):
        return level_figure(scope, key)
    section = SECTIONS.get(key.split(".", 1)[0])
    if section is None:
        return None
    return next((f for f in section(scope) if f.key == key), None)
