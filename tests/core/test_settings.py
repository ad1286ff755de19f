"""Production mode: refuses to start without a secret and passes Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL")}
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


def test_production_settings_pass_the_deployment_checklist_with_no_warnings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="k" * 20 + "-Zq8v!pL2#xR7@mN4$wT9^bY6&cU3*eH1(jF5)gD0",
        ALLOWED_HOSTS="schools.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "k" * 20 + "-Zq8v!pL2#xR7@mN4$wT9^bY6&cU3*eH1(jF5)gD0"}


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
