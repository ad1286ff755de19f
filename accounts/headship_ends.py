"""Headships that end without anyone removing them (docs/adr/0023, 0061): when a GIAS import names a
new headteacher of the school, and when the account is deactivated. Either way the person stops
reading the school's shared case material and being sent what the LA shares with it, and the end is
in the access log and the headship's history, as an admin's removal is.

A headship a GIAS import ended is asked for again at once: a role request an officer approves only
if the person is still the school's headteacher, so a typo GIAS corrected is one approval from
restored. A deactivated account gets nothing back when it is reactivated, nor an account given
another role when it is a headteacher again: each school is asked for again (docs/adr/0061, 0082)."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.urls import reverse

from core.text import count_of

from . import access, headships
from .models import AccessEventKind, Headship, RoleRequest, RoleRequestStatus, User
from .roles import Role

NEW_HEAD_REASON = "GIAS import #{record} names a new headteacher"
DEACTIVATED_REASON = "account deactivated"
# A headteacher given another role leads no school: given the role back, each school is asked for
# again, as after a deactivation (else an admin could lower and raise the role, one approval of the
# role alone, and have the schools back unasked: docs/adr/0082).
ROLE_CHANGED_REASON = "no longer a headteacher ({role})"
NO_HEAD_NAMED = "no headteacher"
# The note of the request that would give the headship back (RoleRequest.note), for the officer.
NEW_HEAD_NOTE = (
    "GIAS import #{record} names a new headteacher of {school}: {new_head}. {user}'s headship of it was ended. "
    "Approve this only if {user} is still the school's headteacher (GIAS corrected a mistake, for example)."
)
# Added to the note of a request already waiting for the person (one waits per person).
NEW_HEAD_NOTE_ON_PENDING = (
    "GIAS import #{record} names a new headteacher of {school}: {new_head}, and {user}'s headship of it was ended; "
    "approving this request does not give it back: if {user} is still its headteacher, ask for it again."
)
# The import's result (ImportRecord.message).
IMPORT_ENDED = "GIAS names a new headteacher of {schools}: {ended} ended, so those accounts no longer open the school."
IMPORT_ASKED = (
    "{asked} to give back waiting for an officer under Role requests ({url}): approve one only if the person is "
    "still the school's headteacher."
)
IMPORT_NOTED = (
    "Not asked again, as a role request was already waiting for the person (its note now says so; ask again "
    "once it is decided): {people}."
)
IMPORT_NOT_ASKED = "Not asked again, as the account is inactive or no longer a headteacher's: {people}."


def _who_of(headship: Headship) -> str:
    return f"{headship.user} of {headship.school.name}"


@transaction.atomic
def headships_end_for_new_heads(*, school_ids: Iterable[int], record_pk: int, actor: User | None) -> str:
    """End the headships of the schools whose head's name a GIAS import (`record_pk`, applied by
    `actor`, None for a command or the schedule) changed, in its transaction, and ask an officer to
    give each back. Returns what the import's result says about it ("" when no headship ended)."""
    ended = list(
        Headship.objects.select_for_update()
        .filter(school_id__in=list(school_ids))
        .select_related("user", "school")
        .order_by("school__name", "user_id")
    )
    if not ended:
        return ""
    reason = NEW_HEAD_REASON.format(record=record_pk)
    asked, noted, not_asked = [], [], []
    for headship in ended:
        user, school = headship.user, headship.school
        headships.headship_remove(headship=headship, actor=actor, reason=reason)
        if not (user.is_active and user.role == Role.HEADTEACHER):
            not_asked.append(_who_of(headship))
            continue
        words = {"record": record_pk, "school": school.name, "new_head": school.headteacher or NO_HEAD_NAMED}
        if _ask_again(user=user, school=school, actor=actor, note=NEW_HEAD_NOTE.format(user=user, **words)):
            asked.append(_who_of(headship))
        else:
            _add_to_pending(user, NEW_HEAD_NOTE_ON_PENDING.format(user=user, **words))
            noted.append(_who_of(headship))
    schools = sorted({headship.school.name for headship in ended})
    said = [IMPORT_ENDED.format(schools=", ".join(schools), ended=count_of(len(ended), "headship"))]
    if asked:
        url = reverse("audit:role_requests")
        said.append(IMPORT_ASKED.format(asked=count_of(len(asked), "request"), url=url))
    if noted:
        said.append(IMPORT_NOTED.format(people="; ".join(noted)))
    if not_asked:
        said.append(IMPORT_NOT_ASKED.format(people="; ".join(not_asked)))
    return " ".join(said)


def _ask_again(*, user: User, school, actor: User | None, note: str) -> RoleRequest | None:
    """File the system's request to give `school` back to `user`; None when one already waits for them."""
    if RoleRequest.objects.select_for_update().filter(user=user, status=RoleRequestStatus.PENDING).exists():
        return None
    try:
        with transaction.atomic():
            request = RoleRequest.objects.create(
                user=user, role=Role.HEADTEACHER, school=school, requested_by=actor, note=note
            )
    except IntegrityError:  # an admin asked for this person at the same moment
        return None
    access.access_event_record(
        kind=AccessEventKind.ROLE_REQUESTED,
        user=user,
        actor=actor,
        role_before=user.role,
        role_after=Role.HEADTEACHER,
        detail=f"of {school.name} ({school.urn})",
        request=request,
    )
    return request


def _add_to_pending(user: User, note: str) -> None:
    pending = RoleRequest.objects.select_for_update().get(user=user, status=RoleRequestStatus.PENDING)
    pending.note = f"{pending.note} {note}".strip()
    pending.save(update_fields=["note"])


def on_new_headteachers(sender, *, school_ids: Iterable[int], record, actor: User | None, **kwargs) -> str:
    """Receiver of schools.signals.headteachers_named: the import's result says what it returns."""
    return headships_end_for_new_heads(school_ids=school_ids, record_pk=record.pk, actor=actor)


@transaction.atomic
def headships_end_on_deactivation(*, user: User, actor: User | None, reason: str = DEACTIVATED_REASON) -> int:
    """End every headship of an account being deactivated (or losing the headteacher role: `reason`);
    returns how many ended."""
    ended = list(Headship.objects.select_for_update().filter(user=user).select_related("user", "school"))
    for headship in ended:
        headships.headship_remove(headship=headship, actor=actor, reason=reason)
    return len(ended)


def member_seats_end(*, user: User, actor: User | None) -> int:
    """End the chair and vice-chair seats of an account no longer a governor: they open case
    material (docs/adr/0082), so a seat kept would open it again, unasked, if the account were
    made a governor again. Its ordinary seats (published material only) stay. Returns how many ended."""
    from schools.governorships import governorship_remove
    from schools.models import SCHOOL_MEMBER_SEATS, Governorship  # schools is above accounts

    ended = list(Governorship.objects.filter(user=user, role__in=SCHOOL_MEMBER_SEATS).select_related("school"))
    for seat in ended:
        governorship_remove(governorship=seat, actor=actor)
    return len(ended)
