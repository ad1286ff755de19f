"""Signing out after a single sign-on posts the sign-out form, whose answer sends the browser on to
the provider's end_session_endpoint. Browsers apply the page's CSP `form-action` to that redirect
too, so `form-action 'self'` (docs/adr/0015) would stop the sign-out at the provider: the pages of a
session signed in through the provider allow that provider's origin as a form target, no more."""

from urllib.parse import urlsplit

from django.conf import settings

from . import provider, signed_in_with_sso


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def sign_out_origin() -> str:
    """The origin of the provider's end_session_endpoint (from discovery, which is kept a while),
    or the issuer's when it cannot be read."""
    try:
        endpoint = provider.setting("OIDC_OP_END_SESSION_ENDPOINT", "")
    except provider.ProviderUnavailable:
        endpoint = ""
    return _origin(endpoint or settings.OIDC_ISSUER or "")


class SignOutFormActionMiddleware:
    """Below csp.middleware.CSPMiddleware, so that its policy includes this update."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if provider.enabled() and signed_in_with_sso(request):
            origin = sign_out_origin()
            if origin:
                update = getattr(response, "_csp_update", None) or {}
                response._csp_update = {**update, "form-action": [*update.get("form-action", []), origin]}
        return response
