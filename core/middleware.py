"""Request middleware of the project."""

from django.http import Http404, QueryDict

from .text import needs_normalising, normalise_text


def is_secret_field(name: str) -> bool:
    """Fields whose value is used exactly as typed: passwords (Django's password, password1/2,
    old_password, new_password1/2). Normalising them would change what a person must type to sign
    in."""
    return "password" in name.lower()


class NormaliseTextMiddleware:
    """Every text value posted to any form of the project passes through core.text.normalise_text
    before a view sees it: text pasted from Word (vertical tabs, form feeds, zero-width characters,
    control characters, CRLF, no-break spaces) is stored as plain text, whatever the form. Passwords
    are left exactly as typed; uploaded files are left to the importers (core.tabular). Runs after
    CsrfViewMiddleware has read the token and before any view. Query-string values are normalised
    the same way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # A text in the address (a letter type's key, a trust's code) that normalising would change
        # names nothing stored, which is normalised; PostgreSQL would refuse a NUL in it (a 500).
        if any(isinstance(value, str) and needs_normalising(value) for value in view_kwargs.values()):
            raise Http404("Not a stored key")
        # A query string is input too: searches and filters reach the database (PostgreSQL refuses
        # a NUL in any text, which would otherwise be a 500 for `?q=%00`).
        request.GET = normalised_post(request.GET)
        if request.method == "POST":
            request.POST = normalised_post(request.POST)


def normalised_post(data: QueryDict) -> QueryDict:
    changed = {
        key: [value if is_secret_field(key) else normalise_text(value) for value in values]
        for key, values in data.lists()
    }
    if all(changed[key] == values for key, values in data.lists()):
        return data
    result = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in changed.items():
        result.setlist(normalise_text(key), values)
    result._mutable = False
    return result
