"""Single sign-on with the council's identity provider over OpenID Connect (docs/adr/0013).

Off unless configured (config/oidc.py). mozilla-django-oidc does the protocol (code flow with PKCE,
nonce, signature of the ID token); this package decides who may sign in (claims.py, services.py),
shows refusals as pages (views.py) and ends the provider's session on sign-out (provider.py).

For other sign-in rules (a second factor): `signed_in_with_sso(request)` tells whether this
session was signed in through the identity provider, which checks its own factors; the account's
`signs_in_with_sso` says it has ever done so."""

SIGN_IN_METHOD_SESSION_KEY = "sign_in_method"
SSO = "sso"


def signed_in_with_sso(request) -> bool:
    """Whether this session was signed in with single sign-on (not a username and password)."""
    session = getattr(request, "session", None)
    return session is not None and session.get(SIGN_IN_METHOD_SESSION_KEY) == SSO


def forget_sign_in_method(sender, request, user, **kwargs):
    """user_logged_in: every sign-in starts as a password one; the single sign-on callback marks
    its own after signing in (a session that signed in again with a password is not left marked)."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(SIGN_IN_METHOD_SESSION_KEY, None)
