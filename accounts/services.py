"""Writes to user accounts. Each is atomic and takes the acting user for the audit history."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from .roles import Role

User = get_user_model()

USERNAME_TAKEN = "A user with the username {username} already exists."
OWN_ADMIN_ROLE = "You cannot remove your own admin role or deactivate your own account."
# Why a history row was written when no detail it shows changed (the password is never kept in it).
PASSWORD_SET_REASON = "New password set by an admin"
OWN_PASSWORD_REASON = "Changed their own password"


def user_set_role(*, user, role: Role | str, actor) -> None:
    """Make `role` the user's only role group (no change, no audit row, if it already is)."""
    role = Role(role)
    if user.pk and user.group_names() == {role.value}:
        return
    user._history_user = actor  # the history rows of the group change name who made it
    others = Group.objects.filter(name__in=[r.value for r in Role if r != role])
    user.groups.remove(*others)
    user.groups.add(Group.objects.get(name=role.value))
    for cached in ("_group_names_cache", "role"):
        user.__dict__.pop(cached, None)


@transaction.atomic
def user_create(
    *, username: str, first_name: str, last_name: str, email: str, role: Role | str, password: str, actor
) -> User:
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": USERNAME_TAKEN.format(username=username)})
    user = User(username=username, first_name=first_name.strip(), last_name=last_name.strip(), email=email.strip())
    validate_password(password, user)
    user.set_password(password)
    user._history_user = actor
    user.save()
    user_set_role(user=user, role=role, actor=actor)
    return user


@transaction.atomic
def user_update(*, user, first_name: str, last_name: str, email: str, role: Role | str, is_active: bool, actor) -> User:
    if user.pk == actor.pk and (Role(role) != Role.ADMIN or not is_active) and user.role == Role.ADMIN:
        raise ValidationError(OWN_ADMIN_ROLE)
    details = {"first_name": first_name.strip(), "last_name": last_name.strip(), "email": email.strip()}
    details["is_active"] = is_active
    if any(getattr(user, name) != value for name, value in details.items()):
        for name, value in details.items():
            setattr(user, name, value)
        user._history_user = actor
        user.save()  # no change, no save: the history shows only real changes
    if user.role != Role(role):
        user_set_role(user=user, role=role, actor=actor)
    return user


@transaction.atomic
def user_set_password(*, user, password: str, actor) -> None:
    validate_password(password, user)
    user.set_password(password)
    user._history_user = actor
    user._change_reason = PASSWORD_SET_REASON
    user.save()
