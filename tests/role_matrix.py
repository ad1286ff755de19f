"""The role-matrix harness: every page, every role, the status each gets (DESIGN.md: permissions are
enforced on the server, and the 403/404 the wrong role gets is tested).

A module's matrix is a table of rows, one a page, each saying what every role in `ROLES` gets:

    MATRIX = {
        # url name: (kwargs builder or None, {role: expected})
        "visits:list": (None, LA_ONLY),
        "visits:detail": (lambda ctx: {"pk": ctx["visit"].pk}, LA_ONLY),
    }

    @role_matrix(MATRIX)
    def test_each_role_gets_only_the_visits_pages_it_may_use(client_as, ctx, page, role, expected):
        assert_role_gets(client_as(role), role, page.url(ctx), expected)

A row names every signed-in role (a row that misses one, or names one that does not exist, stops
the collection); "anonymous" may be left out: anonymous users are sent to sign in (`SIGN_IN`, a
302 to the sign-in page). An expected value is a status code, a `Redirect` (a 302 to a path
beginning so) or `ALLOWED` (not refused: anything but a 403 or a 500). Where two rows share a url
name, the key is the case's name and the value (url name, kwargs builder, row). Where building the
context is slow, `assert_role_gets_each` checks every page for one role in one test.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from tests.conftest import ROLES

SIGN_IN = 302  # anonymous users: sent to the sign-in page
SIGNED_IN_ROLES = ROLES[1:]
ROW_MISSES_A_ROLE = "role-matrix row {name!r} gives no status for: {roles}"
ROW_NAMES_NO_ROLE = "role-matrix row {name!r} names roles that do not exist: {roles}"


@dataclass(frozen=True)
class Redirect:
    """A 302 whose Location begins with `to`."""

    to: str

    def __str__(self) -> str:
        return f"302 to {self.to}"


class _Allowed:
    """Not refused: any answer but a 403 (and never a 500)."""

    def __repr__(self) -> str:
        return "ALLOWED"


ALLOWED = _Allowed()
Expected = int | Redirect | _Allowed
Row = Mapping[str, Expected]
KwargsBuilder = Callable[[Any], dict[str, Any]] | None


@dataclass(frozen=True)
class Page:
    """A url name and how to build its kwargs from the test's context."""

    url_name: str
    kwargs: KwargsBuilder = None

    def url(self, ctx: Any = None) -> str:
        return reverse(self.url_name, kwargs=self.kwargs(ctx) if self.kwargs else None)


def checked_row(name: str, row: Row) -> dict[str, Expected]:
    """The row with every role in ROLES, anonymous sent to sign in unless it says otherwise."""
    if missing := [role for role in SIGNED_IN_ROLES if role not in row]:
        raise ValueError(ROW_MISSES_A_ROLE.format(name=name, roles=", ".join(missing)))
    if unknown := sorted(set(row) - set(ROLES)):
        raise ValueError(ROW_NAMES_NO_ROLE.format(name=name, roles=", ".join(unknown)))
    return {"anonymous": SIGN_IN, **row}


def expected_for(row: Row, role: str, name: str = "") -> Expected:
    """What `role` gets in `row` (checked as matrix rows are)."""
    return checked_row(name, row)[role]


def _page_and_row(name: str, entry: tuple) -> tuple[Page, Row]:
    if len(entry) == 3:  # (url name, kwargs builder, row): several cases of one url name
        url_name, kwargs, row = entry
        return Page(url_name, kwargs), row
    kwargs, row = entry
    return Page(name, kwargs), row


def pages(matrix: Mapping[str, tuple]) -> dict[str, tuple[Page, dict[str, Expected]]]:
    """Each case's page and its checked row."""
    checked = {}
    for name, entry in matrix.items():
        page, row = _page_and_row(name, entry)
        checked[name] = (page, checked_row(name, row))
    return checked


def matrix_cases(matrix: Mapping[str, tuple], *, variant: str = "") -> list[Any]:
    """One pytest.param(page, role, expected) a (page, role), with the id "<name>[-<variant>]-<role>"."""
    suffix = f"-{variant}" if variant else ""
    return [
        pytest.param(page, role, row[role], id=f"{name}{suffix}-{role}")
        for name, (page, row) in pages(matrix).items()
        for role in ROLES
    ]


CASE_ARGS = ("page", "role", "expected")


def role_matrix(*matrices: Mapping[str, tuple]) -> Any:
    """Parametrise a test over every (page, role) of the matrices: arguments page, role, expected."""
    return pytest.mark.parametrize(CASE_ARGS, [case for matrix in matrices for case in matrix_cases(matrix)])


def seen(response: HttpResponse, role: str, expected: Expected) -> Expected | str:
    """What the response is, in the terms of `expected`: `expected` itself when it matches."""
    status = response.status_code
    location = response.get("Location", "")
    if isinstance(expected, Redirect):
        return expected if status == 302 and location.startswith(expected.to) else _describe(status, location)
    if expected is ALLOWED:
        return ALLOWED if status not in (403, 500) else status
    if role == "anonymous" and expected == SIGN_IN:
        return (
            SIGN_IN if status == 302 and location.startswith(reverse("accounts:login")) else _describe(status, location)
        )
    return status


def _describe(status: int, location: str) -> int | str:
    return f"{status} to {location}" if location else status


def assert_role_gets(client: Client, role: str, url: str, expected: Expected, **extra: Any) -> HttpResponse:
    """GET `url` as `role` (client signed in as it) and check it gets `expected`."""
    response = client.get(url, **extra)
    assert seen(response, role, expected) == expected, f"{role} GET {url}"
    return response


def assert_role_posts(client: Client, role: str, url: str, expected: Expected, data: Any = None) -> HttpResponse:
    """POST `data` to `url` as `role` and check it gets `expected`."""
    response = client.post(url, data if data is not None else {})
    assert seen(response, role, expected) == expected, f"{role} POST {url}"
    return response


def assert_role_gets_each(client: Client, role: str, matrix: Mapping[str, tuple], ctx: Any = None) -> None:
    """GET every page of `matrix` as `role` and compare all of them at once (one test a role)."""
    got, want = {}, {}
    for name, (page, row) in pages(matrix).items():
        got[name], want[name] = seen(client.get(page.url(ctx)), role, row[role]), row[role]
    assert got == want


def assert_role_posts_each(client: Client, role: str, urls: Mapping[str, tuple[str, Row]], data: Any = None) -> None:
    """POST to each (url, row) of `urls` as `role` and compare all of them at once."""
    got, want = {}, {}
    for name, (url, row) in urls.items():
        expected = expected_for(row, role, name)
        got[name], want[name] = seen(client.post(url, data if data is not None else {}), role, expected), expected
    assert got == want


def allowed_to(*roles: str, others: Expected = 403) -> dict[str, Expected]:
    """A row: `roles` are not refused (ALLOWED), every other signed-in role gets `others`."""
    return {role: ALLOWED if role in roles else others for role in SIGNED_IN_ROLES}
