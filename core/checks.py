"""Configuration a production start must refuse, as Django system checks: `migrate`, which the
web container runs before gunicorn (ops/entrypoint.sh), runs them, so a deployment with the setting
wrong stops with the message instead of starting. `collectstatic` at image build does not run
them (it asks only for the static files' checks)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

LOOPBACK = {"localhost", "127.0.0.1", "::1", ""}
SITE_URL_LOCAL = (
    "SITE_URL is {url}, which is this machine: the links in emails (password links, the daily digest, "
    "documents shared) would lead nowhere."
)
SITE_URL_HINT = (
    "Set SITE_URL to the address people open the service at (https://schools.example.gov.uk), or name "
    "that host in ALLOWED_HOSTS."
)


@checks.register(checks.Tags.security)
def site_url_is_the_public_address(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """In production, SITE_URL (docs/operations.md) is not this machine's own address. Not asked
    where no host is allowed: such settings serve no one (a command run for a check of the code, as
    CI's migrations check, or at build)."""
    if settings.DEBUG or not settings.ALLOWED_HOSTS:
        return []
    if urlsplit(settings.SITE_URL).hostname not in LOOPBACK | {None}:
        return []
    return [checks.Error(SITE_URL_LOCAL.format(url=settings.SITE_URL or "empty"), hint=SITE_URL_HINT, id="core.E001")]
