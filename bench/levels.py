"""Benchmark: the officer dashboard's levels over six terms and review counts, side by side in one run
on the England bench database (bench/pages.py builds it): the grouped query over every school's
approvals (categorisation.selectors.level_paths) against the stored levels (dashboard.stored_levels,
docs/adr/0045), and the review counts as counted before (overdue: a school in the previous term's due
list) and now (overdue: no approval in the previous term, one Exists in the same aggregate). Prints
medians, the ratio and the load average, and checks that both ways give the same answer.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/school_improvement_pages_bench .venv/bin/python bench/levels.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/school_improvement_pages_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def median_ms(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(runs: int = 7) -> None:
    import django

    django.setup()
    from django.db.models import Count, Q
    from django.utils import timezone

    from categorisation.selectors import approved_this_term, level_paths, review_due
    from dashboard import history
    from dashboard.stored_levels import stored_paths
    from visits.compliance import compliance_schools

    today = timezone.localdate()
    window = history.last_terms(today)
    days = history.window_days(today, window)
    schools = compliance_schools()
    stored_paths(days, schools)  # the first read of the day stores the rows (the nightly task's work)
    assert sorted(level_paths(days, schools)) == sorted(stored_paths(days, schools))

    previous_end = window[-2].ends_on

    def reviews_before() -> dict:
        # As counted before 2026-12-01's change: overdue as membership of the previous term's due list.
        before = review_due(previous_end).order_by().values("pk")
        return review_due(today).order_by().aggregate(due=Count("pk"), overdue=Count("pk", filter=Q(pk__in=before)))

    def reviews_now() -> dict:
        return (
            review_due(today, annotated=False)
            .order_by()
            .aggregate(due=Count("pk"), overdue=Count("pk", filter=~approved_this_term(previous_end)))
        )

    assert reviews_before() == reviews_now()
    print(f"{schools.count():,} open maintained schools; {runs} runs each; median ms")
    for label, before, after in (
        ("levels over six terms: level_paths / stored", lambda: level_paths(days, schools),
         lambda: stored_paths(days, schools)),
        ("reviews due and overdue: subquery / Exists", reviews_before, reviews_now),
    ):  # fmt: skip
        a, b = median_ms(before, runs), median_ms(after, runs)
        print(f"{label:<46} {a:8.1f} {b:8.1f}  {a / b:5.1f}x  load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
