"""A deactivated account gets nothing back when it is reactivated (docs/adr/0061): its headships end
when it is deactivated, so a reactivated headteacher's schools are each asked for again, and its
calendar feed's secret is deleted, so an old subscription link stays dead."""

import pytest
from django.urls import reverse

from accounts import headship_ends, services
from accounts.headships import schools_headed_by
from accounts.models import AccessEvent, Headship, RoleRequest
from accounts.roles import Role
from visits.calendar_feed import user_for_token
from visits.services import calendar_token_regenerate

pytestmark = pytest.mark.django_db


def details(user, **changes) -> dict:
    fields = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email}
    return fields | {"role": user.role, "is_active": user.is_active} | changes


def test_deactivating_a_headteacher_ends_their_headships_and_reactivating_gives_none_back(
    client_as, admin_user, officer, headteacher, school
):
    client = client_as("admin")
    client.post(reverse("accounts:user_detail", kwargs={"pk": headteacher.pk}), details(headteacher, is_active=""))

    assert not Headship.objects.exists()
    ended = AccessEvent.objects.get(kind="headship_removed")
    assert (ended.actor, ended.detail) == (admin_user, f"{school.name} ({school.urn}): account deactivated")
    assert Headship.history.get(history_type="-").history_change_reason == headship_ends.DEACTIVATED_REASON

    headteacher.refresh_from_db()
    services.user_update(user=headteacher, actor=admin_user, **details(headteacher, is_active=True))
    services.role_request_approve(role_request=RoleRequest.objects.get(reactivate=True), actor=officer)
    headteacher = type(headteacher).objects.get(pk=headteacher.pk)

    assert (headteacher.is_active, headteacher.role) == (True, Role.HEADTEACHER)
    assert list(schools_headed_by(headteacher)) == []  # each school is asked for again
    client.force_login(headteacher)
    assert client.get(school.get_absolute_url()).status_code == 404


def test_deactivating_an_account_deletes_its_calendar_feed_so_an_old_link_stays_dead_after_reactivation(
    officer, adviser
):
    token = calendar_token_regenerate(user=adviser, actor=adviser)
    assert user_for_token(token) == adviser

    services.user_update(user=adviser, actor=officer, **details(adviser, is_active=False))
    adviser.refresh_from_db()
    services.user_update(user=adviser, actor=officer, **details(adviser, is_active=True))  # an officer may

    assert type(adviser).objects.get(pk=adviser.pk).is_active
    assert user_for_token(token) is None


def test_saving_an_inactive_account_again_or_an_active_one_ends_nothing(admin_user, headteacher, school):
    services.user_update(user=headteacher, actor=admin_user, **details(headteacher, first_name="Hannah"))

    assert Headship.objects.filter(user=headteacher, school=school).exists()


def test_a_suspended_headteachers_reactivation_request_names_the_schools_it_gives_back(admin_user, headteacher, school):
    """A password an admin set suspends the account until an officer agrees (docs/adr/0061): a hold,
    not a departure, so the headships stay, and the request says what approving gives back."""
    services.user_set_password(user=headteacher, password="a-long-enough-password-1", actor=admin_user)

    asked = RoleRequest.objects.get()
    assert asked.reactivate
    assert services.SUSPENDED_HEAD_KEEPS.format(schools=f"{school.name} ({school.urn})") in asked.note
    assert Headship.objects.filter(user=headteacher, school=school).exists()
