"""What the letters app's service modules share (services, services_warning_notices,
services_templates, services_suggestions): the retry when SQLite reports the database locked by
another writer, the letter row locked for a state change, its status in words, the entry in its
event log, and a draft's words applied to a letter."""

import functools
import time
from collections.abc import Callable, Sequence
from datetime import date
from typing import ParamSpec, TypeVar

from django.db import OperationalError, connection
from django.utils import timezone

from accounts.models import User

from .models import Letter, LetterEvent

# About 30 seconds in all (0.05 s doubling to 1 s a try): issuing renders two documents inside the
# lock, which on a loaded machine takes several seconds.
LOCK_ATTEMPTS = 35
P = ParamSpec("P")
R = TypeVar("R")


def waits_for_the_lock(func: Callable[P, R]) -> Callable[P, R]:
    """Run a state change again when SQLite reports the database locked by another writer (its
    IMMEDIATE transactions take the write lock on BEGIN; PostgreSQL waits on select_for_update
    instead). The retry then finds the other writer's result, e.g. the letter already issued."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(LOCK_ATTEMPTS):
            try:
                return func(*args, **kwargs)
            except OperationalError as error:
                if connection.in_atomic_block or "locked" not in str(error) or attempt == LOCK_ATTEMPTS - 1:
                    raise
                time.sleep(min(0.05 * 2**attempt, 1.0))
        raise AssertionError("unreachable")  # pragma: no cover

    return wrapper


def day_or_today(today: date | None) -> date:
    """The day a caller gave (the tests and the demo pass one), else today in the LA's time zone."""
    return today or timezone.localdate()


def letter_event(letter: Letter, action: str, actor: User, comments: str = "") -> None:
    LetterEvent.objects.create(letter=letter, action=action, actor=actor, comments=comments)


def locked_letter(letter: Letter) -> Letter:
    """The letter's row again, locked until the transaction ends (select_for_update)."""
    return Letter.objects.select_for_update().select_related("letter_type", "school").get(pk=letter.pk)


def status_label(letter: Letter) -> str:
    return letter.get_status_display().lower()


def apply_content(
    letter: Letter, *, subject: str, body: str, grounds: Sequence[str], compliance_end_date: date | None
) -> None:
    """A draft's words on the letter (not saved); the grounds and compliance period only on a warning notice."""
    letter.subject, letter.body = subject.strip(), body.strip()
    given = set(grounds) if letter.letter_type.is_warning_notice else set()
    letter.ground_a, letter.ground_b, letter.ground_c = ("a" in given, "b" in given, "c" in given)
    letter.compliance_end_date = compliance_end_date if letter.letter_type.is_warning_notice else None
