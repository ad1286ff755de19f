"""Single sign-on pages: off (404) unless configured. Starting a sign-in at the provider, its
callback, and signing out at the provider too. A refusal is a page that says why (403), never an
error page; the provider not answering is a page too (503). docs/adr/0013."""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import SIGN_IN_METHOD_SESSION_KEY, SSO, provider, signed_in_with_sso
from .backend import REFUSAL_ATTRIBUTE

log = logging.getLogger(__name__)

CANCELLED = "You did not finish signing in with your identity provider."
FAILED = "Signing in with your identity provider did not work. Start again from the sign-in page."
UNAVAILABLE = "Your identity provider is not answering. Try again in a few minutes."
ID_TOKEN_SESSION_KEY = "oidc_id_token"  # mozilla-django-oidc's, with OIDC_STORE_ID_TOKEN


def refused(request, message: str, *, email: str = "", status: int = 403):
    return render(
        request,
        "accounts/sso_refused.html",
        {"title": "You could not sign in", "message": message, "email": email},
        status=status,
    )


class AuthenticateView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider's authorization endpoint (with state, nonce and PKCE)."""

    get_settings = staticmethod(provider.setting)

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # the endpoint is read in get(), where a failure is a page

    def get(self, request):
        if not provider.enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except provider.ProviderUnavailable:
            return refused(request, UNAVAILABLE, status=503)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: signs in the matching account, or says why not."""

    get_settings = staticmethod(provider.setting)

    def get(self, request):
        if not provider.enabled():
            raise Http404
        try:
            return super().get(request)
        except (SuspiciousOperation, jwt.InvalidTokenError) as error:
            # A state this session did not start (an old tab, a replay), or a token that fails its checks.
            log.warning("Single sign-on callback refused: %s", error)
            return refused(request, FAILED)
        except (requests.RequestException, provider.ProviderUnavailable) as error:
            log.warning("Single sign-on: the identity provider did not answer: %s", error)
            return refused(request, UNAVAILABLE, status=503)

    def login_failure(self):
        refusal = getattr(self.request, REFUSAL_ATTRIBUTE, None)
        if refusal is not None:
            return refused(self.request, refusal.message, email=refusal.email)
        return refused(self.request, CANCELLED if self.request.GET.get("error") else FAILED)

    def login_success(self):
        response = super().login_success()
        self.request.session[SIGN_IN_METHOD_SESSION_KEY] = SSO
        return response


class SignOutView(auth_views.LogoutView):
    """Signing out; after a single sign-on, at the provider too when it has an end_session_endpoint
    (it sends the browser back to the sign-in page)."""

    def post(self, request, *args, **kwargs):
        at_provider = None
        if provider.enabled() and signed_in_with_sso(request):
            at_provider = provider.end_session_url(
                request,
                id_token=request.session.get(ID_TOKEN_SESSION_KEY, ""),
                return_to=resolve_url(settings.LOGOUT_REDIRECT_URL),
            )
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(at_provider) if at_provider else response


authenticate_view = login_not_required(AuthenticateView.as_view())
callback_view = login_not_required(CallbackView.as_view())
