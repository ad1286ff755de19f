"""A school's case file (issue 13, docs/adr/0021): one chronological story of the school across
every app, as the reader may see it.

Each app contributes through one small source function that reads that app's selectors (never its
confidential fields: categorisation evidence, minutes, notes of visits, letter bodies) and returns
Entry rows; each source runs one or two queries however long the school's history. A governor's
case file has only the sources governors may read (the register, Ofsted, their school's issued
letters, published MSP summaries and the open actions the school owns); restricted items
(whistleblowing concerns, restricted intelligence) reach officers only, through the academies
selectors."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import TextChoices
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator, capfirst

from academies import selectors as academy_selectors
from academies.models import ConcernSource, ConcernStatus, Sensitivity
from accounts.permissions import is_la_staff
from categorisation.models import Direction
from categorisation.selectors import category_history
from letters import selectors as letter_selectors
from letters.models import LetterStatus
from schools import selectors as school_selectors
from schools.models import School
from visits import selectors as visit_selectors
from visits.models import MspMeeting

# The change reason the GIAS importer writes on every history row it makes (schools.importers.gias).
IMPORT_REASON_PREFIX = "GIAS import"
# Register columns whose changes the case file names; the link adviser is the LA's own
# assignment (not from the register), the timestamps are bookkeeping.
NOT_REGISTER_FIELDS = {"id", "created_at", "updated_at", "link_adviser"}
SUMMARY_WORDS = 30
ACTION_FIELDS = ["id", "description", "owner", "due_on", "status", "created_at", "school_id"]
ACTION_FIELDS += ["visit__visit_date", "msp_meeting__held_on"]


class Kind(TextChoices):
    """The kinds of entry, in the order ties on the same day are shown."""

    REGISTER = "register", "Register changes"
    OFSTED = "ofsted", "Ofsted inspections"
    CATEGORISATION = "categorisation", "Categorisations"
    VISIT = "visit", "Visits"
    MSP = "msp", "MSP meetings"
    LETTER = "letter", "Letters"
    CONCERN = "concern", "Academy concerns"
    INTELLIGENCE = "intelligence", "Intelligence"
    ACTION = "action", "Actions"


KIND_ORDER = {kind.value: index for index, kind in enumerate(Kind)}
# One entry's kind, as the case file's table names it.
KIND_NAMES = {
    Kind.REGISTER: "Register",
    Kind.OFSTED: "Ofsted",
    Kind.CATEGORISATION: "Categorisation",
    Kind.VISIT: "Visit",
    Kind.MSP: "MSP",
    Kind.LETTER: "Letter",
    Kind.CONCERN: "Concern",
    Kind.INTELLIGENCE: "Intelligence",
    Kind.ACTION: "Action",
}
# What a governor's case file may hold (ADR 0021): never categorisations, visits, concerns or intelligence.
GOVERNOR_KINDS = [Kind.REGISTER, Kind.OFSTED, Kind.MSP, Kind.LETTER, Kind.ACTION]


@dataclass(frozen=True)
class Entry:
    day: date
    kind: str
    pk: int
    title: str
    summary: str = ""
    url: str = ""
    restricted: bool = False

    @property
    def kind_label(self) -> str:
        return KIND_NAMES[self.kind]

    def sort_key(self) -> tuple:
        return (self.day, KIND_ORDER[self.kind], self.pk)


def _local_day(moment) -> date:
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def _short(text: str, words: int = SUMMARY_WORDS) -> str:
    return Truncator(" ".join(text.split())).words(words)


# ---- sources: (user, school, staff) -> entries ---------------------------------------------------


FROM_GIAS = "from Get Information about Schools"


def register_changes(user, school: School, staff: bool) -> list[Entry]:
    """The register changes the GIAS imports made (the school's audit history rows written with the
    importer's change reason), each naming the columns it changed. One query."""
    fields = [f for f in School._meta.concrete_fields if f.name not in NOT_REGISTER_FIELDS]
    labels = {f.attname: capfirst(f.verbose_name) for f in fields}
    rows = (
        School.history.filter(id=school.id)
        .order_by("history_date", "history_id")
        .values("history_id", "history_date", "history_type", "history_change_reason", *labels)
    )
    entries, previous = [], None
    url = school.get_absolute_url()
    for row in rows:
        reason = row["history_change_reason"] or ""
        if reason.startswith(IMPORT_REASON_PREFIX):
            day, pk = _local_day(row["history_date"]), row["history_id"]
            reason = reason if staff else FROM_GIAS  # the import's number means something to LA staff only
            if row["history_type"] == "+":
                entries.append(Entry(day, Kind.REGISTER, pk, f"Added to the register ({reason})", "", url))
            elif row["history_type"] == "~":
                changed = [label for name, label in labels.items() if previous and row[name] != previous[name]]
                if changed or previous is None:
                    summary = f"Changed: {', '.join(changed)}." if changed else ""
                    entries.append(Entry(day, Kind.REGISTER, pk, f"Register updated ({reason})", summary, url))
        previous = row
    return entries


def ofsted_inspections(user, school: School, staff: bool) -> list[Entry]:
    url = school.get_absolute_url() + "#ofsted"
    return [
        Entry(
            inspection.start_date,
            Kind.OFSTED,
            inspection.pk,
            f"Ofsted inspection: {inspection.inspection_type or inspection.get_framework_display()}",
            inspection.headline,
            url,
        )
        for inspection in school_selectors.school_inspections(school=school)
    ]


def categorisations(user, school: School, staff: bool) -> list[Entry]:
    """Approved categorisations: the level and direction only, never the evidence or rationale."""
    if not staff:
        return []
    entries = []
    for row in category_history(school):
        summary = f"Direction of travel: {Direction(row.direction).label.lower()}." if row.direction else ""
        entries.append(
            Entry(
                _local_day(row.approved_at),
                Kind.CATEGORISATION,
                row.categorisation_id,
                f"Categorised: {row.level_label}",
                summary,
                reverse("categorisation:detail", kwargs={"pk": row.categorisation_id}),
            )
        )
    return entries


def visits(user, school: School, staff: bool) -> list[Entry]:
    if not staff:
        return []
    rows = visit_selectors.visits_visible_to(user).filter(school=school).select_related("adviser")
    return [
        Entry(
            visit.visit_date,
            Kind.VISIT,
            visit.pk,
            f"{visit.get_visit_type_display()} visit ({visit.get_status_display().lower()})",
            f"Led by {visit.adviser}; {visit.get_length_display().lower()}.",
            visit.get_absolute_url(),
        )
        for visit in rows.only("id", "visit_date", "visit_type", "status", "length", "adviser")
    ]


def msp_meetings(user, school: School, staff: bool) -> list[Entry]:
    """LA staff: the groups set up and closed and every meeting (never the minutes). Governors and
    the headteacher: the published summary key points of their school's meetings."""
    if not staff:
        return [
            Entry(
                meeting.held_on,
                Kind.MSP,
                meeting.pk,
                "MSP meeting: summary key points published",
                _short(meeting.summary_key_points),
                reverse("visits:msp_summary", kwargs={"pk": meeting.pk}),
            )
            for meeting in visit_selectors.published_summaries(school=school)
        ]
    groups = list(visit_selectors.msp_groups_visible_to(user).filter(school=school))
    entries = []
    for group in groups:
        url = group.get_absolute_url()
        entries.append(Entry(group.set_up_on, Kind.MSP, group.pk, "MSP group set up", "", url))
        if group.closed_on:
            entries.append(Entry(group.closed_on, Kind.MSP, group.pk, "MSP group closed", "", url))
    meetings = (
        MspMeeting.objects.filter(group__in=[g.pk for g in groups])
        .only("id", "held_on", "status", "recommendation", "summary_published_at", "group_id")
        .order_by()
    )
    for meeting in meetings if groups else []:
        parts = [meeting.get_recommendation_display()] if meeting.recommendation else []
        if meeting.summary_published_at:
            parts.append("summary published to governors")
        entries.append(
            Entry(
                meeting.held_on,
                Kind.MSP,
                meeting.pk,
                f"MSP meeting ({meeting.get_status_display().lower()})",
                capfirst("; ".join(parts) + ".") if parts else "",
                meeting.get_absolute_url(),
            )
        )
    return entries


def letters(user, school: School, staff: bool) -> list[Entry]:
    """The letters the reader may open (a governor or headteacher: their school's issued letters);
    the subject and stage, never the body of a draft."""
    rows = (
        letter_selectors.letters_visible_to(user)
        .filter(school=school)
        .select_related(None)
        .select_related("letter_type")
        .only("id", "status", "subject", "issued_on", "created_at", "school_id", "letter_type__name")
    )
    entries = []
    for letter in rows:
        issued = letter.status == LetterStatus.ISSUED and letter.issued_on
        day = letter.issued_on if issued else _local_day(letter.created_at)
        title = f"{letter.letter_type.name}" + ("" if issued else f" ({letter.get_status_display().lower()})")
        entries.append(Entry(day, Kind.LETTER, letter.pk, title, letter.subject, letter.get_absolute_url()))
    return entries


def academy_concerns(user, school: School, staff: bool) -> list[Entry]:
    """Concerns about the academy (whistleblowing ones for officers only, by the selector)."""
    if not staff:
        return []
    rows = (
        academy_selectors.concerns_visible_to(user)
        .filter(school=school)
        .prefetch_related(None)
        .select_related(None)
        .only("id", "source", "raised_on", "rag", "status", "ended_on", "school_id")
    )
    entries = []
    for concern in rows:
        restricted = concern.source == ConcernSource.WHISTLEBLOWING
        url = concern.get_absolute_url()
        entries.append(
            Entry(
                concern.raised_on,
                Kind.CONCERN,
                concern.pk,
                f"Concern raised: {concern.get_source_display().lower()}",
                f"RAG rating {concern.get_rag_display().lower()}; {concern.get_status_display().lower()}.",
                url,
                restricted,
            )
        )
        if concern.ended_on and concern.status != ConcernStatus.OPEN:
            title = f"Concern {concern.get_status_display().lower()}"
            entries.append(Entry(concern.ended_on, Kind.CONCERN, concern.pk, title, "", url, restricted))
    return entries


def intelligence(user, school: School, staff: bool) -> list[Entry]:
    """The intelligence log's entries (restricted ones for officers only, by the selector)."""
    if not staff:
        return []
    rows = (
        academy_selectors.intelligence_visible_to(user)
        .filter(school=school)
        .select_related(None)
        .only("id", "received_on", "source_team", "summary", "sensitivity", "school_id")
    )
    return [
        Entry(
            entry.received_on,
            Kind.INTELLIGENCE,
            entry.pk,
            f"Intelligence from {entry.get_source_team_display()}",
            _short(entry.summary),
            entry.get_absolute_url(),
            entry.sensitivity == Sensitivity.RESTRICTED,
        )
        for entry in rows
    ]


def actions(user, school: School, staff: bool) -> list[Entry]:
    """LA staff: every action, on the day it was agreed (the visit's or MSP meeting's date, else the
    day it was recorded). Governors and the headteacher: the open actions the school owns, on the
    day they are due (what the school page shows them). One query."""
    if not staff:
        url = school.get_absolute_url() + "#msp-summaries"
        return [
            Entry(action.due_on, Kind.ACTION, action.pk, f"Action due: {_short(action.description, 12)}", "", url)
            for action in visit_selectors.governor_school_actions(school=school)
        ]
    rows = (
        visit_selectors.actions_visible_to(user)
        .filter(school=school)
        .select_related("visit", "msp_meeting")
        .only(*ACTION_FIELDS)
    )
    entries = []
    for action in rows:
        if action.visit:
            day = action.visit.visit_date
        elif action.msp_meeting:
            day = action.msp_meeting.held_on
        else:
            day = _local_day(action.created_at)
        entries.append(
            Entry(
                day,
                Kind.ACTION,
                action.pk,
                f"Action agreed: {_short(action.description, 12)}",
                f"Owner: {action.get_owner_display().lower()}; due {action.due_on.day} {action.due_on:%B %Y}; "
                f"{action.get_status_display().lower()}.",
                action.get_absolute_url(),
            )
        )
    return entries


Source = Callable[[object, School, bool], list[Entry]]
SOURCES: dict[str, Source] = {
    Kind.REGISTER: register_changes,
    Kind.OFSTED: ofsted_inspections,
    Kind.CATEGORISATION: categorisations,
    Kind.VISIT: visits,
    Kind.MSP: msp_meetings,
    Kind.LETTER: letters,
    Kind.CONCERN: academy_concerns,
    Kind.INTELLIGENCE: intelligence,
    Kind.ACTION: actions,
}


def kinds_for(user) -> list[Kind]:
    """The kinds of entry the reader's case file may hold."""
    return list(Kind) if is_la_staff(user) else GOVERNOR_KINDS


def case_file(*, user, school: School, kinds: Iterable[str] | None = None, newest_first: bool = True) -> list[Entry]:
    """The school's entries of the chosen kinds (all the reader may see when none are chosen),
    ordered by day, ties broken by kind then id: a stable order, whatever the sources return."""
    allowed = [kind.value for kind in kinds_for(user)]
    chosen = [kind for kind in allowed if kind in set(kinds or ())] or allowed
    staff = is_la_staff(user)
    entries = [entry for kind in chosen for entry in SOURCES[kind](user, school, staff)]
    return sorted(entries, key=Entry.sort_key, reverse=newest_first)
