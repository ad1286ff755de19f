"""Each school's latest judgement is stored (schools.latest_judgement, issue 11): the stored rows
equal a full recomputation after any sequence of writes to inspections, and the pages that read
it (the schools list, the outcomes table, the officer's home) run the same queries however many
schools there are."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from schools import latest_judgement
from schools.models import LatestJudgement, OfstedFramework, OfstedInspection, School
from schools.selectors import with_latest_judgement
from tests.factories import InspectionFactory, SchoolFactory
from tests.letters.test_stored_suggestions import ofsted_import

START = date(2026, 11, 23)
FRAMEWORKS = [OfstedFramework.GRADED, OfstedFramework.UNGRADED, OfstedFramework.REPORT_CARD]


class World:
    """Three schools; each step is one write to their inspections, through a model save or delete
    (as the services make) or through the Ofsted import (set-wise, no model signals)."""

    def __init__(self):
        self.schools = [SchoolFactory() for _ in range(3)]

    def school(self, n: int) -> School:
        return self.schools[n % 3]

    def latest(self, n: int) -> OfstedInspection | None:
        return OfstedInspection.objects.filter(school=self.school(n)).order_by("-start_date", "-pk").first()

    def inspect(self, n: int, k: int) -> None:
        framework = FRAMEWORKS[k % 3]
        InspectionFactory(
            school=self.school(n), framework=framework, start_date=START - timedelta(days=(k * 37) % 1500),
            overall_effectiveness=None if framework != OfstedFramework.GRADED else 1 + k % 4,
        )  # fmt: skip

    def import_inspection(self, n: int, k: int) -> None:
        school = self.school(n)
        ofsted_import(
            school, number=f"8{school.pk:03d}{k % 3:04d}", start=START - timedelta(days=(k * 11) % 900),
            grade=1 + k % 4, category="SM" if k % 5 == 0 else "",
        )  # fmt: skip

    def regrade(self, n: int, k: int) -> None:
        inspection = self.latest(n)
        if inspection and inspection.framework == OfstedFramework.GRADED:
            inspection.overall_effectiveness = 1 + k % 4
            inspection.save()

    def redate(self, n: int, k: int) -> None:
        inspection = OfstedInspection.objects.filter(school=self.school(n)).order_by("start_date", "pk").first()
        if inspection:
            inspection.start_date = START - timedelta(days=k)
            inspection.save()

    def delete_inspection(self, n: int, k: int) -> None:
        inspection = self.latest(n)
        if inspection:
            inspection.delete()

    STEPS = ["inspect", "import_inspection", "regrade", "redate", "delete_inspection"]


step = st.tuples(st.sampled_from(World.STEPS), st.integers(0, 2), st.integers(0, 200))


class StoredJudgementEqualsRecomputationTests(TestCase):
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(step, min_size=1, max_size=12))
    def test_the_stored_latest_judgements_equal_a_full_recomputation_after_any_sequence_of_writes(self, steps):
        world = World()
        for name, n, k in steps:
            getattr(world, name)(n, k)
            assert latest_judgement.differences() == {}, f"after {name}({n}, {k})"


pytestmark = pytest.mark.django_db


def test_an_ungraded_inspection_leaves_the_last_judgement_standing():
    school = SchoolFactory()
    graded = InspectionFactory(school=school, start_date=date(2024, 3, 1), overall_effectiveness=3)
    InspectionFactory(school=school, framework=OfstedFramework.UNGRADED, start_date=date(2026, 5, 1),
                      overall_effectiveness=None)  # fmt: skip
    stored = LatestJudgement.objects.get(school=school)
    assert (stored.inspection_id, stored.overall_effectiveness) == (graded.pk, 3)
    report_card = InspectionFactory(school=school, framework=OfstedFramework.REPORT_CARD,
                                    start_date=date(2026, 10, 1), overall_effectiveness=None)  # fmt: skip
    assert LatestJudgement.objects.get(school=school).inspection_id == report_card.pk
    report_card.delete()
    assert LatestJudgement.objects.get(school=school).inspection_id == graded.pk
    graded.delete()
    assert not LatestJudgement.objects.filter(school=school).exists()


def test_the_list_reads_the_stored_judgement_as_the_subquery_did():
    school = SchoolFactory()
    InspectionFactory(school=school, start_date=date(2023, 1, 10), overall_effectiveness=2)
    latest = InspectionFactory(school=school, start_date=date(2025, 6, 2), overall_effectiveness=4,
                               category_of_concern="SM")  # fmt: skip
    bare = SchoolFactory()
    rows = {s.pk: s for s in with_latest_judgement(School.objects.filter(pk__in=[school.pk, bare.pk]))}
    got = rows[school.pk]
    assert (got.latest_inspection_id, got.latest_ofsted_grade, got.latest_ofsted_framework) == (latest.pk, 4, "graded")
    assert (got.latest_ofsted_category, got.latest_ofsted_date) == ("SM", date(2025, 6, 2))
    assert rows[bare.pk].latest_ofsted_date is None
    assert rows[bare.pk].latest_ofsted_grade is None


def test_a_full_refresh_rebuilds_every_schools_row_after_writes_that_bypassed_the_signals():
    schools = [SchoolFactory() for _ in range(3)]
    InspectionFactory(school=schools[0], overall_effectiveness=1)
    LatestJudgement.objects.all().delete()  # as a bulk load would leave it
    assert latest_judgement.differences()
    latest_judgement.refresh()
    assert latest_judgement.differences() == {}
    assert LatestJudgement.objects.count() == 1
