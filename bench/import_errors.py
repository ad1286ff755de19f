"""Benchmark: keeping an import's errors (schools.models.ImportRowError, docs/adr/0083), side by side.

A file that is wrong in every row keeps up to MAX_STORED_ERRORS errors, written in the check's
background task. Times, in one run and each in a transaction rolled back (best of three):

1. Django's bulk_create of the rows (INSERTs of 1,000 rows each): what SQLite does;
2. core.bulk.bulk_insert (COPY, psycopg adapting each row): what PostgreSQL does;
3. the whole of keeping them from a check's plan (schools.services_imports._fill_record, which
   also replaces any kept before), with half as many errors again beyond those kept;
4. the CSV the admin downloads (core.exports.csv_response, streamed), read to its end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/school_improvement_bench .venv/bin/python bench/import_errors.py

The database is created if missing and migrated.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "false")  # DEBUG keeps every query's SQL: not what production pays
os.environ.setdefault("SECRET_KEY", "bench-" + "k" * 50)
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/school_improvement_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def best_of_three(work) -> float:
    from django.db import transaction

    times = []
    for _ in range(3):
        with transaction.atomic():
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
            transaction.set_rollback(True)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", type=int, default=None, help="errors kept (default MAX_STORED_ERRORS)")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "bench"))
    from import_gias import ensure_database

    if os.environ["DATABASE_URL"].startswith("postgres"):
        ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from core import bulk
    from core.exports import csv_response
    from schools import services_imports
    from schools.importers.base import MAX_STORED_ERRORS, Plan, RowError
    from schools.models import ImportRecord, ImportRowError
    from schools.views_imports import ERROR_COLUMNS, error_rows

    call_command("migrate", verbosity=0)
    count = args.errors or MAX_STORED_ERRORS
    record = ImportRecord.objects.create(
        kind="gias", status="checking", source="command", original_filename="bench.csv", sha256="0" * 64
    )
    errors = [
        RowError(2 + n // 2, "Percentage of free school meals", "=1+2", "is not a percentage from 0 to 100")
        for n in range(count + count // 2)
    ]
    rows = [{"record_id": record.pk, **error.as_dict()} for error in errors[:count]]

    print(f"{count:,} errors kept, on {connection.vendor}; load average {os.getloadavg()[0]:.1f}")
    by_insert = best_of_three(lambda: ImportRowError.objects.bulk_create([ImportRowError(**r) for r in rows]))
    print(f"  bulk_create (INSERT)           {by_insert:6.2f} s")
    by_copy = best_of_three(lambda: bulk.bulk_insert(ImportRowError, rows))
    print(f"  core.bulk.bulk_insert          {by_copy:6.2f} s   {by_insert / by_copy:4.1f}x faster")
    plan = Plan(rows_total=len(errors) // 2, errors=errors)
    services_imports.MAX_STORED_ERRORS = count
    kept = best_of_three(lambda: services_imports._fill_record(record, plan))
    print(f"  keeping a check's errors       {kept:6.2f} s   ({len(errors):,} found)")
    services_imports._fill_record(record, plan)

    def download() -> int:
        response = csv_response("e.csv", ERROR_COLUMNS, error_rows(record))
        return sum(len(part) for part in response.streaming_content)

    start = time.perf_counter()
    size = download()
    print(f"  the CSV download, read through {time.perf_counter() - start:6.2f} s   ({size / 1e6:.1f} MB)")
    record.delete()
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
