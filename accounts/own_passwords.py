"""A case reader signs in with a password only they know (docs/adr/0062).

Whoever chose a password can sign in with it, and nobody can tell afterwards who chose it: an admin
creating the account or setting its password, or an admin who signed in to an account waiting for
its role and "changed their own" password. ADR 0061 made an admin's reset of a case reader's
credentials wait for an officer; this closes what it left. Whenever an account comes to open case
material, or more of it (an officer gives or raises the role or reactivates the account, directly
or by approving a request, or single sign-on maps it to a higher role), its password stops working
and the person is emailed a link to choose a new one, at the address the approving officer sees.
The link's token (accounts.tokens) is Django's password-reset token made stricter: it works once,
stops working when the password, the email address or the last sign-in changes, and expires after
settings.PASSWORD_RESET_TIMEOUT."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.history import SYSTEM, save_as

from . import access, lockout, rules
from .models import AccessEvent, AccessEventKind, RoleRequest, User
from .roles import Role
from .tokens import choose_password_tokens

NO_ADDRESS_FOR_THE_LINK = (
    "{user} has no email address, and a headteacher, adviser or officer chooses their own password through a link "
    "emailed to them. An admin adds the address on their user page."
)
REPLACED_REASON = "Password stopped working: opens case material, so they choose a new one through an emailed link"
SSO_REPLACED_REASON = "Password stopped working: opens case material, and signs in with single sign-on"
REPLACED_DETAIL = "the password they had stopped working"
CHOSEN_REASON = "Chose their own password through the emailed link"
LINK_SENT = "A link to choose their own password is being emailed to {email}: only they will know it."
LINK_SUBJECT = "choose the password for your account"
# The address changed between the link being asked for and sent (worker lag, a retry): it is not
# sent to the old one.
ADDRESS_CHANGED = "Not sent: the account's email address changed before the link was sent. Send a new link."


EMAIL_FOR_THE_LINK = (
    "Enter their email address: a headteacher, adviser or officer is emailed a link to choose their own password"
)
# An account's address is read by the officer who confirms it, and receives the link to choose a
# password: an address in another script can look exactly like someone else's ("example.org" with a
# Cyrillic a for the first a), so it is kept to plain letters, as usernames are (ADR 0056, 0062).
EMAIL_PLAIN = (
    "Enter an email address in plain letters a to z, digits and . _ % + - @ (an address in another script can look "
    "like someone else's)"
)
ADDRESS_CHANGED_SINCE = (
    "{user}'s email address changed since this page showed it: it is now {email}, where the link to choose their "
    "password would go. Check it with them, then approve again."
)
PASSWORD_CHANGED_MEANWHILE = (
    "Your password was changed while this page was open, so this one was not saved. Sign in again, or ask the "
    "service's administrators for a new link."
)


@transaction.atomic
def password_set_by_its_owner(*, user: User, password: str, reason: str) -> User:
    """The person's own new password (changing it when signed in, or through the emailed link),
    saved on the account's row as it is now, locked, and only if its password is still the one the
    page checked (`user.password`, read at the request's start): otherwise an officer's approval that
    replaced it meanwhile would be undone, and Django's own save writes back the whole row it read
    (the third review of docs/adr/0062). Saves the password only, never the rest of an old copy."""
    locked = User.objects.select_for_update(no_key=True).get(pk=user.pk)
    if locked.password != user.password:
        raise ValidationError(PASSWORD_CHANGED_MEANWHILE)
    locked.set_password(password)
    save_as(locked, actor=locked, update_fields=["password"], reason=reason)
    user.password = locked.password  # the session's hash follows the new one
    return locked


@transaction.atomic
def password_chosen_through_the_link(*, user: User, password: str) -> User:
    """The password a person chooses through the emailed link. Opening the link shows they hold the
    account's address, so a sign-in lock on the account (its username's failed tries,
    accounts.lockout) is lifted as well, recorded as the person's own: otherwise someone locked out,
    sent a link, would choose a password and still be refused for the rest of the lock."""
    saved = password_set_by_its_owner(user=user, password=password, reason=CHOSEN_REASON)
    if lockout.is_locked(lockout.failed_attempts(saved)):  # (failures short of a lock expire by themselves)
        lockout.account_unlock(user=saved, actor=saved)
    return saved


def sits_for_a_school(user: User) -> bool:
    """Whether the account is a governor holding a chair or vice-chair seat (accounts.rules.case_access)."""
    from schools.models import SCHOOL_MEMBER_SEATS, Governorship  # schools is above accounts

    if user.pk is None or user.role != Role.GOVERNOR:
        return False
    return Governorship.objects.filter(user=user, role__in=SCHOOL_MEMBER_SEATS).exists()


def case_reading(user: User) -> int:
    """How much case material the account opens now: its role's (and seats'), or none while it is inactive."""
    return rules.case_access(user.role, sits_for_a_school=sits_for_a_school(user)) if user.is_active else 0


def link_if_it_gains_case_material(
    *, user: User, actor: User | None, before: int, request: RoleRequest | None = None
) -> bool:
    """After a change that may have opened case material to the account (`before`: case_reading
    before it): when accounts.rules says so, its password stops working and a link to choose a new
    one is emailed; an account that signs in with single sign-on gets no link (it signs in there).
    Refused, rolling the change back, when there is no address to send the link to. True when sent."""
    if not rules.a_case_reader_signs_in_with_a_password_only_they_know(before=before, after=case_reading(user)):
        return False
    replaced = user.has_usable_password()
    # Always a new unusable password, even over an unusable one: the link's token hashes it, so every
    # link made before (to whatever address) stops working too.
    user.set_unusable_password()
    if user.signs_in_with_sso:
        save_as(user, actor=actor or SYSTEM, update_fields=["password"], reason=SSO_REPLACED_REASON if replaced else "")
        return False
    if not user.email:
        raise ValidationError(NO_ADDRESS_FOR_THE_LINK.format(user=user))
    save_as(user, actor=actor or SYSTEM, update_fields=["password"], reason=REPLACED_REASON if replaced else "")
    access.password_link_record(user=user, actor=actor, request=request, detail=REPLACED_DETAIL if replaced else "")
    return True


def link_sent_for(request: RoleRequest) -> AccessEvent | None:
    """The link the approval of this request sent, if it sent one."""
    return request.events.filter(kind=AccessEventKind.PASSWORD_LINK_SENT).first()


@transaction.atomic
def password_link_send(*, user: User, actor: User) -> AccessEvent:
    """Email the person a new link to choose their password (the last one expired or went astray).
    The link goes to their address; a password they already have keeps working until they choose
    another. Whoever controls the address can use the link, so this gives nobody case material: an
    account that opens some had its address changed only with an officer's agreement (ADR 0061),
    and coming to open it replaces the password again (link_if_it_gains_case_material)."""
    if not user.email:
        raise ValidationError(NO_ADDRESS_FOR_THE_LINK.format(user=user))
    return access.password_link_record(user=user, actor=actor)


def link_path(user: User) -> str:
    uid, token = urlsafe_base64_encode(force_bytes(user.pk)), choose_password_tokens.make_token(user)
    return reverse("accounts:choose_password", kwargs={"uidb64": uid, "token": token})


def link_email(event: AccessEvent) -> tuple[str, str] | None:
    """The subject and text of the email with the link, made when it is sent (the token is of the
    account as it is then); None when the account's address is no longer the one it was asked for."""
    user = event.user
    if user.email.casefold() != event.emailed_to.casefold():
        return None
    body = render_to_string(
        "accounts/email/choose_password.txt",
        {
            "user": user,
            "link": settings.SITE_URL.rstrip("/") + link_path(user),
            "days": settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60),
            "replaced": event.detail == REPLACED_DETAIL,
            "when": timezone.localtime(event.at),
            "service": settings.SERVICE_NAME,
            "council": settings.COUNCIL_NAME,
        },
    )
    return LINK_SUBJECT, body
