"""Configuration a production start must refuse, as Django system checks: `migrate`, which the
web container runs before gunicorn (ops/entrypoint.sh), runs them, and so do the worker's commands,
so a deployment with a setting wrong stops with the message instead of starting. `collectstatic` at
image build does not run them (it asks only for the static files' checks), nor does `makemigrations`,
which reads only the code and runs without the deployment's settings (manage.py)."""

import sys
from email.utils import parseaddr
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

# The demo's council, the development defaults (config/settings.py): never a live deployment's.
NO_COUNCIL_NAME = (
    "COUNCIL_NAME is not set: the header, letters and emails would name the demo's council, Peterborough City Council."
)
NO_COUNCIL_NAME_HINT = "Set COUNCIL_NAME to your council's name as its letters give it (Example County Council)."
NO_LOCAL_AUTHORITY_CODES = (
    "LOCAL_AUTHORITY_CODES is not set: imports would keep only the demo's schools, Peterborough's (LA 874)."
)
NO_LOCAL_AUTHORITY_CODES_HINT = (
    'Set LOCAL_AUTHORITY_CODES to your council\'s LA code or codes, comma-separated, as GIAS gives them ("LA (code)").'
)
NO_SENDER = (
    "DEFAULT_FROM_EMAIL is {address}{given}: emails (password links among them) would come from an address "
    "on this machine, which mail relays refuse or mark as spam and nobody can reply to."
)
NO_SENDER_HINT = (
    "Set DEFAULT_FROM_EMAIL to the council's address for the service (school-improvement@example.gov.uk), one "
    "its mail relay may send from."
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


@checks.register(DEPLOYMENT)
def council_is_named(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """A deployment names its own council and LA codes: the defaults are the demo's, and a service
    started without them would look like Peterborough's and import only its schools."""
    if not deployment_settings_apply():
        return []
    given = settings.COUNCIL_SETTINGS_GIVEN
    errors: list[checks.CheckMessage] = []
    if "COUNCIL_NAME" not in given:
        errors.append(checks.Error(NO_COUNCIL_NAME, hint=NO_COUNCIL_NAME_HINT, id="core.E006"))
    if "LOCAL_AUTHORITY_CODES" not in given:
        errors.append(checks.Error(NO_LOCAL_AUTHORITY_CODES, hint=NO_LOCAL_AUTHORITY_CODES_HINT, id="core.E007"))
    return errors


def on_this_machine(address: str) -> bool:
    """An address whose domain is this machine's (localhost, a loopback address) or missing."""
    _, at, domain = parseaddr(address)[1].rpartition("@")
    domain = domain.strip("[]").rstrip(".").lower() if at else ""
    return domain in LOOPBACK or domain.endswith(".localhost") or domain == "localhost.localdomain"


@checks.register(DEPLOYMENT)
def sender_is_the_councils(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if not deployment_settings_apply():
        return []
    address = settings.DEFAULT_FROM_EMAIL
    if "DEFAULT_FROM_EMAIL" in settings.COUNCIL_SETTINGS_GIVEN and not on_this_machine(address):
        return []
    given = "" if "DEFAULT_FROM_EMAIL" in settings.COUNCIL_SETTINGS_GIVEN else " (not set: the default)"
    return [checks.Error(NO_SENDER.format(address=address, given=given), hint=NO_SENDER_HINT, id="core.E008")]
