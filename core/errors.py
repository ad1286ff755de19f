"""Error reporting to Sentry (or a compatible service) when SENTRY_DSN is set: web requests and the
worker's tasks alike. No personal data is sent (send_default_pii off: no user names, emails, IP
addresses, cookies or request bodies), and nothing at all without SENTRY_DSN."""

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration


def init_sentry(*, dsn: str, environment: str, traces_sample_rate: float) -> bool:
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
        max_request_body_size="never",  # case text is posted in forms: never sent
        include_local_variables=False,  # a failing task's variables can hold case text
        integrations=[DjangoIntegration(), LoggingIntegration()],
    )
    return True
