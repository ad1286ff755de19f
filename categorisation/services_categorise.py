"""The adviser's writes of a categorisation: starting one (or one that will supersede the current
category), saving the ticked statements, evidence, level and rationale of a draft, submitting it
for approval and withdrawing it; and the workflow's helpers (the locked row, the visible event)
that categorisation.services_review shares. Re-exported by categorisation.services, whose docstring
holds the conventions."""

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from core.history import delete_as, save_as
from core.versions import ChangedSince, refuse_if_changed_since
from schools.models import School, TermName
from schools.terms import term_on

from .evidence import EvidenceItem, cited_items, may_see
from .facts import facts_by_key, facts_for
from .models import (
    EDITABLE_STATUSES,
    OPEN_STATUSES,
    Categorisation,
    CategorisationEvent,
    Criterion,
    EventKind,
    Status,
    SupportLevel,
    Tick,
)
from .rules import (
    LEVEL_REQUIRED,
    a_departure_from_the_suggestion_needs_a_rationale,
    a_new_categorisation_is_for_the_current_categorys_term_or_a_later_one,
    a_proposal_ticks_the_statements_that_apply_with_evidence,
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
    """Replace the evidence the actor cites with `cited` (snapshots taken now; _problems has refused
    any the actor may not cite). Cited items the actor may not see (restricted intelligence an officer
    cited, when an adviser saves) are kept: the actor neither saw nor unticked them."""
    hidden = [item for item in cited_items(categorisation.cited_evidence) if not may_see(actor, item)]
    chosen = {item.key: item for item in [*hidden, *cited]}
    ordered = sorted(chosen.values(), key=lambda item: (item.on, item.source, item.ref), reverse=True)
    categorisation.cited_evidence = [item.snapshot() for item in ordered]


def _incomplete(
    *, ticks: Mapping[int, str], by_id: Mapping[int, Criterion], level: str, rationale: str, suggested: str | None
) -> dict[str, list[str]]:
    """What a submission of these ticks, level and rationale lacks (the rules' errors, together)."""
    statements = {criterion_id: by_id[criterion_id].text for criterion_id in ticks}
    errors = a_proposal_ticks_the_statements_that_apply_with_evidence(ticks=ticks, statements=statements, level=level)
    return errors | a_departure_from_the_suggestion_needs_a_rationale(
        suggested=suggested, level=level, rationale=rationale
    )


def _problems(
    *, actor: User, criteria: list[Criterion], ticks: Mapping[int, str], level: str, rationale: str,
    cited: Sequence[EvidenceItem] | None, submitting: bool,
) -> dict[str, list[str]]:  # fmt: skip
    """Every problem with a save (or, `submitting`, a submission) of these values, all at once and
    before anything is written (ADR 0070)."""
    by_id = {c.pk: c for c in criteria}
    unknown = any(criterion_id not in by_id for criterion_id in ticks)
    refusals = [UNKNOWN_CRITERION] if unknown else []
    if cited is not None:
        refusals += restricted_evidence_is_cited_by_those_who_may_read_it(
            items=cited, may_see=lambda item: may_see(actor, item)
        )
    known_level = level if level in SupportLevel.values else ""
    errors: dict[str, list[str]] = {}
    if submitting and not unknown:  # an unknown statement has no text to name
        suggested = suggestion_for(criteria, ticks).level
        errors = _incomplete(ticks=ticks, by_id=by_id, level=known_level, rationale=rationale, suggested=suggested)
    if level and not known_level:
        errors["level"] = [LEVEL_REQUIRED]
    refusals += errors.pop(NON_FIELD_ERRORS, [])
    return ({NON_FIELD_ERRORS: refusals} if refusals else {}) | errors


def categorisation_changed_since(
    *, categorisation: Categorisation, actor: User, version: str | None
) -> ChangedSince | None:
    """The refusal a save from a page opened at `version` would meet (core.versions), or None. For a
    page refused for what was typed, which saves nothing, to say so in the same round (ADR 0070)."""
    try:
        refuse_if_changed_since(categorisation, version, noun="categorisation", actor=actor)
    except ChangedSince as changed:
        return changed
    return None


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
    submitting: bool = False,
) -> Categorisation:
    if categorisation.status not in EDITABLE_STATUSES:
        raise ValidationError(NOT_EDITABLE.format(status=_status_label(categorisation)))
    refuse_if_changed_since(categorisation, version, noun="categorisation", actor=actor)
    criteria = framework_criteria(categorisation.framework)
    if errors := _problems(
        actor=actor,
        criteria=criteria,
        ticks=ticks,
        level=level,
        rationale=rationale,
        cited=cited,
        submitting=submitting,
    ):
        raise ValidationError(errors)
    by_id = {c.pk: c for c in criteria}

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
    """A submission of the saved draft as it is: what it lacks, all at once."""
    ticks = list(categorisation.ticks.select_related("criterion"))
    if errors := _incomplete(
        ticks={tick.criterion_id: tick.evidence for tick in ticks},
        by_id={tick.criterion_id: tick.criterion for tick in ticks},
        level=categorisation.level,
        rationale=categorisation.rationale,
        suggested=categorisation.suggested_level or None,
    ):
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
    transaction). Refused, with nothing saved and every problem named at once, unless at least one
    statement is ticked, every ticked statement has evidence, a final level is chosen and a departure
    from the suggestion is explained."""
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
            submitting=True,
        )
    elif categorisation.status not in EDITABLE_STATUSES:
        raise ValidationError(NOT_EDITABLE.format(status=_status_label(categorisation)))
    else:
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
