"""The logs hold no secrets and no names (core/logs.py, config/gunicorn.py): the access log masks the
tokens in calendar-feed and password-link paths, a refused email's line names its record, not its
recipient, and a failed sign-in's line shows a keyed hash of the username, never what was typed."""

import http.client
import logging
import re
import signal
import smtplib
import socket
import socketserver
import subprocess
import sys
import threading
import time
import traceback
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
from django.conf import settings
from django.urls import URLResolver, get_resolver, resolve, reverse
from gunicorn.config import Config

import config.gunicorn as gunicorn_config
from accounts import access
from accounts.models import AccessEvent, AccessEventKind
from core import emails
from schools import services
from schools.models import Councillor
from tests.factories import SchoolFactory

FEED_TOKEN = "Zq7pK2-secret_feed_token"
UIDB64 = "MTIzNA"
LINK_TOKEN = "cdd1f0-8a0c2e5d3f4b6a7c9e1d"
ADDRESS = "governor@example.org"

# ---- the access log ------------------------------------------------------------------------------


def access_line(tmp_path, path: str, *, log_format: str = gunicorn_config.access_log_format) -> str:
    """The line gunicorn's access log writes for a GET of `path`, through the product's logger class."""
    cfg = Config()
    cfg.set("accesslog", str(tmp_path / "access.log"))
    cfg.set("access_log_format", log_format)
    logger = gunicorn_config.AccessLogger(cfg)
    environ = {
        "REQUEST_METHOD": "GET", "RAW_URI": path, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.4", "HTTP_REFERER": f"https://schools.example.org{path}",
    }  # fmt: skip
    response = SimpleNamespace(status="200 OK", headers=[("X-Request-ID", "req-0123456789")], sent=2)
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    try:
        logger.access(response, request, environ, timedelta(milliseconds=12))
    finally:
        for handler in list(logger.access_log.handlers):
            logger.access_log.removeHandler(handler)
            handler.close()
    return (tmp_path / "access.log").read_text()


def test_the_access_log_writes_a_calendar_feeds_path_without_its_token(tmp_path):
    line = access_line(tmp_path, f"/visits/calendar/feed/{FEED_TOKEN}.ics")
    assert FEED_TOKEN not in line
    assert "GET /visits/calendar/feed/[token].ics 200 12ms request_id=req-0123456789" in line


def test_the_access_log_writes_a_password_links_path_without_its_uid_and_token(tmp_path):
    line = access_line(tmp_path, f"/accounts/password/choose/{UIDB64}/{LINK_TOKEN}/")
    assert UIDB64 not in line
    assert LINK_TOKEN not in line
    assert "GET /accounts/password/choose/[uid]/[token]/ 200" in line


def test_every_part_of_the_request_the_access_log_may_name_is_masked(tmp_path):
    """The request line, the Referer and the environ too, should the format ever name them."""
    log_format = "%(r)s %(U)s %(f)s %({referer}i)s %({raw_uri}e)s %({path_info}e)s"
    line = access_line(tmp_path, f"/visits/calendar/feed/{FEED_TOKEN}.ics", log_format=log_format)
    assert FEED_TOKEN not in line
    assert line.count("/visits/calendar/feed/[token].ics") == 6


def test_the_access_log_leaves_other_paths_as_they_are(tmp_path):
    assert "GET /visits/calendar/link/ 200" in access_line(tmp_path, "/visits/calendar/link/")


SECRET_PARAMETER = re.compile(r"token|uid|secret|signature|hash", re.IGNORECASE)
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


def routes(patterns, prefix: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from routes(entry.url_patterns, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern)


def sample_path(route: str) -> tuple[str, list[str]]:
    """A path of `route` (`visits/calendar/feed/<str:token>.ics`), and the values it gives its
    parameters named as secrets."""
    secrets = []

    def sample(match: re.Match) -> str:
        if match.group(1) == "int":
            return "7"
        value = f"S3cr3t{match.group(2)}X"
        if SECRET_PARAMETER.search(match.group(2)):
            secrets.append(value)
        return value

    return "/" + PARAMETER.sub(sample, route), secrets


def test_every_url_with_a_secret_in_its_path_is_masked_in_the_access_log():
    """A new URL with a token in its path fails here until config/gunicorn.py masks it."""
    samples = [sample_path(route) for route in routes(get_resolver().url_patterns)]
    secret_paths = [(path, secrets) for path, secrets in samples if secrets]
    assert len(secret_paths) >= 2  # the calendar feed and the password link
    for path, secrets in secret_paths:
        assert resolve(path)  # a path the URLconf answers
        masked = gunicorn_config.without_secrets(path)
        assert not [secret for secret in secrets if secret in masked], masked


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_run_with_the_products_config_logs_a_feed_request_without_its_token(tmp_path):
    port, output = _free_port(), tmp_path / "gunicorn.log"
    environment = {"PATH": "/usr/bin:/bin", "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"}
    command = [str(Path(sys.executable).parent / "gunicorn"), "--config", "config/gunicorn.py"]
    with open(output, "wb") as out:
        server = subprocess.Popen(
            [*command, "tests.core.access_log_app:application"],
            cwd=settings.BASE_DIR, env=environment, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        for _ in range(150):
            assert server.poll() is None, output.read_text()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request(
                    "GET", f"/visits/calendar/feed/{FEED_TOKEN}.ics", headers={"X-Request-ID": "req-feed-0001"}
                )
                assert connection.getresponse().status == 200
                break
            except ConnectionRefusedError:
                time.sleep(0.1)
        for _ in range(100):
            lines = [line for line in output.read_text().splitlines() if "req-feed-0001" in line]
            if lines:
                break
            time.sleep(0.1)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert lines, output.read_text()
    assert '"logger": "gunicorn.access"' in lines[0]
    assert "GET /visits/calendar/feed/[token].ics 200" in lines[0]
    assert FEED_TOKEN not in output.read_text()


# ---- a mail relay that refuses the recipient -----------------------------------------------------

# Where the relay refuses and with what reply: for good (5xx), or for now (4xx, "try again later").
FOR_GOOD = [("RCPT", "550 5.1.1"), ("DATA", "554 5.7.1")]
FOR_NOW = [("RCPT", "450 4.2.1"), ("DATA", "451 4.3.0")]


def refusal_id(refusal: tuple[str, str]) -> str:
    return f"{refusal[0]}-{refusal[1][:3]}"


class RefusingRelay(socketserver.StreamRequestHandler):
    """An SMTP relay that refuses the recipient, naming it, as a council's relay does: at RCPT or,
    when the server's `refuse_at` is "DATA", after the message, with the server's `refusal` reply."""

    def reply(self, text: str) -> None:
        self.wfile.write(f"{text}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 relay.example.org ESMTP")
        recipient = ""
        refusal = self.server.refusal  # type: ignore[attr-defined]
        while line := self.rfile.readline():
            command = line.decode().strip()
            verb = command.split(" ", 1)[0].upper()
            if verb == "RCPT":
                recipient = command.split(":", 1)[1].strip()
                refused = self.server.refuse_at == "RCPT"  # type: ignore[attr-defined]
                self.reply(f"{refusal} {recipient}: Recipient address rejected" if refused else "250 OK")
            elif verb == "DATA":
                self.reply("354 go ahead")
                while self.rfile.readline() not in (b".\r\n", b""):
                    pass
                self.reply(f"{refusal} {recipient}: Recipient address rejected")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:  # EHLO, MAIL, RSET, NOOP
                self.reply("250 relay.example.org")


@pytest.fixture
def refusing_relay(request, settings):
    """The relay, refusing as the test's indirect parameter says: (where, reply)."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), RefusingRelay)
    server.daemon_threads = True
    server.refuse_at, server.refusal = request.param  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.server_address[1]
    settings.EMAIL_HOST_USER, settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL, settings.EMAIL_TIMEOUT = (
        "",
        False,
        False,
        5,
    )
    yield request.param
    server.shutdown()
    server.server_close()


def logged_text(caplog) -> str:
    return "\n".join(f"{record.getMessage()}\n{record.exc_text or ''}" for record in caplog.records)


def refused_as(refusal: tuple[str, str]) -> str:
    """What failure() says of the relay's refusal: the exception's type and the code, nothing else."""
    where, reply = refusal
    return f"{'SMTPRecipientsRefused' if where == 'RCPT' else 'SMTPDataError'} ({reply[:3]})"


@pytest.mark.django_db
@pytest.mark.parametrize("refusing_relay", FOR_NOW, indirect=True, ids=refusal_id)
def test_an_email_the_relay_refuses_for_now_is_logged_by_its_record_never_by_its_address(
    refusing_relay, make_user, caplog
):
    user = make_user(None, username="grace")
    event = AccessEvent.objects.create(kind=AccessEventKind.PASSWORD_SET, user=user, emailed_to=ADDRESS)
    with caplog.at_level(logging.INFO):
        with pytest.raises(emails.EmailNotSent):  # raised again for the queue to retry
            access.access_email_send(event.pk, last_attempt=False)
        access.access_email_send(event.pk, last_attempt=True)
    lines = [record for record in caplog.records if record.name == "core.emails"]
    assert len(lines) == 2
    assert lines[0].getMessage() == (
        f"The access-log email (accounts.accessevent {event.pk}) could not be sent: {refused_as(refusing_relay)}"
    )
    assert ADDRESS not in logged_text(caplog)
    event.refresh_from_db()
    assert ADDRESS in event.email_error  # the relay's whole answer is on the record, which the app shows


@pytest.mark.django_db
@pytest.mark.parametrize("refusing_relay", FOR_GOOD, indirect=True, ids=refusal_id)
def test_an_email_the_relay_refuses_for_good_is_logged_once_by_its_record_never_by_its_address(
    refusing_relay, make_user, caplog
):
    user = make_user(None, username="grace")
    event = AccessEvent.objects.create(kind=AccessEventKind.PASSWORD_SET, user=user, emailed_to=ADDRESS)
    with caplog.at_level(logging.INFO):
        access.access_email_send(event.pk, last_attempt=False)  # not raised: no retry would be taken
    [line] = [record for record in caplog.records if record.name == "core.emails"]
    assert line.getMessage() == (
        f"The access-log email (accounts.accessevent {event.pk}) could not be sent: {refused_as(refusing_relay)}"
    )
    assert ADDRESS not in logged_text(caplog)
    event.refresh_from_db()
    assert event.email_error.startswith("Could not send: ")
    assert ADDRESS in event.email_error


@pytest.mark.django_db
@pytest.mark.parametrize("refusing_relay", FOR_NOW + FOR_GOOD, indirect=True, ids=refusal_id)
def test_a_councillor_alert_the_relay_refuses_is_logged_by_its_id_never_by_its_address(refusing_relay, caplog):
    school = SchoolFactory()
    Councillor.objects.create(ward=school.ward, name="Jane Doe", email=ADDRESS)
    alert = services.elected_members_alert(school=school, kind="high_support", summary="High support.", actor=None)
    with caplog.at_level(logging.INFO):
        try:
            services.alert_send(alert.pk, last_attempt=False)
        except emails.EmailNotSent:  # refused for now: the queue's next attempt is the last
            services.alert_send(alert.pk, last_attempt=True)
    lines = [record.getMessage() for record in caplog.records if record.name == "schools.services"]
    assert lines[0] == f"Elected member alert {alert.pk} could not be sent: {refused_as(refusing_relay)}"
    assert len(lines) == (1 if refusing_relay in FOR_GOOD else 2)
    assert ADDRESS not in logged_text(caplog)
    assert "Jane Doe" not in logged_text(caplog)


# ---- failed sign-ins -----------------------------------------------------------------------------


def failed_sign_in(client, username: str) -> None:
    client.post(
        reverse("accounts:login"), {"username": username, "password": "wrong-password"}, REMOTE_ADDR="192.0.2.9"
    )


@pytest.mark.django_db
def test_a_failed_sign_in_logs_a_hash_of_the_username_never_what_was_typed(client, caplog):
    typed = ["Jane.Doe@council.gov.uk", " jane.doe@COUNCIL.gov.uk ", "correct horse battery staple"]
    with caplog.at_level(logging.WARNING, logger="accounts.lockout"):
        for username in typed:
            failed_sign_in(client, username)
    lines = [record.getMessage() for record in caplog.records if record.name == "accounts.lockout"]
    assert len(lines) == 3
    assert not any(word in line.lower() for line in lines for word in ("jane", "council", "horse"))
    digests = [
        re.fullmatch(r"Failed sign-in: username ([0-9a-f]{12}) \(hashed\) from 192\.0\.2\.9", line) for line in lines
    ]
    assert all(digests), lines
    first, again, other = (match.group(1) for match in digests if match)
    assert first == again != other  # one person's tries can be counted together


def test_an_email_raised_again_for_a_retry_carries_neither_the_servers_text_nor_its_exception(admin_user, officer):
    """The worker logs what a task raises, with its traceback, at every retry: the recipient named
    by the relay's refusal must not be in it (core.emails.EmailNotSent)."""
    refusal = smtplib.SMTPRecipientsRefused({officer.email: (450, f"<{officer.email}>: mailbox busy".encode())})
    event = access.access_event_record(kind=AccessEventKind.PASSWORD_SET, user=officer, actor=admin_user)
    AccessEvent.objects.filter(pk=event.pk).update(emailed_to=officer.email)
    with mock.patch("core.emails.send_mail", side_effect=refusal), pytest.raises(emails.EmailNotSent) as raised:
        access.access_email_send(event.pk, last_attempt=False)
    assert str(raised.value) == "SMTPRecipientsRefused (450)"
    assert raised.value.__cause__ is None
    assert raised.value.__suppress_context__
    assert officer.email not in "".join(traceback.format_exception(raised.value))
