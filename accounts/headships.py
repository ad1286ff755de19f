"""A headteacher's schools (docs/adr/0023): given and removed by an admin on the user page, each in
the access log. A headship opens only what the LA shares with the school (never case material), so,
like a governor's seat, an admin gives it alone (accounts.rules, docs/adr/0012)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from core.history import delete_as, save_as

from . import access
from .models import AccessEventKind, Headship
from .roles import Role

NOT_A_HEADTEACHER = "{user} does not have the headteacher role: give them the role before adding a school."
HEADSHIP_EXISTS = "{user} is already headteacher of {school}."


def _detail(headship: Headship) -> str:
    return f"{headship.school.name} ({headship.school.urn})"


@transaction.atomic
def headship_add(*, user, school, actor) -> Headship:
    """Make `user` (who holds the headteacher role) a headteacher of `school`."""
    if user.role != Role.HEADTEACHER:
        raise ValidationError(NOT_A_HEADTEACHER.format(user=user))
    if Headship.objects.filter(user=user, school=school).exists():
        raise ValidationError(HEADSHIP_EXISTS.format(user=user, school=school.name))
    headship = Headship(user=user, school=school)
    save_as(headship, actor=actor)
    access.access_event_record(kind=AccessEventKind.HEADSHIP_ADDED, user=user, actor=actor, detail=_detail(headship))
    return headship


@transaction.atomic
def headship_remove(*, headship: Headship, actor) -> None:
    access.access_event_record(
        kind=AccessEventKind.HEADSHIP_REMOVED, user=headship.user, actor=actor, detail=_detail(headship)
    )
    delete_as(headship, actor=actor)


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
