"""The strategy's visit and MSP rules (visits.rules), one test each, named after the rule."""

from datetime import date, datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone

from visits.models import VisitType
from visits.rules import (
    ALREADY_PUBLISHED,
    AUTUMN_CORE_AGENDA,
    CANCEL_REASON_REQUIRED,
    MSP_GOVERNOR_REQUIRED,
    MSP_HEADTEACHER_REQUIRED,
    MSP_LINK_ADVISER_REQUIRED,
    NOT_PUBLISHABLE_UNTIL_HELD,
    PLANNED_TOO_FAR_AHEAD,
    SUMMARY_REQUIRED,
    VISIT_IN_FUTURE,
    autumn_core_visit_agenda,
    cancelled_visit_needs_reason,
    future_visit_cannot_be_completed,
    msp_group_includes_the_headteacher_a_governor_and_the_link_sia,
    msp_summary_shared_with_governing_body,
    planned_no_more_than_two_years_ahead,
)

pytestmark = pytest.mark.django_db
AGENDA = ["quality_of_education", "outcomes", "self_evaluation", "improvement_priorities", "pupil_targets"]


@pytest.mark.parametrize(
    ("visit_type", "visit_date", "agenda"),
    [
        (VisitType.CORE, date(2026, 9, 1), AGENDA),  # first day of the autumn term
        (VisitType.CORE, date(2027, 1, 3), AGENDA),  # the Christmas holiday counts in the autumn term
        (VisitType.CORE, date(2027, 1, 4), []),  # spring: bespoke
        (VisitType.CORE, date(2027, 6, 1), []),
        (VisitType.MONITORING, date(2026, 10, 1), []),
        (VisitType.ENHANCED, date(2026, 10, 1), []),
        (VisitType.CORE, None, []),
    ],
)
def test_autumn_core_visit_agenda(visit_type, visit_date, agenda):
    assert autumn_core_visit_agenda(visit_type=visit_type, visit_date=visit_date) == agenda
    assert [a.value for a in AUTUMN_CORE_AGENDA] == AGENDA


@pytest.mark.parametrize(
    ("visit_date", "allowed"),
    [(date(2026, 11, 21), True), (date(2026, 11, 22), True), (date(2026, 11, 23), False)],
)
def test_future_visit_cannot_be_completed(visit_date, allowed):
    errors = future_visit_cannot_be_completed(visit_date=visit_date, today=date(2026, 11, 22))
    assert errors == ({} if allowed else {"visit_date": [VISIT_IN_FUTURE]})


@pytest.mark.parametrize(
    ("today", "day", "allowed"),
    [
        (date(2026, 12, 5), date(2028, 12, 5), True),  # two years to the day
        (date(2026, 12, 5), date(2028, 12, 6), False),
        (date(2026, 12, 5), date(2062, 12, 5), False),  # the year mistyped
        (date(2026, 12, 5), date(2020, 1, 1), True),  # a visit recorded after the event: not this rule's
        (date(2028, 2, 29), date(2030, 2, 28), True),  # from a 29 February: the last day of February
        (date(2028, 2, 29), date(2030, 3, 1), False),
        (date(9998, 6, 1), date(9999, 12, 31), True),  # past the last date Python holds: no error
    ],
)
def test_planned_no_more_than_two_years_ahead(today, day, allowed):
    errors = planned_no_more_than_two_years_ahead(day=day, today=today, field="visit_date")
    if allowed:
        assert errors == {}
    else:
        limit = date(today.year + 2, today.month, min(today.day, 28 if today.month == 2 else today.day))
        assert errors == {"visit_date": [PLANNED_TOO_FAR_AHEAD.format(label="The date of the visit", limit=limit)]}
    assert planned_no_more_than_two_years_ahead(day=day, today=today, field="held_on") == (
        {} if allowed else {"held_on": [PLANNED_TOO_FAR_AHEAD.format(label="The date of the meeting", limit=limit)]}
    )


@pytest.mark.parametrize(("reason", "kept"), [("  Head ill  ", "Head ill"), ("", None), ("   ", None)])
def test_cancelled_visit_needs_reason(reason, kept):
    errors = cancelled_visit_needs_reason(reason=reason)
    assert errors == ({} if kept else {"reason": [CANCEL_REASON_REQUIRED]})


def test_msp_summary_shared_with_governing_body():
    assert msp_summary_shared_with_governing_body(is_held=True, summary="Points", published_at=None) == {}
    errors = msp_summary_shared_with_governing_body(is_held=False, summary="Points", published_at=None)
    assert errors == {NON_FIELD_ERRORS: [NOT_PUBLISHABLE_UNTIL_HELD]}
    errors = msp_summary_shared_with_governing_body(is_held=True, summary="  ", published_at=None)
    assert errors == {"summary_key_points": [SUMMARY_REQUIRED]}
    published = timezone.make_aware(datetime(2026, 11, 12, 16))
    errors = msp_summary_shared_with_governing_body(is_held=True, summary="Points", published_at=published)
    assert errors == {NON_FIELD_ERRORS: [ALREADY_PUBLISHED.format(when=published)]}


def test_msp_group_includes_the_headteacher_a_governor_and_the_link_sia():
    adviser = object()
    rule = msp_group_includes_the_headteacher_a_governor_and_the_link_sia
    assert rule(headteacher="Mrs Jane Smith", governor_name="Grace Holt", link_adviser=adviser) == {}
    assert rule(headteacher=" ", governor_name="", link_adviser=None) == {
        "headteacher": [MSP_HEADTEACHER_REQUIRED],
        "governor_name": [MSP_GOVERNOR_REQUIRED],
        "link_adviser": [MSP_LINK_ADVISER_REQUIRED],
    }
    assert rule(headteacher="Mrs Jane Smith", governor_name="Grace Holt", link_adviser=None) == {
        "link_adviser": [MSP_LINK_ADVISER_REQUIRED]
    }
