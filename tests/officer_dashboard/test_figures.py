"""Each figure of the officer dashboard, and the schools behind it, on a known set of schools
(tests/officer_dashboard/conftest.py)."""

from datetime import date

import pytest

from dashboard import figures
from dashboard.figures import Scope

from .conftest import DAY

pytestmark = pytest.mark.django_db


def ids(figure):
    return sorted(e.school_id for e in figure.entries)


def by_key(figure_list):
    return {f.key: f for f in figure_list}


def pks(*schools):
    return sorted(s.pk for s in schools)


def test_each_support_level_counts_the_maintained_schools_at_it_each_term(known, officer):
    section = figures.levels(Scope(DAY, officer, {}))
    found = by_key(section.figures)
    assert [t.key for t in section.terms] == [
        "2024-spring", "2024-summer", "2025-autumn", "2025-spring", "2025-summer", "2026-autumn",
    ]  # fmt: skip
    assert ids(found["level.2026-autumn.high"]) == pks(known.c, known.g)
    assert ids(found["level.2026-autumn.medium"]) == pks(known.b)
    assert ids(found["level.2026-autumn.low"]) == pks(known.a, known.f)
    assert ids(found["level.2026-autumn.none"]) == pks(known.d)
    assert ids(found["level.2025-summer.high"]) == pks(known.a)
    assert ids(found["level.2025-summer.low"]) == pks(known.c, known.f)
    assert ids(found["level.2025-summer.none"]) == pks(known.d, known.g)
    assert ids(found["level.2025-spring.medium"]) == pks(known.b)
    assert known.e.pk not in {e.school_id for f in section.figures for e in f.entries}  # an academy


def test_movement_between_consecutive_terms_is_improved_stayed_or_declined(known, officer):
    found = by_key(figures.levels(Scope(DAY, officer, {})).figures)
    assert ids(found["move.2026-autumn.improving"]) == pks(known.a)
    assert ids(found["move.2026-autumn.stable"]) == pks(known.b, known.f)
    assert ids(found["move.2026-autumn.declining"]) == pks(known.c)
    assert ids(found["move.2025-summer.stable"]) == pks(known.b)
    assert "move.2024-spring.stable" not in found  # the first term shown has no term before it


def test_reviews_due_this_term_and_overdue_when_last_term_had_none_either(known, officer):
    found = by_key(figures.reviews(Scope(DAY, officer, {})))
    assert ids(found["review.due"]) == pks(known.b, known.d, known.f)
    assert ids(found["review.overdue"]) == pks(known.b, known.d)


def test_visit_entitlement_this_term_follows_the_compliance_rules(known, officer):
    found = by_key(figures.compliance(Scope(DAY, officer, {})).visits)
    assert ids(found["visits.met"]) == pks(known.a)
    assert ids(found["visits.due"]) == pks(known.b, known.d, known.f)
    assert ids(found["visits.overdue"]) == pks(known.c, known.g)
    assert ids(found["visits.missed_earlier"]) == []


def test_msp_schools_with_their_next_meeting_and_the_overdue_ones(known, officer):
    section = figures.compliance(Scope(DAY, officer, {}))
    found = by_key(section.msp)
    assert ids(found["msp.groups"]) == pks(known.b, known.g)
    assert ids(found["msp.overdue"]) == pks(known.g)
    assert ids(found["msp.to_set_up"]) == pks(known.c)
    notes = {e.school_id: e.note for e in found["msp.groups"].entries}
    assert notes[known.b.pk] == "Next meeting 1 December 2026"
    assert notes[known.g.pk] == "No meeting planned"


def test_letters_this_academic_year_by_type_and_warning_notices(known, officer):
    section = figures.letters(Scope(DAY, officer, {}))
    found = by_key(section.figures)
    assert section.academic_year_label == "2026/27"
    assert ids(found["letters.congratulations"]) == pks(known.a)
    assert ids(found["letters.warning_notice"]) == pks(known.b)  # D's was issued last academic year
    assert ids(found["letters.significant_concerns"]) == []
    # B's compliance period ends in 20 days; D's window for the powers (letters.rules) has passed
    # with no decision recorded: both are deadlines by letters.selectors.deadlines_soon.
    assert ids(found["notices.deadline"]) == pks(known.b, known.d)
    assert ids(found["notices.eligible"]) == pks(known.d)


def test_open_academy_concerns_by_stage_and_rag_as_the_user_may_see_them(known, officer, adviser):
    for_officer = by_key(figures.concerns(Scope(DAY, officer, {})).figures)
    assert ids(for_officer["concerns.recorded.red"]) == pks(known.e)
    assert ids(for_officer["concerns.recorded.amber"]) == pks(known.e)  # whistleblowing: officers only
    assert ids(for_officer["concerns.meeting.red"]) == []
    for_adviser = by_key(figures.concerns(Scope(DAY, adviser, {})).figures)
    assert ids(for_adviser["concerns.recorded.amber"]) == []


def test_overdue_actions_are_open_actions_past_their_due_date(known, officer):
    (overdue,) = figures.actions(Scope(DAY, officer, {}))
    assert ids(overdue) == pks(known.a)


def test_the_filters_keep_only_the_schools_of_that_la_phase_and_adviser(known, officer):
    for chosen in ({"la": "873"}, {"phase": "Secondary"}, {"adviser": str(known.lena.pk)}):
        scope = Scope(DAY, officer, chosen)
        levels = by_key(figures.levels(scope).figures)
        assert ids(levels["level.2026-autumn.low"]) == pks(known.f)
        assert ids(levels["level.2026-autumn.high"]) == []
        assert ids(by_key(figures.reviews(scope))["review.due"]) == pks(known.f)
        assert ids(by_key(figures.letters(scope).figures)["notices.eligible"]) == []
        assert ids(by_key(figures.concerns(scope).figures)["concerns.recorded.red"]) == []


def test_a_figure_found_by_its_key_is_the_dashboards_figure(known, officer):
    scope = Scope(DAY, officer, {})
    assert ids(figures.figure_for(scope, "review.overdue")) == pks(known.b, known.d)
    assert ids(figures.figure_for(scope, "level.2026-autumn.high")) == pks(known.c, known.g)
    assert figures.figure_for(scope, "level.1999-autumn.high") is None
    assert figures.figure_for(scope, "nonsense") is None
    assert figures.figure_for(scope, "") is None


@pytest.mark.parametrize(
    ("today", "last_term"),
    [
        (date(2026, 12, 25), "Autumn 2026/27"),  # the Christmas holiday counts in the autumn term
        (date(2027, 1, 4), "Spring 2026/27"),  # the first day of spring, across the calendar year
    ],
)
def test_at_a_term_boundary_the_term_just_ended_becomes_history_and_reviews_fall_due_again(
    known, officer, on_day, today, last_term
):
    on_day(today)
    scope = Scope(today, officer, {})
    section = figures.levels(scope)
    assert section.terms[-1].period.label == last_term
    levels = by_key(section.figures)
    reviews = by_key(figures.reviews(scope))
    if last_term.startswith("Autumn"):
        assert ids(reviews["review.due"]) == pks(known.b, known.d, known.f)
        assert ids(reviews["review.overdue"]) == pks(known.b, known.d)
    else:
        # No school has a spring categorisation yet: all are due; those without an autumn one are overdue.
        assert ids(levels["level.2026-spring.high"]) == pks(known.c, known.g)
        assert ids(levels["move.2026-spring.stable"]) == pks(known.a, known.b, known.c, known.f, known.g)
        assert ids(levels["level.2026-autumn.high"]) == pks(known.c, known.g)
        assert ids(reviews["review.due"]) == pks(known.a, known.b, known.c, known.d, known.f, known.g)
        assert ids(reviews["review.overdue"]) == pks(known.b, known.d, known.f)
