"""Writes to user accounts. Each is atomic and takes the acting user for the audit history.

Separation of duties (docs/adr/0012): only an officer, or the system, gives anyone the adviser or
officer role or reactivates such an account (accounts.rules). An admin's change that would do so
files a role request instead, which an officer who did not ask for it approves or declines (four
eyes). Every change of access goes into the access log (accounts.access)."""

from typing import TYPE_CHECKING

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.history import SYSTEM, attribute_to, save_as

from . import access, headship_ends, headships, own_passwords, rules
from .account_details import EMAIL_TAKEN as EMAIL_TAKEN
from .account_details import PASSWORD_NEEDED as PASSWORD_NEEDED
from .account_details import USERNAME_CHARACTERS as USERNAME_CHARACTERS
from .account_details import USERNAME_TAKEN as USERNAME_TAKEN
from .account_details import email_taken as email_taken
from .account_details import hold_account_details as hold_account_details
from .account_details import new_address_taken
from .account_details import user_create_problems as user_create_problems
from .account_details import username_characters as username_characters
from .models import AccessEventKind, RoleRequest, RoleRequestStatus, User
from .roles import Role

if TYPE_CHECKING:
    from schools.models import School

OWN_ADMIN_ROLE = "You cannot remove your own admin role or deactivate your own account."
# Why a history row was written when no detail it shows changed (the password is never kept in it).
PASSWORD_SET_REASON = "New password set by an admin"
OWN_PASSWORD_REASON = "Changed their own password"
ONLY_AN_OFFICER_GRANTS = (
    "Only an officer can give someone the {role} role or reactivate the account of one: "
    "ask for it under Access, Role requests, and an officer will approve or decline it."
)
REQUEST_PENDING = (
    "{user} already has a role request waiting for an officer: {request}. Withdraw it before asking for another."
)
REQUEST_NOT_NEEDED = (
    "Only the headteacher, adviser and officer roles need an officer's approval: give the {role} role directly."
)
REQUEST_DECIDED = "This role request has already been {status}."
NO_LONGER_A_HEADTEACHER = "{user}'s role is now {role}, not headteacher: decline this request rather than lower them."
MAY_NOT_REQUEST = "Only an admin or an officer can ask for someone's role to be changed."
MAY_NOT_WITHDRAW = "Only an admin, or the person who asked, can withdraw a role request."
REACTIVATED_REASON = "Reactivated: role request approved"
SUSPENDED_REASON = "Suspended until an officer agrees: an admin reset how they sign in"
SUSPENDED = (
    "{user}'s account waits for an officer: a headteacher's, adviser's or officer's (or a chair's or vice-chair's of "
    "governors') password, second factor or email address changed by an admin is suspended until an officer "
    "reactivates it, or told to the officer asked to give the role. The request is in the role requests."
)
# What the officer deciding the request is told (RoleRequest.note).
RESET_NOTE = "{actor} {what} on {day:%-d %B %Y}: confirm it with {user} before approving."
SUSPENDED_HEAD_KEEPS = "Reactivating gives back the schools they lead: {schools}."


def _may_grant(actor: User | None) -> bool:
    return rules.only_an_officer_or_the_system_grants_access_to_case_material(actor=actor)


@transaction.atomic
def user_set_role(*, user: User, role: Role | str, actor: User | None) -> None:
    """Make `role` the user's only role group (no change, no audit row, if it already is).
    Refused when it would give access to case material and `actor` is not an officer (or the
    system): accounts.rules. Every change is in the access log."""
    role = Role(role)
    if user.pk and user.group_names() == {role.value}:
        return
    before = user.role if user.pk else None
    if rules.granting_or_raising_the_adviser_or_officer_role_needs_an_officer(
        before=before, after=role
    ) and not _may_grant(actor):
        raise ValidationError(ONLY_AN_OFFICER_GRANTS.format(role=role.label.lower()))
    attribute_to(user, actor=actor or SYSTEM)  # the history rows of the group change name who made it
    others = Group.objects.filter(name__in=[r.value for r in Role if r != role])
    user.groups.remove(*others)
    user.groups.add(Group.objects.get(name=role.value))
    for cached in ("_group_names_cache", "role"):
        user.__dict__.pop(cached, None)
    access.access_event_record(
        kind=AccessEventKind.ROLE_CHANGED, user=user, actor=actor, role_before=before, role_after=role
    )
    if before == Role.HEADTEACHER:
        reason = headship_ends.ROLE_CHANGED_REASON.format(role=role.label.lower())
        headship_ends.headships_end_on_deactivation(user=user, actor=actor, reason=reason)
    if role != Role.GOVERNOR:  # a chair's seat kept would open case material again, unasked (ADR 0082)
        headship_ends.member_seats_end(user=user, actor=actor)


@transaction.atomic
def user_create(
    *, username: str, first_name: str, last_name: str, email: str, role: Role | str, password: str, actor: User | None
) -> User:
    """Create an account. An admin creating an adviser or officer creates it with no role and a
    role request for an officer to approve; until then it opens nothing. A case reader given the
    role is emailed a link to choose their own password (accounts.own_passwords), so theirs is left
    blank; one given anyway stops working then, unless the system chose it (a command, the demo)."""
    username = username.strip()
    user = User(username=username, first_name=first_name.strip(), last_name=last_name.strip(), email=email.strip())
    hold_account_details(username=username, email=user.email)
    if problems := user_create_problems(user=user, password=password, role=role, by_someone=actor is not None):
        raise ValidationError(problems)
    if password:
        user.set_password(password)
    else:  # a case reader's: a link to choose it is emailed when they are given the role
        user.set_unusable_password()
    save_as(user, actor=actor or SYSTEM)  # None: a management command
    access.access_event_record(kind=AccessEventKind.ACCOUNT_CREATED, user=user, actor=actor)
    role = Role(role)
    if (
        rules.granting_or_raising_the_adviser_or_officer_role_needs_an_officer(before=None, after=role)
        and actor is not None
        and not _may_grant(actor)
    ):  # None, the system, may grant
        # The link to choose a password goes to the address the admin gave (ADR 0061, 0062).
        what = f"created the account with the email address {user.email}"
        note = RESET_NOTE.format(actor=actor, what=what, day=timezone.localdate(), user=user)
        role_request_create(user=user, role=role, actor=actor, note=note)
    else:
        user_set_role(user=user, role=role, actor=actor)
        if actor is not None or not password:  # else the system chose it (a command, the demo)
            own_passwords.link_if_it_gains_case_material(user=user, actor=actor, before=0)
    return user


@transaction.atomic
def user_update(
    *, user: User, first_name: str, last_name: str, email: str, role: Role | str, is_active: bool, actor: User
) -> User:
    """Change an account's details, role and whether it is active. A change that would give access
    to case material (the adviser or officer role, or reactivating such an account) is made only
    by an officer; an admin's is filed as a role request and the rest of the change is saved. An
    admin's new email address for a case reader waits for an officer (suspend_until_an_officer_agrees)."""
    role = Role(role)
    # The row as it is now, locked: an officer's approval committed since the page loaded it (a new
    # role, a password replaced) must not be saved over with the page's copy (docs/adr/0062).
    user = _locked(user)
    if user.pk == actor.pk and (role != Role.ADMIN or not is_active) and user.role == Role.ADMIN:
        raise ValidationError(OWN_ADMIN_ROLE)
    if not email.strip().isascii():
        raise ValidationError({"email": [own_passwords.EMAIL_PLAIN]})
    if taken := new_address_taken(user=user, email=email):
        raise ValidationError({"email": [taken]})
    before_role, was_active, old_email = user.role, user.is_active, user.email
    reading_before = own_passwords.case_reading(user)
    raises = rules.granting_or_raising_the_adviser_or_officer_role_needs_an_officer(before=before_role, after=role)
    reactivates = rules.reactivating_an_adviser_or_officer_needs_an_officer(
        role=role, was_active=was_active, is_active=is_active, sits_for_a_school=own_passwords.sits_for_a_school(user)
    )
    needs_request = (raises or reactivates) and not _may_grant(actor)
    if needs_request and reactivates:
        is_active = was_active  # stays inactive until an officer approves
    details: dict[str, str | bool] = {
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "email": email.strip(),
    }
    details["is_active"] = is_active
    if any(getattr(user, name) != value for name, value in details.items()):
        for name, value in details.items():
            setattr(user, name, value)
        save_as(user, actor=actor)  # no change, no save: the history shows only real changes
    if user.role != role and not (needs_request and raises):
        user_set_role(user=user, role=role, actor=actor)
    if was_active != user.is_active:
        _record_activation(user=user, actor=actor)
    if old_email != user.email:
        access.email_change_record(user=user, actor=actor, old_email=old_email)
    if needs_request:
        role_request_create(user=user, role=role, reactivate=reactivates, actor=actor)
    else:
        own_passwords.link_if_it_gains_case_material(user=user, actor=actor, before=reading_before)
    # With single sign-on matching accounts by email (whatever its case), a new address is a way into
    # the account, as a password is (docs/adr/0061); a blank one matches nobody's sign-in.
    if user.email and user.email.casefold() != old_email.casefold():
        suspend_until_an_officer_agrees(user=user, actor=actor, what=f"changed their email address to {user.email}")
    return user


@transaction.atomic
def user_set_password(*, user: User, password: str, actor: User) -> RoleRequest | None:
    """Set a user's password for them; recorded in the access log and, when someone else set it,
    told to the user by email (accounts.access). A case reader's set by an admin waits for an officer
    (suspend_until_an_officer_agrees): returns the request then."""
    user = _locked(user)
    validate_password(password, user)
    user.set_password(password)
    save_as(user, actor=actor, update_fields=["password"], reason=PASSWORD_SET_REASON)
    access.credential_reset_record(kind=AccessEventKind.PASSWORD_SET, user=user, actor=actor)
    return suspend_until_an_officer_agrees(user=user, actor=actor, what="set their password")


@transaction.atomic
def suspend_until_an_officer_agrees(*, user: User, actor: User | None, what: str) -> RoleRequest | None:
    """After an admin sets a case reader's password, resets their second factor or gives them a new
    email address (`what` they did, for the officer): an active account is deactivated, and the
    request to reactivate it (or the request already waiting to give it case material) tells the
    officer what was reset (docs/adr/0061). Returns that request, or None when nobody else was needed."""
    user = _locked(user)
    pending = RoleRequest.objects.select_for_update().filter(user=user, status=RoleRequestStatus.PENDING).first()
    asked_role = pending.role if pending is not None else None
    sits = own_passwords.sits_for_a_school(user)
    if actor is None or not rules.a_case_readers_credentials_reset_by_an_admin_wait_for_an_officer(
        actor=actor, user=user, asked_role=asked_role, sits_for_a_school=sits
    ):
        return None
    role = user.role
    reads_now = user.is_active and rules.case_access(role, sits_for_a_school=sits) > 0
    if reads_now:
        user.is_active = False
        save_as(user, actor=actor, update_fields=["is_active"], reason=SUSPENDED_REASON)
        access.access_event_record(
            kind=AccessEventKind.DEACTIVATED, user=user, actor=actor, role_before=role, role_after=role,
            detail=SUSPENDED_REASON,
        )  # fmt: skip
    note = RESET_NOTE.format(actor=actor, what=what, day=timezone.localdate(), user=user)
    led = ", ".join(f"{h.school.name} ({h.school.urn})" for h in user.headships.select_related("school"))
    if reads_now and led:  # what reactivating gives back, which the request's own words do not say
        note = f"{note} {SUSPENDED_HEAD_KEEPS.format(schools=led)}"
    if pending is not None:
        pending.reactivate = pending.reactivate or reads_now
        pending.note = f"{pending.note} {note}".strip()
        pending.save(update_fields=["reactivate", "note"])
        return pending
    assert role is not None  # reads_now: the rule suspends an account with no role only through its request
    return role_request_create(user=user, role=role, actor=actor, reactivate=True, note=note)


def _record_activation(*, user: User, actor: User) -> None:
    """The account was just reactivated or deactivated: in the access log. A deactivated one (someone
    who left) gets nothing back if it is reactivated: its headships and chair or vice-chair seats end,
    so each is asked for again (docs/adr/0061, 0082), and its calendar feed's secret is deleted, so an
    old subscription link does not work again."""
    kind = AccessEventKind.REACTIVATED if user.is_active else AccessEventKind.DEACTIVATED
    access.access_event_record(kind=kind, user=user, actor=actor, role_before=user.role, role_after=user.role)
    if not user.is_active:
        from visits.services import calendar_token_revoke  # visits is above accounts

        headship_ends.headships_end_on_deactivation(user=user, actor=actor)
        headship_ends.member_seats_end(user=user, actor=actor)
        calendar_token_revoke(user=user, actor=actor)


# ---- role requests: an admin asks, an officer approves or declines (four eyes) ----------------------


@transaction.atomic
def role_request_create(
    *,
    user: User,
    role: Role | str,
    actor: User,
    reactivate: bool = False,
    school: "School | None" = None,
    note: str = "",
) -> RoleRequest:
    """Ask an officer to give `user` the headteacher, adviser or officer role (and reactivate the
    account, or, for a headteacher, make them `school`'s headteacher too). One request waits per
    user: asking again for the same thing changes nothing."""
    role = Role(role)
    # (A governor's reactivation is asked for when their seat opens case material: suspend_until_an_officer_agrees.)
    if role not in rules.ROLES_NEEDING_AN_OFFICER and not (reactivate and role == Role.GOVERNOR):
        raise ValidationError(REQUEST_NOT_NEEDED.format(role=role.label.lower()))
    if actor is None or not actor.is_active or actor.role not in (Role.ADMIN, Role.OFFICER):
        raise ValidationError(MAY_NOT_REQUEST)
    pending = RoleRequest.objects.filter(user=user, status=RoleRequestStatus.PENDING).first()
    if pending is not None:
        if (pending.role, pending.reactivate, pending.school_id) == (role.value, reactivate, school and school.pk):
            return pending
        raise ValidationError(REQUEST_PENDING.format(user=user, request=pending))
    if (set_by := access.address_set_by_someone_else(user)) and user.email not in note:
        note = f"{note} {set_by}".strip()
    try:
        with transaction.atomic():
            request = RoleRequest.objects.create(
                user=user, role=role, reactivate=reactivate, school=school, requested_by=actor, note=note
            )
    except IntegrityError:  # another request for this user was filed at the same moment
        raise ValidationError(REQUEST_PENDING.format(user=user, request="another request")) from None
    access.access_event_record(
        kind=AccessEventKind.ROLE_REQUESTED,
        user=user,
        actor=actor,
        role_before=user.role,
        role_after=role,
        detail=f"of {school.name} ({school.urn})" if school else "and reactivate the account" if reactivate else "",
        request=request,
    )
    return request


def _locked(user: User) -> User:
    """The account as it is now, locked until the transaction ends."""
    # FOR NO KEY UPDATE: rows that refer to the account (the access log, a request) are inserted under
    # KEY SHARE locks, which this does not block; FOR UPDATE deadlocked a decline against an approval.
    return User.objects.select_for_update(no_key=True).get(pk=user.pk)


def _pending(role_request: RoleRequest) -> RoleRequest:
    """The request, locked until the transaction ends (two officers deciding at once: one wins)."""
    locked = RoleRequest.objects.select_for_update().get(pk=role_request.pk)
    if locked.status != RoleRequestStatus.PENDING:
        raise ValidationError(REQUEST_DECIDED.format(status=locked.get_status_display().lower()))
    return locked


def _decided(request: RoleRequest, status: RoleRequestStatus, actor: User, comments: str = "") -> None:
    request.status, request.decided_by, request.decided_at = status, actor, timezone.now()
    request.comments = comments.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "comments"])


@transaction.atomic
def role_request_approve(*, role_request: RoleRequest, actor: User, email_seen: str | None = None) -> RoleRequest:
    """An officer who neither asked for it nor is its subject gives the role (and reactivates).
    `email_seen`: the address the officer's page showed, where the link to choose a password goes
    (docs/adr/0062); refused if it has changed since."""
    user = _locked(User(pk=role_request.user_id))  # the account first, then the request: user_update's order
    request = _pending(role_request)
    refusals = rules.four_eyes_no_one_approves_a_role_request_they_made_or_that_is_about_them(
        approver=actor, requester_id=request.requested_by_id, subject_id=request.user_id
    )
    if refusals:
        raise ValidationError(refusals)
    if email_seen is not None and email_seen.strip().casefold() != user.email.casefold():
        raise ValidationError(own_passwords.ADDRESS_CHANGED_SINCE.format(user=user, email=user.email or "none"))
    before, reading_before = user.role, own_passwords.case_reading(user)
    if request.school is not None and before not in (None, Role.HEADTEACHER):
        raise ValidationError(NO_LONGER_A_HEADTEACHER.format(user=user, role=user.role_label.lower()))
    user_set_role(user=user, role=request.role, actor=actor)
    if request.school is not None and not user.headships.filter(school=request.school).exists():
        headships.headship_add(user=user, school=request.school, actor=actor)
    if request.reactivate and not user.is_active:
        user.is_active = True
        save_as(user, actor=actor, update_fields=["is_active"], reason=REACTIVATED_REASON)
        access.access_event_record(
            kind=AccessEventKind.REACTIVATED, user=user, actor=actor, role_before=user.role, role_after=user.role
        )
    own_passwords.link_if_it_gains_case_material(user=user, actor=actor, before=reading_before, request=request)
    _decided(request, RoleRequestStatus.APPROVED, actor)
    access.access_event_record(
        kind=AccessEventKind.ROLE_REQUEST_APPROVED,
        user=user,
        actor=actor,
        role_before=before,
        role_after=request.role,
        request=request,
    )
    return request


@transaction.atomic
def role_request_decline(*, role_request: RoleRequest, actor: User, comments: str = "") -> RoleRequest:
    """An officer declines the request (with a reason, if they give one); nothing else changes."""
    request = _pending(role_request)
    if actor is None or not actor.is_active or actor.role != Role.OFFICER:
        raise ValidationError(rules.NOT_AN_OFFICER)
    _decided(request, RoleRequestStatus.DECLINED, actor, comments)
    access.access_event_record(
        kind=AccessEventKind.ROLE_REQUEST_DECLINED,
        user=request.user,
        actor=actor,
        role_after=request.role,
        detail=request.comments,
        request=request,
    )
    return request


@transaction.atomic
def role_request_withdraw(*, role_request: RoleRequest, actor: User) -> RoleRequest:
    """An admin (or whoever asked) withdraws a request no officer has decided yet."""
    request = _pending(role_request)
    is_admin = actor is not None and actor.is_active and actor.role == Role.ADMIN
    if not (is_admin or (actor is not None and actor.pk == request.requested_by_id)):
        raise ValidationError(MAY_NOT_WITHDRAW)
    _decided(request, RoleRequestStatus.WITHDRAWN, actor)
    access.access_event_record(
        kind=AccessEventKind.ROLE_REQUEST_WITHDRAWN,
        user=request.user,
        actor=actor,
        role_after=request.role,
        request=request,
    )
    return request
