"""What a server error's report shows of its request: the email Django sends to ADMINS
(django.utils.log.AdminEmailHandler) when Sentry is not used (core/errors.py, which sends none of it).

Case text is posted in forms (a visit's safeguarding notes), search text travels in query strings
and cookies carry the session. So the report keeps every name - which field, which parameter, which
cookie, which file field - and masks every value, the query string in the URL, META and the referrer
included. With DEBUG off, the traceback's local variables are masked too (the HTML report shows
them). Settings are masked as Django masks them (names that look secret)."""

from collections.abc import ItemsView
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.views import debug

from .logs import without_secrets

MASK = debug.SafeExceptionReporterFilter.cleansed_substitute


def masked(values: MultiValueDict) -> MultiValueDict:
    """The same keys, each of their values replaced by the mask."""
    return MultiValueDict({key: [MASK] * len(values.getlist(key)) for key in values})


def without_query(url: str) -> str:
    """The address with its query string (if any) masked, its fragment dropped and the secrets in
    its path masked (core.logs.SECRET_PATHS)."""
    parts = urlsplit(url)
    return without_secrets(urlunsplit(parts._replace(query=MASK if parts.query else "", fragment="")))


class ExceptionReporterFilter(debug.SafeExceptionReporterFilter):
    """DEFAULT_EXCEPTION_REPORTER_FILTER: what the person sent is masked whatever DEBUG (in
    development they see it on their own screen anyway)."""

    def get_post_parameters(self, request: HttpRequest | None) -> dict[str, Any]:
        return {} if request is None else masked(request.POST)

    def get_safe_cookies(self, request: HttpRequest) -> dict[str, Any]:
        return dict.fromkeys(getattr(request, "COOKIES", {}), MASK)

    def get_safe_request_meta(self, request: HttpRequest) -> dict[str, Any]:
        # The server's copies of the address (PATH_INFO, REQUEST_URI, RAW_URI) with its secrets masked.
        meta = {
            key: without_secrets(v) if isinstance(v, str) else v
            for key, v in super().get_safe_request_meta(request).items()
        }
        if meta.get("QUERY_STRING"):
            meta["QUERY_STRING"] = MASK
        if meta.get("HTTP_REFERER"):
            meta["HTTP_REFERER"] = without_query(str(meta["HTTP_REFERER"]))
        return meta

    def get_traceback_frame_variables(self, request: Any, tb_frame: Any) -> ItemsView[str, Any]:
        if not self.is_active(request):
            return super().get_traceback_frame_variables(request, tb_frame)
        return dict.fromkeys(tb_frame.f_locals, MASK).items()


class ExceptionReporter(debug.ExceptionReporter):
    """DEFAULT_EXCEPTION_REPORTER: the parts of the request the filter is not asked about (query
    parameters, uploaded files' names, the address's query string), masked likewise."""

    def get_traceback_data(self) -> dict[str, Any]:
        data = super().get_traceback_data()
        if self.request is not None:
            data["request_GET_items"] = masked(self.request.GET).items()
            data["request_FILES_items"] = masked(self.request.FILES).items()
            data["request_insecure_uri"] = without_query(data["request_insecure_uri"])
            data["request"] = MaskedPath(self.request)  # the reports' titles name request.path_info
        return data


class MaskedPath:
    """The request as the reports read it, its path's secrets masked (core.logs.SECRET_PATHS)."""

    def __init__(self, request: HttpRequest):
        self._request = request
        self.path = without_secrets(request.path)
        self.path_info = without_secrets(request.path_info)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._request, name)

    # The reports name the request's path in several places (its title, META's PATH_INFO and the
    # server's own copies of the address): a calendar feed's token or a password link is masked in all.
