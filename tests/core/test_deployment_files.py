"""What the deployment files let out: the image leaves local secrets and data behind (.dockerignore,
read here with Docker's own matching rules) and compose.yaml publishes the web port to this machine
only, where the TLS proxy runs (no container engine in CI: these read the files)."""

import posixpath
import re
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)


def docker_pattern(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern as Docker (moby/patternmatcher) compiles it: `*` and `?` within one
    path segment, `**` across any number of them."""
    assert not set(pattern) & set("[\\"), f"{pattern!r}: character classes and escapes are not read here"
    regex, position = "", 0
    while position < len(pattern):
        if pattern.startswith("**", position):
            position += 2
            position += pattern.startswith("/", position)
            regex += ".*" if position == len(pattern) else "(.*/)?"
            continue
        character = pattern[position]
        regex += {"*": "[^/]*", "?": "[^/]"}.get(character, re.escape(character))
        position += 1
    return re.compile(regex)


def dockerignore() -> list[tuple[bool, re.Pattern[str]]]:
    """(is an exception, pattern) in order; each cleaned as Docker cleans it (no leading or trailing /)."""
    rules = []
    for line in (BASE / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        exception = line.startswith("!")
        cleaned = posixpath.normpath(line.removeprefix("!").strip()).lstrip("/")
        rules.append((exception, docker_pattern(cleaned)))
    return rules


def left_out(path: str) -> bool:
    """Docker's rule: the last pattern that matches the path or one of its parent folders decides."""
    parts = path.split("/")
    decided = False
    for exception, pattern in dockerignore():
        if any(pattern.fullmatch("/".join(parts[:depth])) for depth in range(1, len(parts) + 1)):
            decided = not exception
    return decided


def test_the_image_leaves_out_the_env_file_and_other_local_secrets():
    for path in (".env", ".env.production", ".env.local"):
        assert left_out(path), path
    assert not left_out(".env.example")


def test_the_image_leaves_out_local_data_caches_and_node_modules():
    for path in (
        "sent-emails/20250101-120000-1.log",
        ".hypothesis/examples/0a1b/2c3d",
        "tests/oidc/node_modules/oidc-provider/package.json",
        "frontend/govuk-build/node_modules/govuk-frontend/package.json",
        "db.sqlite3",
        "db.sqlite3-wal",
        "media/imports/gias.csv",
        "staticfiles/css/app.css",
        ".git/config",
        ".venv/bin/python",
        "core/__pycache__/checks.cpython-311.pyc",
    ):
        assert left_out(path), path


def test_what_git_keeps_out_of_the_repository_stays_out_of_the_image():
    """Each .gitignore line, as a path at the top of the repository (`*` as any name)."""
    for line in (BASE / ".gitignore").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        path = line.strip().strip("/").replace("*", "sample")
        assert left_out(path), line
        assert left_out(f"{path}/inside"), line


def test_the_image_keeps_what_it_runs():
    for path in ("manage.py", "requirements.txt", "config/settings.py", "ops/entrypoint.sh", "core/checks.py"):
        assert (BASE / path).exists(), path
        assert not left_out(path), path
    for folder in ("static", "templates", "fixtures"):
        kept = [path for path in (BASE / folder).rglob("*") if path.is_file()]
        assert kept, folder
        assert not any(left_out(path.relative_to(BASE).as_posix()) for path in kept), folder


COMPOSE = (BASE / "compose.yaml").read_text()


def test_compose_publishes_the_web_port_to_this_machine_only_where_the_tls_proxy_runs():
    """Behind the proxy (BEHIND_TLS_PROXY, on by default) the client's address is taken from
    X-Forwarded-For: reached directly, anyone could send their own and dodge the sign-in lockout."""
    assert "BEHIND_TLS_PROXY: ${BEHIND_TLS_PROXY:-true}" in COMPOSE
    published = re.findall(r"^ {4}ports:\n((?: {6}(?:#.*|- .*)\n)+)", COMPOSE, re.M)
    assert published, "no ports in compose.yaml"
    for block in published:
        for port in re.findall(r"^ {6}- (.*)$", block, re.M):
            assert port.strip('"').startswith("127.0.0.1:"), port
