"""What every response for a signed-in user, and every refusal of a request's method, carries
(docs/adr/0055)."""

from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.cache import patch_cache_control


class PrivateResponsesMiddleware:
    """Pages and files shown to a signed-in user are case material: neither the browser nor a proxy
    keeps a copy (OWASP ASVS 8.2.1), so nothing is left in a shared council PC's cache after sign-out,
    and the Back button after signing out asks the server again (which sends the sign-in page). A
    response that says how it may be cached already keeps what it says."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        # A server error is never kept either, without asking who is signed in: when the database is
        # down, asking would fail again and log the one failure twice (two alerts for one outage).
        if response.status_code >= 500:
            patch_cache_control(response, private=True, no_store=True)
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


# The service's pages are read and its forms posted: no page answers another method. OPTIONS and
# TRACE are "safe" to Django's CSRF check, so a function view would otherwise answer them with the
# page itself (TRACE is refused by OWASP's guidance; nothing here needs OPTIONS, as no other site
# calls the service from a browser).
SERVED_METHODS = ("GET", "HEAD", "POST")


class MethodNotAllowedPageMiddleware:
    """A request with a method the view does not take (GET of a form's POST address, say), or one
    the service never takes (SERVED_METHODS), gets the service's page saying so, with the Allow
    header, not an empty page or the page itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in SERVED_METHODS:
            response = HttpResponseNotAllowed(SERVED_METHODS)
        else:
            response = self.get_response(request)
        if response.status_code != 405 or response.content:
            return response
        page = render(request, "405.html", status=405)
        if response.has_header("Allow"):
            # Only what the address takes: a class-based view also lists OPTIONS, which is refused.
            allowed = [method.strip() for method in response["Allow"].split(",")]
            page["Allow"] = ", ".join(method for method in allowed if method in SERVED_METHODS)
        return page
