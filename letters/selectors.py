"""Reads of letters, always scoped to what the user may see, in a bounded number of queries."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_governor, is_headteacher, is_la_staff
from core.dates import add_months
from schools.models import School
from schools.selectors import link_school_ids

from .models import (
    TRUST_LETTER_KINDS,
    ComplianceOutcome,
    EventAction,
    Indicator,
    Letter,
    LetterEvent,
    LetterKind,
    LetterStatus,
    LetterType,
    SuggestionDecision,
    WarningNoticeProgress,
)
from .rules import (
    four_eyes_an_officer_approves_a_letter_someone_else_wrote,
    powers_window_end_s63_3_s64_2,
    warning_notice_only_for_maintained_schools_s59,
)
from .services_shared import apply_content

# How far ahead the officer's home page looks for warning-notice deadlines.
DEADLINE_HORIZON_DAYS = 28


def _base() -> QuerySet[Letter]:
    return Letter.objects.select_related(
        "letter_type", "school", "school__establishment_type", "school__trust", "drafted_by", "issued_by", "progress"
    )


def as_listed(letters: QuerySet[Letter], *more: str) -> QuerySet[Letter]:
    """Letters as lists show them (the register, the home page's panels): with their type and school,
    and `more`, instead of the joins the queryset had (docs/adr/0043). PostgreSQL plans a query of
    _base's eight tables in 8 to 15 ms every time it runs, four or five in 1 to 2 ms (measured at
    England scale), and the officer's home runs four such lists."""
    return letters.select_related(None).select_related("letter_type", "school", *more)


def _listed(*more: str) -> QuerySet[Letter]:
    return as_listed(Letter.objects.all(), *more)


def letters_visible_to(user: User | AnonymousUser) -> QuerySet[Letter]:
    """Every letter for LA staff; a governor's or headteacher's own schools' issued letters, except
    letters to an academy's trust (written to its chair or chief executive about the LA's concerns,
    not to the school); nothing for anyone else (admins included: letters are case material)."""
    if not user.is_authenticated:
        return Letter.objects.none()
    if is_la_staff(user):
        return _base()
    if is_governor(user) or is_headteacher(user):
        # A school's letters are addressed to its headteacher and its chair of governors.
        own = Q(school__governorships__user=user) if is_governor(user) else Q(school__headships__user=user)
        return _base().filter(own, status=LetterStatus.ISSUED).exclude(letter_type__code__in=TRUST_LETTER_KINDS)
    return Letter.objects.none()


def letter_for_user(*, user: User, pk: int) -> Letter:
    """The letter, or 404 when it does not exist or the user may not see it."""
    queryset = letters_visible_to(user).prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("order", "id"))
    )
    return get_object_or_404(queryset, pk=pk)


def letter_events(letter: Letter) -> list[LetterEvent]:
    return list(letter.events.select_related("actor"))


def return_comments(letter: Letter | None) -> LetterEvent | None:
    """While a letter is back with its drafter, the return that sent it back (who, when, the
    comments): shown at the top of its page and its form, where the drafter will look."""
    if letter is None or letter.status != LetterStatus.RETURNED:
        return None
    return letter.events.filter(action=EventAction.RETURNED).select_related("actor").order_by("-at", "-id").first()


def drafted_from_a_suggestion(letter: Letter) -> bool:
    """Whether the letter was drafted from a suggestion that its withdrawal would open again."""
    return SuggestionDecision.objects.filter(letter=letter, decision=SuggestionDecision.ACCEPTED).exists()


# What a letter says: a change to any of these makes the one who changed it an author of the letter.
CONTENT_FIELDS = ("subject", "body", "ground_a", "ground_b", "ground_c", "compliance_end_date")


def letter_authors(letter: Letter) -> frozenset[int]:
    """Who wrote the letter, from its audit history: who drafted it, everyone whose change altered
    its subject, text, indicators, grounds or compliance period, and everyone who submitted it for
    approval. Status changes (returning it with comments, approving it) and saves that change
    nothing make no one an author. Two queries, whatever the length of the history."""
    history = Letter.history.model
    rows = list(
        history.objects.filter(id=letter.pk)
        .order_by("history_date", "history_id")
        .values_list("history_id", "history_user_id", "status", *CONTENT_FIELDS)
    )
    through = history._meta.get_field("historicalletter_indicators").related_model
    indicators: dict[int, set[int]] = {}
    for history_id, indicator_id in through.objects.filter(history__id=letter.pk).values_list(
        "history_id", "indicator_id"
    ):
        indicators.setdefault(history_id, set()).add(indicator_id)
    users = {letter.drafted_by_id}
    before = None
    for history_id, user_id, status, *content in rows:
        now = (tuple(content), frozenset(indicators.get(history_id, ())))
        if before is None or now != before[0]:
            users.add(user_id)
        if status == LetterStatus.SUBMITTED and (before is None or before[1] != LetterStatus.SUBMITTED):
            users.add(user_id)
        before = (now, status)
    return frozenset(u for u in users if u is not None)


def same_draft(
    *,
    school: School,
    letter_type: LetterType,
    actor: User,
    subject: str,
    body: str,
    indicators: Iterable[Indicator] = (),
    grounds: Iterable[str] = (),
    compliance_end_date: date | None = None,
) -> Letter | None:
    """The draft this person saved for the school with exactly this content, if there is one (as
    letter_draft_create would save it: services_shared.apply_content)."""
    wanted = Letter(school=school, letter_type=letter_type)
    apply_content(wanted, subject=subject, body=body, grounds=[str(g) for g in grounds],
                  compliance_end_date=compliance_end_date)  # fmt: skip
    indicator_ids = sorted(i.pk for i in indicators)
    candidates = Letter.objects.filter(
        school=school,
        letter_type=letter_type,
        drafted_by=actor,
        status=LetterStatus.DRAFT,
        subject=wanted.subject,
        body=wanted.body,
        ground_a=wanted.ground_a,
        ground_b=wanted.ground_b,
        ground_c=wanted.ground_c,
        compliance_end_date=wanted.compliance_end_date,
    ).order_by("pk")
    for letter in candidates.prefetch_related("indicators"):
        if sorted(i.pk for i in letter.indicators.all()) == indicator_ids:
            return letter
    return None


def open_drafts_of(*, school: School, letter_type: LetterType) -> QuerySet[Letter]:
    """The school's drafts of this type, not yet sent for approval: the draft page names them, so a
    second tab or a second person does not start another unknowingly."""
    return (
        Letter.objects.filter(school=school, letter_type=letter_type, status=LetterStatus.DRAFT)
        .select_related("drafted_by")
        .order_by("pk")
    )


def letter_types() -> list[LetterType]:
    return list(
        LetterType.objects.select_related("template").prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.filter(is_active=True).order_by("order", "id"))
        )
    )


def letter_types_for(school: School) -> list[LetterType]:
    """The letter types the LA may start for this school from the letters pages (a warning notice
    and letters of concern to the schools it maintains only:
    rules.warning_notice_only_for_maintained_schools_s59). Letters to an academy's trust are not
    among them: they are drafted from the academy concern they belong to (academies app)."""
    return [
        kind
        for kind in letter_types()
        if not kind.is_trust_letter
        and not warning_notice_only_for_maintained_schools_s59(school=school, letter_type=kind)
    ]


def why_user_may_not_approve(user: User, letter: Letter) -> str:
    """The reason this officer may not approve the letter though they may approve letters (four
    eyes: they wrote it, and its type needs a second officer), or "" if they may."""
    reasons = four_eyes_an_officer_approves_a_letter_someone_else_wrote(
        approver_id=user.pk, authors=letter_authors(letter), letter_type=letter.letter_type
    )
    return reasons[0] if reasons else ""


def school_letters(*, user: User, school: School) -> list[Letter]:
    """The school's letters in order (newest first), as the user may see them."""
    return list(letters_visible_to(user).filter(school=school).order_by("-issued_on", "-created_at", "-id"))


class StageKey:
    """A warning notice's stages as templates compare them: keys, never the labels people read."""

    RUNNING = "running"
    ENDED = "ended"
    COMPLIED = "complied"
    NOT_COMPLIED = "not_complied"
    ELIGIBLE = "eligible"
    DECIDED = "decided"


@dataclass
class Stage:
    """Where a warning notice stands, for the letter page, the school page and the register."""

    label: str
    colour: str  # a govuk-tag modifier; the label carries the meaning
    deadline: date | None = None
    deadline_label: str = ""
    open: bool = True
    eligible: bool = False
    key: str = ""  # a StageKey


def notice_stage(letter: Letter, today: date | None = None) -> Stage | None:
    """The stage of an issued warning notice (None for any other letter)."""
    if letter.letter_type.code != LetterKind.WARNING_NOTICE or not letter.is_issued or not letter.compliance_end_date:
        return None
    today = today or timezone.localdate()
    progress: WarningNoticeProgress | None = getattr(letter, "progress", None)
    end = letter.compliance_end_date
    window_end = powers_window_end_s63_3_s64_2(end)
    if progress is None or not progress.outcome:
        if today <= end:
            return Stage("Compliance period running", "blue", end, "Compliance period ends", key=StageKey.RUNNING)
        return Stage(
            "Compliance period ended: record the outcome", "orange", end, "Compliance period ended", key=StageKey.ENDED
        )
    if progress.outcome == ComplianceOutcome.COMPLIED:
        return Stage("Complied with the notice", "green", open=False, key=StageKey.COMPLIED)
    if not progress.intention_given_on:
        return Stage(
            "Not complied: notice of intention to give",
            "orange",
            window_end,
            "Powers (s63, s64) usable until",
            key=StageKey.NOT_COMPLIED,
        )
    if not progress.decision_on:
        return Stage(
            "Eligible for intervention",
            "red",
            window_end,
            "Powers (s63, s64) usable until",
            eligible=True,
            key=StageKey.ELIGIBLE,
        )
    return Stage("Eligible for intervention: decision taken", "red", open=False, eligible=True, key=StageKey.DECIDED)


def issued_warning_notices() -> QuerySet[Letter]:
    return _listed("progress").filter(letter_type__code=LetterKind.WARNING_NOTICE, status=LetterStatus.ISSUED)


def open_warning_notices(today: date | None = None) -> list[tuple[Letter, Stage]]:
    """Issued warning notices still in progress: not complied with nor decided."""
    today = today or timezone.localdate()
    letters = issued_warning_notices().filter(
        Q(progress__outcome="") | Q(progress__outcome=ComplianceOutcome.NOT_COMPLIED, progress__decision_on=None)
    )
    staged = [(letter, notice_stage(letter, today)) for letter in letters.order_by("compliance_end_date", "id")]
    return [(letter, stage) for letter, stage in staged if stage and stage.open]


def deadlines_soon(today: date | None = None, days: int = DEADLINE_HORIZON_DAYS) -> list[tuple[Letter, Stage]]:
    """Warning notices whose next deadline is within `days` (or has passed with nothing recorded)."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=days)
    return [
        (letter, stage) for letter, stage in open_warning_notices(today) if stage.deadline and stage.deadline <= horizon
    ]


# Schools eligible for intervention stay on the officer's home page until a decision on the powers
# is taken, and for this long afterwards (then the letter page and the register keep the record).
DECIDED_SHOWN_DAYS = 365


def eligible_for_intervention(today: date | None = None) -> list[tuple[Letter, Stage]]:
    """Schools eligible for intervention awaiting a decision on the powers, or decided within
    DECIDED_SHOWN_DAYS: the officer's current cases, not ten years of them."""
    today = today or timezone.localdate()
    letters = issued_warning_notices().filter(
        Q(progress__decision_on__isnull=True)
        | Q(progress__decision_on__gte=today - timedelta(days=DECIDED_SHOWN_DAYS)),
        progress__outcome=ComplianceOutcome.NOT_COMPLIED,
        progress__intention_given_on__isnull=False,
    )
    staged = [(letter, notice_stage(letter, today)) for letter in letters.order_by("school__name", "id")]
    return [(letter, stage) for letter, stage in staged if stage and stage.eligible]


def letters_with_status(status: str) -> QuerySet[Letter]:
    return _listed("drafted_by").filter(status=status).order_by("submitted_at", "created_at", "id")


def adviser_work(user: User) -> QuerySet[Letter]:
    """An adviser's own drafts and returned letters, and drafts for their link schools."""
    return (
        _listed()
        .filter(status__in=[LetterStatus.DRAFT, LetterStatus.RETURNED])
        .filter(Q(drafted_by=user) | Q(school__in=link_school_ids(user)))
        .order_by("-updated_at", "-id")
    )


def fact_source(letter_type_code: str, issued_on: date) -> str:
    names: dict[str, str] = {
        LetterKind.WARNING_NOTICE: "Warning notice",
        LetterKind.SIGNIFICANT_CONCERNS: "Significant concerns letter",
        LetterKind.SIGNIFICANT_CONCERNS_TOP: "Significant concerns letter (top tier)",
    }
    return f"{names[letter_type_code]} issued {issued_on.day} {issued_on:%B %Y}"


# A concerns letter counts as high-support evidence for this many months after it was issued (to
# the same date: a letter of 29 February counts until 28 February a year on); a warning notice for
# as long as it is open (not complied with nor decided), or this long, whichever is later.
FACT_LOOKBACK_MONTHS = 12


def concern_letters_for_facts(school_ids: list[int], on: date) -> dict[int, list[Letter]]:
    """Issued significant-concerns (either tier) and warning-notice letters that are evidence of
    high support on `on`: issued within the last FACT_LOOKBACK_MONTHS, or a warning notice still
    open. One query."""
    since = add_months(on, -FACT_LOOKBACK_MONTHS)
    letters = (
        Letter.objects.filter(
            school_id__in=school_ids,
            status=LetterStatus.ISSUED,
            issued_on__lte=on,
            letter_type__code__in=[
                LetterKind.WARNING_NOTICE,
                LetterKind.SIGNIFICANT_CONCERNS,
                LetterKind.SIGNIFICANT_CONCERNS_TOP,
            ],
        )
        .filter(
            Q(issued_on__gte=since)
            | Q(letter_type__code=LetterKind.WARNING_NOTICE, progress__outcome="")
            | Q(
                letter_type__code=LetterKind.WARNING_NOTICE,
                progress__outcome=ComplianceOutcome.NOT_COMPLIED,
                progress__decision_on=None,
            )
        )
        .select_related("letter_type")
        .order_by("school_id", "-issued_on", "-id")
    )
    found: dict[int, list[Letter]] = {}
    for letter in letters:
        found.setdefault(letter.school_id, []).append(letter)
    return found
