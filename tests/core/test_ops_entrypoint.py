"""The image's worker role (`ops/entrypoint.sh worker`), run for real: a setting wrong stops it at
once saying which; a database not ready yet is waited for, saying why; a worker that loses the
database (Procrastinate's stops, with status 0) is started again and works the queue; and a stop
(SIGTERM or SIGINT, to the entrypoint or to every process, as systemd does) ends it gracefully.

The first test runs anywhere; the others need PostgreSQL (the queue is PostgreSQL's): skipped on
SQLite, unless REQUIRE_POSTGRESQL_TESTS is set (.ci/run), where they fail rather than skip."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from core.tasks import queue_is_postgresql

BASE_DIR = Path(settings.BASE_DIR)
PYTHON_DIR = str(Path(sys.executable).parent)  # the entrypoint runs `python`: this run's


def require_postgresql() -> None:
    if not queue_is_postgresql():
        if os.environ.get("REQUIRE_POSTGRESQL_TESTS"):
            pytest.fail("REQUIRE_POSTGRESQL_TESTS is set: this test needs DATABASE_URL=postgres://...")
        pytest.skip("the task queue needs PostgreSQL (set DATABASE_URL=postgres://...)")


def environment(**given) -> dict[str, str]:
    """This run's environment without the app's settings (none may leak in), plus those given."""
    kept = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("EMAIL_", "DATABASE_URL", "LOG_", "SECRET_KEY", "TASK"))
        and k
        not in ("DEBUG", "ALLOWED_HOSTS", "SITE_URL", "COUNCIL_NAME", "LOCAL_AUTHORITY_CODES", "DEFAULT_FROM_EMAIL")
    }
    return {**kept, "PATH": f"{PYTHON_DIR}{os.pathsep}{os.environ.get('PATH', '')}", **given}


def start(env: dict, log: Path) -> subprocess.Popen:
    """The entrypoint in a process group of its own, SIGINT not ignored (as a terminal or an init starts it)."""
    with open(log, "wb") as out:
        return subprocess.Popen(
            ["sh", "ops/entrypoint.sh", "worker"],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )


def lines(log: Path) -> list[dict]:
    """The JSON lines of the log."""
    found = []
    for line in log.read_text(errors="replace").splitlines():
        try:
            found.append(json.loads(line))
        except ValueError:
            continue
    return found


def wait_for(log: Path, process: subprocess.Popen, condition, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition(lines(log)):
            return
        if process.poll() is not None:
            pytest.fail(f"the entrypoint exited ({process.returncode}) before {what}:\n{log.read_text()[-4000:]}")
        time.sleep(0.2)
    pytest.fail(f"no {what} within {timeout} s:\n{log.read_text()[-4000:]}")


def starts(count: int):
    return lambda found: sum(line["message"].startswith("Starting worker") for line in found) >= count


def stop(process: subprocess.Popen, log: Path, *, group: bool, signal_number=signal.SIGTERM) -> float:
    """Sends the signal (to every process of the group, or to the entrypoint alone); its exit, timed."""
    began = time.monotonic()
    (os.killpg if group else os.kill)(process.pid, signal_number)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        pytest.fail(f"the entrypoint did not stop within 30 s:\n{log.read_text()[-4000:]}")
    return time.monotonic() - began


@pytest.fixture
def stopped_afterwards():
    """Every process group started is killed at the end, whatever the test did."""
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_a_setting_wrong_stops_the_worker_at_once_saying_which(tmp_path, stopped_afterwards):
    """No amount of waiting cures a configuration error: the worker stops with status 1 and one
    JSON line naming each error and its hint, instead of waiting "for the database" for ever."""
    production = environment(
        DEBUG="false",
        SECRET_KEY="k" * 20 + "-Zq8v!pL2#xR7@mN4$wT9^bY6&cU3*eH1(jF5)gD0",
        DATABASE_URL="sqlite://:memory:",
        ALLOWED_HOSTS="schools.example.org",
        LOCAL_AUTHORITY_CODES="873",
        DEFAULT_FROM_EMAIL="school-improvement@example.gov.uk",
    )  # no mail relay (core.E002), no COUNCIL_NAME (core.E006)
    log = tmp_path / "worker.log"
    process = start(production, log)
    stopped_afterwards.append(process)
    assert process.wait(timeout=120) == 1
    (said,) = [line for line in lines(log) if line.get("logger") == "entrypoint"]
    assert said["level"] == "ERROR"
    assert said["message"].startswith("the settings are wrong (manage.py check)")
    assert "(core.E002) No mail relay is configured" in said["message"]
    assert "(core.E006) COUNCIL_NAME is not set" in said["message"]
    assert "HINT: Set COUNCIL_NAME" in said["message"]
    assert "waiting" not in log.read_text()


def database_url(name: str, application_name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    server = f"{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{server}/{name}?application_name={application_name}"


def admin():
    """A connection to the server's postgres database (not the one the worker uses)."""
    import psycopg

    db = connection.settings_dict
    given = {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"],
    }
    return psycopg.connect(dbname="postgres", autocommit=True, **{k: v for k, v in given.items() if v})


def worker_environment(url: str, tmp_path: Path) -> dict[str, str]:
    return environment(
        DEBUG="true",
        DATABASE_URL=url,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        TASKS_INLINE="false",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        LOG_FORMAT="json",
        WORKER_CONCURRENCY="1",
    )


@pytest.mark.xdist_group("worker")
@pytest.mark.parametrize("stopped_by", ["SIGTERM to the entrypoint", "SIGINT to the process group"])
def test_a_worker_waiting_for_migrations_says_so_and_stops_at_once_when_asked(tmp_path, stopped_afterwards, stopped_by):
    """docker stop signals the entrypoint alone; Ctrl-C in a terminal, every process of its group."""
    require_postgresql()
    name = f"si_entrypoint_{os.getpid()}"
    with admin() as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')
        server.execute(f'CREATE DATABASE "{name}"')  # empty: no migrations
    try:
        log = tmp_path / "worker.log"
        process = start(worker_environment(database_url(name, "si-entrypoint-wait"), tmp_path), log)
        stopped_afterwards.append(process)
        waiting = "waiting for the database and its migrations: Missing procrastinate migrations"
        wait_for(log, process, lambda found: any(line["message"].startswith(waiting) for line in found), "waiting line")
        signal_number, group = (signal.SIGTERM, False) if stopped_by.startswith("SIGTERM") else (signal.SIGINT, True)
        took = stop(process, log, group=group, signal_number=signal_number)
        assert process.returncode == 0
        assert took < 10, took
        assert not starts(1)(lines(log))
    finally:
        with admin() as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.xdist_group("worker")
def test_a_worker_that_loses_the_database_is_started_again_and_works_the_queue(tmp_path, stopped_afterwards):
    """Procrastinate's worker stops when its listener cannot connect again ("Side task listener
    failed ... stopping worker"), with status 0: nothing else would start it again. The entrypoint
    does, after a pause and a line saying so; a job queued afterwards runs. Then a SIGTERM to every
    process (systemd's default KillMode) stops it gracefully, not outright by a second SIGTERM."""
    require_postgresql()
    application_name = f"si-entrypoint-{os.getpid()}"
    log = tmp_path / "worker.log"
    process = start(worker_environment(database_url(connection.settings_dict["NAME"], application_name), tmp_path), log)
    stopped_afterwards.append(process)
    wait_for(log, process, starts(1), "worker start")

    # The database goes away under the worker (a restart, a failover): new connections refused, the
    # worker's ended (only ended, they are made again at once and the worker carries on). This test's
    # own connection stays.
    database = connection.settings_dict["NAME"]
    with admin() as server:
        server.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
        try:
            ended = server.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %s",
                [application_name],
            ).fetchone()[0]
            assert ended > 0
            # The worker stops: its listener's failure (status 0) or, on a busy machine, its pool's
            # (status 1, as CI saw it); either way the entrypoint says so before it starts it again.
            wait_for(
                log,
                process,
                lambda found: any(
                    line["logger"] == "entrypoint"
                    and "without being asked to" in line["message"]
                    and line["level"] == "WARNING"
                    for line in found
                ),
                "restart line",
            )
        finally:
            server.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
    wait_for(log, process, starts(2), "second worker start")

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, args, status)"
            " VALUES ('default', 'core.tasks.purge_sent_forms', '{\"timestamp\": 0}'::jsonb, 'todo') RETURNING id"
        )
        (job,) = cursor.fetchone()

    def job_done(found) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT status FROM procrastinate_jobs WHERE id = %s", [job])
            row = cursor.fetchone()
        return row is None or row[0] == "succeeded"

    wait_for(log, process, job_done, f"run of job {job}")
    assert any(f"[{job}]" in line["message"] for line in lines(log))

    took = stop(process, log, group=True)
    assert process.returncode == 0, log.read_text()[-4000:]
    assert took < 15, took
    assert any(line["message"].startswith("Stopped worker") for line in lines(log))
    restarts = [
        line for line in lines(log) if line.get("logger") == "entrypoint" and "without being" in line["message"]
    ]
    assert len(restarts) == 1  # one stop, one restart (waiting lines may come between them)
