"""Who the identity provider says this is, and what that allows: pure rules on the claims
(tested in tests/accounts/test_sso_claims.py). docs/adr/0013.

- The email address is the `email` claim, and counts only when the provider says it verified it
  (`email_verified` true), or when the council says every address its provider gives is verified
  (OIDC_TRUST_PROVIDER_EMAILS: Microsoft Entra ID sends no `email_verified`).
- Its domain must be one of OIDC_ALLOWED_DOMAINS (exactly: no subdomains).
- With OIDC_GROUPS_CLAIM and OIDC_ROLE_GROUPS, the role is the first listed whose group is in the
  groups claim; in none of them, no sign-in."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# What a refused person is told, by reason. Static text: the address is shown beside it, never
# formatted into it. None says whether an account exists for anyone else's address.
NO_EMAIL = "Your identity provider did not give this service your email address, so it cannot find your account."
UNVERIFIED_EMAIL = (
    "Your identity provider has not verified your email address, so this service cannot use it to sign you in."
)
WRONG_DOMAIN = (
    "Single sign-on is only for email addresses of the council. Sign in with the account the council gave you."
)
NO_ACCOUNT = (
    "There is no active account in this service for your email address. "
    "If you need one, ask your system administrator, giving them that address."
)
NO_ROLE_GROUP = (
    "Your account at your identity provider is not in any group that gives a role in this service. "
    "If you need access, ask your system administrator."
)


@dataclass
class Refusal(Exception):
    """Sign-in refused: `message` is one of the constants above; `email` what the provider gave."""

    message: str
    email: str = ""

    def __str__(self) -> str:
        return self.message


def merge_claims(id_token: Mapping, userinfo: Mapping | None) -> dict:
    """The ID token's claims, with what the userinfo endpoint adds. The ID token is signed, so it
    wins where both say something; userinfo for another subject is ignored (OpenID Connect Core
    5.3.2: its `sub` must be the ID token's)."""
    claims = dict(id_token)
    if userinfo and userinfo.get("sub") == id_token.get("sub"):
        for name, value in userinfo.items():
            claims.setdefault(name, value)
    return claims


def _is_true(value) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def verified_email(claims: Mapping, *, allowed_domains: Iterable[str], trust_provider_emails: bool) -> str:
    """The claims' email address, lower-cased, or Refusal."""
    email = claims.get("email")
    if not isinstance(email, str) or email.count("@") != 1 or not email.strip():
        raise Refusal(NO_EMAIL)
    email = email.strip().lower()
    if not (trust_provider_emails or _is_true(claims.get("email_verified"))):
        raise Refusal(UNVERIFIED_EMAIL, email)
    if email.rpartition("@")[2] not in {domain.lower() for domain in allowed_domains}:
        raise Refusal(WRONG_DOMAIN, email)
    return email


def mapped_role(claims: Mapping, *, groups_claim: str, role_groups: Iterable[tuple[str, str]]) -> str | None:
    """The role the groups claim gives (the first of role_groups that matches), None when no
    mapping is configured, or Refusal when it is and no group matches."""
    role_groups = list(role_groups)
    if not groups_claim or not role_groups:
        return None
    groups = claims.get(groups_claim)
    if isinstance(groups, str):
        groups = [groups]
    if not isinstance(groups, list | tuple):
        groups = []
    names = {group for group in groups if isinstance(group, str)}
    for role, group in role_groups:
        if group in names:
            return role
    raise Refusal(NO_ROLE_GROUP, str(claims.get("email") or ""))
