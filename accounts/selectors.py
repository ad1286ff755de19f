from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from .models import RoleRequest, RoleRequestStatus, User
from .roles import Role


def user_list(*, search: str = "", role: str = "") -> QuerySet[User]:
    users = User.objects.prefetch_related("groups").order_by("first_name", "last_name", "username")
    if search.strip():
        text = search.strip()
        users = users.filter(
            Q(username__icontains=text)
            | Q(first_name__icontains=text)
            | Q(last_name__icontains=text)
            | Q(email__icontains=text)
        )
    if role:
        users = users.filter(groups__name=role)
    return users


def pending_role_request(*, user: User) -> RoleRequest | None:
    """The role request waiting for an officer about this user, if any (one at most)."""
    return (
        RoleRequest.objects.filter(user=user, status=RoleRequestStatus.PENDING)
        .select_related("requested_by", "school")
        .first()
    )


# ---- the user page's "Recent changes" ----------------------------------------------------------

# The account details the audit history shows, in this order (never the password, which is not
# kept in the history at all, nor the sign-in time).
CHANGE_FIELDS = {
    "username": "Username",
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email address",
    "is_active": "Active",
    "is_staff": "Staff status",
    "is_superuser": "Superuser status",
}
ROLE_LABEL = "Role"
NO_VALUE = "none"
# One save and the role's group changes that follow it are separate history rows: rows by the same
# person this close together are one change.
SAME_CHANGE_SECONDS = 5


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class AccountChange:
    when: datetime
    by: object  # the user who made it, or None (the system, a command)
    created: bool
    changes: list[FieldChange]
    reasons: list[str]


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value) if value not in (None, "") else NO_VALUE


def _role_names(group_names: list[str]) -> str:
    labels = {role.value: role.label for role in Role}
    return ", ".join(sorted(labels.get(name, name) for name in group_names)) or NO_VALUE


def _state(record: Any, roles: dict[int, list[str]]) -> dict[str, str]:
    state = {label: _shown(getattr(record, name)) for name, label in CHANGE_FIELDS.items()}
    state[ROLE_LABEL] = _role_names(roles.get(record.history_id, []))
    return state


def _one_change_each(records_oldest_first: list[Any], states: dict[int, dict[str, str]]) -> list[list[Any]]:
    """History rows grouped into the changes people made. Setting a role writes a row per group
    removed or added after the account's own row: a row that changes nothing but the role joins the
    previous one when the same person wrote it within SAME_CHANGE_SECONDS."""
    grouped: list[list[Any]] = []
    for record in records_oldest_first:
        previous = grouped[-1] if grouped else None
        if (
            previous
            and record.history_type != "+"
            and record.history_user_id == previous[-1].history_user_id
            and (record.history_date - previous[-1].history_date).total_seconds() <= SAME_CHANGE_SECONDS
            and _differences(states[previous[-1].history_id], states[record.history_id]) <= {ROLE_LABEL}
        ):
            previous.append(record)
        else:
            grouped.append([record])
    return grouped


def _differences(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {label for label in after if before[label] != after[label]}


def user_recent_changes(*, user: User, limit: int = 10) -> list[AccountChange]:
    """The latest changes to an account, newest first, each saying what changed field by field
    ("Role: Adviser -> Officer"), why when the service said (a new password), and who made it.
    Two queries whatever the length of the history."""
    History = user.history.model
    read = limit * 4  # rows: a change is one to three of them
    records = list(user.history.select_related("history_user").order_by("-history_date", "-history_id")[:read])
    # Each history row's groups, as simple-history keeps them (a row per group per history row).
    GroupRows = History._meta.get_field("historicaluser_groups").related_model
    roles: dict[int, list[str]] = {}
    rows = GroupRows.objects.filter(history__in=[r.history_id for r in records]).values_list("history", "group__name")
    for history_id, name in rows:
        roles.setdefault(history_id, []).append(name)

    states = {record.history_id: _state(record, roles) for record in records}
    changes = []
    grouped = _one_change_each(list(reversed(records)), states)
    for index, group in enumerate(grouped):
        created = group[0].history_type == "+"
        if index == 0 and not created:
            if len(records) == read:
                continue  # the state before it was not read: better no entry than a wrong one
            shown = []
        else:
            after = states[group[-1].history_id]
            before = states[grouped[index - 1][-1].history_id] if index else dict.fromkeys(after, NO_VALUE)
            shown = [
                FieldChange(label, before[label], after[label]) for label in after if before[label] != after[label]
            ]
            if created:  # the details it was created with, but not every empty or false one
                shown = [change for change in shown if change.label == ROLE_LABEL or change.new not in (NO_VALUE, "no")]
        reasons = list(dict.fromkeys(r.history_change_reason for r in group if r.history_change_reason))
        changes.append(AccountChange(group[-1].history_date, group[-1].history_user, created, shown, reasons))
    return list(reversed(changes))[:limit]
