"""The warning before a session ends and "Stay signed in" (docs/adr/0085; WCAG 2.2.1): every signed-in
page carries the time left; asking it is not activity; staying starts the idle limit again; the
limit since signing in cannot be put off."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from lxml import html

pytestmark = pytest.mark.django_db
HOME = reverse("dashboard:home")
TIME = reverse("accounts:session_time")


@pytest.fixture
def clock(time_machine):
    time_machine.move_to("2026-11-02 09:00:00+00:00", tick=False)
    return time_machine


def warning(page: bytes):
    [dialog] = html.fromstring(page).xpath("//dialog[@id='session-timeout']")
    return dialog


def left(client) -> dict:
    response = client.get(TIME)
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def stay(client, **data):
    return client.post(TIME, data, HTTP_ACCEPT="application/json")


def test_a_signed_in_page_carries_the_warning_with_the_time_left(client, adviser, clock):
    client.force_login(adviser)
    clock.shift(timedelta(minutes=5))
    dialog = warning(client.get(HOME).content)
    assert (dialog.get("data-seconds"), dialog.get("data-can-stay")) == (str(30 * 60), "true")  # the page: activity
    assert dialog.get("data-warn-seconds") == "120"
    assert dialog.xpath(".//button")[0].text_content().strip() == "Stay signed in"
    assert "you will be signed out in" in dialog.text_content()


def test_the_sign_in_page_carries_no_warning(client):
    assert b'id="session-timeout"' not in client.get(reverse("accounts:login")).content


def test_asking_the_time_left_is_not_activity(client, adviser, clock):
    client.force_login(adviser)
    clock.shift(timedelta(minutes=10))
    assert left(client) == {"seconds": 20 * 60, "can_stay": True}
    clock.shift(timedelta(minutes=15))
    assert left(client) == {"seconds": 5 * 60, "can_stay": True}
    clock.shift(timedelta(minutes=5))
    ended = client.get(TIME)  # asked, not kept open: the script is told, and the page it loads says why
    assert (ended.status_code, json.loads(ended.content)) == (401, {"seconds": 0, "can_stay": False})
    signed_out = client.get(HOME, follow=True).content.decode()
    assert "You were signed out after 30 minutes without activity" in signed_out


def test_staying_signed_in_starts_the_idle_limit_again(client, adviser, clock):
    client.force_login(adviser)
    clock.shift(timedelta(minutes=29))
    assert json.loads(stay(client).content) == {"seconds": 30 * 60, "can_stay": True}
    clock.shift(timedelta(minutes=29))
    assert client.get(HOME).status_code == 200  # 58 minutes after the last page


def test_near_the_limit_since_signing_in_the_warning_cannot_put_it_off(client, adviser, clock):
    client.force_login(adviser)
    for _ in range(23):  # a page every 20 minutes up to 7 h 40
        clock.shift(timedelta(minutes=20))
        client.get(HOME)
    clock.shift(timedelta(minutes=5))
    dialog = warning(client.get(HOME).content)
    assert (dialog.get("data-seconds"), dialog.get("data-can-stay")) == (str(15 * 60), "false")
    [limit] = dialog.xpath(".//*[@data-when='limit']")
    assert "because you signed in a long time ago" in limit.text_content()
    assert not limit.xpath(".//form[@method='post']")  # the script shows this part, not "Stay signed in"
    assert json.loads(stay(client).content) == {"seconds": 15 * 60, "can_stay": False}


def test_without_the_script_staying_goes_back_to_the_page_on_this_site_only(client, adviser):
    client.force_login(adviser)
    assert client.post(TIME, {"next": "/schools/?q=x"})["Location"] == "/schools/?q=x"
    assert client.post(TIME, {"next": "https://elsewhere.example/"})["Location"] == HOME
    assert client.post(TIME)["Location"] == HOME


def test_someone_signed_out_is_asked_to_sign_in(client):
    assert client.get(TIME)["Location"].startswith(reverse("accounts:login"))
    assert client.post(TIME, HTTP_ACCEPT="application/json")["Location"].startswith(reverse("accounts:login"))
