"""Every page of the access and read logs and of role requests, for every role (403/404 included).

Role requests: officers decide, admins withdraw, both see the list. Access log: officers and admins.
Read log: officers only. Governors and advisers: 403. Anonymous: sent to sign in."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.roles import Role
from tests.conftest import ROLES
from tests.role_matrix import SIGN_IN, assert_role_gets, assert_role_posts, expected_for, role_matrix
from tests.visits.factories import VisitFactory

pytestmark = pytest.mark.django_db
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


@role_matrix(MATRIX)
def test_each_role_gets_only_the_access_pages_it_may_use(client_as, ctx, page, role, expected):
    assert_role_gets(client_as(role), role, page.url(ctx), expected)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", list(POST_ONLY))
def test_deciding_and_withdrawing_are_posts_for_their_role_only(client_as, ctx, url_name, role):
    url = reverse(url_name, kwargs={"pk": ctx["request"].pk})
    client = client_as(role)
    assert_role_gets(client, role, url, SIGN_IN if role == "anonymous" else 405)
    response = assert_role_posts(client, role, url, expected_for(POST_ONLY[url_name], role, url_name))
    done = role != "anonymous" and response.status_code == 302
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
