"""Fast inserts of many rows whose values are already what the database stores (dates, decimals,
text, ids), for imports of England-sized files, with their django-simple-history rows.

Django's bulk_create prepares every field of every object and sends INSERT ... VALUES, which costs
most of a 50,000-row import. On PostgreSQL the rows go in with COPY instead (ids taken from the
table's sequence first, so the caller gets them back), and the server writes the "created" history
rows itself with INSERT ... SELECT from the rows just copied. Elsewhere (SQLite, for development)
this falls back to bulk_create."""

import contextlib
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from django.db import OperationalError, connection, transaction
from django.db.models import AutoField, BigAutoField, Model
from django.utils import timezone

PAGE_SIZE = 1000
HISTORY_COLUMNS = {"history_id", "history_date", "history_change_reason", "history_type", "history_user_id"}


def complete_row(model: type[Model], row: dict, now) -> dict:
    """Every concrete column of `model`: given, auto_now(_add), or the field's default."""
    full = {}
    for field in model._meta.concrete_fields:
        if isinstance(field, (AutoField, BigAutoField)):
            continue
        if field.attname in row:
            full[field.attname] = row[field.attname]
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            full[field.attname] = now
        else:
            full[field.attname] = field.get_default()
    return full


def id_array(ids: Iterable[int]) -> str:
    """The ids as one PostgreSQL array literal, for `%s::integer[]`: psycopg dumps a list one
    element at a time (50,000 ids, a first GIAS import's new schools: 0.03-0.05 s a list)."""
    return "{" + ",".join(str(int(pk)) for pk in ids) + "}"


def copy_text(value) -> str:
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    text = str(value)
    if any(c in text for c in "\\\t\n\r"):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def copy_from(raw_cursor, sql: str, data: io.StringIO | str | bytes | Iterator[bytes]) -> None:
    """COPY ... FROM STDIN with either driver Django may be using: psycopg 2 has copy_expert,
    psycopg 3 (which Django prefers when both are installed) has copy(). `raw_cursor` is the
    driver's cursor (Django's cursor.cursor); `data` text, or bytes in UTF-8, or chunks of bytes
    (each sent as it is made, so the server parses one while the next is made)."""
    if not isinstance(data, (str, bytes, io.StringIO)):  # chunks
        if hasattr(raw_cursor, "copy_expert"):
            raw_cursor.copy_expert(sql, io.BytesIO(b"".join(data)))
            return
        with raw_cursor.copy(sql) as copy:
            for chunk in data:
                copy.write(chunk)
        return
    if hasattr(raw_cursor, "copy_expert"):
        if isinstance(data, bytes):
            raw_cursor.copy_expert(sql, io.BytesIO(data))
        else:
            raw_cursor.copy_expert(sql, io.StringIO(data) if isinstance(data, str) else data)
        return
    with raw_cursor.copy(sql) as copy:
        copy.write(data if isinstance(data, (str, bytes)) else data.getvalue())


def bulk_insert(model: type[Model], rows: list[dict]) -> None:
    """Insert rows ({attname: value}, each with the same keys) of a model no history tracks: on
    PostgreSQL by COPY, psycopg adapting each row (100,000 of an import's errors: 0.85 s against
    4.50 s by bulk_create's INSERTs, bench/import_errors.py, docs/adr/0083)."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql" or not hasattr(cursor.cursor, "copy"):  # SQLite, or psycopg 2
            model._default_manager.bulk_create([model(**row) for row in rows], batch_size=PAGE_SIZE)
            return
        columns = {field.attname: str(field.column) for field in model._meta.concrete_fields}
        names = list(rows[0])
        quote = connection.ops.quote_name
        sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(columns[n]) for n in names)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row([row[name] for name in names])


def _copy_in(model: type[Model], rows: list[dict]) -> list[int]:
    table, pk = model._meta.db_table, model._meta.pk.column
    quote = connection.ops.quote_name
    columns = list(rows[0])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, len(rows)]
        )
        ids = [r[0] for r in cursor.fetchall()]
        buffer = io.StringIO()
        for pk_value, row in zip(ids, rows, strict=True):
            buffer.write(f"{pk_value}\t" + "\t".join(copy_text(row[c]) for c in columns) + "\n")
        buffer.seek(0)
        names = ", ".join(quote(c) for c in [pk, *columns])
        copy_from(cursor.cursor, f"COPY {quote(table)} ({names}) FROM STDIN WITH (FORMAT text)", buffer)
    return ids


def history_model(model: type[Model]) -> type[Model]:
    """The django-simple-history model of a model it tracks."""
    return model.history.model  # type: ignore[attr-defined]  # added by HistoricalRecords


def tracked_columns(model: type[Model]) -> str:
    """The quoted columns of the model's history table that copy the model's own (not history_*)."""
    history = history_model(model)
    quote = connection.ops.quote_name
    return ", ".join(quote(f.column) for f in history._meta.concrete_fields if f.column not in HISTORY_COLUMNS)


def history_insert(model: type[Model]) -> str:
    """INSERT INTO the model's history table, of its tracked columns and then history_date,
    history_change_reason, history_type and history_user_id, from a SELECT to follow."""
    history = history_model(model)
    return (
        f"INSERT INTO {connection.ops.quote_name(history._meta.db_table)} ({tracked_columns(model)}, "
        "history_date, history_change_reason, history_type, history_user_id) "
    )


def _history_by_select(model: type[Model], ids: list[int], now, user, reason: str) -> None:
    quote = connection.ops.quote_name
    source, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"{history_insert(model)} SELECT {tracked_columns(model)}, %s, %s, '+', %s "
            f"FROM {source} WHERE {pk} = ANY(%s)",
            [now, reason or None, user.pk if user is not None else None, ids],
        )


def _bulk_create_with_history(model: type[Model], rows: list[dict], now, user, reason: str) -> list[int]:
    objects = model.objects.bulk_create([model(**row) for row in rows], batch_size=PAGE_SIZE)
    history = history_model(model)
    kept = {f.attname for f in history._meta.concrete_fields} - HISTORY_COLUMNS
    history.objects.bulk_create(
        [
            history(
                **{name: getattr(obj, name) for name in kept},
                history_date=now,
                history_type="+",
                history_change_reason=reason or None,
                history_user_id=user.pk if user is not None else None,
            )
            for obj in objects
        ],
        batch_size=PAGE_SIZE,
    )
    return [obj.pk for obj in objects]


def bulk_insert_with_history(model: type[Model], rows: list[dict], *, user=None, reason: str = "") -> list[int]:
    """Insert rows ({attname: value}) and their "created" history rows; return the new ids in order."""
    if not rows:
        return []
    now = timezone.now()
    complete = [complete_row(model, row, now) for row in rows]
    if connection.vendor != "postgresql":
        return _bulk_create_with_history(model, complete, now, user, reason)
    ids = _copy_in(model, complete)
    _history_by_select(model, ids, now, user, reason)
    return ids


# A bulk load builds a table's indexes once, after its rows, instead of inserting every row into
# each: PostgreSQL's "Populating a Database" advice. Only for a load that at least doubles the table
# (a first import), and only if the table can be had at once (nobody is reading it).
BULK_LOAD_MIN_ROWS = 10_000
BULK_LOAD_LOCK_WAIT_MS = 2000


@contextlib.contextmanager
def built_after_load(model: type[Model], *, rows: int, checked_after: tuple[type[Model], ...] = ()) -> Iterator[None]:
    """Insert `rows` into `model`'s table with its secondary indexes dropped, then build each again
    from its own definition, inside a savepoint of the caller's transaction (docs/adr/0020): if the
    load fails, the savepoint's rollback gives the indexes back. Unique and constraint indexes
    (primary key, unique URN) stay. So do the foreign keys, except those to the `checked_after`
    tables (ones the load's own transaction writes, such as trusts and wards): those are dropped and
    added again, which checks every row with one join instead of a trigger per row (50,000 schools:
    0.35 s; docs/adr/0044). Dropping a foreign key locks the table it refers to as well, so the
    others stay: the users table is read by every signed-in request. Their checks, which CREATE
    INDEX will not leave waiting for the commit, run first.

    The table, and the `checked_after` tables, are locked (ACCESS EXCLUSIVE) until the transaction
    ends, so only a load that at least doubles the table, of BULK_LOAD_MIN_ROWS or more, takes this
    path, and only when every lock is granted within BULK_LOAD_LOCK_WAIT_MS (a reader holding one
    means the load goes into the indexes, and nobody queues behind the import); otherwise, or
    outside a transaction, nothing changes."""
    if connection.vendor != "postgresql" or rows < BULK_LOAD_MIN_ROWS or not connection.in_atomic_block:
        yield
        return
    indexes, foreign_keys = _rebuilt_after(model, rows=rows, checked_after=checked_after)
    if not indexes and not foreign_keys:
        yield
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        if foreign_keys:
            # A table with foreign-key checks waiting for the commit cannot be altered: run them now
            # (the same checks, earlier), then defer the rest of the transaction's again.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for name, _ in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
        yield
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # (CREATE INDEX refuses them too)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for _, definition in indexes:
            cursor.execute(definition)
        for name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")


def _rebuilt_after(
    model: type[Model], *, rows: int, checked_after: tuple[type[Model], ...]
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The table's secondary indexes and its foreign keys to the `checked_after` tables (name,
    definition) when a load of `rows` at least doubles it and its locks were granted in time (they
    are then held to the end of the transaction); else none."""
    table = connection.ops.quote_name(model._meta.db_table)
    referred = [connection.ops.quote_name(other._meta.db_table) for other in checked_after]
    with connection.cursor() as cursor:
        # How many rows the table holds, counted no further than `rows` (a history table may be huge).
        cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT %s) held", [rows])
        if cursor.fetchone()[0] >= rows:
            return [], []
        try:
            with transaction.atomic():  # a savepoint: a lock not granted in time leaves nothing behind
                cursor.execute(f"SET LOCAL lock_timeout = '{int(BULK_LOAD_LOCK_WAIT_MS)}ms'")
                cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
                if referred:  # what dropping a foreign key to them takes
                    cursor.execute(f"LOCK TABLE {', '.join(referred)} IN ACCESS EXCLUSIVE MODE")
                cursor.execute("SET LOCAL lock_timeout = DEFAULT")
        except OperationalError:
            return [], []  # someone is reading the register: load into the indexes as any import does
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass AND NOT i.indisunique "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname",
            [model._meta.db_table],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "AND contype = 'f' AND confrelid = ANY(%s::regclass[]) ORDER BY conname",
            [model._meta.db_table, [other._meta.db_table for other in checked_after]],
        )
        return indexes, cursor.fetchall()
