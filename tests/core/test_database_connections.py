"""A kept database connection that PostgreSQL has ended (a restart, a failover, an administrator's
pg_terminate_backend) is replaced at the next request instead of failing it: CONN_HEALTH_CHECKS
(config/settings.py). A real gunicorn, started as the image starts it, serves the test database with
production settings; the test ends its connection between two requests.

PostgreSQL only (SQLite keeps no connection between requests: CONN_MAX_AGE is 0 there); skipped on
SQLite, unless REQUIRE_POSTGRESQL_TESTS is set (.ci/run), where it fails rather than skip."""

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.production.conftest import APP_VARIABLES, _free_port, dockerfile_command

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql" and not os.environ.get("REQUIRE_POSTGRESQL_TESTS"),
        reason="kept connections are PostgreSQL's (set DATABASE_URL=postgres://...)",
    ),
    pytest.mark.django_db,
]

APPLICATION_NAME = f"si-kept-connection-{os.getpid()}"


def server_arguments() -> dict:
    given = connection.settings_dict
    return {
        "host": given["HOST"] or "127.0.0.1",
        "port": given["PORT"] or 5432,
        "user": given["USER"],
        "password": given["PASSWORD"] or None,
        "dbname": given["NAME"],
    }


def database_url() -> str:
    server = server_arguments()
    password = f":{server['password']}" if server["password"] else ""
    return (
        f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{server['dbname']}"
        f"?application_name={APPLICATION_NAME}"
    )


def backends(admin) -> list[int]:
    """The web server's connections to the database (pg_stat_activity, read afresh each time)."""
    rows = admin.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [APPLICATION_NAME])
    return sorted(pid for (pid,) in rows.fetchall())


def status(port: int, path: str) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def web_server(tmp_path):
    """gunicorn (ops/entrypoint.sh's command) with one worker, as production runs it."""
    if connection.vendor != "postgresql":
        pytest.fail("REQUIRE_POSTGRESQL_TESTS is set: this test needs DATABASE_URL=postgres://...")
    port = _free_port()
    (tmp_path / "static").mkdir()
    environment = {k: v for k, v in os.environ.items() if k not in APP_VARIABLES and not k.startswith("EMAIL_")}
    environment.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="schools.example.org",
        DATABASE_URL=database_url(),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        MEDIA_ROOT=str(tmp_path / "media"),
        STATIC_ROOT=str(tmp_path / "static"),
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(settings.BASE_DIR),
    )
    command = dockerfile_command()
    command[0] = str(Path(sys.executable).parent / "gunicorn")
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(command, cwd=settings.BASE_DIR, env=environment, stdout=out, stderr=subprocess.STDOUT)
    try:
        for _ in range(600):
            if server.poll() is not None:
                pytest.fail(f"gunicorn exited ({server.returncode}):\n{log.read_text()[-5000:]}")
            try:
                if status(port, "/healthz") == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(f"gunicorn did not answer within 60 s:\n{log.read_text()[-5000:]}")
        yield port, log
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_a_request_after_postgresql_ended_the_kept_connection_gets_a_new_one_instead_of_an_error(web_server):
    import psycopg

    port, log = web_server
    with psycopg.connect(autocommit=True, **{k: v for k, v in server_arguments().items() if v is not None}) as admin:
        assert status(port, "/readyz") == 200  # the database answers, and its connection is kept (CONN_MAX_AGE)
        kept = backends(admin)
        assert kept, "the web server kept no connection"

        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
                      [APPLICATION_NAME])  # fmt: skip
        for _ in range(100):
            if not set(kept) & set(backends(admin)):
                break
            time.sleep(0.05)

        assert status(port, "/readyz") == 200, log.read_text()[-3000:]
        replaced = backends(admin)
        assert replaced  # a new connection...
        assert not set(kept) & set(replaced)  # ...in place of the one ended
