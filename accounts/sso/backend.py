"""The authentication backend for single sign-on: mozilla-django-oidc's, which exchanges the code
and checks the ID token's signature and nonce, with this project's rules on top (docs/adr/0013):

- only for the callback (called with a nonce), and only when single sign-on is configured;
- the ID token's issuer and audience are checked too (the library checks neither);
- its times (iat, nbf, exp) are checked with CLOCK_SKEW_SECONDS of leeway (the library allows none,
  so a server a second behind the provider would refuse every sign-in);
- claims are the ID token's plus the userinfo endpoint's (Entra ID puts groups in the ID token,
  other providers put the email address in userinfo only);
- the account is found by accounts.sso.services, whose refusal is kept on the request for the
  callback's page;
- like accounts.backends.PasswordBackend, it grants no permission (roles do: docs/adr/0008), and
  a session's user is found only while the account is active."""

import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.backends import PasswordBackend

from . import provider
from .claims import Refusal, merge_claims
from .services import sso_user_for_claims

REFUSAL_ATTRIBUTE = "sso_refusal"
# How far apart the provider's clock and this server's may be; Entra ID's own libraries allow 5 minutes.
CLOCK_SKEW_SECONDS = 60


class SSOBackend(OIDCAuthenticationBackend, PasswordBackend):
    """PasswordBackend's permission methods (none) and active-only get_user; the library's sign-in."""

    get_settings = staticmethod(provider.setting)

    def __init__(self, *args, **kwargs):
        # The library reads its endpoints here: this backend is made for every authenticate() and
        # every request's user, so it reads them only when it signs someone in.
        self.UserModel = get_user_model()

    def _configure(self) -> None:
        super().__init__()

    def authenticate(self, request, **kwargs):
        if not provider.enabled() or request is None or "nonce" not in kwargs:
            return None  # a username and password, or SSO off: not this backend's
        self._configure()
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload, key):
        algorithm = jwt.get_unverified_header(payload).get("alg")
        if algorithm != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"The ID token is signed with {algorithm!r}, not OIDC_SIGN_ALGO.")
        try:
            return jwt.decode(
                payload, key, algorithms=[algorithm], options={"verify_aud": False}, leeway=CLOCK_SKEW_SECONDS
            )
        except jwt.DecodeError:
            raise SuspiciousOperation("JWS token verification failed.") from None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token is not for this client.")
        if settings.OIDC_ISSUER and payload.get("iss") != settings.OIDC_ISSUER:
            raise SuspiciousOperation("The ID token is not from the configured issuer.")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        userinfo = None
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = super().get_userinfo(access_token, id_token, payload)
        return merge_claims(payload, userinfo)

    def verify_claims(self, claims):
        return True  # sso_user_for_claims decides, and says why not

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        try:
            return sso_user_for_claims(claims=claims)
        except Refusal as refusal:
            setattr(self.request, REFUSAL_ATTRIBUTE, refusal)
            return None

    def get_user(self, user_id):
        return PasswordBackend.get_user(self, user_id)  # None once the account is deactivated
