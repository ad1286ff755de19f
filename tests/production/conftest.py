"""The production-mode run (marked `production`; `make test` and CI run it).

Once per test session: a temporary SQLite database is migrated and loaded with the demo data
(which has every kind of document) and the letters of tests/production/prepare.py, with DEBUG=true
in a subprocess, since seed_demo refuses production settings; static files are collected as the
Dockerfile does; then the Dockerfile's own command runs - `migrate`, then gunicorn - with DEBUG off,
a SECRET_KEY, ALLOWED_HOSTS set to a public name and BEHIND_TLS_PROXY on. The tests talk to it over
HTTP as the TLS proxy and the container's health check would.

When the test run is on PostgreSQL (CI's main run), so is the production run, as compose.yaml runs
it: a fresh database of its own, the queue on (TASKS_INLINE off, its default there), and a task
worker started with the image's own `ops/entrypoint.sh worker`, so an issued letter's files, a
councillor alert or an import are the worker's work, not the request's."""

import json
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from tests.production.http import Client

BASE_DIR = Path(settings.BASE_DIR)
DOCKERFILE = BASE_DIR / "Dockerfile"
PUBLIC_HOST = "schools.example.org"
HERE = Path(__file__).parent

# Settings read from the environment: none may leak from the test run (DEBUG=true, CI's
# DATABASE_URL...) into the production server or its preparation.
APP_VARIABLES = {
    "DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "MEDIA_ROOT", "STATIC_ROOT",
    "BEHIND_TLS_PROXY", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "PDF_WARNINGS_RAISE",
    "TASKS_INLINE", "EMAIL_BACKEND", "EMAIL_URL", "EMAIL_HOST", "LOG_FORMAT", "SENTRY_DSN", "LOG_LEVEL",
    "CONN_MAX_AGE", "WEB_CONCURRENCY", "BIND", "COUNCIL_NAME", "LOCAL_AUTHORITY_CODES", "DEFAULT_FROM_EMAIL",
    "DJANGO_SETTINGS_MODULE",
}  # fmt: skip


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.production)
            item.add_marker(pytest.mark.xdist_group("production"))  # one server, under -n too


@dataclass
class Site:
    port: int
    stderr: Path
    prepared: dict
    timings: dict
    worker_log: Path | None = None  # with PostgreSQL: the task worker's output

    def client(self, *, host: str = PUBLIC_HOST, https: bool = True) -> Client:
        return Client(self.port, host, https=https)

    def log(self) -> str:
        return self.stderr.read_text(errors="replace")

    def worker_output(self) -> str:
        return self.worker_log.read_text(errors="replace") if self.worker_log else ""


@dataclass
class Database:
    """The production run's database: PostgreSQL (a fresh one, dropped afterwards) when the tests
    run on PostgreSQL, else a SQLite file."""

    url: str
    postgresql: dict | None = None  # psycopg connection arguments of the server, to drop it

    @classmethod
    def fresh(cls, tmp: Path) -> "Database":
        from django.db import connection

        if connection.vendor != "postgresql":
            return cls(f"sqlite:///{tmp / 'db.sqlite3'}")
        given = connection.settings_dict
        server = {
            "host": given["HOST"] or "127.0.0.1",
            "port": given["PORT"] or 5432,
            "user": given["USER"],
            "password": given["PASSWORD"] or None,
        }
        name = f"si_production_{os.getpid()}"
        database = cls("", {**server, "name": name})
        database.drop()
        database._admin(f'CREATE DATABASE "{name}"')
        password = f":{server['password']}" if server["password"] else ""
        database.url = f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
        return database

    def _admin(self, statement: str) -> None:
        import psycopg

        arguments = {k: v for k, v in self.postgresql.items() if k != "name" and v is not None}
        with psycopg.connect(dbname="postgres", autocommit=True, **arguments) as admin:
            admin.execute(statement)

    def drop(self) -> None:
        if self.postgresql:
            self._admin(f'DROP DATABASE IF EXISTS "{self.postgresql["name"]}" WITH (FORCE)')


def _environment(tmp: Path, database: Database, **extra) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k not in APP_VARIABLES}
    environment.update(
        DATABASE_URL=database.url,
        MEDIA_ROOT=str(tmp / "media"),
        STATIC_ROOT=str(tmp / "static"),
        PYTHONPATH=str(BASE_DIR),
        **extra,
    )
    return environment


def _run(args: list[str], environment: dict, what: str) -> None:
    result = subprocess.run(args, cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{what} failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"


def dockerfile_command() -> list[str]:
    """The gunicorn command the image runs as `web` (its default CMD; ops/entrypoint.sh, after its `migrate`)."""
    cmd = re.search(r"^CMD (\[.*\])$", DOCKERFILE.read_text(), re.MULTILINE)
    assert cmd, "no CMD in the Dockerfile"
    assert json.loads(cmd.group(1)) == ["web"], cmd.group(1)
    entrypoint = (BASE_DIR / "ops" / "entrypoint.sh").read_text()
    web = entrypoint.split("  web)", 1)[1].split(";;", 1)[0]
    assert "python manage.py migrate --no-input" in web, web
    return shlex.split(web.split("exec ", 1)[1])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def production_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("production")
    database = Database.fresh(tmp)
    timings = {}
    python, manage = sys.executable, str(BASE_DIR / "manage.py")
    started = time.monotonic()

    # The data, with development settings (seed_demo refuses production ones).
    prepared_file = tmp / "prepared.json"
    development = _environment(tmp, database, DEBUG="true", TASKS_INLINE="true")
    script = (
        "from django.core.management import call_command; "
        "call_command('migrate', interactive=False, verbosity=0); "
        "call_command('seed_demo', verbosity=0); "
        f"from tests.production.prepare import prepare; prepare({str(prepared_file)!r})"
    )
    _run([python, manage, "shell", "-c", script], development, "migrate + seed_demo + prepare")
    timings["database"] = time.monotonic() - started

    # Production settings from here on.
    production = _environment(
        tmp,
        database,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=PUBLIC_HOST,
        BEHIND_TLS_PROXY="true",
        WEB_CONCURRENCY="2",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",  # chosen, as core.E002 asks
        # The council's own, as core.E006-E008 ask: here the demo's, which the data was seeded with.
        COUNCIL_NAME="Peterborough City Council",
        LOCAL_AUTHORITY_CODES="874",
        DEFAULT_FROM_EMAIL="school-improvement@example.org",
    )
    mark = time.monotonic()
    _run([python, manage, "collectstatic", "--no-input", "-v0"], production, "collectstatic")
    timings["collectstatic"] = time.monotonic() - mark

    # The Dockerfile's CMD: migrate (nothing to do here), then gunicorn, on a free local port.
    mark = time.monotonic()
    _run([python, manage, "migrate", "--no-input", "-v0"], production, "migrate under production settings")
    port = _free_port()
    command = dockerfile_command()
    command[0] = str(Path(python).parent / "gunicorn")
    production["BIND"] = f"127.0.0.1:{port}"  # config/gunicorn.py reads it (and WEB_CONCURRENCY)
    stderr = tmp / "gunicorn.log"  # the app's and gunicorn's logs (JSON, on stdout) and anything on stderr
    with open(stderr, "wb") as err:
        server = subprocess.Popen(command, cwd=BASE_DIR, env=production, stdout=err, stderr=subprocess.STDOUT)
    site = Site(port=port, stderr=stderr, prepared=json.loads(prepared_file.read_text()), timings=timings)
    worker = None
    if database.postgresql:
        # The image's worker role, as compose.yaml runs it (python is the test run's own).
        site.worker_log = tmp / "worker.log"
        environment = {**production, "PATH": f"{Path(python).parent}{os.pathsep}{production.get('PATH', '')}"}
        environment["WORKER_CONCURRENCY"] = "1"
        with open(site.worker_log, "wb") as out:
            worker = subprocess.Popen(
                ["sh", "ops/entrypoint.sh", "worker"],
                cwd=BASE_DIR,
                env=environment,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
    try:
        health = site.client(host=f"127.0.0.1:{port}", https=False)
        for _ in range(300):
            if server.poll() is not None:
                pytest.fail(f"gunicorn exited ({server.returncode}):\n{site.log()[-5000:]}")
            try:
                if health.get("/healthz").status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(f"gunicorn did not answer /healthz within 30 s:\n{site.log()[-5000:]}")
        timings["server start"] = time.monotonic() - mark
        yield site
    finally:
        for process in (server, worker):
            if process is None:
                continue
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        database.drop()
        timings["total"] = time.monotonic() - started
        print("\nproduction-mode run, seconds:", {k: round(v, 1) for k, v in timings.items()})
