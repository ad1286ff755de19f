"""What categorisation reminds people of (core.reminders): an adviser's link schools due a
category review this term; an officer's categorisations waiting for approval."""

from datetime import date

from django.urls import reverse

from accounts.permissions import is_adviser, is_officer
from core.reminders import Reminder
from core.text import count_of

from . import selectors

LISTED = 20


def reminders(*, user, today: date) -> list[Reminder]:
    found = []
    if is_adviser(user):
        for school in selectors.review_due(today).filter(link_adviser=user).order_by("name")[:LISTED]:
            found.append(Reminder("Category reviews", f"{school.name}: category review due this term",
                                  school.get_absolute_url()))  # fmt: skip
    if is_officer(user):
        waiting = selectors.approval_queue().count()
        if waiting:
            found.append(Reminder("Approvals", f"{count_of(waiting, 'categorisation')} waiting for approval",
                                  reverse("categorisation:queue")))  # fmt: skip
    return found
