"""Every page of the access and read logs and of role requests, for every role (403/404 included).

Role requests: officers decide, admins withdraw, both see the list. Access log: officers and admins.
Read log: officers only. Governors and advisers: 403. Anonymous: sent to sign in."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.roles import Role
from tests.conftest import ROLES
from tests.visits.factories import VisitFactory

pytestmark = pytest.mark.django_db
SIGN_IN = 302
OFFICER_AND_ADMIN = {
    "governor": 403,
    "other_governor": 403,
    "headteacher": 403,
    "adviser": 403,
    "officer": 200,
    "admin": 200,
}
OFFICER_ONLY = {
    "governor": 403,
    "other_governor": 403,
    "headteacher": 403,
    "adviser": 403,
    "officer": 200,
    "admin": 403,
}

MATRIX = {
    "audit:role_requests": (None, OFFICER_AND_ADMIN),
    "audit:role_request_decline": (lambda ctx: {"pk": ctx["request"].pk}, OFFICER_ONLY),
    "audit:access_log": (None, OFFICER_AND_ADMIN),
    "audit:access_log_export": (None, OFFICER_AND_ADMIN),
    "audit:read_log": (None, OFFICER_ONLY),
    "audit:read_log_export": (None, OFFICER_ONLY),
    "audit:record_reads": (
        lambda ctx: {"app_label": "visits", "model": "visit", "object_id": ctx["visit"].pk},
        OFFICER_ONLY,
    ),
}
POST_ONLY = {
    "audit:role_request_approve": {
        "governor": 403,
        "other_governor": 403,
        "headteacher": 403,
        "adviser": 403,
        "officer": 302,
        "admin": 403,
    },
    "audit:role_request_withdraw": {
        "governor": 403,
        "other_governor": 403,
        "headteacher": 403,
        "adviser": 403,
        "officer": 403,
        "admin": 302,
    },
}


@pytest.fixture
def ctx(school, governor, other_governor, adviser, officer, admin_user, make_user):
    person = make_user(Role.GOVERNOR, username="newstarter")
    request = services.role_request_create(user=person, role=Role.ADVISER, actor=admin_user)
    return {"request": request, "visit": VisitFactory(school=school, adviser=adviser)}


def cases():
    for name, (kwargs, expected) in MATRIX.items():
        for role in ROLES:
            yield pytest.param(name, kwargs, role, expected.get(role, SIGN_IN), id=f"{name}-{role}")


@pytest.mark.parametrize(("url_name", "kwargs", "role", "status"), list(cases()))
def test_each_role_gets_only_the_access_pages_it_may_use(client_as, ctx, url_name, kwargs, role, status):
    response = client_as(role).get(reverse(url_name, kwargs=kwargs(ctx) if kwargs else None))
    assert response.status_code == status
    if status == SIGN_IN:
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", list(POST_ONLY))
def test_deciding_and_withdrawing_are_posts_for_their_role_only(client_as, ctx, url_name, role):
    url = reverse(url_name, kwargs={"pk": ctx["request"].pk})
    client = client_as(role)
    if role == "anonymous":
        assert client.get(url)["Location"].startswith(reverse("accounts:login"))
        assert client.post(url)["Location"].startswith(reverse("accounts:login"))
        done = False
    else:
        assert client.get(url).status_code == 405
        response = client.post(url)
        assert response.status_code == POST_ONLY[url_name][role]
        done = response.status_code == 302
    ctx["request"].refresh_from_db()
    assert ctx["request"].is_pending is not done


@pytest.mark.parametrize(
    "kwargs",
    [
        {"app_label": "nothing", "model": "here", "object_id": 1},  # no such kind of record
        {"app_label": "visits", "model": "visit", "object_id": 999999},  # no such record, never read
    ],
)
def test_a_record_that_does_not_exist_is_404_for_an_officer(client_as, ctx, kwargs):
    assert client_as("officer").get(reverse("audit:record_reads", kwargs=kwargs)).status_code == 404


@pytest.mark.parametrize("url_name", ["audit:role_request_decline", "audit:role_request_approve"])
def test_a_request_that_does_not_exist_is_404(client_as, ctx, url_name):
    client = client_as("officer")
    url = reverse(url_name, kwargs={"pk": 999999})
    response = client.get(url) if url_name.endswith("decline") else client.post(url)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "shown"), [("officer", True), ("admin", True), ("adviser", False), ("governor", False)]
)
def test_the_access_menu_item_is_shown_to_officers_and_admins(client_as, ctx, role, shown):
    page = client_as(role).get(reverse("accounts:password_change")).content.decode()
    assert (f'href="{reverse("audit:role_requests")}"' in page) is shown
