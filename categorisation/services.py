"""Every write of categorisations and frameworks. Each function is atomic, keyword-only and takes
the acting user for the audit trail (django-simple-history records who changed what, and
CategorisationEvent the visible trail of started / submitted / returned / approved / withdrawn).

Validation errors raised for the categorisation form are keyed by its field names: `level`,
`rationale`, `evidence_<criterion id>`, `comments`; other errors are not keyed."""

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from core.history import delete_as, save_as
from schools.models import ElectedMemberAlertKind, School, TermName
from schools.services import elected_members_alert
from schools.terms import term_on

from .evidence import EvidenceItem, cited_items, may_see
from .facts import facts_by_key, facts_for
from .models import (
    EDITABLE_STATUSES,
    OPEN_STATUSES,
    Area,
    Categorisation,
    CategorisationEvent,
    Criterion,
    EventKind,
    Framework,
    Status,
    SupportLevel,
    Tick,
)
from .notices import category_notice_send
from .rules import (
    EVIDENCE_REQUIRED,
    LEVEL_REQUIRED,
    NOTHING_TICKED,
    a_departure_from_the_suggestion_needs_a_rationale,
    a_new_categorisation_is_for_the_current_categorys_term_or_a_later_one,
    elected_members_are_alerted_of_significant_concern,
    four_eyes_an_officer_approves_a_judgement_made_by_someone_else,
    restricted_evidence_is_cited_by_those_who_may_read_it,
    the_la_categorises_its_maintained_schools,
)
from .selectors import current_category, framework_criteria, framework_in_use, judgement_authors, suggestion_for

OPEN_EXISTS = "{school} already has a categorisation in progress ({status}). Continue that one instead."
NO_FRAMEWORK = "No criteria framework is active on {day}. An officer or admin must activate one first."
UNKNOWN_TERM = "Choose a term"
NOT_EDITABLE = "This categorisation can no longer be changed (it is {status})."
NOT_WAITING = "This categorisation is not waiting for approval (it is {status})."
ALREADY_APPROVED = "This categorisation was already approved by {user} on {when}."
COMMENTS_REQUIRED = "Enter your comments for the adviser"
OFFICER_ONLY = "Only an officer may approve or return a categorisation."
NOT_CURRENT = "Only the school's current approved categorisation can be superseded."
UNKNOWN_CRITERION = "A ticked statement is not one of this framework's criteria."
NOT_WITHDRAWABLE = "Only a draft or returned categorisation can be withdrawn (this one is {status})."

FRAMEWORK_NOT_DRAFT = "{framework} has been activated, so its criteria cannot change. Copy it into a new draft."
FRAMEWORK_NAME_TAKEN = "A framework called “{name}” already exists"
AREA_CODE_TAKEN = "This framework already has an area with the code “{code}”"
CRITERION_CODE_TAKEN = "This framework already has a statement with the code “{code}”"
UNKNOWN_FACT = "Choose a fact from the list"
ACTIVE_FROM_PAST = "The framework can only be activated from today or a later date"
ACTIVE_FROM_TAKEN = "{framework} is already active from that date. Choose another date"
FRAMEWORK_EMPTY = "Add at least one area with statements before activating the framework."
AREA_EMPTY = "Add at least one statement to {area}, or remove the area, before activating the framework."
AREA_HAS_CRITERIA = "Remove the statements of {area} first."
COUNT_TOO_SMALL = "Enter a number of ticks of 1 or more, or leave it empty for no count"


def _event(
    categorisation: Categorisation, kind: str, actor: User, comments: str = "", at: datetime | None = None
) -> None:
    CategorisationEvent.objects.create(
        categorisation=categorisation, kind=kind, actor=actor, comments=comments, at=at or timezone.now()
    )


def _locked(categorisation: Categorisation) -> Categorisation:
    return Categorisation.objects.select_for_update().select_related("school", "framework").get(pk=categorisation.pk)


def _status_label(categorisation: Categorisation) -> str:
    return categorisation.get_status_display().lower()


# ---- categorisations ------------------------------------------------------------------------


@transaction.atomic
def categorisation_start(
    *,
    school: School,
    actor: User,
    academic_year: int | None = None,
    term: str | None = None,
    on: date | None = None,
    copy_from: Categorisation | None = None,
) -> Categorisation:
    """Start a draft categorisation of a school for a term (by default the term `on` falls in),
    under the framework in use on `on` (default today). Facts known on that day tick their
    criteria as suggestions labelled with their source; with `copy_from`, that categorisation's
    ticks and evidence are copied as well (when it was made under the same framework)."""
    on = on or timezone.localdate()
    school = School.objects.select_for_update().select_related("establishment_type").get(pk=school.pk)
    if errors := the_la_categorises_its_maintained_schools(school):
        raise ValidationError(errors)
    if academic_year is None or term is None:
        period = term_on(on)
        academic_year, term = period.academic_year, period.term
    if term not in TermName.values:
        raise ValidationError({"term": UNKNOWN_TERM})
    current = current_category(school)
    if errors := a_new_categorisation_is_for_the_current_categorys_term_or_a_later_one(
        academic_year=academic_year,
        term=term,
        current_year=current.academic_year if current else None,
        current_term=current.term if current else None,
    ):
        raise ValidationError(errors)
    existing = Categorisation.objects.filter(school=school, status__in=OPEN_STATUSES).first()
    if existing is not None:
        raise ValidationError(OPEN_EXISTS.format(school=school.name, status=_status_label(existing)))
    framework = framework_in_use(on)
    if framework is None:
        raise ValidationError(NO_FRAMEWORK.format(day=f"{on:%-d %B %Y}"))

    categorisation = Categorisation(
        school=school,
        framework=framework,
        academic_year=academic_year,
        term=term,
        started_on=on,
        created_by=actor,
        created_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            save_as(categorisation, actor=actor)
    except IntegrityError as error:  # a concurrent start won the race
        raise ValidationError(OPEN_EXISTS.format(school=school.name, status="just started")) from error

    criteria = framework_criteria(framework)
    ticks: dict[int, Tick] = {}
    if copy_from is not None and copy_from.framework_id == framework.pk:
        for old in copy_from.ticks.all():
            ticks[old.criterion_id] = Tick(
                categorisation=categorisation,
                criterion_id=old.criterion_id,
                evidence=old.evidence,
                fact_source=old.fact_source,
            )
        categorisation.level = copy_from.level
    known = facts_by_key(facts_for([school.pk], on).get(school.pk, []))
    for criterion in criteria:
        fact = known.get(criterion.fact_key) if criterion.fact_key else None
        if fact is not None and criterion.pk not in ticks:
            evidence = f"{fact.source}. {fact.detail}." if fact.detail else fact.source
            ticks[criterion.pk] = Tick(
                categorisation=categorisation, criterion=criterion, evidence=evidence, fact_source=fact.source
            )
    bulk_create_with_history(list(ticks.values()), Tick, default_user=actor)
    categorisation.suggested_level = suggestion_for(criteria, ticks).level or ""
    save_as(categorisation, actor=actor)
    _event(categorisation, EventKind.STARTED, actor)
    return categorisation


@transaction.atomic
def categorisation_supersede(
    *,
    categorisation: Categorisation,
    actor: User,
    academic_year: int | None = None,
    term: str | None = None,
    on: date | None = None,
) -> Categorisation:
    """Start a new categorisation that will supersede the school's current approved one, from its
    ticks and evidence. The approved one is never changed."""
    categorisation = Categorisation.objects.select_related("school", "framework").get(pk=categorisation.pk)
    current = current_category(categorisation.school, on=None)
    if categorisation.status != Status.APPROVED or current is None or current.categorisation_id != categorisation.pk:
        raise ValidationError(NOT_CURRENT)
    return categorisation_start(
        school=categorisation.school,
        actor=actor,
        academic_year=academic_year,
        term=term,
        on=on,
        copy_from=categorisation,
    )


def _cite(categorisation: Categorisation, *, actor: User, cited: Sequence[EvidenceItem]) -> None:
    """Replace the evidence the actor cites with `cited` (snapshots taken now). Cited items the
    actor may not see (restricted intelligence an officer cited, when an adviser saves) are kept:
    the actor neither saw nor unticked them."""
    if errors := restricted_evidence_is_cited_by_those_who_may_read_it(
        items=cited, may_see=lambda item: may_see(actor, item)
    ):
        raise ValidationError(errors)
    hidden = [item for item in cited_items(categorisation.cited_evidence) if not may_see(actor, item)]
    chosen = {item.key: item for item in [*hidden, *cited]}
    ordered = sorted(chosen.values(), key=lambda item: (item.on, item.source, item.ref), reverse=True)
    categorisation.cited_evidence = [item.snapshot() for item in ordered]


def _apply_changes(
    categorisation: Categorisation,
    *,
    actor: User,
    ticks: Mapping[int, str],
    level: str,
    rationale: str,
    cited: Sequence[EvidenceItem] | None = None,
    school_reasons: str | None = None,
) -> Categorisation:
    if categorisation.status not in EDITABLE_STATUSES:
        raise ValidationError(NOT_EDITABLE.format(status=_status_label(categorisation)))
    if level and level not in SupportLevel.values:
        raise ValidationError({"level": LEVEL_REQUIRED})
    criteria = framework_criteria(categorisation.framework)
    by_id = {c.pk: c for c in criteria}
    if any(criterion_id not in by_id for criterion_id in ticks):
        raise ValidationError(UNKNOWN_CRITERION)

    existing = {t.criterion_id: t for t in categorisation.ticks.all()}
    known = {}
    if any(criterion_id not in existing and by_id[criterion_id].fact_key for criterion_id in ticks):
        known = facts_by_key(
            facts_for([categorisation.school_id], timezone.localdate()).get(categorisation.school_id, [])
        )
    for criterion_id, tick in existing.items():
        if criterion_id not in ticks:
            delete_as(tick, actor=actor)
        elif tick.evidence != ticks[criterion_id].strip():
            tick.evidence = ticks[criterion_id].strip()
            save_as(tick, actor=actor)
    new = []
    for criterion_id, evidence in ticks.items():
        if criterion_id not in existing:
            fact = known.get(by_id[criterion_id].fact_key)
            new.append(
                Tick(
                    categorisation=categorisation,
                    criterion_id=criterion_id,
                    evidence=evidence.strip(),
                    fact_source=fact.source if fact else "",
                )
            )
    bulk_create_with_history(new, Tick, default_user=actor)
    categorisation.suggested_level = suggestion_for(criteria, ticks).level or ""
    categorisation.level = level or ""
    categorisation.rationale = rationale.strip()
    if school_reasons is not None:
        categorisation.school_reasons = school_reasons.strip()
    if cited is not None:
        _cite(categorisation, actor=actor, cited=cited)
    save_as(categorisation, actor=actor)
    return categorisation


@transaction.atomic
def categorisation_save(
    *,
    categorisation: Categorisation,
    actor: User,
    ticks: Mapping[int, str],
    level: str = "",
    rationale: str = "",
    cited: Sequence[EvidenceItem] | None = None,
    school_reasons: str | None = None,
) -> Categorisation:
    """Save a draft (or returned) categorisation: the ticked criteria {criterion id: evidence},
    the final level and the rationale, and the evidence from other apps the actor cites (`cited`,
    categorisation.evidence; None leaves it as it is). The best-fit suggestion is recomputed. A
    draft may be incomplete; the checks are made on submission."""
    categorisation = _locked(categorisation)
    return _apply_changes(
        categorisation,
        actor=actor,
        ticks=ticks,
        level=level,
        rationale=rationale,
        cited=cited,
        school_reasons=school_reasons,
    )


def _check_complete(categorisation: Categorisation) -> None:
    ticks = list(categorisation.ticks.select_related("criterion"))
    errors: dict[str, list[str]] = {}
    if not ticks:
        errors["__all__"] = [NOTHING_TICKED]
    for tick in ticks:
        if not tick.evidence.strip():
            errors[f"evidence_{tick.criterion_id}"] = [EVIDENCE_REQUIRED.format(text=tick.criterion.text)]
    if not categorisation.level:
        errors["level"] = [LEVEL_REQUIRED]
    errors |= a_departure_from_the_suggestion_needs_a_rationale(
        suggested=categorisation.suggested_level or None,
        level=categorisation.level,
        rationale=categorisation.rationale,
    )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def categorisation_submit(
    *,
    categorisation: Categorisation,
    actor: User,
    ticks: Mapping[int, str] | None = None,
    level: str | None = None,
    rationale: str | None = None,
    cited: Sequence[EvidenceItem] | None = None,
    school_reasons: str | None = None,
) -> Categorisation:
    """Submit for approval (saving the given ticks, level, rationale and cited evidence first, in the same
    transaction). Refused, with nothing saved, unless at least one statement is ticked, every
    ticked statement has evidence, a final level is chosen and a departure from the suggestion
    is explained."""
    categorisation = _locked(categorisation)
    if ticks is not None:
        _apply_changes(
            categorisation,
            actor=actor,
            ticks=ticks,
            level=level if level is not None else categorisation.level,
            rationale=rationale if rationale is not None else categorisation.rationale,
            cited=cited,
            school_reasons=school_reasons,
        )
    elif categorisation.status not in EDITABLE_STATUSES:
        raise ValidationError(NOT_EDITABLE.format(status=_status_label(categorisation)))
    _check_complete(categorisation)
    categorisation.status = Status.SUBMITTED
    categorisation.submitted_at, categorisation.submitted_by = timezone.now(), actor
    save_as(categorisation, actor=actor)
    _event(categorisation, EventKind.SUBMITTED, actor)
    return categorisation


def _check_reviewable(categorisation: Categorisation, actor: User) -> None:
    if not actor.has_perm("categorisation.review"):
        raise PermissionDenied(OFFICER_ONLY)
    if categorisation.status == Status.APPROVED:
        approver = categorisation.approved_by
        raise ValidationError(
            ALREADY_APPROVED.format(
                user=(approver.get_full_name() or approver.username) if approver else "an officer",
                when=f"{timezone.localtime(categorisation.approved_at):%-d %B %Y at %H:%M}",
            )
        )
    if categorisation.status != Status.SUBMITTED:
        raise ValidationError(NOT_WAITING.format(status=_status_label(categorisation)))


@transaction.atomic
def categorisation_return(*, categorisation: Categorisation, actor: User, comments: str) -> Categorisation:
    """An officer returns a submitted categorisation to the adviser with comments."""
    categorisation = _locked(categorisation)
    _check_reviewable(categorisation, actor)
    if not comments.strip():
        raise ValidationError({"comments": COMMENTS_REQUIRED})
    categorisation.status = Status.RETURNED
    categorisation.returned_at, categorisation.returned_by = timezone.now(), actor
    categorisation.review_comments = comments.strip()
    save_as(categorisation, actor=actor)
    _event(categorisation, EventKind.RETURNED, actor, comments.strip())
    return categorisation


@transaction.atomic
def categorisation_approve(
    *,
    categorisation: Categorisation,
    actor: User,
    comments: str = "",
    approved_at: datetime | None = None,
    tell_school: bool = True,
) -> Categorisation:
    """An officer approves a submitted categorisation: it becomes the school's current category
    (superseding the previous one, which is never changed). A school newly at high support
    alerts its ward's elected members in the same transaction. Guarded against a double approval
    (the row is locked, and the status checked under the lock); four eyes: the officer must not
    have submitted, started or changed it; and it must not be for a term before the current
    category's. `approved_at` is for loading history (the demo); it defaults to now. The school is
    told its category (categorisation.notices: its headteachers and chair of governors are emailed
    the level, what it means and the reasons in plain words) unless `tell_school` is False (history
    loaded by the demo)."""
    categorisation = _locked(categorisation)
    _check_reviewable(categorisation, actor)
    if errors := four_eyes_an_officer_approves_a_judgement_made_by_someone_else(
        approver_id=actor.pk, authors=judgement_authors(categorisation)
    ):
        raise ValidationError(errors)
    previous = current_category(categorisation.school)
    if errors := a_new_categorisation_is_for_the_current_categorys_term_or_a_later_one(
        academic_year=categorisation.academic_year,
        term=categorisation.term,
        current_year=previous.academic_year if previous else None,
        current_term=previous.term if previous else None,
    ):
        raise ValidationError(errors)
    categorisation.status = Status.APPROVED
    categorisation.approved_at, categorisation.approved_by = approved_at or timezone.now(), actor
    categorisation.supersedes_id = previous.categorisation_id if previous else None
    if comments.strip():
        categorisation.review_comments = comments.strip()
    save_as(categorisation, actor=actor)
    _event(categorisation, EventKind.APPROVED, actor, comments.strip(), at=categorisation.approved_at)
    if tell_school:
        category_notice_send(categorisation=categorisation, actor=actor)
    previous_level = previous.level if previous else None
    if elected_members_are_alerted_of_significant_concern(previous=previous_level, level=categorisation.level):
        before = "not categorised before"
        if previous_level:
            before = f"previously {SupportLevel(previous_level).label.lower()}"
        elected_members_alert(
            school=categorisation.school,
            kind=ElectedMemberAlertKind.HIGH_SUPPORT,
            summary=(
                f"{categorisation.school.name} has been categorised as high support for {categorisation.term_label} "
                f"({before}): a significant cause for concern. It will be visited at least "
                "half-termly and a Monitoring Support Partnership group will hold it to account."
            ),
            actor=actor,
        )
    return categorisation


@transaction.atomic
def categorisation_withdraw(*, categorisation: Categorisation, actor: User) -> Categorisation:
    """Withdraw a draft or returned categorisation (kept, with its history, but no longer open)."""
    categorisation = _locked(categorisation)
    if categorisation.status not in EDITABLE_STATUSES:
        raise ValidationError(NOT_WITHDRAWABLE.format(status=_status_label(categorisation)))
    categorisation.status = Status.WITHDRAWN
    save_as(categorisation, actor=actor)
    _event(categorisation, EventKind.WITHDRAWN, actor)
    return categorisation


# ---- frameworks -------------------------------------------------------------------------------


def _check_draft(framework: Framework) -> None:
    if not framework.is_draft:
        raise ValidationError(FRAMEWORK_NOT_DRAFT.format(framework=framework.name))


def _check_name(name: str, framework: Framework | None = None) -> str:
    name = " ".join(name.split())
    taken = Framework.objects.filter(name__iexact=name)
    if framework is not None:
        taken = taken.exclude(pk=framework.pk)
    if taken.exists():
        raise ValidationError({"name": FRAMEWORK_NAME_TAKEN.format(name=name)})
    return name


@transaction.atomic
def framework_create(*, name: str, description: str = "", actor: User) -> Framework:
    """A new, empty draft framework."""
    framework = Framework(name=_check_name(name), description=description.strip(), created_by=actor)
    save_as(framework, actor=actor)
    return framework


@transaction.atomic
def framework_update(*, framework: Framework, name: str, description: str, actor: User) -> Framework:
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    _check_draft(framework)
    framework.name, framework.description = _check_name(name, framework), description.strip()
    save_as(framework, actor=actor)
    return framework


@transaction.atomic
def framework_copy(*, framework: Framework, name: str, actor: User) -> Framework:
    """A new draft with a copy of the framework's areas and criteria, to change them."""
    copy = Framework(name=_check_name(name), description=framework.description, copied_from=framework, created_by=actor)
    save_as(copy, actor=actor)
    for area in framework.areas.prefetch_related("criteria"):
        new_area = Area(
            framework=copy,
            code=area.code,
            name=area.name,
            order=area.order,
            medium_count=area.medium_count,
            high_count=area.high_count,
        )
        save_as(new_area, actor=actor)
        for criterion in area.criteria.all():
            save_as(
                Criterion(
                    area=new_area,
                    level=criterion.level,
                    code=criterion.code,
                    text=criterion.text,
                    order=criterion.order,
                    data_driven=criterion.data_driven,
                    is_safeguarding=criterion.is_safeguarding,
                    fact_key=criterion.fact_key,
                    decisive=criterion.decisive,
                ),
                actor=actor,
            )
    return copy


def _check_count(field: str, count: int | None) -> None:
    if count is not None and count < 1:
        raise ValidationError({field: COUNT_TOO_SMALL})


@transaction.atomic
def area_save(
    *,
    framework: Framework,
    actor: User,
    code: str,
    name: str,
    order: int = 0,
    medium_count: int | None = None,
    high_count: int | None = None,
    area: Area | None = None,
) -> Area:
    """Add or change an area of a draft framework, with its best-fit tick counts (ADR 0002): with
    `medium_count` of its statements at medium support or above ticked, or `high_count` of its
    high-support statements, the school is at least that level. None: no count."""
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    _check_draft(framework)
    taken = Area.objects.filter(framework=framework, code=code)
    if area is not None:
        taken = taken.exclude(pk=area.pk)
    if taken.exists():
        raise ValidationError({"code": AREA_CODE_TAKEN.format(code=code)})
    _check_count("medium_count", medium_count)
    _check_count("high_count", high_count)
    area = area or Area(framework=framework)
    area.code, area.name, area.order = code, " ".join(name.split()), order
    area.medium_count, area.high_count = medium_count, high_count
    save_as(area, actor=actor)
    return area


@transaction.atomic
def area_delete(*, area: Area, actor: User) -> None:
    framework = Framework.objects.select_for_update().get(pk=area.framework_id)
    _check_draft(framework)
    if area.criteria.exists():
        raise ValidationError(AREA_HAS_CRITERIA.format(area=area.name))
    delete_as(area, actor=actor)


@transaction.atomic
def criterion_save(
    *,
    area: Area,
    actor: User,
    level: str,
    code: str,
    text: str,
    order: int = 0,
    data_driven: bool = False,
    is_safeguarding: bool = False,
    fact_key: str = "",
    decisive: bool = False,
    criterion: Criterion | None = None,
) -> Criterion:
    """Add or change a statement of a draft framework. Its text is kept exactly as entered
    (only leading and trailing spaces are removed): criteria are quoted word for word. A
    `decisive` statement, when ticked, makes the suggestion at least its level (ADR 0002)."""
    from .facts import FactKey

    framework = Framework.objects.select_for_update().get(pk=area.framework_id)
    _check_draft(framework)
    if fact_key and fact_key not in FactKey.LABELS:
        raise ValidationError({"fact_key": UNKNOWN_FACT})
    taken = Criterion.objects.filter(area__framework=framework, code=code)
    if criterion is not None:
        taken = taken.exclude(pk=criterion.pk)
    if taken.exists():
        raise ValidationError({"code": CRITERION_CODE_TAKEN.format(code=code)})
    criterion = criterion or Criterion()
    criterion.area = area
    criterion.level, criterion.code, criterion.text, criterion.order = level, code, text.strip(), order
    criterion.data_driven, criterion.is_safeguarding, criterion.fact_key = data_driven, is_safeguarding, fact_key
    criterion.decisive = decisive
    save_as(criterion, actor=actor)
    return criterion


@transaction.atomic
def criterion_delete(*, criterion: Criterion, actor: User) -> None:
    framework = Framework.objects.select_for_update().get(pk=criterion.area.framework_id)
    _check_draft(framework)
    delete_as(criterion, actor=actor)


@transaction.atomic
def framework_activate(*, framework: Framework, active_from: date, actor: User, today: date | None = None) -> Framework:
    """Activate a draft framework from a date (today or later). From that day new categorisations
    use it; categorisations already made keep the framework they were made under, and its criteria
    can no longer change."""
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    _check_draft(framework)
    today = today or timezone.localdate()
    if active_from < today:
        raise ValidationError({"active_from": ACTIVE_FROM_PAST})
    clash = Framework.objects.filter(active_from=active_from).exclude(pk=framework.pk).first()
    if clash is not None:
        raise ValidationError({"active_from": ACTIVE_FROM_TAKEN.format(framework=clash.name)})
    areas = list(framework.areas.prefetch_related("criteria"))
    if not areas:
        raise ValidationError(FRAMEWORK_EMPTY)
    for area in areas:
        if not area.criteria.all():
            raise ValidationError(AREA_EMPTY.format(area=area.name))
    framework.active_from = active_from
    framework.activated_at, framework.activated_by = timezone.now(), actor
    save_as(framework, actor=actor)
    return framework
