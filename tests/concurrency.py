"""Two writes at the same moment, each on its own database connection, for the tests of what a
service does when the same first-time write (or two that clash) arrives twice at once:

    outcomes = at_once(monkeypatch, services, "save_as", lambda: add(...), lambda: add(...))

Each thread is held at `module.name` (the write, after the service's checks) until every thread
has reached it, or HOLD seconds have passed. Without a lock both checks pass before either writes,
so the second write meets the first's on the database's constraint; with a lock taken before the
checks, the second waits on it and never reaches the write until the first has committed (the
first's hold times out and it goes on). Each outcome is "done", the ValidationError's messages (by
field when it has them), or "unexpected <error>": anything else, a 500 in the view, is a failure
the test must see, never lost with its thread.

PostgreSQL only (`postgresql_only`): SQLite takes its one write lock at BEGIN (IMMEDIATE), so two
writes cannot interleave there. The tests are transactional (each thread commits):
`@pytest.mark.django_db(transaction=True, serialized_rollback=True)`, which keeps the data the
migrations load (letter types, the 2022-2024 framework) for the tests that follow."""

import contextlib
import threading
from collections.abc import Callable
from types import ModuleType

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

HOLD = 2.0  # seconds a thread waits at the write for the other(s)

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="two writes interleave on PostgreSQL")


def hold_at(monkeypatch, module: ModuleType, name: str, threads: int = 2) -> None:
    """Hold each thread calling module.name until `threads` have called it, or HOLD seconds."""
    real = getattr(module, name)
    gate = threading.Barrier(threads)

    def held(*args, **kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):  # another waits on a lock: go on
            gate.wait(timeout=HOLD)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, held)


def outcome_of(action: Callable[[], object]) -> object:
    """Run `action` in this thread and close its connection: "done", the ValidationError's messages
    (by field when it has them), or "unexpected <error>" (a 500 in the view) for the test to see."""
    try:
        action()
        return "done"
    except ValidationError as error:
        return error.message_dict if hasattr(error, "error_dict") else error.messages
    except Exception as error:  # anything else is a failure the test must see
        return f"unexpected {type(error).__name__}: {error}"
    finally:
        connection.close()


def in_threads(*actions: Callable[[], object]) -> list[object]:
    """Run each action in its own thread, on its own connection, at once; their outcomes in order."""
    outcomes: dict[int, object] = {}

    def run(n: int, action: Callable[[], object]) -> None:
        outcomes[n] = outcome_of(action)

    threads = [threading.Thread(target=run, args=(n, action)) for n, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == len(actions), outcomes
    return [outcomes[n] for n in range(len(actions))]


def at_once(monkeypatch, module: ModuleType, name: str, *actions: Callable[[], object]) -> list[object]:
    """The actions in threads at once, each held at module.name (hold_at); their outcomes in order."""
    hold_at(monkeypatch, module, name, threads=len(actions))
    return in_threads(*actions)
