"""Benchmark: an England-sized GIAS import into PostgreSQL.

Generates a 50,000-row extract in the current 139-column layout, Windows-1252 (accents and curly
apostrophes included), then runs `manage.py import_gias FILE --all-las` twice in a child process
against an empty database: the full import and the re-import of the same file. Prints wall time,
rows per second and the child's peak resident memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/school_improvement_bench .venv/bin/python bench/import_gias.py

The database named in DATABASE_URL is created if missing, migrated, and its schools emptied.
Targets (issue 2): full import under 30 s and under 1 GB peak RSS on a 2-core machine.
"""

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/school_improvement_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def ensure_database(url: str) -> None:
    import psycopg2

    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    connection = psycopg2.connect(server)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def run_import(path: Path) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB of the child, and its summary line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "manage.py", "import_gias", str(path), "--all-las"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kB, max over all children so far
    summary = result.stdout.strip().splitlines()[0]
    return elapsed, max(peak, before) / 1024, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()

    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the benchmark measures the production database.")
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from schools.demo_files import current_gias_header, synthetic_gias_rows, to_csv_bytes

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE schools_school, schools_historicalschool, schools_trust, schools_historicaltrust, "
            "schools_ward, schools_importrecord RESTART IDENTITY CASCADE"
        )
    connection.close()

    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    path = out / f"edubasealldata_{args.rows}.csv"
    started = time.perf_counter()
    path.write_bytes(to_csv_bytes(current_gias_header(), synthetic_gias_rows(args.rows), encoding="cp1252"))
    print(f"Generated {path.name}: {args.rows:,} rows x {len(current_gias_header())} columns, "
          f"{path.stat().st_size / 1e6:.1f} MB, Windows-1252, in {time.perf_counter() - started:.1f}s")  # fmt: skip

    for label in ("full import", "re-import"):
        elapsed, peak_mb, summary = run_import(path)
        print(f"{label:12} {elapsed:6.1f} s  {args.rows / elapsed:8,.0f} rows/s  peak RSS {peak_mb:6.0f} MB")
        print(f"             {summary}")


if __name__ == "__main__":
    main()
