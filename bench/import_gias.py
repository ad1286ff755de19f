"""Benchmark: an England-sized GIAS import into PostgreSQL, beside PostgreSQL's own COPY of the file.

Generates an extract (50,000 rows by default) in the current 139-column layout, Windows-1252
(accents and curly apostrophes included), then, in one run:

1. the COPY floor: PostgreSQL's own `COPY ... FROM STDIN (FORMAT csv, HEADER)` of the same file
   into a table of 139 text columns (best of three);
2. the full import into an empty register: `manage.py import_gias FILE --all-las` in a child process;
3. the import's writes alone: the rows the full import wrote to the schools and their history,
   inserted again from copies already in the database, with the indexes built after them (the
   floor of what the database must do for a first import, before any reading or checking);
4. the re-import of the same file, which changes nothing, after the database has settled
   (CHECKPOINT and VACUUM ANALYZE of the tables the import wrote, as a weekly import finds them).

Prints each time beside the COPY floor and their ratios, and each child's peak memory (its own
maximum resident set size, getrusage). The import's time is measured inside the child, from
reading the file to the end of its transaction (Django's start-up and the first import of the
command's modules are shown separately), with the child's own CPU time beside it (the Python side:
on a busy machine wall time also counts the time spent waiting for a core).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/school_improvement_bench .venv/bin/python bench/import_gias.py

The database named in DATABASE_URL is created if missing, migrated, and its schools emptied.
Targets (issue 11): the full import within 5x of the COPY floor and under 1 GB peak memory; the
re-import that changes nothing in under half the time of the full import.
"""

import argparse
import json
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
    import psycopg

    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


def copy_floor(url: str, path: Path, columns: int) -> float:
    """Seconds for PostgreSQL to COPY the file into a table of text columns (best of three)."""
    import psycopg

    times = []
    definition = ", ".join(f"c{i} text" for i in range(columns))
    with psycopg.connect(url, autocommit=True) as connection:
        for _ in range(3):
            connection.execute("DROP TABLE IF EXISTS bench_copy_floor")
            connection.execute(f"CREATE TABLE bench_copy_floor ({definition})")
            started = time.perf_counter()
            with connection.cursor() as cursor:
                sql = "COPY bench_copy_floor FROM STDIN WITH (FORMAT csv, HEADER true, ENCODING 'WIN1252')"
                with cursor.copy(sql) as copy, path.open("rb") as handle:
                    while chunk := handle.read(1 << 20):
                        copy.write(chunk)
            times.append(time.perf_counter() - started)
        connection.execute("DROP TABLE bench_copy_floor")
        # Its 100 MB of dirty pages and WAL written out now, not by the checkpointer during the import.
        connection.execute("CHECKPOINT")
    return min(times)


WRITTEN = ("schools_school", "schools_historicalschool")


def writes_floor(url: str) -> float:
    """Seconds for PostgreSQL to write what a first import must write, and nothing else: the 50,000
    schools and their 50,000 "created" history rows, already in the database (copies of the rows
    the full import wrote), inserted into the emptied tables with their secondary indexes dropped,
    their foreign keys checked, then those indexes built again, as the import does
    (core.bulk.built_after_load). No reading,
    checking, staging, trusts, wards or stored status. Each trial is rolled back (best of three)."""
    import psycopg

    times = []
    with psycopg.connect(url, autocommit=True) as connection:
        for _ in range(3):
            with connection.transaction(force_rollback=True):
                for table in WRITTEN:
                    connection.execute(f"CREATE TEMPORARY TABLE copy_{table} AS SELECT * FROM {table}")
                indexes = connection.execute(
                    "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                    "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = ANY(%s::regclass[]) "
                    "AND NOT i.indisunique ORDER BY c.relname",
                    [list(WRITTEN)],
                ).fetchall()
                connection.execute(f"TRUNCATE {', '.join(WRITTEN)} CASCADE")
                for name, _ in indexes:
                    connection.execute(f'DROP INDEX "{name}"')
                started = time.perf_counter()
                for table in WRITTEN:
                    connection.execute(f"INSERT INTO {table} SELECT * FROM copy_{table}")
                connection.execute("SET CONSTRAINTS ALL IMMEDIATE")  # their foreign keys checked
                for _, definition in indexes:
                    connection.execute(definition)
                times.append(time.perf_counter() - started)
    return min(times)


def settle(url: str) -> None:
    """Between the two imports: what autovacuum and the checkpointer would have done in the week
    between two scheduled imports (statistics for the 50,000 new rows, their pages written out),
    so the re-import is not timed while the server is still catching up with the full import."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("CHECKPOINT")
        connection.execute("VACUUM (ANALYZE) schools_school, schools_historicalschool, schools_trust, schools_ward")


def child(path: str) -> None:
    """Run in a child process: the import, timed from inside, and this process's peak memory."""
    started = time.perf_counter()
    import django

    django.setup()
    from io import StringIO

    from django.core.management import call_command, load_command_class
    from django.db import connection

    load_command_class("schools", "import_gias")  # imports the command and the importers: start-up, not import
    connection.ensure_connection()
    ready, cpu = time.perf_counter(), time.process_time()
    out = StringIO()
    call_command("import_gias", path, "--all-las", stdout=out, stderr=StringIO())
    done, cpu = time.perf_counter(), time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    summary = out.getvalue().strip().splitlines()[0]
    figures = {"startup": ready - started, "import": done - ready, "cpu": cpu, "peak_mb": peak_mb, "summary": summary}
    print(json.dumps(figures))


def run_import(path: Path) -> dict:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(path)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["wall"] = time.perf_counter() - started
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return

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
    header = current_gias_header()
    path.write_bytes(to_csv_bytes(header, synthetic_gias_rows(args.rows), encoding="cp1252"))
    print(f"{path.name}: {args.rows:,} rows x {len(header)} columns, {path.stat().st_size / 1e6:.1f} MB, "
          f"Windows-1252; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip

    floor = copy_floor(url, path, len(header))
    full = run_import(path)
    writes = writes_floor(url)
    settle(url)
    again = run_import(path)
    print(f"{'':32} {'seconds':>8} {'x COPY':>7} {'rows/s':>8} {'peak MB':>8} {'Python CPU s':>12}")
    print(f"{'COPY floor (best of 3)':32} {floor:8.2f} {1:7.1f} {args.rows / floor:8,.0f}")
    print(f"{'its writes alone (best of 3)':32} {writes:8.2f} {writes / floor:7.1f} {args.rows / writes:8,.0f}")
    for label, figures in (("full import", full), ("re-import, nothing changes", again)):
        seconds = figures["import"]
        print(f"{label:32} {seconds:8.2f} {seconds / floor:7.1f} {args.rows / seconds:8,.0f} "
              f"{figures['peak_mb']:8.0f} {figures['cpu']:12.2f}")  # fmt: skip
    print(f"re-import / full import: {again['import'] / full['import']:.2f} (target under 0.5); full import "
          f"{full['import'] / floor:.1f}x COPY (target 5x); Django start-up {full['startup']:.1f} s per process, "
          f"wall {full['wall']:.1f} s / {again['wall']:.1f} s")  # fmt: skip
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for figures in (full, again):
        print("  " + figures["summary"])


if __name__ == "__main__":
    main()
