"""A GIAS import that names a new headteacher of a school ends the school's headships (the old head
stops reading its shared case material and being sent what the LA shares), and asks an officer to
give each back, to approve only if the person is still the headteacher: a typo GIAS corrected is one
approval from restored (accounts.headship_ends). Both import paths: row by row, and staged on
PostgreSQL."""

from datetime import date
from functools import partial

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts import headship_ends, services
from accounts.headships import headteachers_of, schools_headed_by
from accounts.models import ASKED_BY_THE_REGISTER, AccessEvent, Headship, RoleRequest, RoleRequestStatus
from accounts.roles import Role
from schools import services as school_services
from schools.demo_files import current_gias_header, gias_row, to_csv_bytes
from schools.importers.gias import GiasImporter
from schools.models import ImportRecord, ImportStatus, School
from schools.signals import headteachers_named
from tests.schools.gias_paths import LA, PATHS
from tests.visits.factories import VisitFactory
from visits import acknowledgement

pytestmark = pytest.mark.django_db

KINGFISHER, HERON = 874001, 874002
SHARE_DAY = date(2026, 11, 27)


def row(urn: int, name: str, head: tuple[str, str, str], changed: str = "20-11-2026") -> dict:
    return gias_row(urn=urn, name=name, type_code=1, phase="Primary", head=head) | {"LastChangedDate": changed}


def extract(*rows: dict) -> bytes:
    return to_csv_bytes(current_gias_header(), list(rows), encoding="cp1252")


def kingfisher(head=("Mrs", "Hana", "Marsh"), changed="20-11-2026", name="Kingfisher Primary School") -> dict:
    return row(KINGFISHER, name, head, changed)


def heron(changed="20-11-2026") -> dict:
    return row(HERON, "Heron Primary School", ("Mr", "Tom", "Reed"), changed)


@pytest.fixture
def path(request, monkeypatch):
    """Imports go by the test's path: row by row, or staged (PostgreSQL); the database's without one."""
    staged = getattr(request, "param", None)
    if staged is not None:
        monkeypatch.setitem(school_services.IMPORTERS, "gias", partial(GiasImporter, staged=staged))
    return staged


def imported(*rows: dict) -> ImportRecord:
    record = school_services.import_run(kind="gias", data=extract(*rows), filename="e.csv", actor=None, options=LA)
    assert record.status == ImportStatus.COMMITTED, record.message
    return record


@pytest.fixture
def register(path, on_day):
    """Kingfisher (head: Hana Marsh) and Heron (Tom Reed) as GIAS had them on 20 November 2026."""
    on_day(SHARE_DAY)
    imported(kingfisher(), heron())
    return School.objects.get(urn=KINGFISHER), School.objects.get(urn=HERON)


@pytest.fixture
def heads(register, make_user):
    """Hana Marsh, Kingfisher's headteacher, and Tom Reed, Heron's."""
    hana = make_user(Role.HEADTEACHER, username="hmarsh", first_name="Hana", last_name="Marsh", email="h@example.org")
    tom = make_user(Role.HEADTEACHER, username="treed", first_name="Tom", last_name="Reed", email="t@example.org")
    Headship.objects.create(user=hana, school=register[0])
    Headship.objects.create(user=tom, school=register[1])
    return hana, tom


@pytest.fixture
def shared_note(register, heads, adviser):
    """A note of visit to Kingfisher shared with its headteacher."""
    visit = VisitFactory(school=register[0], adviser=adviser, completed=True, visit_date=date(2026, 11, 26))
    acknowledgement.note_share_with_school(visit=visit, actor=adviser)
    return reverse("visits:shared_note", kwargs={"pk": visit.pk})


@pytest.mark.parametrize("path", PATHS, indirect=True)
def test_a_new_head_named_by_gias_ends_the_schools_headships_and_asks_an_officer_to_give_each_back(register, heads):
    hana, tom = heads

    record = imported(kingfisher(head=("Mr", "John", "Doe"), changed="27-11-2026"), heron())

    assert list(schools_headed_by(hana)) == []
    assert list(headteachers_of(register[0])) == []  # no more notes, letters or category notices
    assert list(schools_headed_by(tom)) == [register[1]]  # Heron's head is the same
    ended = AccessEvent.objects.get(kind="headship_removed")
    reason = headship_ends.NEW_HEAD_REASON.format(record=record.pk)
    assert (ended.user, ended.actor, ended.detail) == (hana, None, f"Kingfisher Primary School (874001): {reason}")
    assert Headship.history.get(history_type="-").history_change_reason == reason
    asked = RoleRequest.objects.get()
    assert (asked.user, asked.role, asked.school, asked.status) == (hana, Role.HEADTEACHER, register[0], "pending")
    assert (asked.requested_by, asked.requester, asked.reactivate) == (None, ASKED_BY_THE_REGISTER, False)
    assert asked.note == headship_ends.NEW_HEAD_NOTE.format(
        record=record.pk, school="Kingfisher Primary School", new_head="Mr John Doe", user=hana
    )
    assert AccessEvent.objects.get(kind="role_requested").request == asked
    assert headship_ends.IMPORT_ENDED.format(schools="Kingfisher Primary School", ended="1 headship") in record.message
    assert headship_ends.IMPORT_ASKED.format(asked="1 request", url=reverse("audit:role_requests")) in record.message


@pytest.mark.parametrize("path", PATHS, indirect=True)
def test_the_old_heads_open_session_gets_not_found_on_the_schools_note_after_the_import(
    register, heads, shared_note, client
):
    client.force_login(heads[0])
    assert client.get(shared_note).status_code == 200
    assert client.get(register[0].get_absolute_url()).status_code == 200

    imported(kingfisher(head=("Mr", "John", "Doe"), changed="27-11-2026"), heron())

    assert client.get(shared_note).status_code == 404
    assert client.get(register[0].get_absolute_url()).status_code == 404


@pytest.mark.parametrize("path", PATHS, indirect=True)
def test_an_officer_approving_the_request_after_gias_corrects_a_typo_gives_the_school_back(
    register, heads, shared_note, officer, client
):
    client.force_login(heads[0])
    imported(kingfisher(head=("Mrs", "Hannah", "Marsh"), changed="27-11-2026"), heron())  # GIAS's spelling fixed
    assert client.get(shared_note).status_code == 404

    services.role_request_approve(role_request=RoleRequest.objects.get(), actor=officer)

    assert list(schools_headed_by(heads[0])) == [register[0]]
    assert client.get(shared_note).status_code == 200  # the same session: the role did not change


@pytest.mark.parametrize("path", PATHS, indirect=True)
def test_a_person_with_a_request_already_waiting_is_not_asked_again_and_the_waiting_requests_note_says_so(
    register, heads, admin_user
):
    hana = heads[0]
    waiting = services.role_request_create(user=hana, role=Role.HEADTEACHER, school=register[1], actor=admin_user)

    record = imported(kingfisher(head=("Mr", "John", "Doe"), changed="27-11-2026"), heron())

    assert not Headship.objects.filter(user=hana).exists()
    assert list(RoleRequest.objects.filter(status=RoleRequestStatus.PENDING)) == [waiting]
    waiting.refresh_from_db()
    assert waiting.note == headship_ends.NEW_HEAD_NOTE_ON_PENDING.format(
        record=record.pk, school="Kingfisher Primary School", new_head="Mr John Doe", user=hana
    )
    assert headship_ends.IMPORT_NOTED.format(people="Hana Marsh of Kingfisher Primary School") in record.message
    assert "to give back waiting for an officer" not in record.message


@pytest.mark.parametrize("path", PATHS, indirect=True)
def test_an_import_that_leaves_the_heads_name_as_it_is_ends_no_headship(register, heads):
    record = imported(kingfisher(name="Kingfisher Church of England Primary School", changed="27-11-2026"), heron())

    assert Headship.objects.count() == 2
    assert not RoleRequest.objects.exists()
    assert "headteacher" not in record.message


@pytest.mark.parametrize("path", PATHS, indirect=True)
def test_the_register_tells_the_accounts_app_through_a_signal_with_the_schools_the_import_and_who_applied_it(
    register, heads
):
    heard = []

    def listen(sender, **kwargs):
        heard.append(kwargs)

    headteachers_named.connect(listen, dispatch_uid="test_listen")
    try:
        record = imported(kingfisher(head=("Mr", "John", "Doe"), changed="27-11-2026"), heron())
    finally:
        headteachers_named.disconnect(dispatch_uid="test_listen")

    assert [(h["school_ids"], h["record"].pk, h["actor"]) for h in heard] == [([register[0].pk], record.pk, None)]


def test_an_import_confirmed_by_an_admin_shows_on_the_officers_role_requests_page_with_its_note(
    register, heads, admin_user, officer, client_as
):
    preview = school_services.import_preview(
        kind="gias",
        data=extract(kingfisher(head=("Mr", "John", "Doe"), changed="27-11-2026"), heron()),
        filename="e.csv",
        actor=admin_user,
        options=LA,
    )
    record = school_services.import_confirm(record=preview, actor=admin_user)
    assert record.status == ImportStatus.COMMITTED
    asked = RoleRequest.objects.get()
    assert (asked.requested_by, asked.requester) == (admin_user, "Ada Morgan")

    import_page = client_as("admin").get(record.get_absolute_url()).content.decode()
    page = client_as("officer").get(reverse("audit:role_requests")).content.decode()

    assert escape(headship_ends.IMPORT_ENDED.format(schools="Kingfisher Primary School", ended="1 headship")) in (
        import_page
    )
    assert escape(asked.note) in page
    assert reverse("audit:role_request_approve", kwargs={"pk": asked.pk}) in page  # the officer may approve it


def test_a_request_a_command_import_filed_names_the_register_as_who_asked_on_the_officers_page(
    register, heads, client_as
):
    hana, tom = heads
    imported(kingfisher(head=("Mr", "John", "Doe"), changed="27-11-2026"), heron())
    RoleRequest.objects.create(
        user=tom, role=Role.HEADTEACHER, school=register[0], requested_by=None
    )  # Tom still leads Heron

    page = client_as("officer").get(reverse("audit:role_requests")).content.decode()

    assert f"{ASKED_BY_THE_REGISTER}, " in page
    assert ">None, " not in page
    assert reverse("accounts:user_headships", args=[tom.pk]) in page  # an officer can end Heron's from here
    assert reverse("accounts:user_headships", args=[hana.pk]) not in page  # she leads no school now
