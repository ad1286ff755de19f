"""The officer home's Ofsted summary counts and the outcomes table's counts are stored
(dashboard.stored_ofsted, docs/adr/0049 and 0052): they equal a full recount after any sequence of
writes they depend on (schools opened, closed, retyped, rephased or deleted, inspections recorded,
regraded or deleted, the GIAS and Ofsted imports), a page reads them from one row until such a
write, and a write made while they are being counted is never lost."""

import threading
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from dashboard import outcomes, stored_ofsted
from dashboard.models import StoredOfstedSummary
from schools import services as school_services
from schools.demo_files import current_gias_header, gias_row, to_csv_bytes
from schools.models import EstablishmentType, Governance, OfstedFramework, OfstedInspection, School, SchoolStatus
from tests.factories import InspectionFactory, SchoolFactory
from tests.letters.test_stored_suggestions import ofsted_import

START = date(2026, 11, 23)
GIAS_URN = 874990


class World:
    """Three schools to begin with; each step is one write the counts depend on, through a model
    save or delete (as the services make) or through an import (set-wise, no model signals)."""

    def __init__(self):
        self.schools = [SchoolFactory(), SchoolFactory(academy=True), SchoolFactory()]

    def school(self, n: int) -> School | None:
        alive = [s for s in self.schools if School.objects.filter(pk=s.pk).exists()]
        return alive[n % len(alive)] if alive else None

    def inspect(self, n: int, k: int) -> None:
        if school := self.school(n):
            report_card = k % 3 == 0
            InspectionFactory(
                school=school, start_date=START - timedelta(days=(k * 37) % 1500),
                framework=OfstedFramework.REPORT_CARD if report_card else OfstedFramework.GRADED,
                overall_effectiveness=None if report_card else 1 + k % 4,
            )  # fmt: skip

    def import_inspection(self, n: int, k: int) -> None:
        if school := self.school(n):
            ofsted_import(
                school, number=f"9{school.pk:03d}{k % 3:04d}", start=START - timedelta(days=k), grade=1 + k % 4
            )

    def regrade(self, n: int, k: int) -> None:
        if school := self.school(n):
            inspection = school.inspections.filter(framework=OfstedFramework.GRADED).order_by("-start_date").first()
            if inspection:
                inspection.overall_effectiveness = 1 + k % 4
                inspection.save()

    def delete_inspection(self, n: int, k: int) -> None:
        if (school := self.school(n)) and (inspection := school.inspections.order_by("?").first()):
            inspection.delete()

    def close_or_reopen(self, n: int, k: int) -> None:
        if school := self.school(n):
            school.status = SchoolStatus.OPEN if school.status == SchoolStatus.CLOSED else SchoolStatus.CLOSED
            school.save()

    def retype(self, n: int, k: int) -> None:
        if school := self.school(n):
            school.establishment_type = EstablishmentType.objects.get(code=34 if school.is_maintained else 1)
            school.save()

    def change_phase_roll_or_la(self, n: int, k: int) -> None:
        """What the outcomes table counts by and sums (dashboard.outcomes), changed through a save."""
        if school := self.school(n):
            school.phase = ["Primary", "Secondary", "Nursery", ""][k % 4]
            school.number_on_roll = None if k % 5 == 0 else 100 + k
            school.la_code = ["874", "873"][k % 2]
            school.save()

    def open_school(self, n: int, k: int) -> None:
        self.schools.append(SchoolFactory(academy=k % 2 == 0))

    def delete_school(self, n: int, k: int) -> None:
        if school := self.school(n):
            school.delete()

    def gias_import(self, n: int, k: int) -> None:
        """One school through the GIAS import: opened, retyped or closed as k says."""
        type_code, status = [(1, "1"), (34, "1"), (1, "2")][k % 3]
        row = gias_row(urn=GIAS_URN, name="Heron Primary School", type_code=type_code, phase="Primary",
                       status_code=status, close_date="31-08-2026" if status == "2" else "")  # fmt: skip
        data = to_csv_bytes(current_gias_header(), [row])
        record = school_services.import_run(
            kind="gias", data=data, filename="edubasealldata.csv", actor=None, options={"la_codes": ["874"]}
        )
        assert record.rejected == 0, record.message

    STEPS = [
        "inspect", "import_inspection", "regrade", "delete_inspection", "close_or_reopen", "retype",
        "change_phase_roll_or_la", "open_school", "delete_school", "gias_import",
    ]  # fmt: skip


step = st.tuples(st.sampled_from(World.STEPS), st.integers(0, 5), st.integers(0, 200))


class StoredCountsEqualRecountingTests(TestCase):
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(step, min_size=1, max_size=10))
    def test_the_stored_counts_equal_a_full_recount_after_any_sequence_of_writes(self, steps):
        world = World()
        assert stored_ofsted.counts() == stored_ofsted.compute()
        for name, n, k in steps:
            getattr(world, name)(n, k)
            assert stored_ofsted.counts() == stored_ofsted.compute(), f"after {name}({n}, {k})"

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(step, min_size=1, max_size=10))
    def test_the_stored_outcome_counts_equal_a_full_recount_after_any_sequence_of_writes(self, steps):
        world = World()
        assert stored_outcomes() == outcomes.compute_outcome_counts()
        for name, n, k in steps:
            getattr(world, name)(n, k)
            assert stored_outcomes() == outcomes.compute_outcome_counts(), f"after {name}({n}, {k})"


def stored_outcomes() -> list[tuple]:
    rows = outcomes.stored_outcome_counts().values_list(*outcomes.STORED_FIELDS)
    return sorted(rows, key=lambda row: tuple("" if v is None else str(v) for v in row))


pytestmark = pytest.mark.django_db


def test_the_counts_are_open_schools_by_governance_framework_and_grade():
    InspectionFactory(school=SchoolFactory(), overall_effectiveness=2)
    InspectionFactory(school=SchoolFactory(), overall_effectiveness=2)
    SchoolFactory()
    InspectionFactory(school=SchoolFactory(status=SchoolStatus.CLOSED), overall_effectiveness=4)
    InspectionFactory(school=SchoolFactory(academy=True), framework=OfstedFramework.REPORT_CARD,
                      overall_effectiveness=None)  # fmt: skip
    assert stored_ofsted.counts() == [
        (Governance.ACADEMY, OfstedFramework.REPORT_CARD, None, 1),
        (Governance.MAINTAINED, None, None, 1),
        (Governance.MAINTAINED, OfstedFramework.GRADED, 2, 2),
    ]


def test_a_page_reads_one_row_until_a_write_marks_it_stale():
    school = SchoolFactory()
    stored_ofsted.counts()
    with CaptureQueriesContext(connection) as fresh:
        stored_ofsted.counts()
    assert len(fresh) == 1
    InspectionFactory(school=school, overall_effectiveness=1)
    assert StoredOfstedSummary.objects.get(pk=stored_ofsted.ROW).stale
    assert stored_ofsted.counts() == [(Governance.MAINTAINED, OfstedFramework.GRADED, 1, 1)]
    assert not StoredOfstedSummary.objects.get(pk=stored_ofsted.ROW).stale


def test_a_missing_row_is_made_and_counted():
    SchoolFactory()
    StoredOfstedSummary.objects.all().delete()
    assert stored_ofsted.counts() == [(Governance.MAINTAINED, None, None, 1)]
    assert StoredOfstedSummary.objects.filter(pk=stored_ofsted.ROW, stale=False).count() == 1


def test_an_import_that_changes_no_school_leaves_the_counts_fresh():
    SchoolFactory()
    stored_ofsted.counts()
    school_services.import_run(kind="gias", data=to_csv_bytes(current_gias_header(), []),
                               filename="edubasealldata.csv", actor=None, options={"la_codes": ["874"]})  # fmt: skip
    assert not StoredOfstedSummary.objects.get(pk=stored_ofsted.ROW).stale


def test_the_officer_home_shows_the_stored_counts_and_a_recount_after_a_write(client_as):
    school = SchoolFactory()
    InspectionFactory(school=school, overall_effectiveness=4)
    client = client_as("officer")
    url = reverse("dashboard:home")
    assert client.get(url).context["ofsted"][0]["grades"][3][1] == 1  # inadequate
    OfstedInspection.objects.filter(school=school).delete()
    InspectionFactory(school=school, overall_effectiveness=1)
    maintained = client.get(url).context["ofsted"][0]
    assert [n for _grade, n in maintained["grades"]] == [1, 0, 0, 0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL (SQLite serialises writers)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_write_made_while_the_counts_are_counted_waits_and_leaves_them_stale(monkeypatch):
    """The recount holds the row; the write's mark waits for it and then marks what it stored, so the
    recount (which could not see the write) is never taken as fresh."""
    school = SchoolFactory()
    started, go, done = threading.Event(), threading.Event(), threading.Event()
    real = stored_ofsted.compute

    def slow_compute():
        counted = real()
        started.set()
        go.wait(60)
        return counted

    monkeypatch.setattr(stored_ofsted, "compute", slow_compute)

    def recount():
        try:
            stored_ofsted.counts()
        finally:
            connection.close()

    def write():
        try:
            InspectionFactory(school=school, overall_effectiveness=3)
            done.set()
        finally:
            connection.close()

    reader = threading.Thread(target=recount)
    reader.start()
    assert started.wait(60)  # counted before the write: the write's inspection is not in it
    writer = threading.Thread(target=write)
    writer.start()
    writer.join(2)
    assert writer.is_alive()  # the write's mark waits for the recount's lock
    assert not done.is_set()
    go.set()
    reader.join(60)
    writer.join(60)
    assert done.is_set()
    assert StoredOfstedSummary.objects.get(pk=stored_ofsted.ROW).stale
    monkeypatch.setattr(stored_ofsted, "compute", real)
    assert stored_ofsted.counts() == [(Governance.MAINTAINED, OfstedFramework.GRADED, 3, 1)]


def test_the_outcome_counts_group_schools_outside_the_service_under_no_la_code(settings):
    settings.LOCAL_AUTHORITY_CODES = ["874"]
    SchoolFactory(la_code="874", phase="Primary", number_on_roll=100)
    SchoolFactory(la_code="873", phase="Primary", number_on_roll=50)
    SchoolFactory(la_code="201", phase="Primary", number_on_roll=None)
    assert stored_outcomes() == [
        (Governance.MAINTAINED, "", "Primary", None, None, 2, 50),
        (Governance.MAINTAINED, "874", "Primary", None, None, 1, 100),
    ]


def test_the_outcome_counts_are_counted_again_when_the_services_la_codes_change(settings):
    settings.LOCAL_AUTHORITY_CODES = ["874"]
    SchoolFactory(la_code="873", phase="Primary", number_on_roll=50)
    assert [row[1] for row in stored_outcomes()] == [""]
    settings.LOCAL_AUTHORITY_CODES = ["873", "874"]  # a joint service, deployed with both codes
    assert not StoredOfstedSummary.objects.get(pk=stored_ofsted.OUTCOMES_ROW).stale  # no write since
    assert [row[1] for row in stored_outcomes()] == ["873"]
    assert outcomes.compute_outcome_counts() == stored_outcomes()


def test_the_nightly_task_has_a_write_past_the_signals_counted_by_the_next_read():
    school = SchoolFactory(phase="Primary")
    assert stored_outcomes()[0][5] == 1
    School.objects.filter(pk=school.pk).update(status=SchoolStatus.CLOSED)  # no signal: still counted
    assert stored_outcomes()[0][5] == 1
    from dashboard.tasks import refresh_stored_levels

    refresh_stored_levels(timestamp=0)
    assert stored_outcomes() == outcomes.compute_outcome_counts() == []
    assert stored_ofsted.counts() == stored_ofsted.compute() == []
