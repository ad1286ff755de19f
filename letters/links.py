"""Pages of the apps above letters that the letters pages link to, registered by those apps in
their AppConfig.ready(): letters imports none of them (INSTALLED_APPS order). The academies app
registers the trust page, where an officer records a trust's chair and chief executive."""

from collections.abc import Callable

_trust_page: Callable | None = None


def register_trust_page(url_for: Callable) -> None:
    """`url_for(trust)` returns the URL of the page where the trust's chair and CEO are edited."""
    global _trust_page
    _trust_page = url_for


def trust_page_url(trust) -> str:
    """That page's URL for the trust, or "" when no app has registered it (or there is no trust)."""
    return _trust_page(trust) if _trust_page and trust is not None else ""
