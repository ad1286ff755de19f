"""The headteacher role (docs/adr/0023): an admin gives it and its schools alone (it opens no case
material), both in the access log; what a headteacher's account opens."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import headships, rules, services
from accounts.models import AccessEvent, Headship, RoleRequest
from accounts.permissions import is_headteacher_of_school
from accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_the_headteacher_role_opens_no_case_material_so_an_admin_gives_it_alone():
    assert rules.case_access(Role.HEADTEACHER) == 0
    assert not rules.granting_or_raising_the_adviser_or_officer_role_needs_an_officer(
        before=None, after=Role.HEADTEACHER
    )
    # ...and from a headteacher to an adviser still needs an officer
    assert rules.granting_or_raising_the_adviser_or_officer_role_needs_an_officer(
        before=Role.HEADTEACHER, after=Role.ADVISER
    )


def test_an_admin_creates_a_headteacher_and_adds_their_schools_on_the_user_page(
    client_as, admin_user, school, other_school
):
    client = client_as("admin")
    response = client.post(
        reverse("accounts:user_create"),
        {"username": "hmarsh", "first_name": "Helen", "last_name": "Marsh", "email": "h@example.org",
         "role": "headteacher", "password": "a-long-enough-password-1"},
    )  # fmt: skip
    head = Headship._meta.get_field("user").related_model.objects.get(username="hmarsh")
    assert response.status_code == 302
    assert head.role == Role.HEADTEACHER
    assert not RoleRequest.objects.filter(user=head).exists()

    page = client.get(reverse("accounts:user_detail", kwargs={"pk": head.pk}) + f"?school={school.urn}")
    assert "Headteacher of" in page.content.decode()
    for target in (school, other_school):
        client.post(reverse("accounts:headship_add", kwargs={"user_pk": head.pk}), {"urn": target.urn})
    assert sorted(headships.schools_headed_by(head).values_list("name", flat=True)) == sorted(
        [school.name, other_school.name]
    )
    client.post(reverse("accounts:headship_remove", kwargs={"pk": Headship.objects.get(school=other_school).pk}))
    kinds = [e.kind for e in AccessEvent.objects.filter(user=head).order_by("at", "id")]
    assert kinds[-3:] == ["headship_added", "headship_added", "headship_removed"]
    assert list(headships.schools_headed_by(head)) == [school]


@pytest.mark.parametrize("role", ["headteacher", "governor", "adviser", "officer"])
def test_only_an_admin_adds_or_removes_a_headteachers_school(client_as, headteacher, other_school, role):
    client = client_as(role)
    add = client.post(reverse("accounts:headship_add", kwargs={"user_pk": headteacher.pk}), {"urn": other_school.urn})
    remove = client.post(reverse("accounts:headship_remove", kwargs={"pk": Headship.objects.get().pk}))
    assert (add.status_code, remove.status_code) == (403, 403)
    assert Headship.objects.count() == 1


def test_a_school_is_added_only_to_a_headteacher_and_once(admin_user, headteacher, governor, school):
    with pytest.raises(ValidationError, match="does not have the headteacher role"):
        headships.headship_add(user=governor, school=school, actor=admin_user)
    with pytest.raises(ValidationError, match="already headteacher"):
        headships.headship_add(user=headteacher, school=school, actor=admin_user)


def test_an_unknown_urn_is_refused_with_a_message(client_as, headteacher):
    response = client_as("admin").post(
        reverse("accounts:headship_add", kwargs={"user_pk": headteacher.pk}), {"urn": "999999"}, follow=True
    )
    assert "There is no school with URN 999999" in response.content.decode()


def test_a_headship_opens_nothing_once_the_role_is_changed(admin_user, headteacher, school):
    assert is_headteacher_of_school(headteacher, school)
    services.user_set_role(user=headteacher, role=Role.GOVERNOR, actor=admin_user)
    headteacher = type(headteacher).objects.get(pk=headteacher.pk)
    assert not is_headteacher_of_school(headteacher, school)
    assert not headteacher.has_perm("schools.view_school", school)


def test_a_headteacher_sees_their_school_page_and_home_but_not_another_school(
    client_as, headteacher, school, other_school
):
    client = client_as("headteacher")
    home = client.get(reverse("dashboard:home")).content.decode()
    assert school.name in home
    assert "Notes of visit awaiting your acknowledgement" in home
    assert client.get(school.get_absolute_url()).status_code == 200
    assert client.get(other_school.get_absolute_url()).status_code == 404
