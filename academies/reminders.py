"""What academies reminds people of (core.reminders): the open concerns a person owns whose next
review date has come (due on the day, overdue after it). Only the concerns the person may read
(academies.selectors.concerns_visible_to): a whistleblowing concern reaches its owner only while
they are an officer. A next review date is optional (the strategy names none, docs/adr/0058), so a
concern without one is not a reminder."""

from datetime import date

from core.reminders import Reminder

from . import selectors

LISTED = 20
TOPIC = "Academy concerns"


def reminders(*, user, today: date) -> list[Reminder]:
    if not user.has_perm("academies.view_concerns"):
        return []
    due = (
        selectors.concerns_visible_to(user)
        .open()
        .filter(owner=user, next_review_on__lte=today)
        .prefetch_related(None)  # the selector's types and steps: not needed for a name and a date
        .order_by("next_review_on", "school__name", "id")
    )
    return [
        Reminder(
            TOPIC,
            f"Review the concern about {concern.school.name} (raised {concern.raised_on:%-d %B %Y}): "
            f"due {concern.next_review_on:%-d %B %Y}",
            concern.get_absolute_url(),
            due_on=concern.next_review_on,
            overdue=bool(concern.next_review_on and concern.next_review_on < today),  # never None: filtered
        )
        for concern in due[:LISTED]
    ]
