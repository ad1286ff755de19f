"""Production mode: refuses to start without a strong secret, its hosts, a mail relay, a database
chosen and the council's own name, LA codes and sender (core.checks, which `migrate` runs before
gunicorn and the worker's entrypoint before the worker), and passes Django's deployment checks."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from config.env import NOT_A_BOOLEAN, NOT_A_NUMBER, NOT_A_WHOLE_NUMBER
from core.checks import (
    NO_ALLOWED_HOSTS,
    NO_COUNCIL_NAME,
    NO_DATABASE_URL,
    NO_LOCAL_AUTHORITY_CODES,
    NO_MAIL_RELAY,
    NO_SENDER,
    WEAK_SECRET_KEY,
)

BASE_DIR = Path(settings.BASE_DIR)


# Variables the production checks read (core.checks): none may come from the test run's environment.
CHECKED = (
    "DEBUG", "SECRET_KEY", "SECRET_KEY_FALLBACKS", "DATABASE_URL", "ALLOWED_HOSTS", "SITE_URL",
    "COUNCIL_NAME", "LOCAL_AUTHORITY_CODES", "DEFAULT_FROM_EMAIL",
)  # fmt: skip


def manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in CHECKED and not k.startswith("EMAIL_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is false" in result.stderr


def test_a_command_without_a_secret_key_says_why_instead_of_a_traceback():
    """Django goes on without settings it could not load: migrate then failed with "Models aren't
    loaded yet" (manage.py stops first, with the settings' own reason)."""
    result = manage("migrate", "--plan", DEBUG="false")
    assert result.returncode == 1
    assert result.stderr.startswith("The settings could not be loaded: SECRET_KEY must be set when DEBUG is false")
    assert "Traceback" not in result.stderr


def test_the_migrations_check_runs_without_the_deployments_secret():
    """makemigrations reads only the code, so a check of the migrations needs no SECRET_KEY."""
    result = manage("makemigrations", "--check", "--dry-run", DEBUG="false")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


# What a production start must be given besides its hosts (core.checks refuses it otherwise).
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "-Zq8v!pL2#xR7@mN4$wT9^bY6&cU3*eH1(jF5)gD0",
    "DATABASE_URL": "sqlite://:memory:",
    "EMAIL_URL": "smtp+tls://mailer:secret@relay.example.gov.uk:587",
    "COUNCIL_NAME": "Example County Council",
    "LOCAL_AUTHORITY_CODES": "873",
    "DEFAULT_FROM_EMAIL": "school-improvement@example.gov.uk",
}


def test_production_settings_pass_the_deployment_checklist_with_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", ALLOWED_HOSTS="schools.example.org", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def site_url(**env) -> str:
    result = manage("diffsettings", "--all", **PRODUCTION, **env)
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("SITE_URL = ")]
    return line.removeprefix("SITE_URL = ").removesuffix("  ###").strip("'")


def test_production_will_not_start_with_links_in_emails_leading_to_this_machine():
    """The web container migrates before it serves (ops/entrypoint.sh): migrate runs the checks."""
    result = manage("migrate", "--plan", ALLOWED_HOSTS="localhost", **PRODUCTION)
    assert result.returncode != 0
    assert "(core.E001) SITE_URL is http://127.0.0.1:8000, which is this machine" in result.stderr


def test_the_site_address_is_the_first_allowed_host_that_is_not_this_machine():
    assert site_url(ALLOWED_HOSTS="localhost,127.0.0.1,schools.example.org") == "https://schools.example.org"
    assert site_url(ALLOWED_HOSTS="*", SITE_URL="https://schools.example.org/") == "https://schools.example.org"
    assert manage("check", ALLOWED_HOSTS="*", SITE_URL="https://schools.example.org", **PRODUCTION).returncode == 0


def errors(result: subprocess.CompletedProcess) -> list[str]:
    """The ids of the system check errors a command stopped with."""
    return sorted(set(re.findall(r"\((core\.E\d+)\)", result.stderr)))


def test_production_will_not_start_without_a_mail_relay_rather_than_print_emails_to_the_logs():
    """compose.yaml passes EMAIL_URL empty when .env does not set it."""
    given = {**PRODUCTION, "ALLOWED_HOSTS": "schools.example.org", "EMAIL_URL": ""}
    result = manage("migrate", "--plan", **given)
    assert result.returncode != 0
    assert errors(result) == ["core.E002"]
    assert NO_MAIL_RELAY in result.stderr

    assert manage("check", **given, EMAIL_HOST="relay.example.gov.uk").returncode == 0
    chosen = manage("check", **given, EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
    assert chosen.returncode == 0, chosen.stderr


def test_production_will_not_start_without_allowed_hosts_rather_than_answer_every_request_400():
    result = manage("check", **PRODUCTION)
    assert errors(result) == ["core.E003"]
    assert NO_ALLOWED_HOSTS in result.stderr


def test_production_will_not_start_with_a_secret_key_that_is_short_or_repetitive():
    host = {"ALLOWED_HOSTS": "schools.example.org"}
    for weak in (
        "short-but-varied-Zq8v!pL2#xR7",
        "a" * 60,
        "django-insecure-" + "Zq8v!pL2#xR7@mN4$wT9^bY6&cU3*eH1(jF5)gD0",
    ):
        result = manage("check", **{**PRODUCTION, "SECRET_KEY": weak}, **host)
        assert errors(result) == ["core.E004"], weak
        assert WEAK_SECRET_KEY.format(name="SECRET_KEY") in result.stderr
    fallback = manage("check", **PRODUCTION, **host, SECRET_KEY_FALLBACKS="old-short-key")
    assert WEAK_SECRET_KEY.format(name="SECRET_KEY_FALLBACKS[0]") in fallback.stderr


def test_production_will_not_start_on_an_sqlite_file_it_was_not_told_to_use():
    host = {"ALLOWED_HOSTS": "schools.example.org"}
    for unset in ({}, {"DATABASE_URL": ""}):
        given = {k: v for k, v in PRODUCTION.items() if k != "DATABASE_URL"} | host | unset
        result = manage("check", **given)
        assert errors(result) == ["core.E005"], unset
        assert NO_DATABASE_URL in result.stderr
    chosen = manage("check", **PRODUCTION, **host)  # DATABASE_URL=sqlite://... : SQLite on purpose
    assert chosen.returncode == 0, chosen.stderr


def test_production_will_not_start_as_the_demos_council_rather_than_its_own():
    """Peterborough City Council, LA 874 and school-improvement@localhost are the demo's: a council
    that forgot to set them would go live under another's name, import none of its own schools and
    send from an address relays refuse."""
    host = {"ALLOWED_HOSTS": "schools.example.org"}
    unset = {
        k: v for k, v in PRODUCTION.items() if k not in ("COUNCIL_NAME", "LOCAL_AUTHORITY_CODES", "DEFAULT_FROM_EMAIL")
    }
    result = manage("migrate", "--plan", **unset, **host)
    assert result.returncode != 0
    assert errors(result) == ["core.E006", "core.E007", "core.E008"]
    assert NO_COUNCIL_NAME in result.stderr
    assert NO_LOCAL_AUTHORITY_CODES in result.stderr
    assert NO_SENDER.format(address="school-improvement@localhost", given=" (not set: the default)") in result.stderr

    empty = manage("check", **unset, **host, COUNCIL_NAME=" ", LOCAL_AUTHORITY_CODES=" , ", DEFAULT_FROM_EMAIL="")
    assert errors(empty) == ["core.E006", "core.E007", "core.E008"]  # compose passes unset variables empty


def test_production_will_not_send_from_an_address_on_this_machine():
    host = {"ALLOWED_HOSTS": "schools.example.org"}
    for address in (
        "school-improvement@localhost",
        "School improvement <si@LOCALHOST>",
        "si@127.0.0.1",
        "si@box.localhost",
        "si",
    ):
        result = manage("check", **{**PRODUCTION, "DEFAULT_FROM_EMAIL": address}, **host)
        assert errors(result) == ["core.E008"], address
        assert NO_SENDER.format(address=address, given="") in result.stderr
    named = manage("check", **{**PRODUCTION, "DEFAULT_FROM_EMAIL": "School improvement <si@example.gov.uk>"}, **host)
    assert named.returncode == 0, named.stderr


def test_the_councils_own_codes_are_read_without_the_spaces_around_them():
    given = {**PRODUCTION, "ALLOWED_HOSTS": "schools.example.org", "LOCAL_AUTHORITY_CODES": " 873, 874 ,"}
    result = manage("diffsettings", "--all", **given)
    assert result.returncode == 0, result.stderr
    assert "LOCAL_AUTHORITY_CODES = ['873', '874']" in result.stdout


def test_development_starts_with_its_defaults_the_console_for_mail_and_the_sqlite_file():
    """And the demo's council: DEBUG on, nothing of core.checks' production list is asked for."""
    result = manage("check", DEBUG="true")
    assert result.returncode == 0, result.stderr
    settings_seen = manage("diffsettings", "--all", DEBUG="true").stdout
    assert "COUNCIL_NAME = 'Peterborough City Council'" in settings_seen
    assert "LOCAL_AUTHORITY_CODES = ['874']" in settings_seen


def setting(name: str, **env) -> str:
    result = manage("diffsettings", "--all", ALLOWED_HOSTS="schools.example.org", **PRODUCTION, **env)
    assert result.returncode == 0, result.stderr
    # diffsettings marks a setting that differs from Django's default with "### " before it.
    lines = [line.removeprefix("### ") for line in result.stdout.splitlines()]
    (line,) = [line for line in lines if line.startswith(f"{name} = ")]
    return line.removeprefix(f"{name} = ").removesuffix("  ###")  # (a setting Django does not define)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SESSION_COOKIE_SECURE", "ture", NOT_A_BOOLEAN),
        ("SECURE_SSL_REDIRECT", "disabled", NOT_A_BOOLEAN),
        ("DIGEST_HOUR", "7am", NOT_A_WHOLE_NUMBER),
        ("SESSION_IDLE_TIMEOUT_MINUTES", "30m", NOT_A_WHOLE_NUMBER),
        ("TASK_WORKER_STALLED_SECONDS", "20s", NOT_A_NUMBER),
    ],
)
def test_a_setting_the_service_cannot_read_refuses_to_start_naming_it(variable, value, message):
    """django-environ read any word but a true one as false: SESSION_COOKIE_SECURE=ture turned secure
    cookies off without a word (config/env.py)."""
    result = manage("check", ALLOWED_HOSTS="schools.example.org", **PRODUCTION, **{variable: value})
    assert result.returncode == 1
    assert result.stderr.strip() == "The settings could not be loaded: " + message.format(var=variable, value=value)


def test_an_empty_setting_is_a_setting_not_given_and_takes_its_default():
    assert setting("SESSION_COOKIE_SECURE", SESSION_COOKIE_SECURE="") == "True"
    assert setting("SESSION_COOKIE_SECURE", SESSION_COOKIE_SECURE=" False ") == "False"
    assert setting("SESSION_COOKIE_SECURE", SESSION_COOKIE_SECURE="no") == "False"
    assert setting("EMAIL_TIMEOUT", EMAIL_TIMEOUT="") == "30"
    assert setting("EMAIL_TIMEOUT", EMAIL_TIMEOUT=" 45 ") == "45"
    assert setting("SENTRY_TRACES_SAMPLE_RATE", SENTRY_TRACES_SAMPLE_RATE="") == "0.0"
    assert setting("TASK_WORKER_STALLED_SECONDS", TASK_WORKER_STALLED_SECONDS="30.5") == "30.5"
