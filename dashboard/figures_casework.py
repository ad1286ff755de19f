"""The dashboard's figures of casework: letters and warning notices, academy concerns, overdue actions
(the support levels, reviews and visits are in dashboard/figures.py, which lists every section)."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse

from academies.models import LADDER_ORDER, LADDER_SHORT, ConcernSource, Rag
from academies.selectors import concerns_visible_to, stage_of
from letters.models import LetterStatus, LetterType
from letters.selectors import deadlines_soon, eligible_for_intervention, letters_visible_to
from schools.models import academic_year_label
from visits.compliance import year_calendar
from visits.selectors import overdue_open_actions

from .figures_base import NOTICE_DEADLINE_DAYS, Entry, Figure, Scope

# ---- letters and warning notices --------------------------------------------------------------


@dataclass
class LettersSection:
    academic_year_label: str
    by_type: list[Figure]
    notices: list[Figure]

    @property
    def figures(self) -> list[Figure]:
        return self.by_type + self.notices


def letters(scope: Scope) -> LettersSection:
    calendar = year_calendar(scope.today)
    issued = (
        letters_visible_to(scope.user)
        .filter(
            status=LetterStatus.ISSUED,
            issued_on__range=(calendar.starts_on, calendar.ends_on),
            school__in=scope.schools().values("pk"),
        )
        .order_by("issued_on", "id")
    )
    by_code = defaultdict(list)
    if not scope.lists:
        counted = dict(
            issued.order_by().values("letter_type__code").annotate(n=Count("pk")).values_list("letter_type__code", "n")
        )
    for letter in issued if scope.lists else []:
        by_code[letter.letter_type.code].append(
            Entry(
                letter.school_id, f"{letter.reference}, issued {letter.issued_on:%-d %B %Y}", letter.get_absolute_url()
            )
        )
    by_type = [
        Figure(f"letters.{kind.code}", kind.name, by_code.get(kind.code, []))
        if scope.lists
        else Figure(f"letters.{kind.code}", kind.name, n=counted.get(kind.code, 0))
        for kind in LetterType.objects.order_by("order", "id")
    ]

    def entries(pairs) -> list[Entry]:
        return [
            Entry(
                letter.school_id,
                f"{letter.reference}: {stage.label}"
                + (f"; {stage.deadline_label.lower()} {stage.deadline:%-d %B %Y}" if stage.deadline else ""),
                letter.get_absolute_url(),
            )
            for letter, stage in pairs
            if scope.keeps(letter.school)
        ]

    notices = [
        Figure(
            "notices.deadline",
            f"Warning notices with a deadline in the next {NOTICE_DEADLINE_DAYS} days or passed",
            entries(deadlines_soon(scope.today, days=NOTICE_DEADLINE_DAYS)),
        ),
        Figure(
            "notices.eligible", "Schools eligible for intervention", entries(eligible_for_intervention(scope.today))
        ),
    ]
    return LettersSection(academic_year_label(calendar.academic_year), by_type, notices)


# ---- academy concerns -------------------------------------------------------------------------

RAGS = [Rag.RED, Rag.AMBER, Rag.GREEN]
NO_STEP = "recorded"


@dataclass
class ConcernsSection:
    rows: list  # (stage label, [Figure per RAG])
    rags: list

    @property
    def figures(self) -> list[Figure]:
        return [f for _, row in self.rows for f in row]


def concerns(scope: Scope) -> ConcernsSection:
    """Open academy concerns as the user may see them, by the highest rung of the ladder taken and RAG."""
    grid = defaultdict(list)
    for concern in open_concerns(scope):
        stage = stage_of(concern) or NO_STEP
        grid[(stage, concern.rag)].append(
            Entry(concern.school_id, f"Raised {concern.raised_on:%-d %B %Y}", concern.get_absolute_url())
        )
    stages = [(NO_STEP, "Concern recorded, no step yet")] + [(s.value, LADDER_SHORT[s]) for s in LADDER_ORDER]
    rows = [
        (
            label,
            [
                Figure(f"concerns.{stage}.{rag.value}", f"{label}, {rag.label}", grid[(stage, rag.value)])
                for rag in RAGS
            ],
        )
        for stage, label in stages
    ]
    return ConcernsSection(rows, RAGS)


def open_concerns(scope: Scope):
    concerns = concerns_visible_to(scope.user).open().filter(school__in=scope.schools().values("pk"))
    return concerns if scope.restricted else concerns.exclude(source=ConcernSource.WHISTLEBLOWING)


# ---- actions ------------------------------------------------------------------------------------


def actions(scope: Scope) -> list[Figure]:
    # Unfiltered, every school's: no need to read the 22,000 schools to count (the status and due
    # date index answers).
    school_ids = scope.schools().values("pk") if scope.chosen else None
    overdue_actions = overdue_open_actions(school_ids=school_ids, today=scope.today)
    if not scope.lists:
        return [Figure("actions.overdue", "Overdue actions", n=overdue_actions.order_by().count())]
    overdue = overdue_actions.order_by("due_on", "id").values_list("id", "school_id", "description", "due_on")
    # One reverse() for every action (England has thousands overdue): the path with its id put in.
    marker = 987654321
    before, after = reverse("visits:action_detail", kwargs={"pk": marker}).split(str(marker))
    entries = [
        Entry(school_id, f"Due {due_on:%-d %B %Y}: {text[:80]}", f"{before}{pk}{after}")
        for pk, school_id, text, due_on in overdue
    ]
    return [Figure("actions.overdue", "Overdue actions", entries)]
