"""Single sign-on settings: the council's identity provider over OpenID Connect (docs/adr/0013).

Off unless configured. Any OIDC_* variable turns it on, and then every required one must be set
and make sense, or the app refuses to start (a sign-in that half works is worse than none). Read by
config/settings.py; the names of the settings it returns are mozilla-django-oidc's where that
library reads them (OIDC_OP_*, OIDC_RP_*), and this project's otherwise.
"""

from collections.abc import Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from core.text import is_number

# The roles of accounts/roles.py (not imported: settings load before the apps).
ROLE_NAMES = ("governor", "adviser", "officer", "admin")
SIGN_ALGORITHMS = ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512")

# Environment variable -> setting, for each endpoint. With OIDC_ISSUER, any not given is read from
# the provider's discovery document; without it, the first three are required.
ENDPOINTS = {
    "OIDC_AUTHORIZATION_ENDPOINT": "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_TOKEN_ENDPOINT": "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_JWKS_ENDPOINT": "OIDC_OP_JWKS_ENDPOINT",
    "OIDC_USERINFO_ENDPOINT": "OIDC_OP_USER_ENDPOINT",
    "OIDC_END_SESSION_ENDPOINT": "OIDC_OP_END_SESSION_ENDPOINT",
}
REQUIRED_WITHOUT_ISSUER = ("OIDC_AUTHORIZATION_ENDPOINT", "OIDC_TOKEN_ENDPOINT", "OIDC_JWKS_ENDPOINT")
REQUIRED = ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_ALLOWED_DOMAINS")
OPTIONAL = (
    "OIDC_ISSUER",
    "OIDC_GROUPS_CLAIM",
    "OIDC_ROLE_GROUPS",
    "OIDC_CREATE_USERS",
    "OIDC_TRUST_PROVIDER_EMAILS",
    "OIDC_PROVIDER_NAME",
    "OIDC_SIGN_ALGO",
    "OIDC_SCOPES",
    "OIDC_TIMEOUT",
)
KNOWN = (*REQUIRED, *OPTIONAL, *ENDPOINTS)
TRUE, FALSE = ("true", "yes", "on", "1"), ("false", "no", "off", "0", "")

PREFIX = "Single sign-on (OIDC_*) is partly configured: "


def _refuse(message: str):
    raise ImproperlyConfigured(
        PREFIX + message + ' See docs/accounts.md, "Single sign-on". Unset every OIDC_* to turn it off.'
    )


def _bool(values: Mapping[str, str], name: str) -> bool:
    value = values.get(name, "").lower()
    if value not in TRUE + FALSE:
        _refuse(f"{name} must be true or false, not {values[name]!r}.")
    return value in TRUE


def _url(name: str, value: str, *, debug: bool) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        _refuse(f"{name} must be a URL (https://...), not {value!r}.")
    if parts.scheme == "http" and not debug:
        _refuse(f"{name} must use https when DEBUG is false.")
    return value


def parse_role_groups(value: str) -> list[tuple[str, str]]:
    """ "officer=group-id-1,adviser=group-id-2" -> [("officer", "group-id-1"), ("adviser", "group-id-2")].
    Order matters: someone in several mapped groups gets the first listed role they match."""
    pairs, seen = [], set()
    for item in value.split(","):
        if not item.strip():
            continue
        role, equals, group = (part.strip() for part in item.partition("="))
        if not equals or not group or role.lower() not in ROLE_NAMES:
            _refuse(
                f"OIDC_ROLE_GROUPS must be role=group pairs (roles: {', '.join(ROLE_NAMES)}), not {item.strip()!r}."
            )
        if group in seen:
            _refuse(f"OIDC_ROLE_GROUPS gives group {group!r} more than one role.")
        seen.add(group)
        pairs.append((role.lower(), group))
    if not pairs:
        _refuse("OIDC_ROLE_GROUPS is empty.")
    return pairs


def parse_domains(value: str) -> list[str]:
    domains = [domain.strip().lower() for domain in value.split(",") if domain.strip()]
    for domain in domains:
        if "@" in domain or "." not in domain or " " in domain:
            _refuse(f"OIDC_ALLOWED_DOMAINS must be domain names (council.gov.uk), not {domain!r}.")
    if not domains:
        _refuse("OIDC_ALLOWED_DOMAINS is empty.")
    return domains


def oidc_settings(environ: Mapping[str, str], *, debug: bool, council_name: str) -> dict:
    """The single sign-on settings from these environment variables (os.environ at start-up)."""
    values = {name: value.strip() for name, value in environ.items() if name.startswith("OIDC_") and value.strip()}
    settings = {
        "OIDC_ENABLED": bool(values),
        "OIDC_PROVIDER_NAME": values.get("OIDC_PROVIDER_NAME") or f"your {council_name} account",
        "OIDC_ISSUER": "",
        "OIDC_ALLOWED_DOMAINS": [],
        "OIDC_TRUST_PROVIDER_EMAILS": False,
        "OIDC_CREATE_USERS": False,
        "OIDC_GROUPS_CLAIM": "",
        "OIDC_ROLE_GROUPS": [],
        # mozilla-django-oidc's own: code flow with PKCE and a nonce, the ID token kept in the
        # session (for signing out at the provider); accounts are never made by the library.
        "OIDC_RP_CLIENT_ID": "",
        "OIDC_RP_CLIENT_SECRET": "",
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_RP_SCOPES": "openid email profile",
        "OIDC_USE_PKCE": True,
        "OIDC_USE_NONCE": True,
        "OIDC_STORE_ID_TOKEN": True,
        "OIDC_CREATE_USER": False,
        "OIDC_TIMEOUT": 10,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "sso:callback",
        **dict.fromkeys(ENDPOINTS.values(), ""),
    }
    if not values:
        return settings
    unknown = sorted(set(values) - set(KNOWN))
    if unknown:
        _refuse(f"unknown variable(s) {', '.join(unknown)}.")
    missing = [name for name in REQUIRED if name not in values]
    if "OIDC_ISSUER" not in values:
        missing += [name for name in REQUIRED_WITHOUT_ISSUER if name not in values]
    if missing:
        _refuse(f"set {', '.join(missing)} (or OIDC_ISSUER for the endpoints).")
    if ("OIDC_GROUPS_CLAIM" in values) != ("OIDC_ROLE_GROUPS" in values):
        _refuse("OIDC_GROUPS_CLAIM and OIDC_ROLE_GROUPS are set together or not at all.")

    if "OIDC_ISSUER" in values:
        settings["OIDC_ISSUER"] = _url("OIDC_ISSUER", values["OIDC_ISSUER"], debug=debug)
    for variable, setting in ENDPOINTS.items():
        if variable in values:
            settings[setting] = _url(variable, values[variable], debug=debug)
    settings["OIDC_RP_CLIENT_ID"] = values["OIDC_CLIENT_ID"]
    settings["OIDC_RP_CLIENT_SECRET"] = values["OIDC_CLIENT_SECRET"]
    settings["OIDC_ALLOWED_DOMAINS"] = parse_domains(values["OIDC_ALLOWED_DOMAINS"])
    settings["OIDC_TRUST_PROVIDER_EMAILS"] = _bool(values, "OIDC_TRUST_PROVIDER_EMAILS")
    settings["OIDC_CREATE_USERS"] = _bool(values, "OIDC_CREATE_USERS")
    if "OIDC_ROLE_GROUPS" in values:
        settings["OIDC_GROUPS_CLAIM"] = values["OIDC_GROUPS_CLAIM"]
        settings["OIDC_ROLE_GROUPS"] = parse_role_groups(values["OIDC_ROLE_GROUPS"])
    algorithm = values.get("OIDC_SIGN_ALGO", "RS256")
    if algorithm not in SIGN_ALGORITHMS:
        _refuse(f"OIDC_SIGN_ALGO must be one of {', '.join(SIGN_ALGORITHMS)}, not {algorithm!r}.")
    settings["OIDC_RP_SIGN_ALGO"] = algorithm
    scopes = values.get("OIDC_SCOPES", settings["OIDC_RP_SCOPES"])
    if "openid" not in scopes.split():
        _refuse("OIDC_SCOPES must include openid.")
    settings["OIDC_RP_SCOPES"] = scopes
    timeout = values.get("OIDC_TIMEOUT", "10")
    if not is_number(timeout) or not 1 <= int(timeout) <= 120:
        _refuse(f"OIDC_TIMEOUT must be a number of seconds from 1 to 120, not {timeout!r}.")
    settings["OIDC_TIMEOUT"] = int(timeout)
    return settings
