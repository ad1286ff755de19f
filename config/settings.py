"""Settings, read from the environment (django-environ).

Local development and tests set DEBUG=true (the Makefile does). Production is DEBUG=false, which
refuses to start without SECRET_KEY and turns on the transport-security settings `check --deploy`
asks for; each can be relaxed by its variable when TLS ends at a proxy.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from config.env import Env
from config.oidc import oidc_settings

BASE_DIR = Path(__file__).resolve().parent.parent

env = Env()  # strict: a value it cannot read refuses to start (config/env.py)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is false. For local development set DEBUG=true (the Makefile does)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-used-in-production"

# Old keys still accepted (sessions signed with them) while a new SECRET_KEY is rotated in
# (docs/operations.md, "Runbook").
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# No django.contrib.admin: users are managed in the app, through its services (docs/adr/0008).
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "simple_history",
    "rules.apps.RulesConfig",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # recovery codes
    "axes",
    "procrastinate.contrib.django",  # the task queue (core/tasks.py, docs/adr/0014)
    # Project apps, in dependency order: each may read the ones above it, never below.
    "core",
    "accounts",
    "audit",  # access and read logs: reads accounts; the case-material apps call it
    "schools",
    "categorisation",
    "visits",
    "letters",
    "academies",  # concerns about academies, routing and escalation; the intelligence log
    "exchange",  # documents exchanged between the school and the LA (docs/adr/0034)
    "dashboard",
]

MIDDLEWARE = [
    # First: answers exactly /healthz and /readyz before the host check and the HTTPS redirect, so
    # the container's plain-HTTP health check gets its 200 (core/health.py, docs/adr/0004).
    "core.health.HealthCheckMiddleware",
    "core.logs.RequestIdMiddleware",  # a request id for every log line of the request (core/logs.py)
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy (docs/adr/0015)
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "core.middleware.NormaliseTextMiddleware",  # text pasted from Word, in every form (ADR 0005)
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Inside the user: a signed-in user's pages and files are never cached (core/responses.py).
    "core.responses.PrivateResponsesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "schools.terms.TermsReadOnceMiddleware",  # each year's term dates read once per request
    # After a single sign-on, the sign-out form may redirect to the provider (CSP form-action).
    "accounts.sso.csp.SignOutFormActionMiddleware",
    # Signed out after SESSION_IDLE_TIMEOUT_MINUTES idle or SESSION_COOKIE_AGE in all; then the
    # second factor: officers and admins enrol before anything else (docs/adr/0009).
    "accounts.session_limits.SessionLimitsMiddleware",
    "accounts.second_factor.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A form sent again does nothing (core/once.py); its check runs after every check above.
    "core.once.SentOnceMiddleware",
    # Innermost but Axes: a wrong method's page is made before the middleware above add their
    # headers (CSP form-action, X-Frame-Options) and store the messages it shows (core/responses.py).
    "core.responses.MethodNotAllowedPageMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the sign-in page's message
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
                "core.navigation.context_processor",
                "accounts.second_factor.context_processor",
            ],
            # {% scroll_region %} and {% error_prefix %} in every template without {% load %}.
            "builtins": ["core.templatetags.page_tags"],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# An unset or empty DATABASE_URL means the embedded SQLite database: in development only, since
# with DEBUG off the app refuses to start without it (core.checks; a container's own file would go
# with the container). DATABASE_URL=sqlite:///... chooses SQLite on purpose.
DATABASE_URL_SET = bool(env.str("DATABASE_URL", default=""))
DATABASES = {
    "default": env.db_url_config(env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A kept connection is tried at the start of each request that uses it, so one the server ended (a
# PostgreSQL restart or failover, pg_terminate_backend) is replaced instead of failing that request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and IMMEDIATE transactions keep the embedded database usable by the dev server's
    # threads without "database is locked" errors on concurrent writes.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler (on by default) spends about a second compiling each large
    # per-school aggregate (measured by bench/pages.py at England scale) to save milliseconds.
    # (Added to any `options` given in DATABASE_URL. Behind PgBouncer, let it pass the startup
    # parameter - ignore_startup_parameters = options - or run ALTER DATABASE ... SET jit = off.)
    db_options = DATABASES["default"].setdefault("OPTIONS", {})
    db_options["options"] = f"{db_options.get('options', '')} -c jit=off".strip()

# Procrastinate's tables exist on PostgreSQL only (core/tasks.py): its migrations are skipped on SQLite.
DATABASE_ROUTERS = ["core.tasks.QueueRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.lockout.LockoutBackend",  # first: refuses a locked account or address (django-axes)
    "rules.permissions.ObjectPermissionBackend",
    "accounts.backends.PasswordBackend",  # checks passwords; grants no permission (roles do)
    "accounts.sso.backend.SSOBackend",  # single sign-on, when configured (docs/adr/0013); grants none either
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# How long an emailed link to choose one's password works (accounts.own_passwords, docs/adr/0062): a
# week, so a new starter given the role on a Friday can still use it after a holiday.
PASSWORD_RESET_TIMEOUT = 7 * 24 * 60 * 60

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: stored imports are downloaded through views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# PDFs (core/documents.py): WeasyPrint's warnings (a stylesheet not loaded, a CSS rule ignored)
# raise when this is on - in the tests and in development, where DEBUG=true at start-up - and are
# logged at ERROR in production, where the document is still delivered (docs/adr/0003).
PDF_WARNINGS_RAISE = env.bool("PDF_WARNINGS_RAISE", default=DEBUG)

# `seed_demo` creates users whose password is published in the README: it runs only when DEBUG
# was true at start-up (read here, not from settings.DEBUG, which the test runner switches off).
DEMO_DATA_ALLOWED = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Mail: the council's relay, as EMAIL_URL (smtp+tls://user:password@relay.example.gov.uk:587) or as
# EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS / EMAIL_USE_SSL. With
# neither, emails are printed to the console: in development only, since with DEBUG off the app
# refuses to start without one of them or an EMAIL_BACKEND (core.checks: password links in the logs).
# EMAIL_BACKEND overrides the backend.
EMAIL_CONFIGURED = any(env.str(name, default="") for name in ("EMAIL_URL", "EMAIL_HOST", "EMAIL_BACKEND"))
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
elif env.str("EMAIL_HOST", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env.str("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
    EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default=vars().get("EMAIL_BACKEND"))
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "sent-emails"))  # the file backend's folder
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# The sender: in production, the council's own address, given (core.checks, core.E008); empty is unset.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="") or "school-improvement@localhost"
# The site's address, for links in emails (the daily digest): by default https:// and the first
# ALLOWED_HOSTS name in production, the development server's address in development.
# (Not a wildcard, nor this machine's own name, which a health check may be given: core.checks.)
_first_host = next(
    (
        host
        for host in ALLOWED_HOSTS
        if host not in ("*", "localhost", "127.0.0.1", "[::1]") and not host.startswith(".")
    ),
    "",
)
SITE_URL = env.str(
    "SITE_URL", default="http://127.0.0.1:8000" if DEBUG or not _first_host else f"https://{_first_host}"
).rstrip("/")
# The daily digest of what is due (dashboard.digest): the hour (UTC) it is sent on working days.
DIGEST_HOUR = env.int("DIGEST_HOUR", default=7)
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Errors: Sentry when SENTRY_DSN is set (core/errors.py; no personal data sent); otherwise, with
# ADMINS ("Name <address>,..."), a server error is emailed to them.
ADMINS = [(address, address) for address in env.list("ADMINS", default=[])]
# What those emails show of a request is masked: form fields, cookies, query strings (core/error_reports.py).
DEFAULT_EXCEPTION_REPORTER = "core.error_reports.ExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "core.error_reports.ExceptionReporterFilter"
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="production")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)

# The deployment's council and the LA codes whose schools it manages (GIAS "LA (code)"). The
# defaults are the demo's (Peterborough, 874), for development: production refuses to start without
# the council's own (core.checks, core.E006 and core.E007). Empty is unset; spaces around codes go.
COUNCIL_NAME = env.str("COUNCIL_NAME", default="").strip() or "Peterborough City Council"
SERVICE_NAME = env.str("SERVICE_NAME", default="School improvement")
_codes = [code.strip() for code in env.list("LOCAL_AUTHORITY_CODES", default=[])]
LOCAL_AUTHORITY_CODES = [code for code in _codes if code] or ["874"]
# Which of the three the environment (or .env) gave, rather than the demo's defaults.
COUNCIL_SETTINGS_GIVEN = {
    name for name in ("COUNCIL_NAME", "LOCAL_AUTHORITY_CODES", "DEFAULT_FROM_EMAIL") if env.str(name, "").strip(" ,")
}

# Single sign-on with the council's identity provider over OpenID Connect (docs/adr/0013): off
# unless OIDC_* variables are set; set partly or wrongly, the app refuses to start (config/oidc.py).
_oidc = oidc_settings(os.environ, debug=DEBUG, council_name=COUNCIL_NAME)
globals().update(_oidc)
# The ones the app reads by name, so that mypy (django-stubs) knows them and their types.
OIDC_ISSUER: str = _oidc["OIDC_ISSUER"]
OIDC_ALLOWED_DOMAINS: list[str] = _oidc["OIDC_ALLOWED_DOMAINS"]
OIDC_TRUST_PROVIDER_EMAILS: bool = _oidc["OIDC_TRUST_PROVIDER_EMAILS"]
OIDC_CREATE_USERS: bool = _oidc["OIDC_CREATE_USERS"]
OIDC_GROUPS_CLAIM: str = _oidc["OIDC_GROUPS_CLAIM"]
OIDC_ROLE_GROUPS: list[tuple[str, str]] = _oidc["OIDC_ROLE_GROUPS"]
OIDC_RP_CLIENT_ID: str = _oidc["OIDC_RP_CLIENT_ID"]
OIDC_TIMEOUT: int = _oidc["OIDC_TIMEOUT"]

# The read log of confidential material (audit app, docs/adr/0012): entries older than this many
# days are deleted by `manage.py purge_read_log`; reads of one record by one person through one
# page within this many minutes are one entry (0: every read is its own entry).
READ_LOG_RETENTION_DAYS = env.int("READ_LOG_RETENTION_DAYS", default=730)
# Spreadsheets built in the background (core/export_jobs.py) are deleted after this many days.
EXPORT_RETENTION_DAYS = env.int("EXPORT_RETENTION_DAYS", default=7)
if EXPORT_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("EXPORT_RETENTION_DAYS must be at least 1.")
# Days after a note of visit is shared before its headteacher is reminded to acknowledge it (ADR 0023).
NOTE_ACKNOWLEDGEMENT_REMINDER_DAYS = env.int("NOTE_ACKNOWLEDGEMENT_REMINDER_DAYS", default=10)
# Calendar days before a planned visit by which its school completes the pre-visit section; a due date
# on a weekend moves back to the Friday before (ADR 0028).
PRE_VISIT_DAYS_BEFORE = env.int("PRE_VISIT_DAYS_BEFORE", default=3)
if PRE_VISIT_DAYS_BEFORE < 0:
    raise ImproperlyConfigured("PRE_VISIT_DAYS_BEFORE must be 0 or more.")
# Calendar days after an approved category is sent to the school during which it may agree or
# challenge it (the day it is sent plus this many; ADR 0027).
CATEGORY_RESPONSE_DAYS = env.int("CATEGORY_RESPONSE_DAYS", default=10)
if CATEGORY_RESPONSE_DAYS < 1:
    raise ImproperlyConfigured("CATEGORY_RESPONSE_DAYS must be at least 1.")
# Calendar days from a concerns letter's or warning notice's issue to the date its action plan is due
# (a warning notice's plan is due no later than the end of its compliance period; ADR 0033), and the
# largest plan file a school may upload.
ACTION_PLAN_DAYS = env.int("ACTION_PLAN_DAYS", default=28)
if ACTION_PLAN_DAYS < 1:
    raise ImproperlyConfigured("ACTION_PLAN_DAYS must be at least 1.")
ACTION_PLAN_MAX_UPLOAD_BYTES = env.int("ACTION_PLAN_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
READ_LOG_COLLAPSE_MINUTES = env.int("READ_LOG_COLLAPSE_MINUTES", default=15)
if READ_LOG_RETENTION_DAYS < 1 or READ_LOG_COLLAPSE_MINUTES < 0:
    raise ImproperlyConfigured("READ_LOG_RETENTION_DAYS must be at least 1 and READ_LOG_COLLAPSE_MINUTES at least 0.")

# Largest upload an import accepts (the full England GIAS extract is about 60 MB).
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=150 * 1024 * 1024)
# Most an imported .xlsx may unpack to, from the sizes its zip directory declares (a "zip bomb"
# of a few KB can declare gigabytes; core.tabular). Real workbooks unpack 5 to 30 times larger.
XLSX_MAX_UNPACKED_BYTES = env.int("XLSX_MAX_UNPACKED_BYTES", default=1024 * 1024 * 1024)
# The weekly GIAS import (schools.scheduled_import), off unless an address is set: `{date}` in it
# becomes the day as YYYYMMDD, as in GIAS's edubasealldataYYYYMMDD.csv. The cron is the queue
# scheduler's (UTC), by default Mondays at 05:30.
GIAS_SCHEDULED_URL = env.str("GIAS_SCHEDULED_URL", default="")
GIAS_SCHEDULED_CRON = env.str("GIAS_SCHEDULED_CRON", default="30 5 * * 1")
GIAS_SCHEDULED_TIMEOUT = env.int("GIAS_SCHEDULED_TIMEOUT", default=120)
# Documents exchanged with schools (exchange, docs/adr/0034): the largest file, and the virus
# scanner run on each upload with the file's bytes on its standard input (exit 0 clean, 1 infected,
# anything else refused as a scanner error), e.g. "clamdscan --no-summary -". Unset: uploads are
# kept and recorded as "not scanned".
EXCHANGE_MAX_UPLOAD_BYTES = env.int("EXCHANGE_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
VIRUS_SCAN_COMMAND = env.str("VIRUS_SCAN_COMMAND", default="")
VIRUS_SCAN_TIMEOUT = env.int("VIRUS_SCAN_TIMEOUT", default=60)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Every upload is counted as it streams in, against the limit its page declares (core.uploads,
# docs/adr/0015): past it, the rest is read and dropped, never kept in memory or on disk, and the
# form says why. A page that declares no limit (@upload_limit) takes no file.
FILE_UPLOAD_HANDLERS = [
    "core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Background work (imports, emails, scheduled jobs) runs on Procrastinate's PostgreSQL queue, in a
# worker process (`manage.py procrastinate worker`; core/tasks.py, docs/adr/0014). Without
# PostgreSQL (SQLite development and tests) there is no queue: TASKS_INLINE runs each task in the
# process that defers it, once its transaction commits.
TASKS_INLINE = env.bool("TASKS_INLINE", default=DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql")
# A worker writes a heartbeat this often; a job whose worker has not for TASK_WORKER_STALLED_SECONDS
# died with it (its import is marked failed: schools.tasks.recover_stalled_imports).
TASK_WORKER_HEARTBEAT_SECONDS = env.float("TASK_WORKER_HEARTBEAT_SECONDS", default=5)
TASK_WORKER_STALLED_SECONDS = env.float("TASK_WORKER_STALLED_SECONDS", default=20)
# How many times a failed email is tried again (waiting longer each time) before it is recorded as not sent.
EMAIL_RETRIES = env.int("EMAIL_RETRIES", default=5)
PROCRASTINATE_ON_APP_READY = "core.tasks.on_app_ready"
PROCRASTINATE_WORKER_DEFAULTS = {
    "update_heartbeat_interval": TASK_WORKER_HEARTBEAT_SECONDS,
    "stalled_worker_timeout": TASK_WORKER_STALLED_SECONDS,
    "delete_jobs": "successful",  # finished jobs leave the table; failed ones stay to be looked at
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# No inline script or style anywhere (scripts and stylesheets are static files; a test scans the
# templates), so the policy needs no 'unsafe-inline' and no nonce (docs/adr/0015).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # data: for the letterhead logo preview (schools.logos)
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Browser features the service never uses, switched off for its pages and anything they embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
        "browsing-topics",
    )
}
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    if env.bool("BEHIND_TLS_PROXY", default=False):
        # The proxy terminates TLS and says so in X-Forwarded-Proto.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs go to stdout, one JSON object a line (LOG_FORMAT=json, the default in production) with the
# time, level, request id and user id (core/logs.py), for the web and the worker alike;
# LOG_FORMAT=plain (the default in development) is for reading in a terminal.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or plain.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "core.logs.ContextFilter"},
        "as_warning": {"()": "core.logs.AsWarning"},
        "secrets": {"()": "core.logs.SecretsFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "plain": {"format": "%(levelname)s %(name)s: %(message)s"},
        "json": {"()": "core.logs.Formatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        },
        # Django's own, with the secrets in a path masked in its subject (the report: core/error_reports.py).
        "mail_admins": {
            "level": "ERROR",
            "class": "django.utils.log.AdminEmailHandler",
            "filters": ["require_debug_false", "secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's default sends its errors to ADMINS and, in development, to stderr as well; here the
        # root's console prints them (once).
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.db.backends": {"level": "INFO"},
        # A foreign Host header is the sender's mistake or a scan, not a fault: a warning (core/logs.py).
        "django.security.DisallowedHost": {"filters": ["as_warning"]},
        # Likewise a request too big or with too many fields (Sentry reads a record after these filters).
        "django.security.TooManyFieldsSent": {"filters": ["as_warning"]},
        "django.security.TooManyFilesSent": {"filters": ["as_warning"]},
        "django.security.RequestDataTooBig": {"filters": ["as_warning"]},
        "django.security.SuspiciousMultipartForm": {"filters": ["as_warning"]},
        # It logs every rendering step at INFO; its warnings must stay visible (core.documents collects them).
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Procrastinate says at INFO each task it registers, in every process; its worker's lines stay.
        "procrastinate.blueprints": {"level": "WARNING"},
        "procrastinate.periodic": {"level": "WARNING"},
    },
}

# ---- signing in: second factor, lockout, sessions (docs/adr/0009) --------------------------------
# Behind a TLS proxy (BEHIND_TLS_PROXY=true) the client's address is the last one the proxy added to
# X-Forwarded-For; otherwise the header is ignored (anyone can send it) and REMOTE_ADDR is used.
TRUSTED_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)

# Roles that must sign in with a second factor (an authenticator app); the others may turn it on.
# Not an environment variable: a deployment cannot switch it off by accident. The unit tests sign
# in with force_login and turn it off (tests/conftest.py); the tests of the rule turn it back on.
SECOND_FACTOR_REQUIRED_ROLES = ("officer", "admin")
SECOND_FACTOR_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = f"{SERVICE_NAME} ({COUNCIL_NAME})"

# Failed sign-ins (django-axes): an account is locked after SIGN_IN_ACCOUNT_FAILURE_LIMIT failures,
# and an address after SIGN_IN_ADDRESS_FAILURE_LIMIT (higher: a council office shares one address),
# each for SIGN_IN_LOCKOUT_MINUTES after the last failure, unless an admin lifts it sooner.
SIGN_IN_ACCOUNT_FAILURE_LIMIT = env.int("SIGN_IN_ACCOUNT_FAILURE_LIMIT", default=10)
SIGN_IN_ADDRESS_FAILURE_LIMIT = env.int("SIGN_IN_ADDRESS_FAILURE_LIMIT", default=20)
SIGN_IN_LOCKOUT_MINUTES = env.int("SIGN_IN_LOCKOUT_MINUTES", default=30)
# Before the lock, failures slow an account's sign-ins: from the SIGN_IN_SLOW_AFTER-th failure, the
# next try must wait 1 s, then 2, 4, ... up to SIGN_IN_MAX_WAIT_SECONDS after the last failure
# (a try too soon is refused, and counts as a failure). accounts.lockout.
SIGN_IN_SLOW_AFTER = env.int("SIGN_IN_SLOW_AFTER", default=3)
SIGN_IN_MAX_WAIT_SECONDS = env.int("SIGN_IN_MAX_WAIT_SECONDS", default=60)
if min(SIGN_IN_ACCOUNT_FAILURE_LIMIT, SIGN_IN_ADDRESS_FAILURE_LIMIT, SIGN_IN_LOCKOUT_MINUTES) < 1:
    raise ImproperlyConfigured("The SIGN_IN_ failure limits and lockout minutes must be at least 1.")
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = "accounts.lockout.account_failure_limit"  # the address limit: LockoutHandler
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # this order: accounts.lockout reads them so
AXES_COOLOFF_TIME = timedelta(minutes=SIGN_IN_LOCKOUT_MINUTES)
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_USERNAME_CALLABLE = "accounts.lockout.attempted_username"
AXES_VERBOSE = False  # accounts.lockout logs one line per sign-in and failure

# Sessions end after SESSION_IDLE_TIMEOUT_MINUTES without a request, and SESSION_COOKIE_AGE seconds
# after signing in whatever the activity (accounts.session_limits). A new password or role ends
# every other session of the account (accounts.models.User.get_session_auth_hash).
SESSION_IDLE_TIMEOUT_MINUTES = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30)
if SESSION_IDLE_TIMEOUT_MINUTES < 1 or SESSION_COOKIE_AGE < 60:
    raise ImproperlyConfigured("SESSION_IDLE_TIMEOUT_MINUTES must be at least 1 and SESSION_COOKIE_AGE at least 60.")
if SENTRY_DSN:
    from core.errors import init_sentry

    init_sentry(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT, traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE)
