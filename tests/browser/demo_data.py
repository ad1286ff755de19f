"""The demo data for the browser tests, seeded once per test process and copied back before each test.

`seed_demo` goes through the real importers and services and takes 10-15 seconds; each browser test
starts from the same demo on the same day, so the first test of a process seeds it and keeps a copy
of every table (and of the media files it wrote), and later tests on that day restore the copy in a
fraction of a second. The copy is taken again when the day moves (the demo is dated from today).
Tests of the demo itself (tests/core/test_seed_demo.py and others) still call `seed_demo`."""

import io
import shutil
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone


@dataclass
class _Copy:
    day: date
    database: str
    media: Path
    # PostgreSQL: each table's rows as COPY's text; SQLite: as tuples.
    tables: dict[str, bytes | list[tuple]] = field(default_factory=dict)


_copy: _Copy | None = None


def load_demo(copies: Path) -> None:
    """The demo data in the test database and MEDIA_ROOT: seeded on this process's first call of
    the day, restored from the copy kept under `copies` after that."""
    global _copy
    today = timezone.localdate()
    if _copy is not None and (_copy.day, _copy.database) == (today, connection.settings_dict["NAME"]):
        _restore(_copy)
        return
    call_command("seed_demo", stdout=io.StringIO())
    _copy = _take(today, copies / f"media-{today.isoformat()}")


def _tables() -> list[str]:
    # The tables flush empties between live-server tests: every model's, not django_migrations.
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _take(day: date, media: Path) -> _Copy:
    copy = _Copy(day=day, database=connection.settings_dict["NAME"], media=media)
    with connection.cursor() as cursor:
        for table in _tables():
            quoted = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {quoted} TO STDOUT") as out:
                    copy.tables[table] = b"".join(bytes(block) for block in out)
            else:
                cursor.execute(f"SELECT * FROM {quoted}")
                copy.tables[table] = [tuple(map(_as_stored, row)) for row in cursor.fetchall()]
    shutil.rmtree(media, ignore_errors=True)
    if Path(settings.MEDIA_ROOT).exists():
        shutil.copytree(settings.MEDIA_ROOT, media)
    return copy


def _as_stored(value):
    # Django's SQLite connection turns date and time columns into Python values as it reads them
    # and has no adapter to write a time back: keep them as the text SQLite holds.
    return str(value) if isinstance(value, date | time) else value


def _restore(copy: _Copy) -> None:
    tables = _tables()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(f"TRUNCATE {', '.join(map(connection.ops.quote_name, tables))}")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
        for table, rows in copy.tables.items():
            quoted = connection.ops.quote_name(table)
            if not rows:
                continue
            if isinstance(rows, bytes):
                with cursor.cursor.copy(f"COPY {quoted} FROM STDIN") as into:
                    into.write(rows)
            else:
                cursor.executemany(f"INSERT INTO {quoted} VALUES ({', '.join(['%s'] * len(rows[0]))})", rows)
        # Identity sequences on PostgreSQL go on from the highest id restored (SQLite's AUTOINCREMENT
        # already goes on from the larger of its counter and the highest id).
        for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)):
            cursor.execute(statement)
    if copy.media.exists():
        shutil.copytree(copy.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
