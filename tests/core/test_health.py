"""Health checks (core/health.py): the container's plain-HTTP /healthz gets its 200 under
production settings, whatever ALLOWED_HOSTS and the TLS proxy settings, and nothing else is opened
to plain HTTP or to foreign hosts."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

PUBLIC_HOST = "schools.example.org"
CONTAINER_HOST = "127.0.0.1:8000"  # what the HEALTHCHECK's urllib sends


@pytest.fixture
def production_like(settings):
    """The transport settings DEBUG=false turns on, behind a TLS proxy, for one public name."""
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [PUBLIC_HOST]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True


@pytest.mark.parametrize("host", [CONTAINER_HOST, "localhost", "10.1.2.3:8000", "evil.example.com", PUBLIC_HOST])
def test_liveness_answers_200_over_plain_http_with_any_host(client, production_like, host):
    response = client.get("/healthz", HTTP_HOST=host)

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_liveness_answers_a_head_request_too(client, production_like):
    assert client.head("/healthz", HTTP_HOST=CONTAINER_HOST).status_code == 200


def test_liveness_does_not_touch_the_database(client, production_like):
    """A database outage must not get the web containers restarted: that is readiness's job. (This
    test has no database: pytest-django makes any query in it raise.)"""
    assert client.get("/healthz", HTTP_HOST=CONTAINER_HOST).status_code == 200


def test_readiness_does_touch_the_database(client, production_like):
    with pytest.raises(RuntimeError, match="Database access not allowed"):
        client.get("/readyz", HTTP_HOST=CONTAINER_HOST)


@pytest.mark.django_db
def test_readiness_answers_200_when_the_database_answers(client, production_like):
    response = client.get("/readyz", HTTP_HOST=CONTAINER_HOST)

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readiness_answers_503_without_details_when_the_database_does_not(client, production_like, caplog):
    with mock.patch("core.health.connection.cursor", side_effect=OperationalError("connection refused: secret.db")):
        response = client.get("/readyz", HTTP_HOST=CONTAINER_HOST)

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert b"secret" not in response.content
    assert "the database did not answer" in caplog.text


def test_a_health_check_refuses_other_methods(client, production_like):
    response = client.post("/healthz", HTTP_HOST=CONTAINER_HOST)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/sign-in/", "/schools/", "/static/css/app.css", "/django-admin/"])
def test_any_other_page_over_plain_http_is_still_redirected_to_https(client, production_like, path):
    response = client.get(path, HTTP_HOST=PUBLIC_HOST)

    assert response.status_code == 301
    assert response["Location"] == f"https://{PUBLIC_HOST}{path}"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/sign-in/", "/schools/"])
def test_any_other_page_for_a_foreign_host_is_still_refused(client, production_like, path):
    assert client.get(path, HTTP_HOST=CONTAINER_HOST).status_code == 400
    assert client.get(path, HTTP_HOST=CONTAINER_HOST, HTTP_X_FORWARDED_PROTO="https").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/healthz/", "/healthz/x", "/healthzz", "/HEALTHZ", "/Healthz", "/api/healthz", "//healthz", "/healthz;x"]
)
def test_lookalikes_of_the_health_check_are_not_exempted(client, production_like, path):
    assert client.get(path, HTTP_HOST=CONTAINER_HOST).status_code == 400
    response = client.get(path, HTTP_HOST=PUBLIC_HOST)
    assert response.status_code == 301
    assert response["Location"].startswith(f"https://{PUBLIC_HOST}/")


@pytest.mark.django_db
def test_the_public_name_over_https_gets_the_site_as_usual(client, production_like):
    response = client.get("/accounts/sign-in/", HTTP_HOST=PUBLIC_HOST, HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
def test_the_health_checks_are_also_named_urls_open_to_anonymous_users(client):
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("readyz")).status_code == 200
