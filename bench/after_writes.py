"""Benchmark: the officer's first page after a GIAS import or a role change, at England scale
(docs/adr/0047).

A GIAS import that changes the register tells the stored statuses (visits.stored_compliance,
letters.stored_suggestions) which schools it created or changed (`register_changed` with
`school_ids`), and they mark those schools stale in the import's transaction; the next page
recomputes them. Before ADR 0047 the import marked every school stale, so the first page after any
import recomputed all of England; a role given to an account marked every school's compliance
stale, where now only the schools of the visits the account led are (none for a new account).
This prints each write beside what it did before, side by side in one run, on the database
`bench/pages.py` builds (run `bench/pages.py --build-only` first):

1. the statuses made current for today (as the nightly task leaves them);
2. in a transaction: the write, timed (for the import, the marking its transaction pays), then the
   officer's home page twice as the officer (the first request recomputes what was marked; the
   second finds nothing to do); then the transaction is rolled back, so every trial starts from
   the same state;
3. alternately, --trials times each: the schools a weekly import changes (--changed, default 1% of
   the register), every school (the import before), a new governor's account given its role, and
   that with every compliance row marked (the role before).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/school_improvement_pages_bench \
        .venv/bin/python bench/after_writes.py
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
    from accounts.roles import Role
    from accounts.services import user_set_role
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

    def new_governor() -> None:  # a role given: the schools of the visits the account led (none)
        user_set_role(user=User.objects.create_user(username="bench-new-governor"), role=Role.GOVERNOR, actor=None)

    def every_school() -> None:  # what an import did before
        stored_compliance.mark_all_stale()
        stored_suggestions.mark_all_stale()

    def new_governor_before() -> None:  # what a role did before: every compliance row
        new_governor()
        stored_compliance.mark_all_stale()

    ways = {
        f"import, {len(changed):,} schools changed": changed_schools,
        f"import, before: all {len(every):,} schools": every_school,
        "a new governor's role": new_governor,
        "a new governor's role, before": new_governor_before,
    }
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

    # Every trial's marking was rolled back, leaving dead row versions; vacuum them as autovacuum would
    # (off on some servers), so the database is left for bench/pages.py as it was found.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM (ANALYZE) visits_storedcompliance, letters_storedsuggestionstate, letters_storedsuggestion, "
            "accounts_user, accounts_user_groups, accounts_historicaluser, accounts_historicaluser_groups"
        )
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{len(every):,} schools; {args.trials} trials each, alternately; load average after: {load}")
    print(f"{'marked stale':36} {'write ms':>10} {'first page ms':>13} {'second page ms':>14}")
    medians = {}
    for label, rows in figures.items():
        mark_ms, first_ms, second_ms = (statistics.median(column) * 1000 for column in zip(*rows, strict=True))
        medians[label] = first_ms
        print(f"{label:36} {mark_ms:10.1f} {first_ms:13.1f} {second_ms:14.1f}")
    imported, imported_before, role, role_before = medians.values()
    print(f"first officer home page: after an import {imported_before / imported:.1f}x faster, "
          f"after a role {role_before / role:.1f}x faster")  # fmt: skip


if __name__ == "__main__":
    main()
