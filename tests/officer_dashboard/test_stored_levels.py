"""Stored support levels over the last six terms (dashboard.stored_levels, docs/adr/0045): after any
sequence of categorisation writes, on any later day, what the dashboard counts from the stored rows
equals categorisation.selectors' recomputation (level_paths, school_levels); the named tests pin
the trigger, the refresh of rows for another day, and the query count of a read."""

from collections import Counter
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from categorisation.models import OPEN_STATUSES, Categorisation, SupportLevel
from categorisation.selectors import level_paths, school_levels
from dashboard import history, stored_levels
from dashboard.models import StoredLevelPath
from dashboard.stored_levels import stored_paths
from schools.models import School
from tests.categorisation.factories import ApprovedCategorisationFactory, CategorisationFactory
from tests.conftest import moment
from tests.factories import SchoolFactory

START = date(2026, 11, 23)
LEVELS = [SupportLevel.LOW, SupportLevel.MEDIUM, SupportLevel.HIGH]


def window_days(today: date) -> list[date]:
    return sorted({history.assess_day(p, today) for p in history.last_terms(today)})


def differences(today: date) -> list[str]:
    """What the stored rows say and the recomputation does not, for every school."""
    days, schools = window_days(today), School.objects.all()
    found = []
    stored = Counter(dict(stored_paths(days, schools)))
    recomputed = Counter(dict(level_paths(days, schools)))
    if stored != recomputed:
        found.append(f"paths: stored {dict(stored)} recomputed {dict(recomputed)}")
    by_school = stored_levels.stored_levels(days, schools)
    again = dict(school_levels(days, schools.values_list("pk", flat=True)))
    if by_school != again:
        found.append(f"levels: stored {by_school} recomputed {again}")
    return found


class World:
    """Four schools and a clock; each step a write the services or a history load make."""

    def __init__(self) -> None:
        self.day = START
        self.clock = time_machine.travel(moment(self.day), tick=False)
        self.clock.start()
        self.schools = [SchoolFactory() for _ in range(3)]

    def stop(self) -> None:
        self.clock.stop()

    def school(self, n: int) -> School:
        return self.schools[n % len(self.schools)]

    def approve(self, n: int, k: int) -> None:
        ApprovedCategorisationFactory(school=self.school(n), level=LEVELS[k % 3])

    def load_history(self, n: int, k: int) -> None:
        # An approval dated in an earlier term (the demo's and an import's history): a past column moves.
        when = moment(self.day - timedelta(days=20 + k * 7))
        ApprovedCategorisationFactory(school=self.school(n), level=LEVELS[k % 3], approved_at=when)

    def draft(self, n: int, k: int) -> None:
        # Not counted until approved (one open categorisation a school): the row is marked, nothing moves.
        if not self.school(n).categorisations.filter(status__in=OPEN_STATUSES).exists():
            CategorisationFactory(school=self.school(n))

    def change_level(self, n: int, k: int) -> None:
        approved = Categorisation.objects.filter(school=self.school(n), status="approved")
        latest = approved.order_by("-approved_at").first()
        if latest is not None:
            latest.level = LEVELS[(k + 1) % 3]
            latest.save()

    def delete(self, n: int, k: int) -> None:
        latest = Categorisation.objects.filter(school=self.school(n)).order_by("-id").first()
        if latest is not None:
            latest.delete()

    def add_school(self, n: int, k: int) -> None:
        self.schools.append(SchoolFactory())

    def delete_school(self, n: int, k: int) -> None:
        # A school with categorisations is kept (PROTECT); one without can go, and its row with it.
        school = self.school(n)
        if len(self.schools) > 1 and not school.categorisations.exists():
            self.schools.remove(school)
            school.delete()

    def pass_days(self, n: int, k: int) -> None:
        self.day += timedelta(days=k * 3)  # up to about a year and a half: into other terms and years
        self.clock.stop()
        self.clock = time_machine.travel(moment(self.day), tick=False)
        self.clock.start()

    STEPS = [
        "approve", "load_history", "draft", "change_level", "delete", "add_school", "delete_school", "pass_days",
    ]  # fmt: skip


step = st.tuples(st.sampled_from(World.STEPS), st.integers(0, 3), st.integers(0, 200))


class StoredLevelsEqualRecomputationTests(TestCase):
    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(step, min_size=1, max_size=10))
    def test_the_stored_levels_equal_a_recomputation_after_any_sequence_of_writes_and_days(self, steps):
        world = World()
        try:
            assert differences(world.day) == []
            for name, n, k in steps:
                getattr(world, name)(n, k)
                assert differences(world.day) == [], f"after {name}({n}, {k}) on {world.day}"
        finally:
            world.stop()


# ---- each trigger, by name ------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(on_day):
    return on_day(START)


def test_an_approval_marks_its_schools_row_stale_in_its_transaction_and_the_next_read_counts_it(today, school):
    days = window_days(today)
    assert stored_paths(days, School.objects.filter(pk=school.pk)) == [((None,) * len(days), 1)]
    ApprovedCategorisationFactory(school=school, level=SupportLevel.HIGH)
    assert StoredLevelPath.objects.get(school=school).stale
    assert stored_paths(days, School.objects.filter(pk=school.pk)) == [((None,) * (len(days) - 1) + ("high",), 1)]


def test_without_the_trigger_the_stored_levels_would_be_wrong(today, school):
    """The property can fail: with the signal disconnected an approval leaves the row as it was."""
    days = window_days(today)
    stored_paths(days, School.objects.all())
    from django.db.models.signals import post_save

    assert post_save.disconnect(sender=Categorisation, dispatch_uid="stored-levels-save")
    try:
        ApprovedCategorisationFactory(school=school, level=SupportLevel.HIGH)
        assert differences(today) != []
    finally:
        stored_levels.connect()
    assert differences(today) != []  # still: nothing marked it
    stored_levels.mark_stale(school_ids=[school.pk])
    assert differences(today) == []


def test_rows_for_other_days_are_computed_again_on_the_first_read_of_a_new_term(on_day, school):
    on_day(date(2026, 12, 16))  # the last week of the autumn term
    ApprovedCategorisationFactory(school=school, level=SupportLevel.LOW)
    before = window_days(date(2026, 12, 16))
    stored_paths(before, School.objects.all())
    on_day(date(2027, 1, 6))  # the spring term: the autumn term is a past column now
    after = window_days(date(2027, 1, 6))
    assert after != before
    assert differences(date(2027, 1, 6)) == []
    assert StoredLevelPath.objects.get(school=school).days == stored_levels.days_key(after)


def test_a_read_with_every_row_valid_is_one_query_however_many_schools(today):
    for n in range(12):
        school = SchoolFactory()
        if n % 2:
            ApprovedCategorisationFactory(school=school, level=LEVELS[n % 3])
    days = window_days(today)
    stored_paths(days, School.objects.all())
    with CaptureQueriesContext(connection) as queries:
        paths = stored_paths(days, School.objects.all())
    assert len(queries) == 1
    assert sum(n for _, n in paths) == School.objects.count()


def test_the_nightly_task_stores_every_open_maintained_schools_levels(today, school):
    from dashboard.tasks import refresh_stored_levels

    ApprovedCategorisationFactory(school=school, level=SupportLevel.MEDIUM)
    assert refresh_stored_levels(timestamp=0) >= 1
    row = StoredLevelPath.objects.get(school=school)
    assert (row.stale, row.days) == (False, stored_levels.days_key(window_days(today)))
