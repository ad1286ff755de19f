"""The adviser's writes of a categorisation: starting one (or one that will supersede the current
category), saving the ticked statements, evidence, level and rationale of a draft, submitting it
for approval and withdrawing it; and the workflow's helpers (the locked row, the visible event)
that categorisation.services_review shares. Re-exported by categorisation.services, whose docstring
holds the conventions."""

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from core.history import delete_as, save_as
from core.versions import refuse_if_changed_since
from schools.models import School, TermName
from schools.terms import term_on

from .evidence import EvidenceItem, cited_items, may_see
from .facts import facts_by_key, facts_for
from .models import (
    EDITABLE_STATUSES,
    OPEN_STATUSES,
    Categorisation,
    CategorisationEvent,
    EventKind,
    Status,
    SupportLevel,
    Tick,
)
from .rules import (
    EVIDENCE_REQUIRED,
    LEVEL_REQUIRED,
    NOTHING_TICKED,
    a_departure_from_the_suggestion_needs_a_rationale,
    a_new_categorisation_is_for_the_current_categorys_term_or_a_later_one,
    restricted_evidence_is_cited_by_those_who_may_read_it,
    the_la_categorises_its_maintained_schools,
)
from .selectors import current_category, framework_criteria, framework_in_use, suggestion_for

OPEN_EXISTS = "{school} already has a categorisation in progress ({status}). Continue that one instead."
NO_FRAMEWORK = "No criteria framework is active on {day}. An officer or admin must activate one first."
UNKNOWN_TERM = "Choose a term"
NOT_EDITABLE = "This categorisation can no longer be changed (it is {status})."
NOT_CURRENT = "Only the school's current approved categorisation can be superseded."
UNKNOWN_CRITERION = "A ticked statement is not one of this framework's criteria."
NOT_WITHDRAWABLE = "Only a draft or returned categorisation can be withdrawn (this one is {status})."


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
    version: str | None = None,
) -> Categorisation:
    if categorisation.status not in EDITABLE_STATUSES:
        raise ValidationError(NOT_EDITABLE.format(status=_status_label(categorisation)))
    refuse_if_changed_since(categorisation, version, noun="categorisation", actor=actor)
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
    version: str | None = None,
) -> Categorisation:
    """Save a draft (or returned) categorisation: the ticked criteria {criterion id: evidence},
    the final level and the rationale, and the evidence from other apps the actor cites (`cited`,
    categorisation.evidence; None leaves it as it is). The best-fit suggestion is recomputed. A
    draft may be incomplete; the checks are made on submission. `version`: the categorisation's
    version the page was opened at (a save made since refuses this one: core.versions)."""
    categorisation = _locked(categorisation)
    return _apply_changes(
        categorisation,
        actor=actor,
        ticks=ticks,
        level=level,
        rationale=rationale,
        cited=cited,
        school_reasons=school_reasons,
        version=version,
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
    version: str | None = None,
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
            version=version,
        )
    elif categorisation.status not in EDITABLE_STATUSES:
        raise ValidationError(NOT_EDITABLE.format(status=_status_label(categorisation)))
    _check_complete(categorisation)
    categorisation.status = Status.SUBMITTED
    categorisation.submitted_at, categorisation.submitted_by = timezone.now(), actor
    save_as(categorisation, actor=actor)
    _event(categorisation, EventKind.SUBMITTED, actor)
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
