"""Benchmark: the officer's first page after a GIAS import, at England scale (docs/adr/0047).

A GIAS import that changes the register tells the stored statuses (visits.stored_compliance,
letters.stored_suggestions) which schools it created or changed (`register_changed` with
`school_ids`), and they mark those schools stale in the import's transaction; the next page
recomputes them. Before ADR 0047 the import marked every school stale, so the first page after any
import recomputed all of England. This prints both, side by side in one run, on the database
`bench/pages.py` builds (run `bench/pages.py --build-only` first):

1. the statuses made current for today (as the nightly task leaves them);
2. in a transaction: the marking, timed (what the import's transaction pays), then the officer's
   home page twice as the officer (the first request recomputes what was marked; the second finds
   nothing to do); then the transaction is rolled back, so every trial starts from the same state;
3. alternately, --trials times each: the schools a weekly import changes (--changed, default 1% of
   the register), and every school.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/school_improvement_pages_bench \
        .venv/bin/python bench/after_import.py
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "true")  # no SECRET_KEY needed; DEBUG is switched off in-process
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/school_improvement_pages_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--changed", type=float, default=0.01, help="share of the register an import changes")
    parser.add_argument("--trials", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction
    from django.template import engines
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from letters import stored_suggestions
    from schools.importers.gias import GiasImporter
    from schools.models import School
    from schools.signals import register_changed
    from visits import stored_compliance

    if not User.objects.filter(username="officer1").exists():
        sys.exit("Build the England database first: bench/pages.py --build-only")
    warnings.filterwarnings("ignore", message="No directory at")
    settings.DEBUG = False
    engines["django"].engine.debug = False
    settings.SECOND_FACTOR_REQUIRED_ROLES = ()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    today = timezone.localdate()
    stored_compliance.refresh(today=today)
    stored_suggestions.ensure_rows()
    stored_suggestions.refresh(today=today)
    client = Client()
    client.force_login(User.objects.get(username="officer1"))
    url = reverse("dashboard:home")
    client.get(url)  # warm-up: templates, the session

    every = list(School.objects.order_by("pk").values_list("pk", flat=True))
    changed = every[:: max(1, round(1 / args.changed))] if args.changed else []

    def changed_schools() -> None:  # what the import sends since ADR 0047
        register_changed.send(sender=GiasImporter, school_ids=changed)

    def every_school() -> None:  # what the import's receivers did before it
        stored_compliance.mark_all_stale()
        stored_suggestions.mark_all_stale()

    ways = {f"{len(changed):,} schools changed": changed_schools, f"every school ({len(every):,})": every_school}
    figures: dict[str, list[tuple[float, float, float]]] = {label: [] for label in ways}
    for _ in range(args.trials):
        for label, mark in ways.items():
            with transaction.atomic():
                started = time.perf_counter()
                mark()
                marked = time.perf_counter()
                first = client.get(url)
                firsted = time.perf_counter()
                second = client.get(url)
                seconded = time.perf_counter()
                assert first.status_code == second.status_code == 200
                transaction.set_rollback(True)
            figures[label].append((marked - started, firsted - marked, seconded - firsted))

    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{len(every):,} schools; {args.trials} trials each, alternately; load average after: {load}")
    print(f"{'marked stale':28} {'marking ms':>10} {'first page ms':>13} {'second page ms':>14}")
    medians = {}
    for label, rows in figures.items():
        mark_ms, first_ms, second_ms = (statistics.median(column) * 1000 for column in zip(*rows, strict=True))
        medians[label] = first_ms
        print(f"{label:28} {mark_ms:10.1f} {first_ms:13.1f} {second_ms:14.1f}")
    few, all_ = medians.values()
    print(f"first officer home page after an import: {all_ / few:.1f}x faster when only the changed schools are marked")


if __name__ == "__main__":
    main()
