"""The audited-save helper: every history row a service writes names who made the change."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from core.history import NO_ACTOR, SYSTEM, NoActorError, attribute_to, delete_as, save_as
from schools.models import Councillor, Ward

pytestmark = pytest.mark.django_db


@pytest.fixture
def councillor():
    return Councillor(ward=Ward.objects.create(code="E05000001", name="Riverside"), name="Cllr Ada Byron")


def test_save_as_names_the_actor_and_the_reason_on_the_created_and_changed_rows(councillor, officer, adviser):
    save_as(councillor, actor=officer)
    councillor.party = "Independent"
    save_as(councillor, actor=adviser, update_fields=["party"], reason="Party changed")

    rows = list(councillor.history.order_by("history_id"))
    assert [(r.history_type, r.history_user, r.history_change_reason, r.party) for r in rows] == [
        ("+", officer, None, ""),
        ("~", adviser, "Party changed", "Independent"),
    ]


def test_update_fields_saves_only_those_fields(councillor, officer):
    save_as(councillor, actor=officer)
    councillor.party, councillor.email = "Independent", "ada@example.org"
    save_as(councillor, actor=officer, update_fields=["party"])

    councillor.refresh_from_db()
    assert (councillor.party, councillor.email) == ("Independent", "")


def test_delete_as_names_the_actor_on_the_deleted_row(councillor, officer, adviser):
    save_as(councillor, actor=officer)
    pk = councillor.pk
    delete_as(councillor, actor=adviser)

    assert not Councillor.objects.filter(pk=pk).exists()
    assert Councillor.history.filter(id=pk).latest("history_id").history_user == adviser


def test_the_system_is_said_outright_and_its_rows_name_nobody(councillor):
    save_as(councillor, actor=SYSTEM, reason="Imported")

    row = councillor.history.get()
    assert (row.history_user, row.history_change_reason) == (None, "Imported")


@pytest.mark.parametrize(
    "actor", [None, AnonymousUser(), User(username="never-saved")], ids=["none", "anon", "unsaved"]
)
def test_a_change_with_no_user_is_refused_not_silently_recorded_as_nobody(councillor, actor):
    with pytest.raises(NoActorError) as raised:
        save_as(councillor, actor=actor)

    assert str(raised.value) == NO_ACTOR.format(actor=actor)
    assert councillor.pk is None
    assert not Councillor.history.exists()


def test_a_refused_delete_deletes_nothing(councillor, officer):
    save_as(councillor, actor=officer)

    with pytest.raises(NoActorError):
        delete_as(councillor, actor=None)

    assert Councillor.objects.filter(pk=councillor.pk).exists()
    assert councillor.history.count() == 1


def test_attribute_to_names_the_actor_of_a_save_made_elsewhere_and_of_the_saves_after_it(councillor, officer):
    attribute_to(councillor, actor=officer, reason="Set up by a form")
    councillor.save()  # as a form's own save would
    councillor.party = "Independent"
    councillor.save()

    rows = list(councillor.history.order_by("history_id"))
    assert [(r.history_user, r.history_change_reason) for r in rows] == [
        (officer, "Set up by a form"),
        (officer, "Set up by a form"),
    ]
