"""Signing someone in with the identity provider's claims: which account, and its role when the
council maps groups to roles (docs/adr/0013). Writes go through accounts.services and the access
log, with actor None: the system, which accounts.rules lets give a role."""

import logging
from typing import Any

from django.conf import settings
from django.db import transaction

from accounts import access, own_passwords
from accounts.models import AccessEventKind, User
from accounts.services import hold_account_details, user_set_role
from core.history import SYSTEM, save_as

from . import claims as rules
from .claims import NO_ACCOUNT, Refusal

log = logging.getLogger(__name__)

FIRST_SSO_SIGN_IN_REASON = "First signed in with single sign-on"
CREATED_DETAIL = "Made at first sign-in with single sign-on"


def _username_for(email: str) -> str:
    username, n = email, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{email}-{n}"
    return username


@transaction.atomic
def sso_user_create(*, email: str, claims: dict[str, Any]) -> User:
    """An account for a verified council address, made at its first sign-in (OIDC_CREATE_USERS).
    No password (it signs in through the provider) and no role unless the groups give one."""
    user = User(
        username=_username_for(email),
        email=email,
        first_name=str(claims.get("given_name") or "")[:150],
        last_name=str(claims.get("family_name") or "")[:150],
        signs_in_with_sso=True,
    )
    user.set_unusable_password()
    save_as(user, actor=SYSTEM)
    access.access_event_record(kind=AccessEventKind.ACCOUNT_CREATED, user=user, actor=None, detail=CREATED_DETAIL)
    return user


@transaction.atomic
def sso_user_for_claims(*, claims: dict[str, Any]) -> User:
    """The active account these claims sign in to, its role set from the groups when mapped, or
    Refusal. One account per verified address: none, several or an inactive one is the same
    refusal, which says nothing of other people's accounts."""
    email = rules.verified_email(
        claims,
        allowed_domains=settings.OIDC_ALLOWED_DOMAINS,
        trust_provider_emails=settings.OIDC_TRUST_PROVIDER_EMAILS,
    )
    role = rules.mapped_role(claims, groups_claim=settings.OIDC_GROUPS_CLAIM, role_groups=settings.OIDC_ROLE_GROUPS)
    # A first sign-in in two tabs at once makes one account; its username is the address, held too
    # (against an admin creating an account with that username at the same moment).
    hold_account_details(username=email, email=email)
    matches = list(User.objects.filter(email__iexact=email)[:2])
    if len(matches) > 1:
        log.warning("Single sign-on refused: more than one account has the address %s", email)
        raise Refusal(NO_ACCOUNT, email)
    if not matches:
        if not settings.OIDC_CREATE_USERS:
            log.info("Single sign-on refused: no account has the address %s", email)
            raise Refusal(NO_ACCOUNT, email)
        user = sso_user_create(email=email, claims=claims)
    else:
        user = matches[0]
    if not user.is_active:  # reactivating is an officer's decision (accounts.rules), never a sign-in's
        log.info("Single sign-on refused: the account %s is deactivated", user.username)
        raise Refusal(NO_ACCOUNT, email)
    if not user.signs_in_with_sso:
        user.signs_in_with_sso = True
        save_as(user, actor=SYSTEM, update_fields=["signs_in_with_sso"], reason=FIRST_SSO_SIGN_IN_REASON)
    if role is not None:
        before = own_passwords.case_reading(user)
        user_set_role(user=user, role=role, actor=None)  # no change, no log line
        # A password someone else chose stops working when the mapped role opens more (docs/adr/0062).
        own_passwords.link_if_it_gains_case_material(user=user, actor=None, before=before)
    return user
