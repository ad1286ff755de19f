"""The adviser's calendar: planned visits and MSP meetings by day, and the iCalendar feed a
calendar app subscribes to. The feed carries only the date, time and length, the school's name
and the kind of visit or meeting: never focus, notes, minutes or summaries."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .calendar_tokens import hash_token
from .models import CalendarFeedToken, MspMeeting, Visit, VisitLength

HALF_DAY = timedelta(hours=3, minutes=30)
FULL_DAY = timedelta(hours=7)
MSP_MEETING_LENGTH = timedelta(hours=1, minutes=30)
MIN_TOKEN_LENGTH = 20


def user_for_token(token: str):
    """The active LA staff user whose calendar URL carries this secret, or None."""
    from accounts.permissions import is_la_staff

    if not token or len(token) < MIN_TOKEN_LENGTH or len(token) > 200:
        return None
    found = CalendarFeedToken.objects.select_related("user").filter(token_hash=hash_token(token)).first()
    if found is None or not found.user.is_active or not is_la_staff(found.user):
        return None
    CalendarFeedToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    return found.user


@dataclass
class Entry:
    day: date
    start: time | None
    kind: str  # "visit" | "msp"
    title: str
    detail: str
    url: str
    obj: object


def _visit_entry(visit: Visit) -> Entry:
    return Entry(
        day=visit.visit_date,
        start=visit.start_time,
        kind="visit",
        title=visit.school.name,
        detail=f"{visit.get_visit_type_display()} visit, {visit.get_length_display().lower()}",
        url=visit.get_absolute_url(),
        obj=visit,
    )


def _meeting_entry(meeting: MspMeeting) -> Entry:
    return Entry(
        day=meeting.held_on,
        start=meeting.start_time,
        kind="msp",
        title=meeting.group.school.name,
        detail="MSP meeting" + (" (held)" if meeting.is_held else ""),
        url=meeting.get_absolute_url(),
        obj=meeting,
    )


def by_day(visits, meetings) -> list[tuple[date, list[Entry]]]:
    """The entries grouped by day, in date and time order."""
    days = defaultdict(list)
    for entry in [*map(_visit_entry, visits), *map(_meeting_entry, meetings)]:
        days[entry.day].append(entry)
    return [
        (day, sorted(entries, key=lambda e: (e.start is None, e.start or time(0), e.title)))
        for day, entries in sorted(days.items())
    ]


def _event(uid: str, day: date, start: time | None, length: timedelta, summary: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", datetime.now(dt.UTC))
    if start is None:
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
    else:
        begins = timezone.make_aware(datetime.combine(day, start)).astimezone(dt.UTC)
        event.add("dtstart", begins)
        event.add("dtend", begins + length)
    event.add("summary", summary)
    event.add("transp", "OPAQUE")
    return event


def to_ical(visits, meetings) -> bytes:
    """An iCalendar (RFC 5545) document of the visits and meetings, times in UTC."""
    cal = Calendar()
    cal.add("prodid", f"-//{settings.COUNCIL_NAME}//{settings.SERVICE_NAME}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{settings.SERVICE_NAME}: visits and MSP meetings")
    host = "visits.school-improvement.invalid"
    for visit in visits:
        length = FULL_DAY if visit.length == VisitLength.FULL_DAY else HALF_DAY
        summary = f"{visit.get_visit_type_display()} visit ({visit.get_length_display().lower()}): {visit.school.name}"
        cal.add_component(_event(f"visit-{visit.pk}@{host}", visit.visit_date, visit.start_time, length, summary))
    for meeting in meetings:
        summary = f"MSP meeting: {meeting.group.school.name}"
        cal.add_component(
            _event(f"msp-meeting-{meeting.pk}@{host}", meeting.held_on, meeting.start_time, MSP_MEETING_LENGTH, summary)
        )
    return cal.to_ical()
