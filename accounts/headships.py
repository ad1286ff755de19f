"""A headteacher's schools (docs/adr/0023): asked for by an admin on the user page and given by an
officer, ended by an admin or an officer (or the system: accounts.headship_ends), each in the access
log. A headship opens the school's shared case material (its notes of visit shared with the school,
letters and case file: docs/adr/0046), so an admin's is a role request an officer approves
(accounts.rules, docs/adr/0012, 0061)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from core.history import SYSTEM, attribute_to, save_as

from . import access, rules
from .models import AccessEventKind, Headship
from .roles import Role

NOT_A_HEADTEACHER = "{user} does not have the headteacher role: give them the role before adding a school."
ONLY_AN_OFFICER_GIVES_A_SCHOOL = "Only an officer can make someone a school's headteacher: ask one (headship_ask)."
HEADSHIP_EXISTS = "{user} is already headteacher of {school}."


def _detail(headship: Headship) -> str:
    return f"{headship.school.name} ({headship.school.urn})"


@transaction.atomic
def headship_add(*, user, school, actor) -> Headship:
    """Make `user` (who holds the headteacher role) a headteacher of `school`."""
    _check(user, school)
    if not rules.only_an_officer_or_the_system_grants_access_to_case_material(actor=actor):
        raise ValidationError(ONLY_AN_OFFICER_GIVES_A_SCHOOL)
    headship = Headship(user=user, school=school)
    save_as(headship, actor=actor)
    access.access_event_record(kind=AccessEventKind.HEADSHIP_ADDED, user=user, actor=actor, detail=_detail(headship))
    return headship


def _check(user, school) -> None:
    if user.role != Role.HEADTEACHER:
        raise ValidationError(NOT_A_HEADTEACHER.format(user=user))
    if Headship.objects.filter(user=user, school=school).exists():
        raise ValidationError(HEADSHIP_EXISTS.format(user=user, school=school.name))


@transaction.atomic
def headship_ask(*, user, school, actor):
    """An admin asks an officer to make `user` (a headteacher) headteacher of `school` too: a role
    request, approved by an officer who neither asked nor is its subject (accounts.services)."""
    from .services import role_request_create

    _check(user, school)
    return role_request_create(user=user, role=Role.HEADTEACHER, school=school, actor=actor)


@transaction.atomic
def headship_remove(*, headship: Headship, actor, reason: str = "") -> None:
    """End a headship: an admin's or officer's removal, or the system's (`actor` None) with its `reason`."""
    detail = f"{_detail(headship)}: {reason}" if reason else _detail(headship)
    access.access_event_record(kind=AccessEventKind.HEADSHIP_REMOVED, user=headship.user, actor=actor, detail=detail)
    attribute_to(headship, actor=actor or SYSTEM, reason=reason)
    headship.delete()


# ---- reads ----------------------------------------------------------------------------------------


def schools_headed_by(user) -> QuerySet:
    """The schools a headteacher leads (none for anyone without the headteacher role)."""
    from schools.models import School

    if not user.is_authenticated or user.role != Role.HEADTEACHER:
        return School.objects.none()
    return School.objects.filter(headships__user=user).order_by("name")


def headteachers_of(school) -> QuerySet:
    """The active headteacher accounts of a school: who is told when the LA shares something."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True, headships__school=school, groups__name=Role.HEADTEACHER.value)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
