"""The access log's writes, and telling a user when someone else changed how they sign in.

Every service that changes someone's access records it here: accounts.services (accounts, roles,
role requests, passwords set by an admin), schools.services (governor seats), and the second-factor
reset (`second_factor_reset_record`, called by the service that resets it). The access log is read
by officers and admins (audit app); docs/adr/0012.

An email to the user is a background task (accounts.tasks.send_access_email, core/tasks.py) queued
in the caller's transaction, so nobody is told of a change that was rolled back. The mail server's
failure is retried, recorded on the event and logged, never raised at the admin who made the
change; an account without an email address is recorded as such."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from core import tasks as queue
from core.emails import NO_EMAIL_ADDRESS, send_and_record

from . import rules
from .models import AccessEvent, AccessEventKind, RoleRequest
from .roles import Role

# What the email tells the user, by kind: (subject, what happened).
TOLD = {
    AccessEventKind.PASSWORD_SET: ("a new password was set for your account", "set a new password for your account"),
    AccessEventKind.SECOND_FACTOR_RESET: (
        "the second factor of your account was reset",
        "reset the second factor (authenticator app) of your account",
    ),
    AccessEventKind.EMAIL_CHANGED: (
        "the email address of your account was changed",
        "changed the email address of your account from this address to another",
    ),
}


def _role(value: Role | str | None) -> str:
    return Role(value).value if value else ""


def access_event_record(
    *,
    kind: AccessEventKind | str,
    user,
    actor,
    role_before: Role | str | None = None,
    role_after: Role | str | None = None,
    detail: str = "",
    request: RoleRequest | None = None,
) -> AccessEvent:
    """Add a line to the access log: `actor` (None: the system) changed `user`'s access."""
    return AccessEvent.objects.create(
        kind=AccessEventKind(kind),
        user=user,
        actor=actor,
        role_before=_role(role_before),
        role_after=_role(role_after),
        detail=detail[:300],
        request=request,
    )


def credential_reset_record(*, kind: AccessEventKind | str, user, actor) -> AccessEvent:
    """Record that `actor` set `user`'s password or reset their second factor; when that was
    someone else, email the user after the transaction commits."""
    kind = AccessEventKind(kind)
    event = access_event_record(kind=kind, user=user, actor=actor, role_before=user.role, role_after=user.role)
    if rules.a_credential_set_by_someone_else_is_told_to_its_owner(actor=actor, user=user):
        _tell(event, user.email)
    return event


def second_factor_reset_record(*, user, actor) -> AccessEvent:
    """For the second-factor reset service: call it in the same transaction as the reset."""
    return credential_reset_record(kind=AccessEventKind.SECOND_FACTOR_RESET, user=user, actor=actor)


def email_change_record(*, user, actor, old_email: str) -> AccessEvent:
    """A changed email address changes who receives this service's emails (and, with single
    sign-on, which identity matches the account): recorded, and told at the old address when
    someone else changed it."""
    event = access_event_record(
        kind=AccessEventKind.EMAIL_CHANGED,
        user=user,
        actor=actor,
        detail=f"{old_email or 'none'} to {user.email or 'none'}",
    )
    if rules.a_credential_set_by_someone_else_is_told_to_its_owner(actor=actor, user=user):
        _tell(event, old_email)
    return event


def password_link_record(*, user, actor, request: RoleRequest | None = None, detail: str = "") -> AccessEvent:
    """Record that `user` is sent a link to choose their own password (accounts.own_passwords), and
    send it to their address after the transaction commits."""
    event = access_event_record(
        kind=AccessEventKind.PASSWORD_LINK_SENT,
        user=user,
        actor=actor,
        role_before=user.role,
        role_after=user.role,
        detail=detail,
        request=request,
    )
    _tell(event, user.email)
    return event


def _tell(event: AccessEvent, address: str) -> None:
    if not address:
        event.email_error = NO_EMAIL_ADDRESS
        event.save(update_fields=["email_error"])
        return
    event.emailed_to = address
    event.save(update_fields=["emailed_to"])
    from . import tasks  # accounts.tasks reads this module

    queue.defer(tasks.send_access_email, queueing_lock=f"access-email-{event.pk}", event_id=event.pk)


def access_email_send(event_id: int, *, last_attempt: bool = True) -> None:
    """Send an access-log email (task accounts.tasks.send_access_email). A failure is recorded on the
    event, as "trying again" and, after the last attempt or a refusal for good, as not sent; not the
    last attempt, it is raised again for the queue to retry. It tells the account's owner of their own
    account (no school's material) whatever the account's state: an admin may send a link to an
    inactive account (docs/adr/0062); a link goes only to the address it was asked for."""
    event = AccessEvent.objects.select_related("user", "actor").get(pk=event_id)
    if event.emailed_at:
        return  # sent by an earlier attempt
    if event.kind == AccessEventKind.PASSWORD_LINK_SENT:
        from .own_passwords import ADDRESS_CHANGED, link_email

        if (made := link_email(event)) is None:
            event.email_error = ADDRESS_CHANGED
            event.save(update_fields=["email_error"])
            return
        subject, body = made
    else:
        subject, body = _told(event)
    send_and_record(
        AccessEvent.objects.filter(pk=event_id),
        subject=f"{settings.SERVICE_NAME}: {subject}",
        body=body,
        address=event.emailed_to,
        last_attempt=last_attempt,
        what="access-log",
        error_field="email_error",
    )


def _told(event: AccessEvent) -> tuple[str, str]:
    subject, what = TOLD[event.kind]
    body = render_to_string(
        "accounts/email/access_changed.txt",
        {
            "event": event,
            "what": what,
            "when": timezone.localtime(event.at),
            "by": (event.actor.get_full_name() or event.actor.username) if event.actor else "the system",
            "by_role": event.actor.role_label.lower() if event.actor else "",
            "service": settings.SERVICE_NAME,
            "council": settings.COUNCIL_NAME,
        },
    )
    return subject, body


ADDRESS_SET_BY = (
    "Their email address, {email}, where the link to choose a password goes, was set by {actor} on {day:%-d %B %Y}: "
    "confirm it with {user} before approving."
)


def address_set_by_someone_else(user) -> str:
    """Who set the account's address, when that was someone who may not give case material (an
    admin, creating the account or changing it): for the officer asked to, however long ago
    (docs/adr/0082). "" when the person, an officer or the system set it."""
    kinds = (AccessEventKind.EMAIL_CHANGED, AccessEventKind.ACCOUNT_CREATED)
    event = user.access_events.filter(kind__in=kinds).select_related("actor").order_by("-at", "-id").first()
    if (
        not user.email
        or event is None
        or event.actor is None
        or event.actor_id == user.pk
        or rules.only_an_officer_or_the_system_grants_access_to_case_material(actor=event.actor)
    ):
        return ""
    day = timezone.localtime(event.at).date()
    return ADDRESS_SET_BY.format(email=user.email, actor=event.actor, day=day, user=user)
