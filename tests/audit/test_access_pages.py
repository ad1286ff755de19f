"""The role requests page (officers approve or decline, admins withdraw), the access log (officers
and admins, filterable, newest first, CSV), and where they show: the home page and the user page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import rules, services
from accounts.models import AccessEvent, AccessEventKind, RoleRequest, RoleRequestStatus
from accounts.roles import Role
from audit.forms import DECLINE_REASON_MAX

pytestmark = pytest.mark.django_db


@pytest.fixture
def newstarter(make_user):
    return make_user(Role.GOVERNOR, username="newstarter", first_name="Nia", last_name="Evans")


@pytest.fixture
def asked(newstarter, admin_user):
    return services.role_request_create(user=newstarter, role=Role.ADVISER, actor=admin_user)


def test_an_officer_approves_a_request_from_the_page(client_as, asked, newstarter):
    client = client_as("officer")
    page = client.get(reverse("audit:role_requests")).content.decode()
    approve = reverse("audit:role_request_approve", kwargs={"pk": asked.pk})
    assert f'action="{approve}"' in page

    response = client.post(approve, follow=True)

    assert "Approved: Nia Evans now has the adviser role." in response.content.decode()
    newstarter.refresh_from_db()
    assert newstarter.groups.get().name == "adviser"


def test_the_officer_who_asked_is_told_why_they_cannot_approve(client_as, officer, newstarter, make_user):
    request = services.role_request_create(user=newstarter, role=Role.OFFICER, actor=officer)
    page = client_as("officer").get(reverse("audit:role_requests")).content.decode()
    assert rules.OWN_REQUEST in page
    assert reverse("audit:role_request_approve", kwargs={"pk": request.pk}) not in page
    assert reverse("audit:role_request_decline", kwargs={"pk": request.pk}) in page

    response = client_as("officer").post(reverse("audit:role_request_approve", kwargs={"pk": request.pk}), follow=True)
    assert rules.OWN_REQUEST in response.content.decode()
    request.refresh_from_db()
    assert request.is_pending


def test_an_officer_declines_with_a_reason_the_admin_sees(client_as, asked):
    client = client_as("officer")
    url = reverse("audit:role_request_decline", kwargs={"pk": asked.pk})
    assert client.get(url).status_code == 200
    client.post(url, {"comments": "Starts in January."})
    asked.refresh_from_db()
    assert (asked.status, asked.comments) == (RoleRequestStatus.DECLINED, "Starts in January.")
    page = client_as("admin").get(reverse("audit:role_requests")).content.decode()
    assert "Declined by Olivia Okafor" in page
    assert "Starts in January." in page


def test_a_reason_too_long_is_refused_naming_the_field_and_nothing_changes(client_as, asked):
    response = client_as("officer").post(
        reverse("audit:role_request_decline", kwargs={"pk": asked.pk}), {"comments": "x" * (DECLINE_REASON_MAX + 1)}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert f"The reason must be {DECLINE_REASON_MAX:,} characters or fewer" in page
    asked.refresh_from_db()
    assert asked.is_pending


def test_a_decided_request_cannot_be_declined_again(client_as, asked, officer):
    services.role_request_decline(role_request=asked, actor=officer)
    response = client_as("officer").get(reverse("audit:role_request_decline", kwargs={"pk": asked.pk}), follow=True)
    assert services.REQUEST_DECIDED.format(status="declined") in response.content.decode()


def test_the_admin_sees_the_waiting_request_on_the_user_page_and_withdraws_it_there(client_as, asked, newstarter):
    client = client_as("admin")
    user_page = reverse("accounts:user_detail", kwargs={"pk": newstarter.pk})
    page = client.get(user_page).content.decode()
    assert "Waiting for an officer: make Nia Evans an adviser" in page
    assert f"{reverse('audit:access_log')}?user={newstarter.pk}" in page

    response = client.post(reverse("audit:role_request_withdraw", kwargs={"pk": asked.pk}), {"next": "user"})

    assert response["Location"] == user_page
    asked.refresh_from_db()
    assert asked.status == RoleRequestStatus.WITHDRAWN


@pytest.mark.parametrize(("role", "shown"), [("officer", True), ("admin", True), ("adviser", False)])
def test_the_home_page_says_how_many_requests_wait(client_as, asked, role, shown):
    page = client_as(role).get(reverse("dashboard:home")).content.decode()
    assert ("role request waiting for" in page) is shown


def test_the_home_page_says_nothing_when_none_wait(client_as, officer):
    assert "role request" not in client_as("officer").get(reverse("dashboard:home")).content.decode()


# ---- the access log --------------------------------------------------------------------------------


def test_the_access_log_lists_every_change_of_access_newest_first(client_as, asked, newstarter, officer, school):
    services.role_request_approve(role_request=asked, actor=officer)
    client = client_as("officer")
    events = list(client.get(reverse("audit:access_log")).context["pagination"].page.object_list)
    ours = [e.kind for e in events if e.user == newstarter]
    assert ours[:4] == [
        AccessEventKind.ROLE_REQUEST_APPROVED,
        AccessEventKind.PASSWORD_LINK_SENT,  # the adviser chooses a new password (docs/adr/0062)
        AccessEventKind.ROLE_CHANGED,
        AccessEventKind.ROLE_REQUESTED,
    ]
    assert [e.at for e in events] == sorted((e.at for e in events), reverse=True)


def test_the_access_log_is_filtered_by_user_whose_account_or_who_acted(
    client_as, asked, newstarter, admin_user, adviser
):
    client = client_as("admin")
    about = client.get(reverse("audit:access_log"), {"user": newstarter.pk}).context["pagination"].page.object_list
    assert {e.user for e in about} == {newstarter}
    by_admin = client.get(reverse("audit:access_log"), {"user": admin_user.pk}).context["pagination"].page.object_list
    assert any(e.kind == AccessEventKind.ROLE_REQUESTED and e.actor == admin_user for e in by_admin)
    requested = client.get(reverse("audit:access_log"), {"kind": "role_requested"}).context["pagination"]
    assert [e.user for e in requested.page.object_list] == [newstarter]


def test_a_filter_that_names_nobody_is_refused_with_a_message(client_as, asked):
    response = client_as("officer").get(reverse("audit:access_log"), {"user": "999999"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_the_access_log_downloads_as_csv(client_as, asked, newstarter):
    response = client_as("officer").get(reverse("audit:access_log_export"), {"user": newstarter.pk})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == "When,What,Whose account,Username,By,Role before,Role after,Details,Email"
    assert any("Role requested,Nia Evans,newstarter,Ada Morgan,Governor,Adviser" in line for line in lines)


def test_the_access_log_takes_the_same_queries_however_long(client_as, asked, admin_user, make_user):
    client = client_as("officer")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("audit:access_log")).status_code == 200
        return len(queries)

    few = count()
    for n in range(30):
        person = make_user(Role.GOVERNOR, username=f"g{n}")
        services.user_set_password(user=person, password="x-new-long-one-9", actor=admin_user)
    assert AccessEvent.objects.count() > 60
    assert count() == few


def test_the_role_requests_page_takes_the_same_queries_however_many(client_as, asked, admin_user, officer, make_user):
    client = client_as("officer")
    first = services.role_request_create(user=make_user(Role.GOVERNOR, username="d"), role="adviser", actor=admin_user)
    services.role_request_decline(role_request=first, actor=officer)  # one of each to start with

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("audit:role_requests")).status_code == 200
        return len(queries)

    few = count()
    for n in range(10):
        waiting = services.role_request_create(user=make_user(Role.GOVERNOR, username=f"w{n}"), role="adviser",
                                               actor=admin_user)  # fmt: skip
        services.user_set_password(user=waiting.user, password="x-new-long-one-9", actor=admin_user)  # listed too
        decided = services.role_request_create(user=make_user(Role.GOVERNOR, username=f"d{n}"), role="adviser",
                                               actor=admin_user)  # fmt: skip
        services.role_request_decline(role_request=decided, actor=officer)
    assert RoleRequest.objects.filter(status="pending").count() == 11
    assert waiting.is_pending
    assert count() == few


def test_approving_a_headteachers_school_says_which_school(client_as, make_user, admin_user, school):
    head = make_user(Role.HEADTEACHER, username="newhead", first_name="Claire", last_name="Oneill")
    asked = services.role_request_create(user=head, role=Role.HEADTEACHER, school=school, actor=admin_user)
    response = client_as("officer").post(reverse("audit:role_request_approve", kwargs={"pk": asked.pk}), follow=True)
    assert f"Approved: Claire Oneill is now headteacher of {school.name}." in response.content.decode()
