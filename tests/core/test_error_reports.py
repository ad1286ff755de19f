"""A server error's email to ADMINS names the request's fields, parameters, files and cookies but
shows none of their values: case text is posted in forms, search text sent in query strings
(core/error_reports.py)."""

import logging
import sys

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.views.debug import get_exception_reporter_class

from core.error_reports import MASK

CASE_TEXT = "Safeguarding: a pupil disclosed concerns about home, referral made to social care"
SEARCH_TEXT = "Jordan Whitfield"
SESSION = "q9v8session0value7in4the2cookie"
FILE_NAME = "referral-jordan-whitfield.pdf"


def visit_record_post():
    request = RequestFactory().post(
        f"/visits/12/edit/?q={SEARCH_TEXT.replace(' ', '+')}",
        {"strengths": CASE_TEXT, "agreed_actions": "Follow up", "evidence": SimpleUploadedFile(FILE_NAME, b"%PDF")},
        HTTP_REFERER=f"https://schools.example.org/schools/?q={SEARCH_TEXT.replace(' ', '+')}",
    )
    request.COOKIES = {"sessionid": SESSION, "csrftoken": "c5rf7oken1value"}
    return request


def failing_save(request):
    strengths = request.POST["strengths"]  # a local variable holding case text, as a view's would
    raise ValueError(f"could not save {len(strengths)} characters")


@pytest.fixture
def exc_info():
    try:
        failing_save(visit_record_post())
    except ValueError:
        return sys.exc_info()


def assert_nothing_sent_is_shown(report: str) -> None:
    for value in (CASE_TEXT, "Follow up", SEARCH_TEXT, "Jordan", SESSION, "c5rf7oken1value", FILE_NAME):
        assert value not in report, value


def test_the_email_to_admins_names_the_posted_fields_and_cookies_but_shows_none_of_their_values(settings):
    settings.ADMINS = [("Ops", "ops@example.gov.uk")]
    request = visit_record_post()
    try:
        failing_save(request)
    except ValueError:
        logging.getLogger("django.request").error(
            "Internal Server Error: %s", request.path, exc_info=True, extra={"status_code": 500, "request": request}
        )

    [email] = mail.outbox
    report = email.body
    assert "ValueError at /visits/12/edit/" in report
    for name in ("strengths", "agreed_actions", "evidence", "sessionid", "csrftoken", "q = "):
        assert name in report, name
    assert f"strengths = '{MASK}'" in report
    assert "/visits/12/edit/" in report
    assert_nothing_sent_is_shown(report)


def test_the_html_report_masks_the_tracebacks_local_variables_too(exc_info):
    """The HTML report (AdminEmailHandler's include_html) shows each frame's variables."""
    request = visit_record_post()
    report = get_exception_reporter_class(request)(request, *exc_info, is_email=True).get_traceback_html()
    assert "strengths" in report
    assert_nothing_sent_is_shown(report)


def test_the_settings_stay_masked_as_django_masks_them(exc_info, settings):
    settings.EMAIL_HOST_PASSWORD = "relay-password-1234"
    request = visit_record_post()
    report = get_exception_reporter_class(request)(request, *exc_info, is_email=True).get_traceback_text()
    assert "EMAIL_HOST_PASSWORD" in report
    assert "relay-password-1234" not in report


FEED_TOKEN = "f33dt0ken4n8adv1ser5calendar"


@pytest.mark.parametrize(
    "path",
    [f"/visits/calendar/feed/{FEED_TOKEN}.ics", f"/accounts/password/choose/MTI/{FEED_TOKEN}/"],
    ids=["calendar feed", "password link"],
)
def test_the_email_to_admins_masks_a_secret_in_the_address_in_its_subject_and_report(settings, path):
    """core.logs.SECRET_PATHS: a server error on a calendar feed or a password link would otherwise
    send its bearer token to everyone in ADMINS, in the subject and the report."""
    settings.ADMINS = [("Ops", "ops@example.gov.uk")]
    request = RequestFactory().get(path, HTTP_REFERER=f"https://schools.example.org{path}")
    try:
        failing_save(RequestFactory().post("/", {"strengths": "x"}))
    except ValueError:
        logging.getLogger("django.request").error(
            "Internal Server Error: %s", request.path, exc_info=True, extra={"status_code": 500, "request": request}
        )

    [email] = mail.outbox
    html = email.alternatives[0][0] if email.alternatives else ""
    for text in (email.subject, email.body, html):
        assert FEED_TOKEN not in text
    assert "[token]" in email.subject
    assert "[token]" in email.body
