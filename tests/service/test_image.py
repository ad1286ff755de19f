"""The image (Dockerfile, ops/entrypoint.sh) runs as a non-root user with a home directory, as web
by default or as a worker, and compose.yaml runs PostgreSQL, web and worker with health checks and
volumes. (No container engine in CI: these read the files; tests/production runs the web command.)"""

import re
import subprocess
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)
DOCKERFILE = (BASE / "Dockerfile").read_text()
COMPOSE = (BASE / "compose.yaml").read_text()


def test_the_image_runs_as_a_non_root_user_with_a_home_directory():
    assert re.search(r"useradd .*--create-home --home-dir /home/app app", DOCKERFILE)
    assert re.search(r"^USER app$", DOCKERFILE, re.M)
    assert re.search(r"^ENV HOME=/home/app$", DOCKERFILE, re.M)


def test_the_image_is_web_by_default_and_a_worker_when_asked():
    assert re.search(r'^ENTRYPOINT \["ops/entrypoint.sh"\]$', DOCKERFILE, re.M)
    assert re.search(r'^CMD \["web"\]$', DOCKERFILE, re.M)
    entrypoint = (BASE / "ops" / "entrypoint.sh").read_text()
    assert "exec python manage.py procrastinate worker" in entrypoint.split("  worker)", 1)[1]
    # Any other command runs as given (a one-off `manage.py` command in the image).
    given = subprocess.run(["sh", "ops/entrypoint.sh", "echo", "as given"], cwd=BASE, capture_output=True, text=True)
    assert given.stdout == "as given\n"


def test_compose_runs_the_database_web_and_worker_with_health_checks_and_volumes():
    for service in ("db", "web", "worker"):
        block = COMPOSE.split(f"\n  {service}:\n", 1)[1].split("\n\n", 1)[0]
        assert "healthcheck:" in block, service
    assert "/readyz" in COMPOSE.split("\n  web:\n", 1)[1].split("\n  worker:\n", 1)[0]
    assert 'command: ["worker"]' in COMPOSE
    assert "- db:/var/lib/postgresql/data" in COMPOSE
    assert "- media:/data/media" in COMPOSE
