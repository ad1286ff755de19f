"""The adviser's reminders (visits.reminders): MSP meetings to come, not one already recorded as held."""

from datetime import date

import pytest

from tests.visits.factories import MspGroupFactory, MspMeetingFactory
from visits.models import MspMeetingStatus
from visits.reminders import reminders

pytestmark = pytest.mark.django_db


def test_an_msp_meeting_recorded_as_held_today_is_no_longer_a_reminder(adviser, school):
    group = MspGroupFactory(school=school, chair=adviser)
    today = date(2026, 12, 7)
    meeting = MspMeetingFactory(group=group, held_on=today, planned=True)
    later = MspMeetingFactory(group=group, held_on=date(2026, 12, 14), planned=True)

    def listed() -> list[str]:
        return [r.url for r in reminders(user=adviser, today=today) if r.topic == "MSP meetings"]

    assert listed() == [meeting.get_absolute_url(), later.get_absolute_url()]
    meeting.status = MspMeetingStatus.HELD
    meeting.save()
    assert listed() == [later.get_absolute_url()]
