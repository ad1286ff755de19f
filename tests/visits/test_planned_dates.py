"""The date a visit or an MSP meeting is planned for: no more than two years ahead (a mistyped
year is refused on its field, and nobody is asked to prepare for it), and a planned visit on a day
the school is closed is flagged on its page to the people who can change it."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.roles import Role
from tests.visits.conftest import date_fields
from tests.visits.factories import MspGroupFactory, VisitFactory
from tests.visits.test_pages import meeting_data, record_data
from visits.models import MspMeeting, Visit
from visits.models_pre_visit import PreVisitEmail
from visits.rules import PLANNED_TOO_FAR_AHEAD
from visits.services import MSP_MEETING_IN_FUTURE

pytestmark = pytest.mark.django_db

PLAN = {"start_time": "9:30", "length": "half_day", "visit_type": "monitoring", "purpose": ""}


def _refusal(label: str, today: date) -> str:
    return PLANNED_TOO_FAR_AHEAD.format(label=label, limit=today.replace(year=today.year + 2))


def test_a_visit_planned_for_a_mistyped_year_is_refused_on_its_date_and_nobody_is_asked_to_prepare(
    client_as, on_day, linked
):
    today = on_day(date(2026, 12, 7))
    posted = {"school": linked.pk, **date_fields("visit_date", date(2062, 12, 14)), **PLAN}
    page = client_as("adviser").post(reverse("visits:plan"), posted).content.decode()
    assert _refusal("The date of the visit", today) in page
    assert 'href="#id_visit_date_0"' in page  # the summary links to the date's first box
    assert not Visit.objects.exists()
    assert not PreVisitEmail.objects.exists()


def test_a_visit_two_years_ahead_to_the_day_is_planned(client_as, on_day, linked):
    today = on_day(date(2026, 12, 7))
    posted = {"school": linked.pk, **date_fields("visit_date", date(2028, 12, 7)), **PLAN}
    assert client_as("adviser").post(reverse("visits:plan"), posted).status_code == 302
    assert Visit.objects.get().visit_date == today.replace(year=2028)


def test_a_planned_visit_moved_to_a_mistyped_year_is_refused_but_an_old_date_may_stay(
    client_as, on_day, linked, adviser
):
    """The rule is on the date typed: a record that keeps its date is saved whatever the date."""
    today = on_day(date(2026, 12, 7))
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=date(2029, 3, 1))  # planned before the rule
    url = reverse("visits:record", kwargs={"pk": visit.pk})
    page = client_as("adviser").post(url, record_data(date(2092, 3, 1))).content.decode()
    assert _refusal("The date of the visit", today) in page
    assert client_as("adviser").post(url, record_data(date(2029, 3, 1))).status_code == 302
    visit.refresh_from_db()
    assert visit.visit_date == date(2029, 3, 1)


def test_an_msp_meeting_planned_for_a_mistyped_year_is_refused(client_as, on_day, linked, officer):
    today = on_day(date(2026, 12, 7))
    group = MspGroupFactory(school=linked, chair=officer)
    posted = {"plan": "1", **date_fields("plan-held_on", date(2206, 1, 12))}
    page = client_as("officer").post(group.get_absolute_url(), posted).content.decode()
    assert "Date of the meeting must be in a year from 2000 to 2100" in page  # the form's own range, first
    posted = {"plan": "1", **date_fields("plan-held_on", date(2031, 1, 12))}
    page = client_as("officer").post(group.get_absolute_url(), posted).content.decode()
    assert _refusal("The date of the meeting", today) in page
    assert not MspMeeting.objects.exists()


@pytest.mark.parametrize(
    ("day", "warning"),
    [
        (date(2026, 12, 21), "21 December 2026 is in the Christmas holidays"),
        (date(2026, 12, 12), "12 December 2026 is a Saturday"),
        (date(2027, 2, 16), "16 February 2027 is in the spring half-term break"),
        (date(2027, 5, 3), "3 May 2027 is a bank holiday"),
        (date(2026, 12, 8), None),
    ],
)
def test_a_visit_planned_on_a_day_the_school_is_closed_is_flagged_on_its_page(
    client_as, on_day, linked, adviser, day, warning
):
    on_day(date(2026, 12, 7))
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=day)
    page = client_as("adviser").get(visit.get_absolute_url()).content.decode()
    if warning is None:
        assert "govuk-warning-text" not in page
    else:
        assert f"{warning}: change the date if the school will be closed." in page
        visit.status, visit.cancelled_reason = "cancelled", "Head ill"
        visit.save()
        assert "govuk-warning-text" not in client_as("adviser").get(visit.get_absolute_url()).content.decode()


def test_a_planned_visit_whose_day_has_passed_is_not_flagged(client_as, on_day, linked, adviser):
    """A record not yet made (a planned visit dated last Saturday) is not told the school "will be" closed."""
    on_day(date(2026, 12, 7))
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=date(2026, 12, 5))
    page = client_as("adviser").get(visit.get_absolute_url()).content.decode()
    assert "govuk-warning-text" not in page
    today = VisitFactory(school=linked, adviser=adviser, visit_date=date(2026, 12, 6))
    on_day(date(2026, 12, 6))  # a Sunday visit, on the day itself: still to come
    assert "is a Sunday" in client_as("adviser").get(today.get_absolute_url()).content.decode()


def test_recording_a_held_meeting_dated_in_a_mistyped_year_says_it_cannot_be_in_the_future(
    client_as, on_day, linked, officer
):
    """Not "no later than two years from today", which would invite a date the record refuses too."""
    on_day(date(2026, 12, 7))
    group = MspGroupFactory(school=linked, chair=officer)
    url = reverse("visits:msp_meeting_new", kwargs={"pk": group.pk})
    page = client_as("officer").post(url, meeting_data(date(2062, 12, 1))).content.decode()
    assert escape(MSP_MEETING_IN_FUTURE) in page
    assert "2 years from today" not in page
    assert not MspMeeting.objects.exists()


def test_a_visit_in_the_holidays_is_flagged_only_to_those_who_can_change_it(client, on_day, linked, adviser, make_user):
    on_day(date(2026, 12, 7))
    visit = VisitFactory(school=linked, adviser=adviser, visit_date=date(2026, 12, 21))
    client.force_login(adviser)
    assert "Christmas holidays" in client.get(visit.get_absolute_url()).content.decode()
    client.force_login(make_user(Role.ADVISER))  # another school's adviser reads the visit, cannot change it
    response = client.get(visit.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Record the visit" not in page
    assert "Christmas holidays" not in page
