"""Results kept in the web process while the data they were computed from is unchanged.

Some pages need a figure for every school in England (every school's compliance status, every
open letter suggestion): seconds of work, while knowing whether anything changed is one query.
A memo holds one result with its key (typically the day and a data version); a different key
computes again. The writes to the models these figures read (schools, term dates,
categorisations, visits, MSP records, enhanced offers, users, suggestion decisions) all add an
audit-history row, through the services and the imports alike, so the newest history id of each
is a version of that data (`history_version`). Each web process keeps its own memo. Results are
shared between requests: never mutate them."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection

_memos: list["Memo"] = []


# On PostgreSQL ids are handed out when a row is written, not when its transaction commits: a long
# transaction (a browser import) can commit rows with lower ids after a later one has committed
# higher ids. So the version also holds the snapshot the query ran in (oldest and next transaction
# ids, and those in flight), which changes whenever any writing transaction completes. SQLite has one
# writer at a time, so its ids are in commit order.
SNAPSHOT_SQL = "pg_current_snapshot()::text"


def history_version(*models, extra_sql: tuple[str, ...] = ()) -> tuple:
    """The newest audit-history id of each model (which must have django-simple-history), the value
    of each `extra_sql` scalar expression and, on PostgreSQL, the query's snapshot, in one query."""
    quote = connection.ops.quote_name
    columns = [
        f"(SELECT MAX({quote('history_id')}) FROM {quote(model.history.model._meta.db_table)})" for model in models
    ]
    columns += extra_sql
    if connection.vendor == "postgresql":
        columns.append(SNAPSHOT_SQL)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}")
        return tuple(cursor.fetchone())


class Memo:
    def __init__(self, name: str):
        self.name = name
        self._lock = threading.Lock()
        self._found: tuple[Any, Any] | None = None
        _memos.append(self)

    def get(self, key, compute: Callable[[], Any]):
        found = self._found
        if found is not None and found[0] == key:
            return found[1]
        result = compute()
        with self._lock:
            self._found = (key, result)
        return result

    def clear(self) -> None:
        with self._lock:
            self._found = None


def clear_all() -> None:
    """Forget every memo (tests: each test's data is rolled back, on SQLite with its ids)."""
    for memo in _memos:
        memo.clear()
