"""Letters the system suggests from the facts it holds. It only ever suggests: a person accepts a
suggestion into a draft (which still goes through approval) or dismisses it with a reason, and
either decision is stored (SuggestionDecision) so the same fact is not suggested again.

- Ofsted: an improved grade, or good/outstanding sustained, suggests a congratulations letter; a
  lower grade, or a new category of concern, suggests a significant concerns letter. Inspections
  are compared like with like only: a graded inspection with the previous graded one, a report
  card with the previous report card (area by area), never one framework with the other.
- MSP: a Monitoring Support Partnership meeting that recommended a warning notice suggests a
  warning notice (visits.selectors.warning_notice_recommendations).

Only Ofsted outcomes published, and MSP meetings held, in the last LOOKBACK_MONTHS count
(older facts have been acted on or overtaken, and reading ten years of them is slow), and a fact is not
suggested once the school has a letter answering it (ANSWERED_BY) drafted on or after its date."""

import re
from collections import namedtuple
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db.models import F, Max, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from core.dates import add_months
from schools.models import (
    REPORT_CARD_AREAS,
    CategoryOfConcern,
    EstablishmentType,
    Governance,
    OfstedFramework,
    OfstedGrade,
    OfstedInspection,
    School,
    SchoolStatus,
)
from visits.selectors import warning_notice_recommendations

from .models import Letter, LetterKind, LetterStatus, LetterType, StoredSuggestion, SuggestionDecision
from .placeholders import long_date

LOOKBACK_MONTHS = 24
SUSTAINED = re.compile(r"\b(remains|continues to be)\s+(good|outstanding)\b", re.IGNORECASE)
RC_AREAS = [name for name, _label in REPORT_CARD_AREAS]
CONCERNS = {LetterKind.SIGNIFICANT_CONCERNS, LetterKind.WARNING_NOTICE, LetterKind.SIGNIFICANT_CONCERNS_TOP}
# A fact is answered by a letter of these types drafted on or after it: a concern by any letter of
# concern at least as serious, a congratulation by a congratulations letter.
ANSWERED_BY = {
    LetterKind.CONGRATULATIONS: {LetterKind.CONGRATULATIONS},
    LetterKind.SIGNIFICANT_CONCERNS: CONCERNS,
    LetterKind.WARNING_NOTICE: {LetterKind.WARNING_NOTICE, LetterKind.SIGNIFICANT_CONCERNS_TOP},
    LetterKind.SIGNIFICANT_CONCERNS_TOP: {LetterKind.WARNING_NOTICE, LetterKind.SIGNIFICANT_CONCERNS_TOP},
}
# The inspection fields the rules read, fetched as plain rows (not model instances): at England
# scale the officer's home page weighs tens of thousands of inspections on every request.
_INSPECTION_FIELDS = [
    "id",
    "school_id",
    "framework",
    "start_date",
    "publication_date",
    "category_of_concern",
    "outcome",
    "overall_effectiveness",
    "safeguarding_met",
    *RC_AREAS,
]
_Inspection = namedtuple("_Inspection", _INSPECTION_FIELDS)


@dataclass
class Suggestion:
    school: School
    letter_type: LetterType
    source_key: str
    reason: str
    on: date
    indicator_codes: list[str] = field(default_factory=list)


@dataclass
class Candidate:
    """A suggestion before its school and letter type are loaded: cheap to count and to page through."""

    school_id: int
    kind: str
    source_key: str
    reason: str
    on: date
    indicator_codes: list[str]
    school_name: str = ""
    maintained: bool = True


def _published(inspection) -> date:
    return inspection.publication_date or inspection.start_date


def _grade(value) -> str:
    return OfstedGrade(value).label if value else "not graded"


def congratulations_for_improved_or_sustained_ofsted(latest, previous) -> str | None:
    """Strategy, congratulations letter: "Where a school has improved its Ofsted grade or sustained
    good/outstanding overall effectiveness." Graded inspections are compared with the previous
    graded inspection only. Returns the reason, or None."""
    if latest.category_of_concern or not latest.overall_effectiveness or not previous.overall_effectiveness:
        return None
    when = long_date(latest.start_date)
    if latest.overall_effectiveness < previous.overall_effectiveness:
        return (
            f"Ofsted graded inspection of {when}: {_grade(latest.overall_effectiveness)}, up from "
            f"{_grade(previous.overall_effectiveness)} ({long_date(previous.start_date)})."
        )
    if latest.overall_effectiveness == previous.overall_effectiveness and latest.overall_effectiveness <= 2:
        return f"Ofsted graded inspection of {when}: {_grade(latest.overall_effectiveness)} sustained."
    return None


def congratulations_for_ungraded_sustained(ungraded, graded) -> str | None:
    """Strategy, congratulations letter: "...sustained good/outstanding overall effectiveness." An
    ungraded inspection whose outcome says the school remains (or continues to be) good or
    outstanding, after a good or outstanding graded inspection."""
    if graded is None or graded.overall_effectiveness not in (1, 2) or not SUSTAINED.search(ungraded.outcome or ""):
        return None
    return f"Ofsted ungraded inspection of {long_date(ungraded.start_date)}: {ungraded.outcome}."


def significant_concerns_for_ofsted_drop(latest, previous) -> str | None:
    """Strategy, significant concerns letter: "A drop in Ofsted rating." A lower overall grade than
    the previous graded inspection, or a category of concern the school did not have before."""
    when = long_date(latest.start_date)
    if latest.category_of_concern and not previous.category_of_concern:
        return f"Ofsted inspection of {when}: {CategoryOfConcern(latest.category_of_concern).label.lower()}."
    if (
        latest.framework == previous.framework == OfstedFramework.GRADED
        and latest.overall_effectiveness
        and previous.overall_effectiveness
        and latest.overall_effectiveness > previous.overall_effectiveness
    ):
        return (
            f"Ofsted graded inspection of {when}: {_grade(latest.overall_effectiveness)}, down from "
            f"{_grade(previous.overall_effectiveness)} ({long_date(previous.start_date)})."
        )
    return None


def report_card_change(latest, previous) -> tuple[str, str] | None:
    """Report cards against the previous report card, area by area (a larger number is more
    concern): any area worse, or safeguarding no longer met, is a drop; some areas better and none
    worse is an improvement; every area at "strong standard" or better in both is sustained."""
    pairs = [
        (getattr(latest, a), getattr(previous, a)) for a in RC_AREAS if getattr(latest, a) and getattr(previous, a)
    ]
    when = long_date(latest.start_date)
    if any(new > old for new, old in pairs) or (previous.safeguarding_met and latest.safeguarding_met is False):
        return "drop", f"Ofsted report card of {when}: lower than the previous report card in some areas."
    if not pairs:
        return None
    if any(new < old for new, old in pairs):
        return "improved", f"Ofsted report card of {when}: better than the previous report card."
    if all(new <= 2 and old <= 2 for new, old in pairs):
        return "improved", f"Ofsted report card of {when}: strong standard or better sustained."
    return None


def _ofsted_candidates(school_ids, since: date) -> list[Candidate]:
    """The Ofsted facts of open schools with an outcome published since `since`. Only the last two
    inspections of each framework are read (all the rules compare), as plain rows, in one query."""
    recent = OfstedInspection.objects.filter(
        Q(publication_date__gte=since) | Q(publication_date__isnull=True, start_date__gte=since)
    ).exclude(school__status=SchoolStatus.CLOSED)
    if school_ids is not None:
        recent = recent.filter(school_id__in=school_ids)
    latest_two = (
        OfstedInspection.objects.filter(school_id__in=recent.values("school_id"))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("school_id"), F("framework")],
                order_by=[F("start_date").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=2)
        .order_by("school_id", "start_date", "id")
        .values_list(*_INSPECTION_FIELDS, "school__name", "school__establishment_type__governance")
    )
    by_school: dict[int, list[_Inspection]] = {}
    schools: dict[int, tuple[str, bool]] = {}
    for *values, school_name, governance in latest_two:
        inspection = _Inspection(*values)
        by_school.setdefault(inspection.school_id, []).append(inspection)
        schools[inspection.school_id] = (school_name, governance == Governance.MAINTAINED)

    candidates = []
    for school_id, history in by_school.items():
        found = _ofsted_fact(history, since)
        if found:
            kind, inspection, reason, codes = found
            name, maintained = schools[school_id]
            candidates.append(
                Candidate(
                    school_id, kind, f"ofsted-{inspection.id}", reason, _published(inspection), codes, name, maintained
                )
            )
    return candidates


def _ofsted_fact(history: list[_Inspection], since: date) -> tuple[str, _Inspection, str, list[str]] | None:
    """The letter a school's latest inspections (oldest first) suggest, as (kind, inspection, reason,
    indicator codes), the rules tried in turn: a drop since the previous judged inspection, an
    improved or sustained graded grade, a report card's change, good or outstanding sustained at an
    ungraded inspection; each only about an inspection published since `since`."""
    graded = [i for i in history if i.framework == OfstedFramework.GRADED]
    cards = [i for i in history if i.framework == OfstedFramework.REPORT_CARD]
    judged = [i for i in history if i.framework != OfstedFramework.UNGRADED]
    if len(judged) >= 2 and _published(judged[-1]) >= since:
        reason = significant_concerns_for_ofsted_drop(judged[-1], judged[-2])
        if reason:
            return (LetterKind.SIGNIFICANT_CONCERNS, judged[-1], reason, ["ofsted_drop"])
    if len(graded) >= 2 and _published(graded[-1]) >= since and graded[-1] is judged[-1]:
        reason = congratulations_for_improved_or_sustained_ofsted(graded[-1], graded[-2])
        if reason:
            return (LetterKind.CONGRATULATIONS, graded[-1], reason, ["ofsted_improved_or_sustained"])
    if len(cards) >= 2 and _published(cards[-1]) >= since:
        change = report_card_change(cards[-1], cards[-2])
        if change and change[0] == "drop":
            return (LetterKind.SIGNIFICANT_CONCERNS, cards[-1], change[1], ["ofsted_drop"])
        if change:
            return (LetterKind.CONGRATULATIONS, cards[-1], change[1], ["ofsted_improved_or_sustained"])
    if history[-1].framework == OfstedFramework.UNGRADED and _published(history[-1]) >= since:
        reason = congratulations_for_ungraded_sustained(history[-1], graded[-1] if graded else None)
        if reason:
            return (LetterKind.CONGRATULATIONS, history[-1], reason, ["ofsted_improved_or_sustained"])
    return None


def _msp_candidates(school_ids, since: date) -> list[Candidate]:
    meetings = warning_notice_recommendations(school_ids=school_ids, since=since)
    if not meetings:
        return []
    maintained = set(EstablishmentType.objects.filter(governance=Governance.MAINTAINED).values_list("code", flat=True))
    return [
        Candidate(
            meeting.group.school_id,
            LetterKind.WARNING_NOTICE,
            f"msp-{meeting.pk}",
            f"The Monitoring Support Partnership meeting of {long_date(meeting.held_on)} recommended a warning notice.",
            meeting.held_on,
            [],
            meeting.group.school.name,
            meeting.group.school.establishment_type_id in maintained,
        )
        for meeting in meetings
        if meeting.group.school.status != SchoolStatus.CLOSED
    ]


def compute_candidates(*, school_ids: list[int] | None, today: date) -> list[Candidate]:
    """The open suggestions for these schools (None: every school), newest fact first, computed
    from the facts, without loading their schools. A bounded number of queries whatever the number
    of schools. Pages read them stored (letters.stored_suggestions, docs/adr/0036), which calls
    this for the schools whose facts changed; it is also the tests' oracle.

    Dropped: a fact someone accepted or dismissed (SuggestionDecision); a fact the school already
    has a letter answering, drafted on or after the fact's date (ANSWERED_BY); a concern about a
    school the LA does not maintain; anything about a closed school."""
    since = add_months(today, -LOOKBACK_MONTHS)
    candidates = _ofsted_candidates(school_ids, since)
    candidates += _msp_candidates(school_ids, since)
    candidates = [c for c in candidates if c.maintained or c.kind == LetterKind.CONGRATULATIONS]
    if not candidates:
        return []
    # Only a letter drafted on or after a fact answers it: older letters are not read.
    earliest = min(c.on for c in candidates)
    decisions = SuggestionDecision.objects.all()
    letters = Letter.objects.filter(created_at__date__gte=earliest).exclude(status=LetterStatus.WITHDRAWN)
    if school_ids is not None:
        ids = {c.school_id for c in candidates}
        decisions, letters = decisions.filter(school_id__in=ids), letters.filter(school_id__in=ids)
    decided = set(decisions.values_list("school_id", "source_key"))
    drafted = {
        (school_id, code): timezone.localdate(last)
        for school_id, code, last in letters.values("school_id", "letter_type__code")
        .annotate(last=Max("created_at"))
        .values_list("school_id", "letter_type__code", "last")
    }
    found = [
        c
        for c in candidates
        if (c.school_id, c.source_key) not in decided
        and not any(drafted.get((c.school_id, kind), date.min) >= c.on for kind in ANSWERED_BY[c.kind])
    ]
    found.sort(key=lambda c: (c.on, c.school_name), reverse=True)
    return found


def materialise(candidates: Sequence[Candidate | StoredSuggestion]) -> list[Suggestion]:
    """Suggestions with their schools and letter types, for the candidates (computed or stored)
    shown (one or two queries)."""
    if not candidates:
        return []
    # Stored rows read with their schools (letters.stored_suggestions.open_suggestions) have them.
    schools = {
        c.school_id: c.school
        for c in candidates
        if isinstance(c, StoredSuggestion) and StoredSuggestion.school.is_cached(c)
    }
    if missing := {c.school_id for c in candidates} - set(schools):
        schools |= School.objects.select_related("establishment_type", "link_adviser").in_bulk(missing)
    types = {t.code: t for t in LetterType.objects.all()}
    return [
        Suggestion(schools[c.school_id], types[c.kind], c.source_key, c.reason, c.on, c.indicator_codes)
        for c in candidates
    ]
