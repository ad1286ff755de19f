"""Writes of the criteria frameworks: creating, renaming and copying a draft framework, its areas
(with their best-fit tick counts) and statements, and activating it from a date, after which its
criteria never change. Re-exported by categorisation.services, whose docstring holds the
conventions. The *_problems functions return what a write would be refused for, every problem at
once, for the forms to name with their own errors (ADR 0070); the writes raise them."""

from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.history import delete_as, save_as

from .models import Area, Criterion, Framework

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


def _check_draft(framework: Framework) -> None:
    if not framework.is_draft:
        raise ValidationError(FRAMEWORK_NOT_DRAFT.format(framework=framework.name))


def framework_name_problems(*, name: str, framework: Framework | None = None) -> dict[str, list[str]]:
    """A name another framework has (whatever its case and spacing) is refused."""
    name = " ".join(name.split())
    taken = Framework.objects.filter(name__iexact=name)
    if framework is not None:
        taken = taken.exclude(pk=framework.pk)
    return {"name": [FRAMEWORK_NAME_TAKEN.format(name=name)]} if name and taken.exists() else {}


def _check_name(name: str, framework: Framework | None = None) -> str:
    if errors := framework_name_problems(name=name, framework=framework):
        raise ValidationError(errors)
    return " ".join(name.split())


def _save_named(framework: Framework, actor: User) -> None:
    """Save the framework; its name taken at the same moment by another (in any case: the
    constraint unique_framework_name_ci, as framework_name_problems asks) is refused as taken."""
    try:
        with transaction.atomic():
            save_as(framework, actor=actor)
    except IntegrityError as error:
        raise ValidationError({"name": [FRAMEWORK_NAME_TAKEN.format(name=framework.name)]}) from error


@transaction.atomic
def framework_create(*, name: str, description: str = "", actor: User) -> Framework:
    """A new, empty draft framework."""
    framework = Framework(name=_check_name(name), description=description.strip(), created_by=actor)
    _save_named(framework, actor)
    return framework


@transaction.atomic
def framework_update(*, framework: Framework, name: str, description: str, actor: User) -> Framework:
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    _check_draft(framework)
    framework.name, framework.description = _check_name(name, framework), description.strip()
    _save_named(framework, actor)
    return framework


@transaction.atomic
def framework_copy(*, framework: Framework, name: str, actor: User) -> Framework:
    """A new draft with a copy of the framework's areas and criteria, to change them."""
    copy = Framework(name=_check_name(name), description=framework.description, copied_from=framework, created_by=actor)
    _save_named(copy, actor)
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


def area_problems(
    *, framework: Framework, code: str, area: Area | None = None, medium_count: int | None = None,
    high_count: int | None = None,
) -> dict[str, list[str]]:  # fmt: skip
    """A code another area of the framework has, and a count of ticks below 1, are refused."""
    taken = Area.objects.filter(framework=framework, code=code)
    if area is not None:
        taken = taken.exclude(pk=area.pk)
    errors = {"code": [AREA_CODE_TAKEN.format(code=code)]} if code and taken.exists() else {}
    counts = {"medium_count": medium_count, "high_count": high_count}
    return errors | {field: [COUNT_TOO_SMALL] for field, count in counts.items() if count is not None and count < 1}


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
    if errors := area_problems(
        framework=framework, code=code, area=area, medium_count=medium_count, high_count=high_count
    ):
        raise ValidationError(errors)
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


def criterion_problems(
    *, framework: Framework, code: str, fact_key: str = "", criterion: Criterion | None = None
) -> dict[str, list[str]]:
    """A code another statement of the framework has, and a fact the system does not know, are refused."""
    from .facts import FactKey

    taken = Criterion.objects.filter(area__framework=framework, code=code)
    if criterion is not None:
        taken = taken.exclude(pk=criterion.pk)
    errors = {"code": [CRITERION_CODE_TAKEN.format(code=code)]} if code and taken.exists() else {}
    return errors | ({"fact_key": [UNKNOWN_FACT]} if fact_key and fact_key not in FactKey.LABELS else {})


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
    framework = Framework.objects.select_for_update().get(pk=area.framework_id)
    _check_draft(framework)
    if errors := criterion_problems(framework=framework, code=code, fact_key=fact_key, criterion=criterion):
        raise ValidationError(errors)
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


def framework_activation_problems(
    *, framework: Framework, active_from: date | None, today: date
) -> dict[str, list[str]]:
    """A date before today or another framework's, a framework with no areas and each area with no
    statements are refused. `active_from` None (a date the form refused): the framework's only."""
    errors: dict[str, list[str]] = {}
    clash = Framework.objects.filter(active_from=active_from).exclude(pk=framework.pk).first() if active_from else None
    if active_from is not None and active_from < today:
        errors["active_from"] = [ACTIVE_FROM_PAST]
    elif clash is not None:
        errors["active_from"] = [ACTIVE_FROM_TAKEN.format(framework=clash.name)]
    areas = list(framework.areas.prefetch_related("criteria"))
    empty = [AREA_EMPTY.format(area=area.name) for area in areas if not area.criteria.all()]
    return errors | ({NON_FIELD_ERRORS: empty or [FRAMEWORK_EMPTY]} if empty or not areas else {})


@transaction.atomic
def framework_activate(*, framework: Framework, active_from: date, actor: User, today: date | None = None) -> Framework:
    """Activate a draft framework from a date (today or later). From that day new categorisations
    use it; categorisations already made keep the framework they were made under, and its criteria
    can no longer change."""
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    _check_draft(framework)
    today = today or timezone.localdate()
    if errors := framework_activation_problems(framework=framework, active_from=active_from, today=today):
        raise ValidationError(errors)
    framework.active_from = active_from
    framework.activated_at, framework.activated_by = timezone.now(), actor
    try:
        with transaction.atomic():
            save_as(framework, actor=actor)
    except IntegrityError as error:  # another activated from that day at the same moment (one_framework_a_day)
        clash = Framework.objects.filter(active_from=active_from).exclude(pk=framework.pk).first()
        name = clash.name if clash is not None else "Another framework"
        raise ValidationError({"active_from": [ACTIVE_FROM_TAKEN.format(framework=name)]}) from error
    return framework
