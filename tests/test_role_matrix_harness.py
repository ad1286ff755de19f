"""The role-matrix harness (tests/role_matrix.py) refuses a row that does not say what every role
gets, and tells a wrong answer from the expected one."""

import re

import pytest
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse

from tests.role_matrix import (
    ALLOWED,
    ROW_MISSES_A_ROLE,
    ROW_NAMES_NO_ROLE,
    SIGN_IN,
    Redirect,
    allowed_to,
    checked_row,
    matrix_cases,
    seen,
)

EVERYONE = {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 200, "officer": 200, "admin": 403}


def test_a_row_that_misses_a_signed_in_role_stops_the_collection():
    row = {role: status for role, status in EVERYONE.items() if role != "headteacher"}
    with pytest.raises(ValueError, match=re.escape(ROW_MISSES_A_ROLE.format(name="visits:list", roles="headteacher"))):
        matrix_cases({"visits:list": (None, row)})


def test_a_row_that_names_a_role_that_does_not_exist_stops_the_collection():
    with pytest.raises(ValueError, match=re.escape(ROW_NAMES_NO_ROLE.format(name="visits:list", roles="advisor"))):
        checked_row("visits:list", {**EVERYONE, "advisor": 200})


def test_anonymous_users_are_sent_to_sign_in_unless_the_row_says_otherwise():
    assert checked_row("x", EVERYONE)["anonymous"] == SIGN_IN
    assert checked_row("x", {**EVERYONE, "anonymous": 404})["anonymous"] == 404


def test_each_case_is_a_page_a_role_and_what_it_gets():
    cases = matrix_cases({"visits:list": (None, EVERYONE)}, variant="restricted")
    assert [case.id for case in cases][:2] == ["visits:list-restricted-anonymous", "visits:list-restricted-governor"]
    assert [(case.values[0].url_name, case.values[1], case.values[2]) for case in cases][-1] == (
        "visits:list",
        "admin",
        403,
    )


def test_sign_in_is_a_redirect_to_the_sign_in_page_for_anonymous_users():
    sign_in = HttpResponseRedirect(reverse("accounts:login") + "?next=/")
    assert seen(sign_in, "anonymous", SIGN_IN) == SIGN_IN
    assert seen(HttpResponseRedirect("/elsewhere/"), "anonymous", SIGN_IN) == "302 to /elsewhere/"
    assert seen(HttpResponse(status=200), "anonymous", SIGN_IN) == 200


def test_a_redirect_must_go_where_the_row_says():
    assert seen(HttpResponseRedirect("/exports/7/"), "officer", Redirect("/exports/")) == Redirect("/exports/")
    assert seen(HttpResponseRedirect("/schools/"), "officer", Redirect("/exports/")) == "302 to /schools/"
    assert seen(HttpResponse(status=403), "officer", Redirect("/exports/")) == 403


def test_allowed_is_anything_but_refused_or_an_error():
    assert seen(HttpResponse(status=200), "officer", ALLOWED) is ALLOWED
    assert seen(HttpResponseRedirect("/"), "officer", ALLOWED) is ALLOWED
    assert seen(HttpResponse(status=403), "officer", ALLOWED) == 403
    assert seen(HttpResponse(status=500), "officer", ALLOWED) == 500
    assert allowed_to("officer") == {**dict.fromkeys(EVERYONE, 403), "officer": ALLOWED}
