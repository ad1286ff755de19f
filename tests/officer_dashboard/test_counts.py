"""The dashboard counts each figure in the database (Scope.lists False, docs/adr/0037); the figure's
own page lists its schools. Both must agree for every figure, filter and day: the counted figures
are proved equal to the listed ones (the recomputation), on the known schools of conftest.py."""

from collections import Counter
from datetime import date

import pytest
from django.urls import reverse

from categorisation.selectors import level_paths, levels_on
from dashboard import figures, history
from dashboard.figures import Scope
from schools.models import School
from tests.categorisation.factories import ApprovedCategorisationFactory, aware
from tests.factories import SchoolFactory

from .conftest import DAY

pytestmark = pytest.mark.django_db

SECTIONS = [
    lambda scope: figures.levels(scope).figures,
    figures.reviews,
    lambda scope: figures.compliance(scope).figures,
    lambda scope: figures.letters(scope).figures,
    lambda scope: figures.concerns(scope).figures,
    figures.actions,
]


def counts(scope: Scope) -> dict[str, int]:
    return {f.key: f.count for section in SECTIONS for f in section(scope)}


@pytest.mark.parametrize("today", [DAY, date(2026, 12, 25), date(2027, 1, 4), date(2027, 8, 10)])
@pytest.mark.parametrize("chosen", [{}, {"la": "873"}, {"phase": "Secondary"}, {"phase": "Primary"}])
def test_each_counted_figure_is_the_number_of_schools_its_list_holds(known, officer, on_day, today, chosen):
    on_day(today)
    chosen = chosen | ({"adviser": str(known.lena.pk)} if chosen.get("la") else {})
    listed = counts(Scope(today, officer, chosen))
    counted = counts(Scope(today, officer, chosen, lists=False))
    assert counted == listed
    assert any(listed.values())  # the known schools are behind some figures whatever the day or filter


def test_counted_figures_list_no_schools_and_the_msp_table_is_the_listed_ones_first_rows(known, officer, on_day):
    on_day(DAY)
    counted = figures.compliance(Scope(DAY, officer, {}, lists=False))
    listed = figures.compliance(Scope(DAY, officer, {}))
    assert all(f.entries == [] for f in counted.figures)
    assert counted.msp_rows == listed.msp_rows[: figures.MSP_ROWS_SHOWN]


def test_a_level_or_movement_figure_read_alone_is_the_dashboards_figure(known, officer, on_day):
    on_day(DAY)
    scope = Scope(DAY, officer, {})
    for figure in figures.levels(scope).figures:
        alone = figures.figure_for(scope, figure.key)
        assert (alone.key, alone.label) == (figure.key, figure.label)
        assert sorted(e.school_id for e in alone.entries) == sorted(e.school_id for e in figure.entries)
    for key in ("level.2026-autumn.nonsense", "move.2024-spring.stable", "move.2026-autumn.none", "level.x"):
        assert figures.figure_for(scope, key) is None


def test_level_paths_count_the_levels_levels_on_finds_school_by_school(on_day):
    """categorisation.selectors.level_paths against the replay in levels_on, with approvals on the
    days themselves, two on one day, and a school never categorised."""
    on_day(DAY)
    days = [date(2026, 3, 31), date(2026, 7, 20), DAY]
    schools = [SchoolFactory() for _ in range(4)]
    a, b, c, _ = schools
    for school, level, when in (
        (a, "high", aware(2025, 10, 1)),
        (a, "low", aware(2026, 7, 20)),  # on a day: counts on it
        (b, "medium", aware(2026, 4, 1)),
        (b, "high", aware(2026, 4, 1, 15)),  # later the same day: wins
        (c, "low", aware(2026, 11, 19)),  # after the last day: not yet
    ):
        ApprovedCategorisationFactory(school=school, level=level, approved_at=when)
    queryset = School.objects.filter(pk__in=[s.pk for s in schools])
    by_day = levels_on(days, queryset.values("pk"))
    expected = Counter(tuple(by_day[day].get(s.pk) for day in days) for s in schools)
    assert Counter(dict(level_paths(days, queryset))) == expected
    assert expected[(None, None, None)] == 2  # c (approved after DAY) and the school never categorised


def test_a_figures_page_reads_only_its_pages_schools_in_full(known, client_as, on_day):
    on_day(DAY)
    term = history.term_key(history.last_terms(DAY)[-1])
    response = client_as("officer").get(reverse("dashboard:figure") + f"?figure=level.{term}.high")
    assert response.status_code == 200
    assert [school.pk for school, _ in response.context["pagination"].page.object_list] == sorted(
        [known.c.pk, known.g.pk], key=lambda pk: School.objects.get(pk=pk).name
    )
