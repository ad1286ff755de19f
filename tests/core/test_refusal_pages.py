"""The product's own pages for a form that fails its CSRF check and for a request with the wrong
method, as every other refusal has (the 400, 403, 404 and 500 pages): never Django's plain text."""

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("signed_in", [True, False], ids=["signed in", "signed out"])
def test_a_form_sent_without_its_csrf_token_gets_the_products_page_saying_what_to_do(signed_in, adviser):
    client = Client(enforce_csrf_checks=True)
    if signed_in:
        client.force_login(adviser)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your form could not be sent" in page
    assert "reload the page to get a fresh form" in page
    assert "CSRF" not in page
    assert "DEBUG" not in page
    assert 'class="govuk-main-wrapper' in page
    assert 'class="govuk-footer' in page


def test_opening_a_forms_post_address_gets_the_products_page_and_the_allow_header(client_as):
    response = client_as("adviser").get(reverse("accounts:logout"))
    assert response.status_code == 405
    assert "POST" in response["Allow"].split(", ")
    page = response.content.decode()
    assert "This address is not a page" in page
    assert 'class="govuk-main-wrapper' in page


@pytest.mark.parametrize("method", ["TRACE", "OPTIONS", "PUT", "DELETE", "PATCH", "PROPFIND"])
def test_a_method_the_service_never_takes_is_refused_before_any_view_with_the_products_page(client_as, school, method):
    """A function view that renders on anything but POST would otherwise answer TRACE and OPTIONS
    (which pass the CSRF check) with the school's page itself."""
    response = client_as("officer").generic(method, school.get_absolute_url())
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"
    page = response.content.decode()
    assert "This address is not a page" in page
    assert school.name not in page


@pytest.mark.parametrize("method", ["TRACE", "OPTIONS"])
def test_a_signed_out_request_with_another_method_gets_the_same_refusal(client, method):
    response = client.generic(method, reverse("accounts:login"))
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"
    assert "This address is not a page" in response.content.decode()


def test_the_allow_header_names_only_methods_the_address_takes(client_as):
    """Sign-out is a class-based view, which lists OPTIONS too; the service refuses OPTIONS."""
    response = client_as("adviser").get(reverse("accounts:logout"))
    assert response["Allow"] == "POST"


def test_head_is_still_answered_as_get_without_a_body(client_as, school):
    response = client_as("officer").head(school.get_absolute_url())
    assert response.status_code == 200
    assert response.content == b""


def test_a_signed_in_users_pages_are_not_kept_by_the_browser_or_a_proxy(client_as, school):
    response = client_as("officer").get(school.get_absolute_url())
    assert response.status_code == 200
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}


def test_a_response_that_says_how_it_may_be_cached_keeps_what_it_says(client_as):
    """The sign-in page is never_cache (max-age=0 and more), signed in or not."""
    assert "max-age=0" in client_as("officer").get(reverse("accounts:login"))["Cache-Control"]


def test_the_middleware_keeps_a_cache_control_a_view_set_and_adds_none_for_signed_out_users(rf, adviser):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from core.responses import PrivateResponsesMiddleware

    def cacheable(request):
        response = HttpResponse("a public chart")
        response["Cache-Control"] = "public, max-age=60"
        return response

    request = rf.get("/")
    request.user = adviser
    assert PrivateResponsesMiddleware(cacheable)(request)["Cache-Control"] == "public, max-age=60"
    request.user = AnonymousUser()
    assert not PrivateResponsesMiddleware(lambda request: HttpResponse("x"))(request).has_header("Cache-Control")
    request.user = adviser
    assert PrivateResponsesMiddleware(lambda request: HttpResponse("x"))(request)["Cache-Control"] in (
        "private, no-store",
        "no-store, private",
    )


def test_a_server_error_is_kept_by_no_cache_without_asking_who_is_signed_in_again(rf):
    """The operator review: with the database down, a signed-in page logged its one failure twice,
    once for the view and once when this middleware asked for the user again (two alerts)."""
    from django.db import OperationalError
    from django.http import HttpResponseServerError
    from django.utils.functional import SimpleLazyObject

    from core.responses import PrivateResponsesMiddleware

    def database_down():
        raise OperationalError("connection refused")

    request = rf.get("/")
    request.user = SimpleLazyObject(database_down)
    response = PrivateResponsesMiddleware(lambda request: HttpResponseServerError("x"))(request)
    assert "no-store" in response["Cache-Control"]


def test_the_wrong_method_page_carries_the_headers_of_every_other_page(client_as):
    """Made innermost, so the middleware around it add X-Frame-Options and the CSP to it."""
    client = client_as("adviser")
    response = client.get(reverse("accounts:logout"))
    assert response.status_code == 405
    assert response["X-Frame-Options"] == "DENY"
    assert "form-action" in response["Content-Security-Policy"]


@pytest.mark.urls("tests.core.failing_urls")
@override_settings(DEBUG=False)
def test_the_500_page_names_the_service_leads_home_and_gives_the_reference_the_log_carries(adviser):
    client = Client(raise_request_exception=False)
    client.force_login(adviser)
    response = client.get("/broken/")
    assert response.status_code == 500
    page = response.content.decode()
    assert f'<a class="app-error-header__service" href="/">{settings.SERVICE_NAME}</a>' in page
    assert '<meta name="viewport"' in page
    assert '<a href="/">Go to your home page</a>' in page
    assert f"quote the reference <strong>{response['X-Request-ID']}</strong>" in page


@override_settings(DEBUG=False, ALLOWED_HOSTS=["schools.example.org"])
def test_the_400_page_for_a_foreign_host_names_the_service_and_gives_the_reference():
    response = Client().get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    page = response.content.decode()
    assert settings.SERVICE_NAME in page
    assert f"quote the reference <strong>{response['X-Request-ID']}</strong>" in page
