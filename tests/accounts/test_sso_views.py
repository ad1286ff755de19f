"""Single sign-on pages without a provider (the browser tests use a real one): off by default,
the start of a sign-in, refusals as pages, sign-out at the provider, and the backend's checks.
docs/adr/0013."""

import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings as django_settings
from django.contrib.auth import authenticate, login
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import SuspiciousOperation
from django.test import RequestFactory
from django.urls import reverse

from accounts.roles import Role
from accounts.sso import SIGN_IN_METHOD_SESSION_KEY, SSO
from accounts.sso import views as sso_views
from accounts.sso.backend import CLOCK_SKEW_SECONDS, SSOBackend
from accounts.sso.provider import forget_discovery
from config.oidc import oidc_settings

IDP = "https://idp.example.test"


def configure(settings, **environ):
    environ = {
        "OIDC_CLIENT_ID": "school-improvement",
        "OIDC_CLIENT_SECRET": "secret",
        "OIDC_ALLOWED_DOMAINS": "example.org",
        "OIDC_PROVIDER_NAME": "Example Council account",
        **environ,
    }
    for name, value in oidc_settings(environ, debug=True, council_name=django_settings.COUNCIL_NAME).items():
        setattr(settings, name, value)
    forget_discovery()


@pytest.fixture
def sso_on(settings):
    configure(
        settings,
        OIDC_AUTHORIZATION_ENDPOINT=f"{IDP}/authorize",
        OIDC_TOKEN_ENDPOINT=f"{IDP}/token",
        OIDC_JWKS_ENDPOINT=f"{IDP}/jwks",
        OIDC_END_SESSION_ENDPOINT=f"{IDP}/logout",
    )
    return settings


@pytest.mark.django_db
def test_single_sign_on_is_off_by_default_its_pages_do_not_exist(client):
    assert client.get(reverse("sso:authenticate")).status_code == 404
    assert client.get(reverse("sso:callback"), {"code": "c", "state": "s"}).status_code == 404
    assert "Sign in with" not in client.get(reverse("accounts:login")).content.decode()


@pytest.mark.django_db
def test_the_sign_in_page_offers_the_identity_provider_and_keeps_the_page_asked_for(client, sso_on):
    page = client.get(reverse("accounts:login"), {"next": "/schools/"}).content.decode()
    assert 'href="/oidc/authenticate/?next=%2Fschools%2F"' in page
    assert "Sign in with Example Council account" in page
    assert 'class="govuk-button"' in page


@pytest.mark.django_db
def test_starting_a_sign_in_sends_the_browser_to_the_provider_with_state_nonce_and_pkce(client, sso_on):
    response = client.get(reverse("sso:authenticate"), {"next": "/schools/"})
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{IDP}/authorize"
    query = {name: values[0] for name, values in parse_qs(location.query).items()}
    assert query["client_id"] == "school-improvement"
    assert query["redirect_uri"] == "http://testserver/oidc/callback/"
    assert query["response_type"] == "code"
    assert query["scope"] == "openid email profile"
    assert query["code_challenge_method"] == "S256"
    assert query["nonce"]
    assert query["state"] in client.session["oidc_states"]
    assert client.session["oidc_login_next"] == "/schools/"


@pytest.mark.django_db
def test_a_callback_this_session_did_not_start_is_a_page_saying_so_not_an_error(client, sso_on):
    response = client.get(reverse("sso:callback"), {"code": "c", "state": "not-started-here"})
    assert response.status_code == 403
    assert response.context["message"] == sso_views.FAILED
    client.get(reverse("sso:authenticate"))  # a sign-in started, but with another state
    response = client.get(reverse("sso:callback"), {"code": "c", "state": "not-this-one"})
    assert (response.status_code, response.context["message"]) == (403, sso_views.FAILED)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_sign_in_abandoned_at_the_provider_says_so(client, sso_on):
    response = client.get(reverse("sso:callback"), {"error": "access_denied", "state": "s"})
    assert (response.status_code, response.context["message"]) == (403, sso_views.CANCELLED)


@pytest.mark.django_db
def test_a_provider_that_does_not_answer_is_a_page_not_an_error(client, settings):
    configure(settings, OIDC_ISSUER="http://127.0.0.1:9", OIDC_TIMEOUT="2")  # nothing listens on port 9
    response = client.get(reverse("sso:authenticate"))
    assert (response.status_code, response.context["message"]) == (503, sso_views.UNAVAILABLE)


def csp_directives(response) -> dict[str, str]:
    parts = (part.strip().split(None, 1) for part in response["Content-Security-Policy"].split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def test_pages_of_a_single_sign_on_session_let_the_sign_out_form_go_on_to_the_provider(client, officer, sso_on):
    """Browsers apply CSP form-action to the sign-out form's redirect (docs/adr/0015)."""
    client.force_login(officer)
    assert csp_directives(client.get(reverse("dashboard:home")))["form-action"] == "'self'"

    session = client.session
    session[SIGN_IN_METHOD_SESSION_KEY] = SSO
    session.save()
    directives = csp_directives(client.get(reverse("dashboard:home")))
    assert directives["form-action"] == f"'self' {IDP}"
    assert directives["script-src"] == "'self'"


def test_signing_out_after_single_sign_on_signs_out_at_the_provider_too(client, officer, sso_on):
    client.force_login(officer)
    session = client.session
    session[SIGN_IN_METHOD_SESSION_KEY] = SSO
    session["oidc_id_token"] = "the-id-token"
    session.save()
    response = client.post(reverse("accounts:logout"))
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{IDP}/logout"
    assert parse_qs(location.query) == {
        "client_id": ["school-improvement"],
        "post_logout_redirect_uri": ["http://testserver/accounts/sign-in/"],
        "id_token_hint": ["the-id-token"],
    }
    assert "_auth_user_id" not in client.session


def test_signing_out_after_a_password_sign_in_stays_in_the_app(client, officer, sso_on):
    client.force_login(officer)
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:login")


# ---- the backend ------------------------------------------------------------------------------


def test_a_username_and_password_never_reach_the_single_sign_on_backend(officer, sso_on):
    request = RequestFactory().post("/accounts/sign-in/?code=c&state=s")
    assert SSOBackend().authenticate(request, username="officer", password="x") is None
    assert authenticate(request, username="officer", password="wrong") is None


def test_the_backend_grants_no_permission_and_forgets_a_deactivated_account(make_user):
    user = make_user(Role.OFFICER)
    assert SSOBackend().get_all_permissions(user) == set()
    assert not SSOBackend().has_perm(user, "accounts.manage_users")
    assert SSOBackend().get_user(user.pk) == user
    user.is_active = False
    user.save()
    assert SSOBackend().get_user(user.pk) is None


@pytest.fixture
def signing_key(settings):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    settings.OIDC_RP_IDP_SIGN_KEY = public.decode()
    return key


def id_token(key, **claims):
    now = int(time.time())
    payload = {"iss": "https://idp.example.test", "aud": "school-improvement", "sub": "s", "iat": now, "exp": now + 60}
    return jwt.encode({**payload, **claims}, key, algorithm="RS256")


def test_an_id_token_for_another_client_or_from_another_issuer_is_refused(settings, signing_key):
    endpoints = {
        f"OIDC_{name}_ENDPOINT": f"{IDP}/{name.lower()}" for name in ("AUTHORIZATION", "TOKEN", "JWKS", "USERINFO")
    }
    configure(settings, OIDC_ISSUER=IDP, **endpoints)  # nothing discovered: no request leaves the machine
    backend = SSOBackend()
    backend._configure()
    assert backend.verify_token(id_token(signing_key, nonce="n"), nonce="n")["sub"] == "s"
    assert backend.verify_token(id_token(signing_key, nonce="n", aud=["other", "school-improvement"]), nonce="n")
    with pytest.raises(SuspiciousOperation, match="not for this client"):
        backend.verify_token(id_token(signing_key, nonce="n", aud="another-app"), nonce="n")
    with pytest.raises(SuspiciousOperation, match="not from the configured issuer"):
        backend.verify_token(id_token(signing_key, nonce="n", iss="https://evil.example.test"), nonce="n")
    with pytest.raises(SuspiciousOperation, match="Nonce"):
        backend.verify_token(id_token(signing_key, nonce="other"), nonce="n")


@pytest.fixture
def configured_backend(settings, signing_key):
    endpoints = {
        f"OIDC_{name}_ENDPOINT": f"{IDP}/{name.lower()}" for name in ("AUTHORIZATION", "TOKEN", "JWKS", "USERINFO")
    }
    configure(settings, OIDC_ISSUER=IDP, **endpoints)  # nothing discovered: no request leaves the machine
    backend = SSOBackend()
    backend._configure()
    return backend


def test_a_provider_clock_up_to_a_minute_ahead_or_behind_still_signs_people_in(configured_backend, signing_key):
    now = int(time.time())
    ahead = CLOCK_SKEW_SECONDS - 5
    token = id_token(signing_key, nonce="n", iat=now + ahead, nbf=now + ahead, exp=now + ahead + 60)
    assert configured_backend.verify_token(token, nonce="n")["sub"] == "s"
    expired_just_now = id_token(signing_key, nonce="n", iat=now - 120, exp=now - CLOCK_SKEW_SECONDS + 5)
    assert configured_backend.verify_token(expired_just_now, nonce="n")["sub"] == "s"


def test_an_id_token_issued_in_the_future_or_long_expired_is_refused(configured_backend, signing_key):
    now = int(time.time())
    later = now + CLOCK_SKEW_SECONDS + 30
    with pytest.raises(jwt.ImmatureSignatureError):
        configured_backend.verify_token(id_token(signing_key, nonce="n", iat=later, exp=later + 60), nonce="n")
    with pytest.raises(jwt.ExpiredSignatureError):
        configured_backend.verify_token(
            id_token(signing_key, nonce="n", iat=now - 600, exp=now - CLOCK_SKEW_SECONDS - 30), nonce="n"
        )


def test_an_id_token_signed_with_another_algorithm_is_refused(configured_backend):
    with pytest.raises(SuspiciousOperation, match="HS256"):
        configured_backend.verify_token(
            jwt.encode({"sub": "s"}, "a-shared-secret-of-enough-length-32b", algorithm="HS256"), nonce="n"
        )


def test_any_sign_in_but_single_sign_ons_leaves_the_session_unmarked(officer):
    request = RequestFactory().post("/accounts/sign-in/")
    request.session = SessionStore()
    request.session[SIGN_IN_METHOD_SESSION_KEY] = SSO
    login(request, officer, backend="accounts.backends.PasswordBackend")
    assert SIGN_IN_METHOD_SESSION_KEY not in request.session


@pytest.fixture
def discovery_server():
    """A local HTTP server answering /.well-known/openid-configuration with `document` (set by the test)."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    served = {"document": {}}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps(served["document"]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    served["issuer"] = f"http://127.0.0.1:{server.server_address[1]}"
    yield served
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_endpoints_come_from_the_issuers_discovery_document_and_only_if_it_names_that_issuer(
    client, settings, discovery_server
):
    issuer = discovery_server["issuer"]
    configure(settings, OIDC_ISSUER=issuer)
    discovery_server["document"] = {"issuer": issuer, "authorization_endpoint": f"{issuer}/auth"}
    response = client.get(reverse("sso:authenticate"))
    assert response["Location"].startswith(f"{issuer}/auth?")

    forget_discovery()
    discovery_server["document"] = {"issuer": "https://someone-else.example.test", "authorization_endpoint": "x"}
    response = client.get(reverse("sso:authenticate"))
    assert (response.status_code, response.context["message"]) == (503, sso_views.UNAVAILABLE)


def test_the_admin_sees_on_the_user_page_that_the_account_has_signed_in_with_sso(client_as, officer):
    page = reverse("accounts:user_detail", kwargs={"pk": officer.pk})
    assert "Has signed in with single sign-on" not in client_as("admin").get(page).content.decode()
    officer.signs_in_with_sso = True
    officer.save()
    assert "Has signed in with single sign-on." in client_as("admin").get(page).content.decode()
