"""Pages of the apps above letters that the letters pages link to, registered by those apps in
their AppConfig.ready(): letters imports none of them (INSTALLED_APPS order). The academies app
registers the trust page, where an officer records a trust's chair and chief executive, and the
concern a letter to a trust belongs to."""

from collections.abc import Callable

_trust_page: Callable | None = None


def register_trust_page(url_for: Callable) -> None:
    """`url_for(trust)` returns the URL of the page where the trust's chair and CEO are edited."""
    global _trust_page
    _trust_page = url_for


def trust_page_url(trust) -> str:
    """That page's URL for the trust, or "" when no app has registered it (or there is no trust)."""
    return _trust_page(trust) if _trust_page and trust is not None else ""


_letter_owners: list[Callable] = []


def register_letter_owner(owner_of: Callable) -> None:
    """`owner_of(user, letter)` returns (label, url) of the record a letter belongs to that the user
    may open (the academy concern a letter to a trust was drafted from), or None."""
    if owner_of not in _letter_owners:
        _letter_owners.append(owner_of)


def letter_owners(user, letter) -> list[tuple[str, str]]:
    """What the letter belongs to, for the letter page (LA staff only)."""
    return [found for owner_of in _letter_owners if (found := owner_of(user, letter))]
