"""Settings, read from the environment (django-environ).

Local development and tests set DEBUG=true (the Makefile does). Production is DEBUG=false, which
refuses to start without SECRET_KEY and turns on the transport-security settings `check --deploy`
asks for; each can be relaxed by its variable when TLS ends at a proxy.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is false. For local development set DEBUG=true (the Makefile does)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-used-in-production"

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
    # Project apps, in dependency order: each may read the ones above it, never below.
    "core",
    "accounts",
    "audit",  # access and read logs: reads accounts; the case-material apps call it
    "schools",
    "categorisation",
    "visits",
    "letters",
    "academies",  # concerns about academies, routing and escalation; the intelligence log
    "dashboard",
]

MIDDLEWARE = [
    # First: answers exactly /healthz and /readyz before the host check and the HTTPS redirect, so
    # the container's plain-HTTP health check gets its 200 (core/health.py, docs/adr/0004).
    "core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "core.middleware.NormaliseTextMiddleware",  # text pasted from Word, in every form (ADR 0005)
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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
            ],
            # {% scroll_region %} and {% error_prefix %} in every template without {% load %}.
            "builtins": ["core.templatetags.page_tags"],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# An unset or empty DATABASE_URL means the embedded SQLite database.
DATABASES = {
    "default": env.db_url_config(env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "accounts.backends.PasswordBackend",  # checks passwords; grants no permission (roles do)
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

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="school-improvement@localhost")

# The deployment's council and the LA codes whose schools it manages (GIAS "LA (code)").
COUNCIL_NAME = env.str("COUNCIL_NAME", default="Peterborough City Council")
SERVICE_NAME = env.str("SERVICE_NAME", default="School improvement")
LOCAL_AUTHORITY_CODES = env.list("LOCAL_AUTHORITY_CODES", default=["874"])

# The read log of confidential material (audit app, docs/adr/0012): entries older than this many
# days are deleted by `manage.py purge_read_log`; reads of one record by one person through one
# page within this many minutes are one entry (0: every read is its own entry).
READ_LOG_RETENTION_DAYS = env.int("READ_LOG_RETENTION_DAYS", default=730)
READ_LOG_COLLAPSE_MINUTES = env.int("READ_LOG_COLLAPSE_MINUTES", default=15)
if READ_LOG_RETENTION_DAYS < 1 or READ_LOG_COLLAPSE_MINUTES < 0:
    raise ImproperlyConfigured("READ_LOG_RETENTION_DAYS must be at least 1 and READ_LOG_COLLAPSE_MINUTES at least 0.")

# Largest upload an import accepts (the full England GIAS extract is about 60 MB).
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=150 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Browser imports run in a thread and report progress (schools.background); tests run them inline.
IMPORTS_IN_BACKGROUND = env.bool("IMPORTS_IN_BACKGROUND", default=True)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # It logs every rendering step at INFO; its warnings must stay visible (core.documents collects them).
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
