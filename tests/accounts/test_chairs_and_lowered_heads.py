"""An admin cannot take over a case reader's account (docs/adr/0061, 0082): two ways a review found.

1. A chair or vice-chair of governors reads case material (the category sent to the school with
   its reasons, and the confidential minutes of the MSP meetings they attended: docs/adr/0031), so
   an admin's reset of their password, second factor or email address suspends them until an
   officer agrees, and reactivating them needs an officer, as for a headteacher.
2. A headteacher given another role leads no school: given the headteacher role back (one officer's
   approval of the role alone), they lead none until each school is approved again."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from accounts import rules, services
from accounts.models import AccessEventKind, Headship, RoleRequest, RoleRequestStatus
from accounts.roles import Role
from schools.models import GovernorRole, Governorship

pytestmark = pytest.mark.django_db


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


@pytest.mark.parametrize(
    ("seat", "reads"),
    [(GovernorRole.CHAIR, 1), (GovernorRole.VICE_CHAIR, 1), (GovernorRole.MEMBER, 0), (None, 0)],
)
def test_a_chair_or_vice_chair_of_governors_reads_case_material_as_a_headteacher_does(make_user, school, seat, reads):
    from accounts.own_passwords import case_reading

    user = make_user(Role.GOVERNOR)
    if seat:
        Governorship.objects.create(user=user, school=school, role=seat)
    assert case_reading(user) == reads == rules.case_access(Role.GOVERNOR, sits_for_a_school=reads > 0)
    assert rules.case_access(Role.ADMIN, sits_for_a_school=True) == 0  # a seat is a governor's only


def test_an_admin_setting_a_chairs_password_suspends_them_until_an_officer_agrees(admin_user, governor, officer):
    """The review: the admin set the chair's password, signed in as them and read an MSP meeting's
    confidential minutes; nobody but the chair (by email) was told."""
    request = services.user_set_password(user=governor, password="x-new-long-one-9", actor=admin_user)

    chair = fresh(governor)
    assert not chair.is_active
    assert (request.role, request.reactivate, request.status) == (Role.GOVERNOR, True, RoleRequestStatus.PENDING)
    assert "set their password" in request.note

    services.role_request_approve(role_request=request, actor=officer)
    chair = fresh(governor)
    assert chair.is_active
    assert not chair.has_usable_password()  # the admin's password stops; a link goes to the chair


def test_an_admins_new_email_address_for_a_chair_waits_for_an_officer(admin_user, governor):
    services.user_update(
        user=governor, first_name="G", last_name="H", email="new@example.org", role=Role.GOVERNOR,
        is_active=True, actor=admin_user,
    )  # fmt: skip
    assert not fresh(governor).is_active
    assert RoleRequest.objects.filter(user=governor, reactivate=True, status=RoleRequestStatus.PENDING).exists()


def test_an_admin_reactivating_a_chair_asks_an_officer_and_the_account_stays_inactive(admin_user, governor):
    governor.is_active = False
    governor.save()
    services.user_update(
        user=governor, first_name="G", last_name="H", email=governor.email, role=Role.GOVERNOR, is_active=True,
        actor=admin_user,
    )  # fmt: skip
    assert not fresh(governor).is_active
    assert RoleRequest.objects.get(user=governor).reactivate


def test_an_officer_setting_a_chairs_password_suspends_nothing(officer, governor):
    assert services.user_set_password(user=governor, password="x-new-long-one-9", actor=officer) is None
    assert fresh(governor).is_active


def test_a_headteacher_given_another_role_leads_no_school_and_given_it_back_leads_none_until_each_is_approved(
    admin_user, headteacher, school, officer
):
    """The review: lower the head to governor, change the address (nothing suspended: no case
    material), ask for the headteacher role back: one approval reopened the school's notes of visit."""
    services.user_update(
        user=headteacher, first_name="H", last_name="M", email="h.private@example.org", role=Role.GOVERNOR,
        is_active=True, actor=admin_user,
    )  # fmt: skip
    assert not Headship.objects.filter(user=headteacher).exists()
    ended = fresh(headteacher).access_events.get(kind=AccessEventKind.HEADSHIP_REMOVED)
    assert "no longer a headteacher (governor)" in ended.detail

    request = services.role_request_create(user=fresh(headteacher), role=Role.HEADTEACHER, actor=admin_user)
    services.role_request_approve(role_request=request, actor=officer)
    head = fresh(headteacher)
    assert head.role == Role.HEADTEACHER
    assert not head.headships.exists()  # Kingfisher is asked for again, school by school


def test_the_role_requests_page_shows_who_else_changed_the_persons_sign_in_in_the_last_30_days(
    client_as, admin_user, headteacher, officer, time_machine
):
    """The review's second way in: the admin lowered the head to governor (no case material, so a
    new address suspended nothing), changed the address, and asked for the role back; the officer's
    page showed the new address and nothing to say the admin had just set it."""
    from django.urls import reverse

    time_machine.move_to("2026-10-01 09:00 +0000")
    services.user_update(
        user=headteacher, first_name="H", last_name="M", email="old-change@example.org", role=Role.GOVERNOR,
        is_active=True, actor=admin_user,
    )  # fmt: skip
    time_machine.move_to("2026-12-01 09:00 +0000")
    services.user_update(
        user=fresh(headteacher), first_name="H", last_name="M", email="h.private@example.org", role=Role.GOVERNOR,
        is_active=True, actor=admin_user,
    )  # fmt: skip
    services.role_request_create(user=fresh(headteacher), role=Role.HEADTEACHER, actor=admin_user)

    page = client_as("officer").get(reverse("audit:role_requests")).content.decode()
    assert "Their sign-in was changed by someone else in the last 30 days" in page
    assert "Email address changed (old-change@example.org to h.private@example.org); done by" in page
    assert "(head@example.org to old-change@example.org)" not in page  # two months ago


def test_a_chairs_seat_given_by_an_admin_waits_for_an_officer_so_removing_and_giving_it_back_opens_nothing(
    admin_user, governor, school, officer
):
    """The review of this change: remove the chair's seat (a plain governor now: a reset suspends
    nothing), set the password, give the seat back, sign in as the chair and read the minutes of the
    meetings they were recorded as attending."""
    from schools import services as school_services

    seat = Governorship.objects.get(user=governor, school=school)
    school_services.governorship_remove(governorship=seat, actor=admin_user)
    assert services.user_set_password(user=fresh(governor), password="x-new-long-one-9", actor=admin_user) is None

    school_services.governorship_add(user=fresh(governor), school=school, role=GovernorRole.CHAIR, actor=admin_user)

    chair = fresh(governor)
    assert not chair.is_active
    request = RoleRequest.objects.get(user=chair, status=RoleRequestStatus.PENDING)
    assert "gave them the seat of chair of governors" in request.note
    assert school.name in request.note  # as written, not lower-cased
    services.role_request_approve(role_request=request, actor=officer)
    assert fresh(governor).is_active
    assert not fresh(governor).has_usable_password()


def test_an_ordinary_seat_given_by_an_admin_suspends_nothing(admin_user, make_user, school):
    from schools import services as school_services

    governor = make_user(Role.GOVERNOR, username="plaingovernor")
    school_services.governorship_add(user=governor, school=school, role=GovernorRole.MEMBER, actor=admin_user)
    assert fresh(governor).is_active
    assert not RoleRequest.objects.exists()


def test_a_chair_given_another_role_loses_the_seat_so_made_a_governor_again_reads_nothing(admin_user, governor, school):
    """The review: chair to admin (nobody asked), a new address (no case material: nothing
    suspended), back to governor (nobody asked): the kept seat reopened the minutes."""
    from accounts.own_passwords import case_reading

    for role, email in ((Role.ADMIN, "elsewhere@example.org"), (Role.GOVERNOR, "elsewhere@example.org")):
        services.user_update(
            user=fresh(governor), first_name="G", last_name="H", email=email, role=role, is_active=True,
            actor=admin_user,
        )  # fmt: skip
    assert not Governorship.objects.filter(user=governor).exists()
    assert case_reading(fresh(governor)) == 0
    assert fresh(governor).access_events.filter(kind=AccessEventKind.GOVERNORSHIP_REMOVED).exists()


def test_an_officer_approves_a_chairs_reactivation_on_the_role_requests_page(client_as, admin_user, governor, officer):
    from django.urls import reverse

    request = services.user_set_password(user=governor, password="x-new-long-one-9", actor=admin_user)
    client = client_as("officer")
    page = client.get(reverse("audit:role_requests")).content.decode()
    assert (
        "Reactivate Grace Holt&#x27;s account (governor)" in page
        or "Reactivate Grace Holt's account (governor)" in page
    )
    response = client.post(
        reverse("audit:role_request_approve", kwargs={"pk": request.pk}), {"email": governor.email}, follow=True
    )
    assert "Approved: Grace Holt&#x27;s account is active again." in response.content.decode()
    assert fresh(governor).is_active


def test_a_chair_deactivated_loses_the_seat_so_reactivated_reads_nothing(admin_user, governor, officer):
    """The second review: deactivate the chair (seat kept), change the address (nothing suspended: the
    account reads nothing while inactive), wait past the page's 30 days, ask to reactivate."""
    services.user_update(
        user=governor, first_name="G", last_name="H", email=governor.email, role=Role.GOVERNOR, is_active=False,
        actor=admin_user,
    )  # fmt: skip
    assert not Governorship.objects.filter(user=governor).exists()


def test_every_request_says_an_admin_set_the_address_the_link_goes_to_however_long_ago(
    admin_user, make_user, school, time_machine
):
    """The second review: an admin created a governor with their own address, then gave the chair's
    seat; the officer's request said only that the seat was given."""
    from accounts.access import ADDRESS_SET_BY
    from schools import services as school_services

    time_machine.move_to("2026-09-01 09:00 +0000")
    created = services.user_create(
        username="newchair", first_name="New", last_name="Chair", email="admin.private@example.org",
        role=Role.GOVERNOR, password="x-new-long-one-9", actor=admin_user,
    )  # fmt: skip
    time_machine.move_to("2026-12-01 09:00 +0000")
    school_services.governorship_add(user=created, school=school, role=GovernorRole.CHAIR, actor=admin_user)

    request = RoleRequest.objects.get(user=created, status=RoleRequestStatus.PENDING)
    expected = ADDRESS_SET_BY.format(
        email="admin.private@example.org", actor=admin_user, day=date(2026, 9, 1), user=created
    )
    assert expected in request.note


def test_a_seat_is_not_given_to_an_account_whose_role_changed_since_the_page_read_it(admin_user, governor, school):
    """The second review: the seat added from a page read before the role was changed to admin
    outlived the seats the change ended, and the account raised back to governor read the minutes."""
    from django.core.exceptions import ValidationError

    from schools import services as school_services

    read_by_the_page = governor
    services.user_update(
        user=fresh(governor), first_name="G", last_name="H", email=governor.email, role=Role.ADMIN, is_active=True,
        actor=admin_user,
    )  # fmt: skip
    with pytest.raises(ValidationError):
        school_services.governorship_add(
            user=read_by_the_page, school=school, role=GovernorRole.CHAIR, actor=admin_user
        )
    assert not Governorship.objects.filter(user=governor).exists()
