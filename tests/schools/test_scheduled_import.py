"""The weekly GIAS import a council may schedule (schools.scheduled_import, GIAS_SCHEDULED_URL)."""

import os
import subprocess
import sys
from datetime import date

import pytest
from django.conf import settings as django_settings

from schools.demo_files import current_gias_header, gias_row, to_csv_bytes
from schools.models import ImportStatus, School
from schools.scheduled_import import DOWNLOAD_FAILED, DOWNLOAD_TOO_LARGE, gias_scheduled_import
from schools.tasks import scheduled_gias_import

pytestmark = pytest.mark.django_db
MONDAY = date(2027, 1, 11)


@pytest.fixture
def published(tmp_path):
    """GIAS's file for MONDAY, where the configured address points: one of the LA's schools and
    one of another LA's."""
    rows = [
        gias_row(urn=874501, name="Kestrel Primary School", type_code=1, phase="Primary"),
        gias_row(urn=873501, name="Elsewhere School", type_code=1, phase="Primary", la_code="873"),
    ]
    (tmp_path / "edubasealldata20270111.csv").write_bytes(to_csv_bytes(current_gias_header(), rows))
    return f"file://{tmp_path}/edubasealldata{{date}}.csv"


def test_the_days_file_is_downloaded_and_the_las_schools_are_imported(published):
    record = gias_scheduled_import(url_template=published, day=MONDAY)

    assert (record.status, record.source, record.original_filename) == (
        ImportStatus.COMMITTED, "schedule", "edubasealldata20270111.csv",
    )  # fmt: skip
    assert list(School.objects.values_list("name", flat=True)) == ["Kestrel Primary School"]
    assert record.get_source_display() == "Scheduled"


def test_the_task_imports_the_file_of_the_day_it_runs(published, settings, on_day):
    settings.GIAS_SCHEDULED_URL = published
    on_day(MONDAY)
    scheduled_gias_import(timestamp=0)
    assert School.objects.filter(urn=874501).exists()


def test_a_file_that_is_not_there_is_a_refused_import_naming_the_address(published):
    record = gias_scheduled_import(url_template=published, day=date(2027, 1, 18))

    assert record.status == ImportStatus.REFUSED
    url = published.replace("{date}", "20270118")
    assert record.message.startswith(DOWNLOAD_FAILED.format(url=url, error="")[:-1])
    assert not School.objects.exists()


def test_a_file_larger_than_the_import_limit_is_refused_before_it_is_read_whole(published, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    record = gias_scheduled_import(url_template=published, day=MONDAY)

    assert record.status == ImportStatus.REFUSED
    assert record.message == DOWNLOAD_TOO_LARGE.format(url=published.replace("{date}", "20270111"), limit=1000)
    assert not School.objects.exists()


def test_only_web_and_file_addresses_are_fetched():
    record = gias_scheduled_import(url_template="ftp://example.org/edubasealldata{date}.csv", day=MONDAY)
    assert record.status == ImportStatus.REFUSED
    assert "only https, http and file addresses" in record.message


def periodic_tasks(**environ) -> str:
    script = (
        "from procrastinate.contrib.django import app; "
        "print(sorted(p.task.name + ' ' + p.cron for p in app.periodic_registry.periodic_tasks.values()))"
    )
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": "", **environ}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script], env=env, cwd=django_settings.BASE_DIR,
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return result.stdout


def test_the_import_is_scheduled_only_where_a_council_configures_it():
    assert "scheduled_gias_import" not in periodic_tasks()
    scheduled = periodic_tasks(GIAS_SCHEDULED_URL="https://example.org/edubasealldata{date}.csv")
    assert "schools.tasks.scheduled_gias_import 30 5 * * 1" in scheduled
