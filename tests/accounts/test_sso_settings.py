"""Single sign-on settings (config/oidc.py): off unless OIDC_* are set, and the app refuses to start
when they are set partly or wrongly. docs/adr/0013."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.oidc import PREFIX, oidc_settings

ISSUER = "https://login.microsoftonline.com/7c1e4f0a-0000-4000-8000-000000000000/v2.0"
COMPLETE = {
    "OIDC_ISSUER": ISSUER,
    "OIDC_CLIENT_ID": "client-id",
    "OIDC_CLIENT_SECRET": "client-secret",
    "OIDC_ALLOWED_DOMAINS": "Council.gov.uk, schools.council.gov.uk",
}


def parse(environ, debug=False):
    return oidc_settings(environ, debug=debug, council_name="Example Council")


def test_single_sign_on_is_off_when_no_oidc_variable_is_set():
    values = parse({"PATH": "/usr/bin", "OIDC_CLIENT_ID": "  "})
    assert values["OIDC_ENABLED"] is False
    assert values["OIDC_PROVIDER_NAME"] == "your Example Council account"
    assert settings.OIDC_ENABLED is False  # nor in the tests' own settings


def test_an_issuer_a_client_and_the_allowed_domains_turn_it_on():
    values = parse(COMPLETE)
    assert values["OIDC_ENABLED"] is True
    assert values["OIDC_ISSUER"] == ISSUER
    assert values["OIDC_OP_AUTHORIZATION_ENDPOINT"] == ""  # read from the discovery document
    assert (values["OIDC_RP_CLIENT_ID"], values["OIDC_RP_CLIENT_SECRET"]) == ("client-id", "client-secret")
    assert values["OIDC_ALLOWED_DOMAINS"] == ["council.gov.uk", "schools.council.gov.uk"]
    assert values["OIDC_CREATE_USERS"] is False
    assert values["OIDC_TRUST_PROVIDER_EMAILS"] is False
    assert values["OIDC_ROLE_GROUPS"] == []
    assert values["OIDC_USE_PKCE"] is True


def test_explicit_endpoints_replace_the_issuer():
    endpoints = {
        "OIDC_AUTHORIZATION_ENDPOINT": "https://idp.example.test/authorize",
        "OIDC_TOKEN_ENDPOINT": "https://idp.example.test/token",
        "OIDC_JWKS_ENDPOINT": "https://idp.example.test/jwks",
    }
    values = parse({**{k: v for k, v in COMPLETE.items() if k != "OIDC_ISSUER"}, **endpoints})
    assert values["OIDC_OP_TOKEN_ENDPOINT"] == "https://idp.example.test/token"
    assert values["OIDC_OP_USER_ENDPOINT"] == ""
    assert values["OIDC_ISSUER"] == ""


def test_the_groups_mapping_keeps_its_order():
    values = parse(
        {**COMPLETE, "OIDC_GROUPS_CLAIM": "groups", "OIDC_ROLE_GROUPS": "Officer=g-1, adviser=g-2,adviser=g-3"}
    )
    assert values["OIDC_GROUPS_CLAIM"] == "groups"
    assert values["OIDC_ROLE_GROUPS"] == [("officer", "g-1"), ("adviser", "g-2"), ("adviser", "g-3")]


@pytest.mark.parametrize(
    ("environ", "says"),
    [
        ({"OIDC_CLIENT_ID": "x"}, "set OIDC_CLIENT_SECRET, OIDC_ALLOWED_DOMAINS, OIDC_AUTHORIZATION_ENDPOINT"),
        ({**COMPLETE, "OIDC_ALLOWED_DOMAINS": ""}, "set OIDC_ALLOWED_DOMAINS"),
        ({"OIDC_CREATE_USERS": "true"}, "set OIDC_CLIENT_ID"),
        ({**COMPLETE, "OIDC_CLIENTID": "typo"}, "unknown variable(s) OIDC_CLIENTID"),
        ({**COMPLETE, "OIDC_GROUPS_CLAIM": "groups"}, "set together or not at all"),
        ({**COMPLETE, "OIDC_GROUPS_CLAIM": "groups", "OIDC_ROLE_GROUPS": "superuser=g"}, "role=group pairs"),
        ({**COMPLETE, "OIDC_GROUPS_CLAIM": "groups", "OIDC_ROLE_GROUPS": "officer=g,adviser=g"}, "more than one role"),
        ({**COMPLETE, "OIDC_ALLOWED_DOMAINS": "@council.gov.uk"}, "must be domain names"),
        ({**COMPLETE, "OIDC_ISSUER": "login.microsoftonline.com"}, "OIDC_ISSUER must be a URL"),
        ({**COMPLETE, "OIDC_ISSUER": "http://idp.example.test"}, "must use https when DEBUG is false"),
        ({**COMPLETE, "OIDC_CREATE_USERS": "perhaps"}, "OIDC_CREATE_USERS must be true or false"),
        ({**COMPLETE, "OIDC_SIGN_ALGO": "HS256"}, "OIDC_SIGN_ALGO must be one of"),
        ({**COMPLETE, "OIDC_SCOPES": "email profile"}, "must include openid"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_oidc_variables_set_partly_or_wrongly_stop_the_app(environ, says):
    with pytest.raises(ImproperlyConfigured) as refused:
        parse(environ)
    assert str(refused.value).startswith(PREFIX)
    assert says in str(refused.value)


def test_http_endpoints_are_allowed_in_development_only():
    assert parse({**COMPLETE, "OIDC_ISSUER": "http://127.0.0.1:9000"}, debug=True)["OIDC_ENABLED"]


def test_the_app_refuses_to_start_with_single_sign_on_partly_configured():
    environment = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    environment.update(DEBUG="true", OIDC_CLIENT_ID="client-id", OIDC_ISSUER=ISSUER)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(settings.BASE_DIR),
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert PREFIX + "set OIDC_CLIENT_SECRET, OIDC_ALLOWED_DOMAINS" in result.stderr
