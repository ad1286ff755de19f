"""Load benchmark: concurrent signed-in officers against the production server configuration.

Runs gunicorn exactly as the image does (config/gunicorn.py, WEB_CONCURRENCY workers, DEBUG off,
behind a TLS proxy) on the database bench/pages.py built, then for 1, 4 and 16 concurrent users
(--users) each user requests the heaviest pages in turn for --seconds, with keep-alive, as a signed-in
officer (16 sessions over the bench's officers, made directly in the session store: the second
factor is not what is timed). Prints per page and level: requests, errors, throughput, median and
p95 (nearest rank) and the 1-minute load average; then "first request after a write": a write
through a service (a school's LA-kept fields changed), then each page once, timed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/school_improvement_pages_bench .venv/bin/python bench/load.py

Build the data first (bench/pages.py --build-only; --schools 220 for 1% of England). A bounded,
local load generator: threads and http.client, no external tool.
"""

import argparse
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/school_improvement_pages_bench"
HOST = "schools.bench.test"
PAGES = [  # the five heaviest pages for an officer in bench/pages.py's side-by-side run of 2026-12-01
    ("home (officer)", "/"),
    ("officer dashboard", "/dashboard/"),
    ("letters register", "/letters/"),
    ("compliance", "/visits/compliance/"),
    ("MSP groups", "/visits/msp/"),
]

SESSIONS_SCRIPT = """
import json, time
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from accounts.models import User
from accounts.session_limits import LAST_SEEN, SIGNED_IN_AT
officers = list(User.objects.filter(groups__name="officer", is_active=True).order_by("username"))
keys = []
for n in range({count}):
    user = officers[n % len(officers)]
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.PasswordBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SIGNED_IN_AT] = session[LAST_SEEN] = int(time.time())
    session.create()
    keys.append(session.session_key)
print(json.dumps({{"cookie": settings.SESSION_COOKIE_NAME, "keys": keys}}))
"""

WRITE_SCRIPT = """
from schools.models import School
from schools import services
school = School.objects.maintained().open().exclude(link_adviser=None).order_by("urn").first()
chair = "Bench Chair A" if school.chair_of_governors != "Bench Chair A" else "Bench Chair B"
from accounts.models import User
officer = User.objects.filter(groups__name="officer", is_active=True).order_by("username").first()
services.school_update_la_details(
    school=school, actor=officer, link_adviser=school.link_adviser, head_start_date=school.head_start_date,
    head_appointment=school.head_appointment, chair_of_governors=chair,
)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(args) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    env.update(
        DATABASE_URL=args.database,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        BEHIND_TLS_PROXY="true",
        WEB_CONCURRENCY=str(args.workers),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",  # a relay or a choice (core.E002)
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def manage_shell(env: dict, script: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if result.returncode:
        sys.exit(f"manage.py shell failed:\n{result.stderr[-3000:]}")
    return result.stdout


class User(threading.Thread):
    """One signed-in officer requesting the pages in turn until `stop` is set."""

    def __init__(self, port: int, cookie: str, pages, stop: threading.Event, offset: int):
        super().__init__(daemon=True)
        self.port, self.cookie, self.pages, self.stop, self.offset = port, cookie, pages, stop, offset
        self.results: list[tuple[str, float, int]] = []

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        n = self.offset
        while not self.stop.is_set():
            label, path = self.pages[n % len(self.pages)]
            n += 1
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=self.headers())
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                status = 0
            self.results.append((label, time.perf_counter() - started, status))

    def headers(self) -> dict:
        return {"Host": HOST, "X-Forwarded-Proto": "https", "Cookie": self.cookie}


def nearest_rank(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(-(-share * len(ordered) // 1)) - 1))]


def run_level(port: int, cookies: list[str], users: int, seconds: float) -> list[tuple[str, float, int]]:
    stop = threading.Event()
    threads = [User(port, cookies[n], PAGES, stop, offset=n) for n in range(users)]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    return [result for thread in threads for result in thread.results]


def report(users: int, seconds: float, results) -> None:
    print(
        f"\n{users} concurrent user{'s' if users > 1 else ''}, {seconds:.0f} s, load average {os.getloadavg()[0]:.2f}"
    )
    print(f"  {'page':<18} {'requests':>8} {'errors':>6} {'req/s':>7} {'median ms':>10} {'p95 ms':>8}")
    for label, _ in PAGES:
        times = [t * 1000 for page, t, status in results if page == label and status == 200]
        errors = sum(1 for page, _, status in results if page == label and status != 200)
        if not times:
            print(f"  {label:<18} {0:>8} {errors:>6}")
            continue
        print(
            f"  {label:<18} {len(times) + errors:>8} {errors:>6} {len(times) / seconds:>7.1f}"
            f" {statistics.median(times):>10.0f} {nearest_rank(times, 0.95):>8.0f}"
        )
    total = sum(1 for *_, status in results if status == 200)
    print(f"  {'all pages':<18} {len(results):>8} {len(results) - total:>6} {total / seconds:>7.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--users", default="1,4,16", help="concurrency levels, comma-separated")
    parser.add_argument("--seconds", type=float, default=20.0, help="per level")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (the image's WEB_CONCURRENCY)")
    args = parser.parse_args()
    levels = [int(level) for level in args.users.split(",")]

    env = environment(args)
    env["STATIC_ROOT"] = tempfile.mkdtemp(prefix="bench-static-")  # collected, as the image does
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    made = json.loads(manage_shell(env, SESSIONS_SCRIPT.format(count=max(levels))).strip().splitlines()[-1])
    cookies = [f"{made['cookie']}={key}" for key in made["keys"]]
    port = free_port()
    env["BIND"] = f"127.0.0.1:{port}"
    log = open(ROOT / "bench" / ".load-gunicorn.log", "wb")  # noqa: SIM115 (closed with the server)
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "config.wsgi:application", "--config", "config/gunicorn.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        probe = User(port, cookies[0], PAGES, threading.Event(), 0)
        for _ in range(300):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit("gunicorn did not start: see bench/.load-gunicorn.log")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for label, path in PAGES:  # warm every worker's imports and connections; check sign-in holds
            for _ in range(args.workers):
                connection.request("GET", path, headers=probe.headers())
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    sys.exit(f"{label} answered {response.status}: is the bench data built (bench/pages.py)?")
        print(f"gunicorn, {args.workers} workers, production settings; {len(PAGES)} pages; database {args.database}")
        for users in levels:
            report(users, args.seconds, run_level(port, cookies, users, args.seconds))

        print("\nFirst request after a write (a school's LA fields saved through the service), each page once:")
        for label, path in PAGES:
            manage_shell(env, WRITE_SCRIPT)
            started = time.perf_counter()
            connection.request("GET", path, headers=probe.headers())
            response = connection.getresponse()
            response.read()
            print(f"  {label:<18} {(time.perf_counter() - started) * 1000:>8.0f} ms (status {response.status})")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


if __name__ == "__main__":
    main()
