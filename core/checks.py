"""Configuration a production start must refuse, as Django system checks: `migrate`, which the
web container runs before gunicorn (ops/entrypoint.sh), runs them, and so do the worker's commands,
so a deployment with a setting wrong stops with the message instead of starting. `collectstatic` at
image build does not run them (it asks only for the static files' checks), nor does `makemigrations`,
which reads only the code and runs without the deployment's settings (manage.py)."""

import sys
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)

DEPLOYMENT = "deployment"  # the tag of the checks below: `manage.py check --tag deployment`
CODE_ONLY_COMMANDS = ("makemigrations",)

LOOPBACK = {"localhost", "127.0.0.1", "::1", ""}
SITE_URL_LOCAL = (
    "SITE_URL is {url}, which is this machine: the links in emails (password links, the daily digest, "
    "documents shared) would lead nowhere."
)
SITE_URL_HINT = (
    "Set SITE_URL to the address people open the service at (https://schools.example.gov.uk), or name "
    "that host in ALLOWED_HOSTS."
)
NO_MAIL_RELAY = (
    "No mail relay is configured: emails (password links for new users among them) would be printed "
    "to the logs instead of sent."
)
NO_MAIL_RELAY_HINT = (
    "Set EMAIL_URL (smtp+tls://user:password@relay.example.gov.uk:587) or EMAIL_HOST and its EMAIL_* "
    "variables; or EMAIL_BACKEND, to choose another backend on purpose."
)
NO_ALLOWED_HOSTS = "ALLOWED_HOSTS is empty: every request would be refused with 400 Bad Request."
NO_ALLOWED_HOSTS_HINT = "Set ALLOWED_HOSTS to the name people open the service at (schools.example.gov.uk)."
WEAK_SECRET_KEY = (
    f"{{name}} is too easy to guess: it needs at least {SECRET_KEY_MIN_LENGTH} characters, at least "
    f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} of them different, and must not start with '{SECRET_KEY_INSECURE_PREFIX}'."
)
WEAK_SECRET_KEY_HINT = 'Make one with: python -c "import secrets; print(secrets.token_urlsafe(50))"'
NO_DATABASE_URL = (
    "DATABASE_URL is not set: the data would go to a SQLite file inside the application's folder "
    "(in a container, lost with it)."
)
NO_DATABASE_URL_HINT = (
    "Set DATABASE_URL to the PostgreSQL database (postgres://user:password@host:5432/name), or to "
    "sqlite:////path/on/a/volume/db.sqlite3 to choose SQLite on purpose."
)


def deployment_settings_apply() -> bool:
    """Production settings, in a process that serves or changes the deployment."""
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    return not settings.DEBUG and command not in CODE_ONLY_COMMANDS


@checks.register(checks.Tags.security)
def site_url_is_the_public_address(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """In production, SITE_URL (docs/operations.md) is not this machine's own address. Not asked
    where no host is allowed: core.E003 says so first."""
    if settings.DEBUG or not settings.ALLOWED_HOSTS:
        return []
    if urlsplit(settings.SITE_URL).hostname not in LOOPBACK | {None}:
        return []
    return [checks.Error(SITE_URL_LOCAL.format(url=settings.SITE_URL or "empty"), hint=SITE_URL_HINT, id="core.E001")]


@checks.register(DEPLOYMENT)
def mail_goes_to_a_relay(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """The console backend, the development default, is never chosen silently in production."""
    if not deployment_settings_apply() or settings.EMAIL_CONFIGURED:
        return []
    return [checks.Error(NO_MAIL_RELAY, hint=NO_MAIL_RELAY_HINT, id="core.E002")]


@checks.register(checks.Tags.security, DEPLOYMENT)
def hosts_are_allowed(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if not deployment_settings_apply() or settings.ALLOWED_HOSTS:
        return []
    return [checks.Error(NO_ALLOWED_HOSTS, hint=NO_ALLOWED_HOSTS_HINT, id="core.E003")]


def strong(key: str) -> bool:
    """Django's own criteria (its deployment warning security.W009), here an error."""
    return (
        len(key) >= SECRET_KEY_MIN_LENGTH
        and len(set(key)) >= SECRET_KEY_MIN_UNIQUE_CHARACTERS
        and not key.startswith(SECRET_KEY_INSECURE_PREFIX)
    )


@checks.register(checks.Tags.security, DEPLOYMENT)
def secret_keys_are_strong(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """SECRET_KEY signs the sessions: a guessable one lets anyone sign in as anyone. So do the
    fallbacks still accepted while a new key is rotated in."""
    if not deployment_settings_apply():
        return []
    keys = [("SECRET_KEY", settings.SECRET_KEY)]
    keys += [(f"SECRET_KEY_FALLBACKS[{n}]", key) for n, key in enumerate(settings.SECRET_KEY_FALLBACKS)]
    return [
        checks.Error(WEAK_SECRET_KEY.format(name=name), hint=WEAK_SECRET_KEY_HINT, id="core.E004")
        for name, key in keys
        if not strong(str(key))
    ]


@checks.register(DEPLOYMENT)
def database_is_chosen(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if not deployment_settings_apply() or settings.DATABASE_URL_SET:
        return []
    return [checks.Error(NO_DATABASE_URL, hint=NO_DATABASE_URL_HINT, id="core.E005")]
