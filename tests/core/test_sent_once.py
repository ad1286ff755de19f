"""A form is sent once (core/once.py): sending the same drawn form again records nothing more."""

import re
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.shortcuts import redirect
from django.test import Client, RequestFactory
from django.urls import path, reverse
from django.utils import timezone

from academies.models import IntelligenceEntry
from config.urls import urlpatterns as project_urls
from core import once
from core.models import SentForm
from core.once import ALREADY_SENT, STILL_SENDING, sent_forms_purge
from core.uploads import upload_limit
from tests.concurrency import in_threads, postgresql_only

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Forms whose sending again is signing in (or out) again, not a second record.
WITHOUT_A_KEY = {
    "base.html",  # sign out
    "includes/session_timeout.html",  # "Stay signed in": a request, not a record
    "accounts/login.html",
    "accounts/choose_password.html",
    "accounts/password_change.html",
    "accounts/second_factor/enrol.html",
    "accounts/second_factor/recovery.html",
    "accounts/second_factor/verify.html",
}
DONE: list[str] = []
IN_THE_VIEW = threading.Event()


@upload_limit(1024)
def _make(request):
    DONE.append(request.FILES["file"].read().decode() if "file" in request.FILES else request.POST.get("what", ""))
    messages.success(request, "Made.")
    return redirect("/made/")


def _slow(request):
    """_make, a second after the request is in the view (for a second request to arrive meanwhile)."""
    IN_THE_VIEW.set()
    time.sleep(1)
    return _make(request)


def _done_with_a_warning(request):
    DONE.append("done with a warning")
    messages.success(request, "Set a new password.")
    messages.warning(request, "Their sign-in is suspended.")
    return redirect("/made/")


def _already_done(request):
    DONE.append("already done")
    messages.info(request, "That request was decided already.")
    return redirect("/made/")


def _refuse(request):
    messages.error(request, "That cannot be done now.")
    return redirect("/form/")


def _form_with_errors(request):
    DONE.append("errors")
    return HttpResponse("Enter the text", status=200)


# The project's own addresses too: the pages drawn (the 409 page, the redirects) name them.
urlpatterns = [
    path("make/", _make),
    path("slow/", _slow),
    path("refuse/", _refuse),
    path("errors/", _form_with_errors),
    path("done-with-a-warning/", _done_with_a_warning),
    path("already-done/", _already_done),
    *project_urls,
]


@pytest.fixture
def sent(client_as, officer):
    DONE.clear()
    client = client_as("officer")

    def send(address: str, key: str | None = None, **data):
        return client.post(address, {**data, **({once.FIELD: key} if key else {})})

    return send


def test_every_post_form_carries_its_key_but_the_sign_in_and_password_forms():
    without = set()
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        name = template.relative_to(TEMPLATES).as_posix()
        if text.count("{% csrf_token %}") != text.count("{% csrf_token %}{% sent_once %}"):
            without.add(name)
    assert without == WITHOUT_A_KEY


def test_the_tag_draws_a_new_key_each_time(client_as, school, adviser):
    address = reverse("academies:intelligence_add", kwargs={"urn": school.urn})
    keys = [re.findall(r'name="sent_once" value="([0-9a-f]{32})"', client_as("adviser").get(address).content.decode())
            for _ in range(2)]  # fmt: skip
    assert [len(keys[0]), len(keys[1])] == [1, 1]
    assert keys[0] != keys[1]


@pytest.mark.urls(__name__)
def test_a_form_sent_again_does_nothing_and_goes_where_the_first_went(sent):
    key = uuid.uuid4().hex
    first = sent("/make/", key, what="a record")
    again = sent("/make/", key, what="a record")
    assert DONE == ["a record"]
    assert first.status_code == again.status_code == 302
    assert again["Location"] == "/made/"
    assert ALREADY_SENT in [str(m) for m in again.wsgi_request._messages]


@pytest.mark.urls(__name__)
def test_a_new_drawing_of_the_form_is_sent_as_a_new_form(sent):
    sent("/make/", uuid.uuid4().hex, what="one")
    sent("/make/", uuid.uuid4().hex, what="two")
    assert DONE == ["one", "two"]


@pytest.mark.urls(__name__)
def test_a_form_without_a_key_or_with_a_malformed_one_is_sent_each_time(sent):
    for key in (None, "", "not-a-key", "x" * 32, "é" * 32, "0" * 33):
        response = sent("/make/", key, what=str(key))
        assert response.status_code == 302
    assert len(DONE) == 6
    assert SentForm.objects.count() == 0


@pytest.mark.urls(__name__)
def test_a_form_shown_again_with_its_errors_can_be_sent_again_with_the_same_key(sent):
    key = uuid.uuid4().hex
    sent("/errors/", key)
    sent("/errors/", key)
    assert DONE == ["errors", "errors"]
    assert SentForm.objects.count() == 0


@pytest.mark.urls(__name__)
def test_a_refusal_on_the_way_out_lets_the_key_go(sent):
    key = uuid.uuid4().hex
    sent("/refuse/", key)
    assert SentForm.objects.count() == 0
    sent("/make/", key, what="after the refusal")
    assert DONE == ["after the refusal"]


@pytest.mark.urls(__name__)
def test_another_users_key_is_not_theirs_to_be_told_about(sent, make_user):
    from accounts.roles import Role

    key = uuid.uuid4().hex
    sent("/make/", key, what="the officer's")
    other = Client()
    other.force_login(make_user(Role.OFFICER, username="second"))
    response = other.post("/make/", {once.FIELD: key, "what": "the second officer's"})
    assert response["Location"] == "/made/"
    assert ALREADY_SENT not in [str(m) for m in response.wsgi_request._messages]
    assert DONE == ["the officer's", "the second officer's"]


def _claimed_before(officer, key: str, *, seconds_ago: int, **data) -> SentForm:
    """An unfinished claim of the form `key` sending `data`, made `seconds_ago`."""
    request = RequestFactory().post("/make/", {once.FIELD: key, **data})
    claim = SentForm.objects.create(key=once._request_key(request), user=officer, path="/make/")
    SentForm.objects.filter(pk=claim.pk).update(sent_at=timezone.now() - timedelta(seconds=seconds_ago))
    return claim


@pytest.mark.urls(__name__)
def test_a_form_still_being_sent_is_not_sent_again(sent, officer, monkeypatch):
    key = uuid.uuid4().hex
    _claimed_before(officer, key, seconds_ago=60, what="again")  # the first, not finished
    monkeypatch.setattr(once, "SENDING_WAIT_SECONDS", 0.4)
    response = sent("/make/", key, what="again")
    assert response.status_code == 409
    assert STILL_SENDING in response.content.decode()
    assert DONE == []


@pytest.mark.urls(__name__)
def test_a_claim_left_unfinished_longer_than_a_request_can_run_is_taken_over(sent, officer):
    """Its worker was killed (gunicorn's timeout, out of memory): the form is sent, at once."""
    key = uuid.uuid4().hex
    _claimed_before(officer, key, seconds_ago=int(once.ABANDONED_AFTER.total_seconds()) + 1, what="again")
    response = sent("/make/", key, what="again")
    assert response["Location"] == "/made/"
    assert DONE == ["again"]
    assert SentForm.objects.get().went_to == "/made/"


@pytest.mark.urls(__name__)
def test_back_correct_and_send_again_is_a_new_form(sent):
    """The same drawing of the form, sent with other values: what the person corrected is sent."""
    key = uuid.uuid4().hex
    sent("/make/", key, what="Two HR casse")
    sent("/make/", key, what="Two HR cases")
    sent("/make/", key, what="Two HR cases")
    assert DONE == ["Two HR casse", "Two HR cases"]


@pytest.mark.urls(__name__)
def test_the_same_file_sent_again_is_the_same_form_and_another_file_a_new_one(officer):
    client = Client()
    client.force_login(officer)
    key = uuid.uuid4().hex
    DONE.clear()
    for name, content in (("register.csv", b"URN\n100"), ("register.csv", b"URN\n100"), ("register.csv", b"URN\n101")):
        client.post("/make/", {once.FIELD: key, "what": "the register", "file": SimpleUploadedFile(name, content)})
    assert DONE == ["URN\n100", "URN\n101"]


@pytest.mark.urls(__name__)
def test_a_file_refused_as_it_came_is_no_500(officer):
    client = Client()
    client.force_login(officer)
    response = client.post("/errors/", {once.FIELD: uuid.uuid4().hex, "file": SimpleUploadedFile("a.csv", b"URN")})
    assert response.status_code == 200


@pytest.mark.urls(__name__)
def test_a_success_with_a_warning_keeps_the_key_and_an_already_done_answer_too(sent):
    """A warning beside a success ("their sign-in is suspended") is no refusal; an info message is
    an "already done" answer, which sending again would be told as well."""
    for address in ("/done-with-a-warning/", "/already-done/"):
        key = uuid.uuid4().hex
        sent(address, key)
        sent(address, key)
    assert DONE == ["done with a warning", "already done"]


def test_intelligence_sent_twice_from_one_page_is_recorded_once(client_as, school, adviser, on_day):
    on_day(date(2026, 11, 16))
    address = reverse("academies:intelligence_add", kwargs={"urn": school.urn})
    page = client_as("adviser").get(address).content.decode()
    key = re.search(r'name="sent_once" value="([0-9a-f]{32})"', page).group(1)
    data = {"received_on_0": "16", "received_on_1": "11", "received_on_2": "2026", "source_team": "hr",
            "sensitivity": "normal", "summary": "Two HR cases", once.FIELD: key}  # fmt: skip
    first = client_as("adviser").post(address, data)
    again = client_as("adviser").post(address, data, follow=True)
    assert IntelligenceEntry.objects.count() == 1
    assert again.redirect_chain[0][0] == first["Location"]
    assert ALREADY_SENT in again.content.decode()


def test_keys_are_kept_two_days(officer, time_machine):
    now = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # across a year's end
    for sent_at, name in ((now - timedelta(days=2, seconds=1), "/old/"), (now - timedelta(days=2), "/two-days/")):
        time_machine.move_to(sent_at, tick=False)
        SentForm.objects.create(key=uuid.uuid4(), user=officer, path=name, went_to="/")
    time_machine.move_to(now, tick=False)
    assert sent_forms_purge() == 1
    assert list(SentForm.objects.values_list("path", flat=True)) == ["/two-days/"]


@postgresql_only
@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sends_of_one_form_at_once_are_done_once(officer):
    """The second arrives while the first is in its view: it waits, then goes where the first went."""
    DONE.clear()
    IN_THE_VIEW.clear()
    key = uuid.uuid4().hex

    def send():
        client = Client()
        client.force_login(officer)
        response = client.post("/slow/", {once.FIELD: key, "what": "once"})
        assert (response.status_code, response["Location"]) == (302, "/made/")

    def second():
        assert IN_THE_VIEW.wait(timeout=5)
        send()

    assert in_threads(send, second) == ["done", "done"]
    assert DONE == ["once"]
