"""A case reader signs in with a password only they know (docs/adr/0062).

An admin creating an account, or setting its password, chooses a password they know. ADR 0061 made
an admin's reset of a case reader's credentials wait for an officer; this closes what it left: when
an account comes to open case material (an officer gives it the role or reactivates it, directly or
by approving a request) and its password was chosen by someone else, that password stops working
and the person is emailed a link to choose their own. The link is Django's password-reset token: it
works once, stops working when the password, the email address or the last sign-in changes, and
expires after settings.PASSWORD_RESET_TIMEOUT."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.history import SYSTEM, save_as

from . import access, rules
from .models import AccessEvent, AccessEventKind, RoleRequest, User

NO_ADDRESS_FOR_THE_LINK = (
    "{user} has no email address, and a headteacher, adviser or officer chooses their own password through a link "
    "emailed to them. Ask an admin to add their address first."
)
REPLACED_REASON = "Password chosen by someone else stopped working: a link to choose their own was sent"
REPLACED_DETAIL = "the password someone else chose stopped working"
CHOSEN_REASON = "Chose their own password through the emailed link"
LINK_SENT = "A link to choose their own password was emailed to {email}: only they will know it."
LINK_SUBJECT = "choose the password for your account"


def link_sent_for(request: RoleRequest) -> AccessEvent | None:
    """The link the approval of this request sent, if it sent one."""
    return request.events.filter(kind=AccessEventKind.PASSWORD_LINK_SENT).first()


def case_reading(user: User) -> int:
    """How much case material the account opens now: its role's, or none while it is inactive."""
    return rules.case_access(user.role) if user.is_active else 0


def link_if_it_gains_case_material(
    *, user: User, actor: User | None, before: int, request: RoleRequest | None = None
) -> bool:
    """After a change that may have opened case material to the account (`before`: case_reading
    before it): when accounts.rules says so, the password stops working and a link to choose one is
    emailed. Refused, rolling the change back, when there is no address to send it to. True when sent."""
    if not rules.a_case_reader_signs_in_with_a_password_only_they_know(
        before=before,
        after=case_reading(user),
        set_by_someone_else=user.password_set_by_someone_else,
        has_password=user.has_usable_password(),
        signs_in_with_sso=user.signs_in_with_sso,
    ):
        return False
    if not user.email:
        raise ValidationError(NO_ADDRESS_FOR_THE_LINK.format(user=user))
    replaced = user.has_usable_password()
    user.set_unusable_password()
    user.password_set_by_someone_else = False
    save_as(user, actor=actor or SYSTEM, reason=REPLACED_REASON if replaced else "")
    access.password_link_record(user=user, actor=actor, request=request, detail=REPLACED_DETAIL if replaced else "")
    return True


def password_chosen_by_its_owner(user: User) -> None:
    """Before the person's own new password is saved (the link's page, or changing it when signed
    in): nobody else knows it now."""
    user.password_set_by_someone_else = False


def link_path(user: User) -> str:
    uid, token = urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)
    return reverse("accounts:choose_password", kwargs={"uidb64": uid, "token": token})


def link_email(event: AccessEvent) -> tuple[str, str]:
    """The subject and text of the email with the link, made when it is sent (the token is of the
    account as it is then)."""
    user = event.user
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


def password_link_send(*, user: User, actor: User) -> AccessEvent:
    """Email the person a new link to choose their password (the last one expired or went astray).
    The link goes only to their own address, so whoever sends it cannot use it; a password they
    already have keeps working until they choose another."""
    if not user.email:
        raise ValidationError(NO_ADDRESS_FOR_THE_LINK.format(user=user))
    return access.password_link_record(user=user, actor=actor)
