"""Separation of duties (issue 9, docs/adr/0012): an admin manages accounts but cannot give anyone,
themselves included, access to case material. The adviser and officer roles, and reactivating such
an account, are given by an officer, or asked for by an admin and approved by an officer who did not
ask (four eyes). A password or second factor set by someone else is told to its owner by email, and
every change of access is in the access log."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from accounts import access, rules, services
from accounts.models import AccessEvent, AccessEventKind, RoleRequest, RoleRequestStatus
from accounts.roles import Role
from accounts.views import WAITING_FOR_AN_OFFICER
from core import emails

pytestmark = pytest.mark.django_db
User = get_user_model()
SYSTEM = None


def fresh(user):
    return User.objects.get(pk=user.pk)


def kinds_for(user) -> list[str]:
    return list(AccessEvent.objects.filter(user=user).order_by("at", "id").values_list("kind", flat=True))


@pytest.fixture
def officer2(make_user):
    return make_user(Role.OFFICER, username="officer2", first_name="Sam", last_name="Patel")


@pytest.fixture
def member_governor(make_user, school):
    """A governor with an ordinary seat: published material only (a chair's or vice-chair's seat opens
    case material: tests/accounts/test_chairs_and_lowered_heads.py)."""
    from schools.models import GovernorRole, Governorship

    user = make_user(Role.GOVERNOR, username="membergovernor")
    Governorship.objects.create(user=user, school=school, role=GovernorRole.MEMBER)
    return user


@pytest.fixture
def actors(admin_user, adviser, governor, officer):
    return {"admin": admin_user, "adviser": adviser, "governor": governor, "officer": officer, "system": SYSTEM}


# ---- the rules, each by its name -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "needs"),
    [
        (None, Role.ADVISER, True),
        (None, Role.OFFICER, True),
        (Role.GOVERNOR, Role.ADVISER, True),
        (Role.ADMIN, Role.OFFICER, True),
        (Role.ADVISER, Role.OFFICER, True),  # raising
        (Role.OFFICER, Role.ADVISER, False),  # lowering
        (Role.OFFICER, Role.ADMIN, False),
        (Role.ADVISER, Role.GOVERNOR, False),
        (None, Role.GOVERNOR, False),
        (None, Role.ADMIN, False),
        (Role.ADVISER, Role.ADVISER, False),
    ],
)
def test_granting_or_raising_the_adviser_or_officer_role_needs_an_officer(before, after, needs):
    assert rules.granting_or_raising_the_adviser_or_officer_role_needs_an_officer(before=before, after=after) is needs


@pytest.mark.parametrize(
    ("role", "was_active", "is_active", "needs"),
    [
        (Role.ADVISER, False, True, True),
        (Role.OFFICER, False, True, True),
        (Role.GOVERNOR, False, True, False),
        (Role.ADMIN, False, True, False),
        (None, False, True, False),
        (Role.OFFICER, True, False, False),  # deactivating
        (Role.OFFICER, True, True, False),
        (Role.ADVISER, False, False, False),
    ],
)
def test_reactivating_an_adviser_or_officer_needs_an_officer(role, was_active, is_active, needs):
    assert (
        rules.reactivating_an_adviser_or_officer_needs_an_officer(role=role, was_active=was_active, is_active=is_active)
        is needs
    )


@pytest.mark.parametrize(("who", "may"), [("officer", True), ("system", True), ("admin", False), ("adviser", False),
                                          ("governor", False)])  # fmt: skip
def test_only_an_officer_or_the_system_grants_access_to_case_material(actors, who, may):
    assert rules.only_an_officer_or_the_system_grants_access_to_case_material(actor=actors[who]) is may


def test_only_an_officer_or_the_system_grants_access_to_case_material_not_an_inactive_officer(officer):
    officer.is_active = False
    assert not rules.only_an_officer_or_the_system_grants_access_to_case_material(actor=officer)


def test_four_eyes_no_one_approves_a_role_request_they_made_or_that_is_about_them(
    officer, officer2, admin_user, adviser
):
    rule = rules.four_eyes_no_one_approves_a_role_request_they_made_or_that_is_about_them
    assert rule(approver=officer2, requester_id=officer.pk, subject_id=adviser.pk) == []
    assert rule(approver=officer, requester_id=officer.pk, subject_id=adviser.pk) == [rules.OWN_REQUEST]
    assert rule(approver=officer, requester_id=admin_user.pk, subject_id=officer.pk) == [rules.OWN_ACCESS]
    for not_an_officer in (admin_user, adviser, None):
        assert rule(approver=not_an_officer, requester_id=officer.pk, subject_id=adviser.pk) == [rules.NOT_AN_OFFICER]
    officer2.is_active = False
    assert rule(approver=officer2, requester_id=officer.pk, subject_id=adviser.pk) == [rules.NOT_AN_OFFICER]


def test_a_credential_set_by_someone_else_is_told_to_its_owner(officer, admin_user):
    assert rules.a_credential_set_by_someone_else_is_told_to_its_owner(actor=admin_user, user=officer)
    assert rules.a_credential_set_by_someone_else_is_told_to_its_owner(actor=None, user=officer)
    assert not rules.a_credential_set_by_someone_else_is_told_to_its_owner(actor=officer, user=officer)


# ---- enforced in the services, for every role ----------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADVISER, Role.OFFICER])
@pytest.mark.parametrize(("who", "may"), [("officer", True), ("system", True), ("admin", False), ("adviser", False),
                                          ("governor", False)])  # fmt: skip
def test_only_an_officer_or_the_system_gives_the_adviser_or_officer_role(actors, make_user, who, may, role):
    person = make_user(Role.GOVERNOR, username="person")
    if may:
        services.user_set_role(user=person, role=role, actor=actors[who])
        assert fresh(person).role == role
        event = AccessEvent.objects.filter(user=person, kind=AccessEventKind.ROLE_CHANGED).first()
        assert (event.role_before, event.role_after, event.actor) == ("governor", role.value, actors[who])
    else:
        with pytest.raises(ValidationError, match="Only an officer can give someone"):
            services.user_set_role(user=person, role=role, actor=actors[who])
        assert fresh(person).role == Role.GOVERNOR


def test_an_admin_cannot_give_themselves_case_access(client_as, admin_user):
    with pytest.raises(ValidationError):
        services.user_set_role(user=admin_user, role=Role.OFFICER, actor=admin_user)
    response = client_as("admin").post(
        reverse("accounts:user_detail", kwargs={"pk": admin_user.pk}),
        {"first_name": "Ada", "last_name": "Morgan", "email": "", "role": "officer", "is_active": "on"},
    )
    assert services.OWN_ADMIN_ROLE in response.content.decode()
    assert fresh(admin_user).role == Role.ADMIN
    assert not RoleRequest.objects.exists()


@pytest.mark.parametrize("role", ["adviser", "officer"])
def test_an_admin_creating_an_adviser_or_officer_asks_an_officer_and_the_account_opens_nothing(client_as, role):
    response = client_as("admin").post(
        reverse("accounts:user_create"),
        {"username": "newstarter", "first_name": "Nia", "last_name": "Evans", "email": "nia@example.org",
         "role": role, "password": "long-enough-password"},
        follow=True,
    )  # fmt: skip
    user = User.objects.get(username="newstarter")
    assert user.role is None
    request = RoleRequest.objects.get(user=user)
    assert (request.role, request.status, request.requested_by.username) == (role, "pending", "admin")
    assert WAITING_FOR_AN_OFFICER.format(request=request) in response.content.decode()
    assert kinds_for(user) == [AccessEventKind.ACCOUNT_CREATED, AccessEventKind.ROLE_REQUESTED]


def test_an_officer_creating_an_officer_gives_the_role_directly_and_the_new_officer_chooses_their_password(officer):
    user = services.user_create(
        username="o3",
        first_name="A",
        last_name="B",
        email="o3@example.org",
        role=Role.OFFICER,
        password="long-enough-1",
        actor=officer,
    )
    assert user.role == Role.OFFICER
    assert not RoleRequest.objects.exists()
    assert not fresh(user).has_usable_password()
    assert AccessEventKind.PASSWORD_LINK_SENT in kinds_for(user)


def test_an_admin_raising_an_adviser_to_officer_asks_an_officer_and_saves_the_rest(client_as, adviser):
    client_as("admin").post(
        reverse("accounts:user_detail", kwargs={"pk": adviser.pk}),
        {"first_name": "Adam J", "last_name": "Reid", "email": "", "role": "officer", "is_active": "on"},
    )
    adviser = fresh(adviser)
    assert (adviser.first_name, adviser.role) == ("Adam J", Role.ADVISER)
    assert RoleRequest.objects.get(user=adviser).role == "officer"


def test_an_admin_lowers_an_officer_to_adviser_alone(admin_user, officer):
    services.user_update(
        user=officer, first_name="O", last_name="O", email="", role=Role.ADVISER, is_active=True, actor=admin_user
    )
    assert fresh(officer).role == Role.ADVISER
    assert not RoleRequest.objects.exists()


def test_an_admin_deactivates_an_officer_alone_and_it_is_logged(admin_user, officer):
    services.user_update(
        user=officer, first_name="O", last_name="O", email="", role=Role.OFFICER, is_active=False, actor=admin_user
    )
    assert not fresh(officer).is_active
    event = AccessEvent.objects.get(user=officer, kind=AccessEventKind.DEACTIVATED)
    assert event.actor == admin_user


def test_an_admin_reactivating_an_adviser_asks_an_officer_and_the_account_stays_inactive(admin_user, adviser, officer):
    adviser.is_active = False
    adviser.save()
    services.user_update(
        user=adviser, first_name="Adam", last_name="Reid", email=adviser.email, role=Role.ADVISER, is_active=True,
        actor=admin_user,
    )  # fmt: skip
    assert not fresh(adviser).is_active
    request = RoleRequest.objects.get(user=adviser)
    assert (request.role, request.reactivate) == ("adviser", True)

    services.role_request_approve(role_request=request, actor=officer)

    assert fresh(adviser).is_active
    assert AccessEventKind.REACTIVATED in kinds_for(adviser)


def test_an_admin_reactivates_a_governor_alone(admin_user, member_governor):
    governor = member_governor
    governor.is_active = False
    governor.save()
    services.user_update(
        user=governor, first_name="G", last_name="H", email="", role=Role.GOVERNOR, is_active=True, actor=admin_user
    )
    assert fresh(governor).is_active
    assert AccessEventKind.REACTIVATED in kinds_for(governor)


# ---- requests: asked, approved, declined, withdrawn ------------------------------------------------


@pytest.fixture
def asked(admin_user, make_user):
    """An admin has asked for a new starter (a governor today) to be made an adviser."""
    person = make_user(Role.GOVERNOR, username="newstarter")
    return services.role_request_create(user=person, role=Role.ADVISER, actor=admin_user)


def test_an_officer_approves_and_the_role_is_given(asked, officer):
    services.role_request_approve(role_request=asked, actor=officer)
    asked.refresh_from_db()
    assert fresh(asked.user).role == Role.ADVISER
    assert (asked.status, asked.decided_by) == (RoleRequestStatus.APPROVED, officer)
    assert kinds_for(asked.user)[-3:] == [
        AccessEventKind.ROLE_CHANGED,
        AccessEventKind.PASSWORD_LINK_SENT,  # docs/adr/0062
        AccessEventKind.ROLE_REQUEST_APPROVED,
    ]
    assert fresh(asked.user).history.first().history_user == officer


@pytest.mark.parametrize("who", ["admin", "adviser", "governor", "system"])
def test_nobody_but_an_officer_approves_a_role_request(asked, actors, who):
    with pytest.raises(ValidationError) as refused:
        services.role_request_approve(role_request=asked, actor=actors[who])
    assert refused.value.messages == [rules.NOT_AN_OFFICER]
    asked.refresh_from_db()
    assert asked.status == RoleRequestStatus.PENDING
    assert fresh(asked.user).role == Role.GOVERNOR


def test_the_officer_who_asked_cannot_approve_their_own_request(officer, officer2, make_user):
    person = make_user(Role.GOVERNOR, username="person")
    request = services.role_request_create(user=person, role=Role.OFFICER, actor=officer)
    with pytest.raises(ValidationError) as refused:
        services.role_request_approve(role_request=request, actor=officer)
    assert refused.value.messages == [rules.OWN_REQUEST]
    services.role_request_approve(role_request=request, actor=officer2)
    assert fresh(person).role == Role.OFFICER


def test_nobody_approves_a_request_about_their_own_access(admin_user, officer):
    request = services.role_request_create(user=officer, role=Role.OFFICER, actor=admin_user)
    with pytest.raises(ValidationError) as refused:
        services.role_request_approve(role_request=request, actor=officer)
    assert refused.value.messages == [rules.OWN_ACCESS]


def test_a_request_is_decided_once(asked, officer, officer2):
    services.role_request_approve(role_request=asked, actor=officer)
    for decide in (
        lambda: services.role_request_approve(role_request=asked, actor=officer2),
        lambda: services.role_request_decline(role_request=asked, actor=officer2),
        lambda: services.role_request_withdraw(role_request=asked, actor=asked.requested_by),
    ):
        with pytest.raises(ValidationError, match=services.REQUEST_DECIDED.format(status="approved")):
            decide()


def test_declining_changes_nothing_and_keeps_the_reason(asked, officer):
    services.role_request_decline(role_request=asked, actor=officer, comments="  Not in the team yet.  ")
    asked.refresh_from_db()
    assert (asked.status, asked.comments) == (RoleRequestStatus.DECLINED, "Not in the team yet.")
    assert fresh(asked.user).role == Role.GOVERNOR
    assert AccessEvent.objects.get(request=asked, kind=AccessEventKind.ROLE_REQUEST_DECLINED).detail == (
        "Not in the team yet."
    )


@pytest.mark.parametrize("who", ["admin", "adviser", "governor"])
def test_only_an_officer_declines(asked, actors, who):
    with pytest.raises(ValidationError, match=rules.NOT_AN_OFFICER):
        services.role_request_decline(role_request=asked, actor=actors[who])


@pytest.mark.parametrize(("who", "may"), [("admin", True), ("officer", False), ("adviser", False), ("governor", False)])
def test_an_admin_withdraws_a_request(asked, actors, who, may):
    if may:
        services.role_request_withdraw(role_request=asked, actor=actors[who])
        asked.refresh_from_db()
        assert asked.status == RoleRequestStatus.WITHDRAWN
    else:
        with pytest.raises(ValidationError, match=services.MAY_NOT_WITHDRAW):
            services.role_request_withdraw(role_request=asked, actor=actors[who])


def test_one_request_waits_per_user(asked, admin_user):
    again = services.role_request_create(user=asked.user, role=Role.ADVISER, actor=admin_user)
    assert again == asked
    with pytest.raises(ValidationError, match="already has a role request waiting"):
        services.role_request_create(user=asked.user, role=Role.OFFICER, actor=admin_user)
    assert RoleRequest.objects.count() == 1


@pytest.mark.parametrize("role", [Role.GOVERNOR, Role.ADMIN])
def test_a_role_without_case_material_is_not_asked_for(admin_user, adviser, role):
    with pytest.raises(ValidationError, match="Only the headteacher, adviser and officer roles need"):
        services.role_request_create(user=adviser, role=role, actor=admin_user)


@pytest.mark.parametrize("who", ["adviser", "governor", "system"])
def test_only_an_admin_or_an_officer_asks(actors, make_user, who):
    person = make_user(Role.GOVERNOR, username="person")
    with pytest.raises(ValidationError, match=services.MAY_NOT_REQUEST):
        services.role_request_create(user=person, role=Role.ADVISER, actor=actors[who])


def test_a_governor_seat_is_given_by_an_admin_alone_and_logged(client_as, make_user, school):
    person = make_user(Role.GOVERNOR, username="newgov")
    client = client_as("admin")
    client.post(
        reverse("schools:governorship_add", kwargs={"user_pk": person.pk}), {"urn": school.urn, "role": "chair"}
    )
    seat = person.governorships.get()
    client.post(reverse("schools:governorship_remove", kwargs={"pk": seat.pk}))

    events = AccessEvent.objects.filter(user=person).order_by("at", "id")
    seats = [(e.kind, e.actor.username, e.detail) for e in events if e.kind.startswith("governorship")]
    where = f"Chair of governors, {school.name} ({school.urn})"
    assert seats == [("governorship_added", "admin", where), ("governorship_removed", "admin", where)]


# ---- a password or second factor set by someone else: recorded and told --------------------------


def test_an_admin_setting_an_officers_password_is_logged_and_told_to_the_officer_after_commit(
    client_as, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client_as("admin").post(
            reverse("accounts:user_password", kwargs={"pk": officer.pk}), {"password": "x-new-long-one-9"}
        )
    assert mailoutbox == []  # nothing before the transaction commits
    for callback in callbacks:
        callback()

    event = AccessEvent.objects.get(user=officer, kind=AccessEventKind.PASSWORD_SET)
    assert (event.actor.username, event.emailed_to) == ("admin", officer.email)
    assert event.emailed_at is not None
    [email] = mailoutbox
    assert email.to == [officer.email]
    assert "a new password was set for your account" in email.subject
    assert "Ada Morgan (admin) set a new password for your account" in email.body
    assert "x-new-long-one-9" not in email.body


@pytest.mark.parametrize("role", ["adviser", "governor"])
def test_every_user_whose_password_someone_else_set_is_told(
    client_as, role, mailoutbox, django_capture_on_commit_callbacks, request
):
    person = request.getfixturevalue(role)
    with django_capture_on_commit_callbacks(execute=True):
        client_as("admin").post(
            reverse("accounts:user_password", kwargs={"pk": person.pk}), {"password": "x-new-long-one-9"}
        )
    assert [m.to for m in mailoutbox] == [[person.email]]


def test_a_mail_server_failure_is_recorded_on_the_access_log_never_a_500(
    client_as, officer, django_capture_on_commit_callbacks
):
    with (
        mock.patch("core.emails.send_mail", side_effect=OSError("connection refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client_as("admin").post(
            reverse("accounts:user_password", kwargs={"pk": officer.pk}), {"password": "x-new-long-one-9"}
        )
    assert response.status_code == 302
    assert fresh(officer).check_password("x-new-long-one-9")
    event = AccessEvent.objects.get(user=officer, kind=AccessEventKind.PASSWORD_SET)
    assert (event.emailed_at, event.email_error) == (None, emails.COULD_NOT_SEND.format(error="connection refused"))


def test_an_account_without_an_email_address_is_recorded_as_not_told(admin_user, officer, mailoutbox,
                                                                     django_capture_on_commit_callbacks):  # fmt: skip
    officer.email = ""
    officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.user_set_password(user=officer, password="x-new-long-one-9", actor=admin_user)
    assert AccessEvent.objects.get(kind=AccessEventKind.PASSWORD_SET).email_error == emails.NO_EMAIL_ADDRESS
    assert mailoutbox == []


def test_the_second_factor_reset_is_logged_and_told(
    admin_user, officer, mailoutbox, django_capture_on_commit_callbacks
):
    """The hook the second-factor reset service calls in its transaction."""
    with django_capture_on_commit_callbacks(execute=True):
        access.second_factor_reset_record(user=officer, actor=admin_user)
    event = AccessEvent.objects.get(kind=AccessEventKind.SECOND_FACTOR_RESET)
    assert (event.user, event.actor) == (officer, admin_user)
    [email] = mailoutbox
    assert "second factor" in email.subject
    assert email.to == [officer.email]


def test_setting_your_own_password_is_logged_but_emails_nobody(
    admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.user_set_password(user=admin_user, password="x-new-long-one-9", actor=admin_user)
    assert AccessEvent.objects.filter(kind=AccessEventKind.PASSWORD_SET, user=admin_user).exists()
    assert mailoutbox == []


def test_an_email_address_changed_by_an_admin_is_told_at_the_old_address(
    admin_user, officer, mailoutbox, django_capture_on_commit_callbacks
):
    old = officer.email
    with django_capture_on_commit_callbacks(execute=True):
        services.user_update(
            user=officer, first_name="O", last_name="O", email="someone.else@example.org", role=Role.OFFICER,
            is_active=True, actor=admin_user,
        )  # fmt: skip
    event = AccessEvent.objects.get(kind=AccessEventKind.EMAIL_CHANGED)
    assert event.detail == f"{old} to someone.else@example.org"
    assert [m.to for m in mailoutbox] == [[old]]


def test_a_change_rolled_back_tells_nobody(admin_user, officer, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, pytest.raises(ValidationError):
        services.user_set_password(user=officer, password="short", actor=admin_user)
    assert callbacks == []
    assert not AccessEvent.objects.filter(kind=AccessEventKind.PASSWORD_SET).exists()


# ---- a case reader's credentials reset by an admin: suspended until an officer agrees --------------


@pytest.mark.parametrize(
    ("actor", "subject", "active", "asked", "suspends"),
    [
        ("admin", "officer", True, None, True),
        ("admin", "adviser", True, None, True),
        ("admin", "headteacher", True, None, True),
        ("admin", "governor", True, None, False),
        ("admin", "admin", True, None, False),  # another admin: no case material
        ("admin", "officer", False, None, False),  # inactive: reactivating it needs an officer anyway
        ("admin", "governor", True, "headteacher", True),  # an officer is asked to make them a case reader
        ("admin", None, True, "adviser", True),  # a new account waiting for its role
        ("admin", "governor", True, "admin", False),
        ("officer", "adviser", True, None, False),
        ("officer", "officer", True, None, False),  # another officer: they may grant the access directly
        ("system", "officer", True, None, False),
        ("self", "adviser", True, None, False),
        ("self", "headteacher", True, "adviser", False),
    ],
)
def test_a_case_readers_credentials_reset_by_an_admin_wait_for_an_officer(
    make_user, actor, subject, active, asked, suspends
):
    user = make_user(Role(subject)) if subject else make_user(Role.GOVERNOR)
    if subject is None:
        user.groups.clear()
        user.__dict__.pop("role", None)
        user.__dict__.pop("_group_names_cache", None)
    user.is_active = active
    by = {"system": None, "self": user}[actor] if actor in ("system", "self") else make_user(Role(actor))
    got = rules.a_case_readers_credentials_reset_by_an_admin_wait_for_an_officer(actor=by, user=user, asked_role=asked)
    assert got is suspends


def test_an_admin_setting_an_advisers_password_suspends_the_account_until_another_officer_reactivates_it(
    client_as, adviser, officer
):
    page = client_as("admin").get(reverse("accounts:user_password", kwargs={"pk": adviser.pk}))
    assert "will be suspended until an officer reactivates it" in page.content.decode()
    client_as("admin").post(
        reverse("accounts:user_password", kwargs={"pk": adviser.pk}), {"password": "x-new-long-one-9"}
    )
    adviser = fresh(adviser)
    assert adviser.check_password("x-new-long-one-9")
    assert not adviser.is_active
    request = RoleRequest.objects.get(user=adviser, status=RoleRequestStatus.PENDING)
    assert (request.role, request.reactivate, request.requested_by.username) == (Role.ADVISER, True, "admin")
    assert AccessEventKind.DEACTIVATED in kinds_for(adviser)

    services.role_request_approve(role_request=request, actor=officer)
    assert fresh(adviser).is_active


def test_an_officer_setting_an_advisers_password_or_an_admin_a_governors_suspends_nothing(
    admin_user, officer, adviser, member_governor
):
    governor = member_governor
    assert services.user_set_password(user=adviser, password="x-new-long-one-9", actor=officer) is None
    assert services.user_set_password(user=governor, password="x-new-long-one-9", actor=admin_user) is None
    assert fresh(adviser).is_active
    assert fresh(governor).is_active
    assert not RoleRequest.objects.exists()


def test_a_reset_while_a_request_waits_is_told_on_that_request(admin_user, adviser, officer):
    """A request to make the adviser an officer already waits: the admin's new password suspends the
    adviser and that request now also reactivates them, telling the officer what was reset."""
    services.role_request_create(user=adviser, role=Role.OFFICER, actor=admin_user)
    request = services.user_set_password(user=adviser, password="x-new-long-one-9", actor=admin_user)
    assert request == RoleRequest.objects.get(status=RoleRequestStatus.PENDING)
    assert (request.role, request.reactivate) == (Role.OFFICER, True)
    assert "Ada Morgan set their password on" in request.note
    assert not fresh(adviser).is_active


def test_an_admins_password_for_an_account_waiting_for_its_role_is_told_to_the_officer(client_as, admin_user):
    """Created by an admin with the first password they chose, then a new one: the officer asked for
    the adviser role reads both before approving."""
    client_as("admin").post(
        reverse("accounts:user_create"),
        {"username": "nevans", "first_name": "Nia", "last_name": "Evans", "email": "n@example.org",
         "role": "adviser", "password": "a-long-enough-password-1"},
    )  # fmt: skip
    nia = User.objects.get(username="nevans")
    assert "created the account with the email address n@example.org" in RoleRequest.objects.get(user=nia).note
    services.user_set_password(user=nia, password="x-new-long-one-9", actor=admin_user)
    request = RoleRequest.objects.get(user=nia)
    assert "set their password" in request.note
    page = client_as("officer").get(reverse("audit:role_requests")).content.decode()
    assert escape(request.note) in page


def test_approving_a_school_for_someone_who_is_no_longer_a_headteacher_is_refused(
    admin_user, officer, headteacher, other_school
):
    from accounts import headships

    asked = headships.headship_ask(user=headteacher, school=other_school, actor=admin_user)
    services.user_set_role(user=headteacher, role=Role.ADVISER, actor=officer)
    with pytest.raises(ValidationError, match="role is now adviser, not headteacher"):
        services.role_request_approve(role_request=asked, actor=officer)
    assert fresh(headteacher).role == Role.ADVISER


def test_an_admin_giving_an_officer_a_new_email_address_suspends_the_account_but_blanking_it_does_not(
    admin_user, officer, member_governor
):
    governor = member_governor
    """With single sign-on matching accounts by email, a new address is a way into the account."""
    services.user_update(user=officer, first_name="O", last_name="O", email="", role=Role.OFFICER, is_active=True,
                         actor=admin_user)  # fmt: skip
    assert fresh(officer).is_active
    services.user_update(user=fresh(officer), first_name="O", last_name="O", email="me@example.org",
                         role=Role.OFFICER, is_active=True, actor=admin_user)  # fmt: skip
    officer = fresh(officer)
    assert (officer.email, officer.is_active) == ("me@example.org", False)
    request = RoleRequest.objects.get(user=officer, status=RoleRequestStatus.PENDING)
    assert (request.role, request.reactivate) == (Role.OFFICER, True)
    services.user_update(user=governor, first_name="G", last_name="G", email="g2@example.org", role=Role.GOVERNOR,
                         is_active=True, actor=admin_user)  # fmt: skip
    assert fresh(governor).is_active


def test_an_email_change_that_cannot_open_case_material_suspends_nothing(admin_user, officer, make_user):
    """Deactivating the account, lowering it to a role without case material, or changing only the
    case of the address (single sign-on matches it whatever its case)."""
    leaver, lowered, recased = officer, make_user(Role.OFFICER), make_user(Role.ADVISER)
    services.user_update(user=leaver, first_name="L", last_name="L", email="new1@example.org", role=Role.OFFICER,
                         is_active=False, actor=admin_user)  # fmt: skip
    services.user_update(user=lowered, first_name="G", last_name="G", email="new2@example.org", role=Role.GOVERNOR,
                         is_active=True, actor=admin_user)  # fmt: skip
    services.user_update(user=recased, first_name="R", last_name="R", email=recased.email.upper(),
                         role=Role.ADVISER, is_active=True, actor=admin_user)  # fmt: skip
    assert not RoleRequest.objects.exists()
    assert (fresh(lowered).role, fresh(lowered).is_active, fresh(recased).is_active) == (Role.GOVERNOR, True, True)
