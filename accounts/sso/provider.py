"""The identity provider's endpoints: as configured, else from its discovery document
(OIDC_ISSUER/.well-known/openid-configuration), fetched when first needed and kept for an hour."""

import logging
import threading
import time
from urllib.parse import urlencode

import requests
from django.conf import settings
from mozilla_django_oidc.utils import import_from_settings

log = logging.getLogger(__name__)

DISCOVERY_PATH = "/.well-known/openid-configuration"
KEEP_SECONDS = 60 * 60
# Setting -> the discovery document's key.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_END_SESSION_ENDPOINT": "end_session_endpoint",
}

_lock = threading.Lock()
_documents: dict[str, tuple[float, dict]] = {}


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read (or is not the configured issuer's)."""


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_ENABLED", False))


def discovery_document(issuer: str) -> dict:
    with _lock:
        kept = _documents.get(issuer)
        if kept and time.monotonic() - kept[0] < KEEP_SECONDS:
            return kept[1]
    try:
        response = requests.get(issuer.rstrip("/") + DISCOVERY_PATH, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        log.warning("Could not read the identity provider's discovery document at %s: %s", issuer, error)
        raise ProviderUnavailable(str(error)) from error
    # OpenID Connect Discovery 1.0, 4.3: the document's issuer is exactly the one asked for.
    if not isinstance(document, dict) or document.get("issuer") != issuer:
        log.error("The discovery document at %s names another issuer: %r", issuer, document.get("issuer"))
        raise ProviderUnavailable("issuer mismatch")
    with _lock:
        _documents[issuer] = (time.monotonic(), document)
    return document


def forget_discovery() -> None:
    with _lock:
        _documents.clear()


def setting(attr: str, *default):
    """mozilla-django-oidc's settings reader, with endpoints not configured read from discovery.
    Raises ProviderUnavailable when discovery is needed and fails."""
    if attr in DISCOVERED and not getattr(settings, attr, "") and settings.OIDC_ISSUER:
        value = discovery_document(settings.OIDC_ISSUER).get(DISCOVERED[attr])
        if value:
            return value
        if default:
            return default[0]
    return import_from_settings(attr, *default)


def end_session_url(request, *, id_token: str, return_to: str) -> str | None:
    """Where to send the browser to end its session at the provider too (OpenID Connect
    RP-Initiated Logout), or None when the provider has no end_session_endpoint."""
    try:
        endpoint = setting("OIDC_OP_END_SESSION_ENDPOINT", "")
    except ProviderUnavailable:
        return None
    if not endpoint:
        return None
    params = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(return_to),
    }
    if id_token:
        params["id_token_hint"] = id_token
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{urlencode(params)}"
