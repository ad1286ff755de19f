"""What is due or overdue for one person on one day: the reminders each app registers (its
`reminders.py`, from its own selectors and rules), gathered for the daily digest and the in-app
reminders page (dashboard.digest, docs/adr/0025). A source returns [] for roles it is not for."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Reminder:
    topic: str  # "Visits", "MSP meetings", "Category reviews", "Actions", "Warning notices", "Approvals"
    text: str  # names and dates only: never case text (it goes by email)
    url: str
    due_on: date | None = None
    overdue: bool = False


Source = Callable[..., list[Reminder]]  # source(user=..., today=...)
_sources: list[Source] = []


def register(source: Source) -> None:
    if source not in _sources:
        _sources.append(source)


def reminders_for(*, user, today: date) -> list[Reminder]:
    """Overdue first, then by date (undated last), topic and text."""
    found = [reminder for source in _sources for reminder in source(user=user, today=today)]
    return sorted(found, key=lambda r: (not r.overdue, r.due_on or date.max, r.topic, r.text))
