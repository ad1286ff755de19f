"""The headteacher role (docs/adr/0023): giving it needs an officer (docs/adr/0061: it opens the
school's shared case material), the admin gives its schools, both in the access log; what a
headteacher's account opens."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from accounts import headship_views, headships, rules, services
from accounts.models import AccessEvent, Headship, RoleRequest, RoleRequestStatus
from accounts.permissions import is_headteacher_of_school
from accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_the_headteacher_role_opens_the_schools_shared_case_material_so_it_needs_an_officer():
    """Since docs/adr/0046 a headteacher reads the notes of visit shared with the school, its letters
    and case file: giving the role needs an officer, as the adviser's does (docs/adr/0061)."""
    assert rules.case_access(Role.GOVERNOR) < rules.case_access(Role.HEADTEACHER) < rules.case_access(Role.ADVISER)
    assert rules.granting_or_raising_the_adviser_or_officer_role_needs_an_officer(before=None, after=Role.HEADTEACHER)
    assert rules.granting_or_raising_the_adviser_or_officer_role_needs_an_officer(
        before=Role.GOVERNOR, after=Role.HEADTEACHER
    )
    # ...from a headteacher to an adviser still needs one; from an adviser to a headteacher does not
    assert rules.granting_or_raising_the_adviser_or_officer_role_needs_an_officer(
        before=Role.HEADTEACHER, after=Role.ADVISER
    )
    assert not rules.granting_or_raising_the_adviser_or_officer_role_needs_an_officer(
        before=Role.ADVISER, after=Role.HEADTEACHER
    )


def test_an_admin_creates_a_headteacher_an_officer_approves_and_the_admin_adds_their_schools(
    client_as, admin_user, officer, school, other_school
):
    client = client_as("admin")
    response = client.post(
        reverse("accounts:user_create"),
        {"username": "hmarsh", "first_name": "Helen", "last_name": "Marsh", "email": "h@example.org",
         "role": "headteacher", "password": "a-long-enough-password-1"},
    )  # fmt: skip
    head = Headship._meta.get_field("user").related_model.objects.get(username="hmarsh")
    assert response.status_code == 302
    assert head.role is None  # no role until an officer agrees
    refused = client.post(
        reverse("accounts:headship_add", kwargs={"user_pk": head.pk}), {"urn": school.urn}, follow=True
    )
    assert escape(headships.NOT_A_HEADTEACHER.format(user=head)) in refused.content.decode()
    assert not Headship.objects.exists()
    services.role_request_approve(role_request=RoleRequest.objects.get(user=head), actor=officer)
    head = type(head).objects.get(pk=head.pk)  # role is cached on the instance
    assert head.role == Role.HEADTEACHER

    page = client.get(reverse("accounts:user_detail", kwargs={"pk": head.pk}) + f"?school={school.urn}")
    assert "Headteacher of" in page.content.decode()
    for target in (school, other_school):  # each school is asked for, and given by an officer
        client.post(reverse("accounts:headship_add", kwargs={"user_pk": head.pk}), {"urn": target.urn})
        asked = RoleRequest.objects.get(user=head, status=RoleRequestStatus.PENDING)
        assert (asked.school, str(asked)) == (target, f"Make Helen Marsh headteacher of {target.name}")
        assert headships.schools_headed_by(head).filter(pk=target.pk).count() == 0
        services.role_request_approve(role_request=asked, actor=officer)
    assert sorted(headships.schools_headed_by(head).values_list("name", flat=True)) == sorted(
        [school.name, other_school.name]
    )
    client.post(reverse("accounts:headship_remove", kwargs={"pk": Headship.objects.get(school=other_school).pk}))
    kinds = [e.kind for e in AccessEvent.objects.filter(user=head).order_by("at", "id")]
    assert kinds[-7:] == ["role_requested", "headship_added", "role_request_approved", "role_requested",
                          "headship_added", "role_request_approved", "headship_removed"]  # fmt: skip
    assert list(headships.schools_headed_by(head)) == [school]


@pytest.mark.parametrize("role", ["headteacher", "governor", "adviser", "officer"])
def test_only_an_admin_adds_a_headteachers_school_and_only_an_admin_or_an_officer_removes_one(
    client_as, headteacher, other_school, role
):
    client = client_as(role)
    add = client.post(reverse("accounts:headship_add", kwargs={"user_pk": headteacher.pk}), {"urn": other_school.urn})
    remove = client.post(reverse("accounts:headship_remove", kwargs={"pk": Headship.objects.get().pk}))
    # An officer may take access away (someone left), never give it here: that is a role request.
    assert (add.status_code, remove.status_code) == (403, 302 if role == "officer" else 403)
    assert Headship.objects.count() == (0 if role == "officer" else 1)


def test_an_officer_ends_a_headship_on_the_page_of_the_schools_a_person_leads(client_as, officer, headteacher, school):
    client = client_as("officer")
    page = client.get(reverse("accounts:user_headships", kwargs={"pk": headteacher.pk}))
    headship = Headship.objects.get()
    assert school.name in page.content.decode()
    assert reverse("accounts:headship_remove", kwargs={"pk": headship.pk}) in page.content.decode()

    ended = client.post(reverse("accounts:headship_remove", kwargs={"pk": headship.pk}), follow=True)

    assert ended.redirect_chain[-1][0] == reverse("accounts:user_headships", kwargs={"pk": headteacher.pk})
    assert escape(headship_views.ENDED.format(user=headteacher, school=school.name)) in ended.content.decode()
    assert not Headship.objects.exists()
    event = AccessEvent.objects.get(kind="headship_removed")
    assert (event.user, event.actor) == (headteacher, officer)


def test_a_school_is_added_only_to_a_headteacher_and_once(admin_user, officer, headteacher, governor, school):
    for add in (headships.headship_add, headships.headship_ask):
        actor = officer if add is headships.headship_add else admin_user
        with pytest.raises(ValidationError, match="does not have the headteacher role"):
            add(user=governor, school=school, actor=actor)
        with pytest.raises(ValidationError, match="already headteacher"):
            add(user=headteacher, school=school, actor=actor)


def test_only_an_officer_or_the_system_makes_someone_a_schools_headteacher(
    admin_user, officer, headteacher, other_school
):
    """A headship opens the school's shared notes of visit, letters and case file (docs/adr/0061)."""
    with pytest.raises(ValidationError, match="Only an officer can make someone a school's headteacher"):
        headships.headship_add(user=headteacher, school=other_school, actor=admin_user)
    assert not Headship.objects.filter(school=other_school).exists()
    asked = headships.headship_ask(user=headteacher, school=other_school, actor=admin_user)
    with pytest.raises(ValidationError, match="Only an officer can approve"):
        services.role_request_approve(role_request=asked, actor=admin_user)
    services.role_request_approve(role_request=asked, actor=officer)
    assert is_headteacher_of_school(type(headteacher).objects.get(pk=headteacher.pk), other_school)


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
