"""A governor's seats on schools' governing bodies, given and removed by an admin from the user's
page (re-exported by schools.services). A chair's or vice-chair's seat opens case material
(docs/adr/0082): given by an admin, the account waits for an officer."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts import access
from accounts.models import AccessEventKind, User
from accounts.roles import Role
from accounts.services import suspend_until_an_officer_agrees
from core.history import SYSTEM, delete_as, save_as
from core.text import in_sentence

from .models import SCHOOL_MEMBER_SEATS, GovernorRole, Governorship, School

GOVERNOR_ROLE = "{user} does not have the governor role. Change their role first."
GOVERNORSHIP_EXISTS = "{user} is already a governor of {school}."


@transaction.atomic
def governorship_add(*, user: User, school: School, role: str = GovernorRole.MEMBER, actor: User) -> Governorship:
    # The account as it is now, locked: a role changed since the page read it (a seat added to an
    # admin outlives the seats the role change ended) is refused; user_update locks it too.
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.role != Role.GOVERNOR:
        raise ValidationError(GOVERNOR_ROLE.format(user=user))
    if Governorship.objects.filter(user=user, school=school).exists():
        raise ValidationError(GOVERNORSHIP_EXISTS.format(user=user, school=school.name))
    governorship = Governorship(user=user, school=school, role=role)
    try:
        with transaction.atomic():
            save_as(governorship, actor=actor)
    except IntegrityError as error:  # the same seat given at the same moment (unique_governorship)
        raise ValidationError(GOVERNORSHIP_EXISTS.format(user=user, school=school.name)) from error
    # In the access log (docs/adr/0012). A chair's or vice-chair's seat opens case material: given by
    # an admin, the account waits for an officer, who sees who changed its sign-in (docs/adr/0082).
    access.access_event_record(
        kind=AccessEventKind.GOVERNORSHIP_ADDED, user=user, actor=actor, detail=_seat(governorship)
    )
    if role in SCHOOL_MEMBER_SEATS:
        what = f"gave them the seat of {in_sentence(_seat(governorship))}"  # the school's name as written
        suspend_until_an_officer_agrees(user=user, actor=actor, what=what)
    return governorship


@transaction.atomic
def governorship_remove(*, governorship: Governorship, actor: User | None) -> None:
    """An admin's removal, or the system's (`actor` None: a role given by single sign-on)."""
    access.access_event_record(
        kind=AccessEventKind.GOVERNORSHIP_REMOVED, user=governorship.user, actor=actor, detail=_seat(governorship)
    )
    delete_as(governorship, actor=actor or SYSTEM)


def governors_of(school: School):
    """The active governor accounts of a school's governing body, every seat: who is told when the
    LA publishes or shares something for the governing body (docs/adr/0087)."""
    return (
        User.objects.filter(is_active=True, governorships__school=school, groups__name=Role.GOVERNOR.value)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def is_governor_seat_holder(user: User, school: School) -> bool:
    """Whether `user` is a governor of `school` now: the governor role and a seat on its governing
    body (a seat outlives a change of role: accounts.services.user_set_role ends only a chair's or
    vice-chair's). Asked when an email to a governor is sent (docs/adr/0087)."""
    return user.role == Role.GOVERNOR and Governorship.objects.filter(user=user, school=school).exists()


def _seat(governorship: Governorship) -> str:
    return f"{governorship.get_role_display()}, {governorship.school.name} ({governorship.school.urn})"
