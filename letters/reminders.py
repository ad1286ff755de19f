"""What letters reminds people of (core.reminders): an officer's letters waiting for approval or
issue and warning-notice deadlines in the next four weeks; an adviser's returned letters."""

from datetime import date

from accounts.permissions import is_adviser, is_officer
from core.reminders import Reminder

from . import selectors
from .models import LetterStatus

LISTED = 20


def reminders(*, user, today: date) -> list[Reminder]:
    found = []
    if is_officer(user):
        for letter in selectors.letters_with_status(LetterStatus.SUBMITTED)[:LISTED]:
            found.append(Reminder("Approvals", f"{letter.reference} to {letter.school.name}: waiting for approval",
                                  letter.get_absolute_url()))  # fmt: skip
        for letter, stage in selectors.deadlines_soon(today):
            found.append(
                Reminder("Warning notices", f"{letter.school.name}: {stage.deadline_label or stage.label}",
                         letter.get_absolute_url(), due_on=stage.deadline,
                         overdue=bool(stage.deadline and stage.deadline < today))
            )  # fmt: skip
    if is_adviser(user):
        for letter in selectors.adviser_work(user).filter(status=LetterStatus.RETURNED, drafted_by=user)[:LISTED]:
            found.append(Reminder("Letters", f"{letter.reference} to {letter.school.name}: returned to you",
                                  letter.get_absolute_url()))  # fmt: skip
    return found
