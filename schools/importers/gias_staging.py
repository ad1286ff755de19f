"""The GIAS import's comparison and writes on PostgreSQL, set-wise through a staging table
(docs/adr/0020).

The rows that passed every check (schools.importers.gias.Checked, validated in Python a column at
a time) go into a temporary table with one COPY; one UPDATE ... FROM marks each row new, changed
or the same as its school (the same comparison as the row-by-row path: every field the file has,
plus its trust and ward by code); the import then writes every new school with one
INSERT ... SELECT and every changed one with one UPDATE ... FROM, and their audit history with
INSERT ... SELECT, in the caller's transaction. The preview's sample of changes is built by the
row-by-row code for the first rows that change, so the preview reads exactly as it always has.

The staging table is temporary (this connection's only) and made again by every plan; the
confirmed import re-plans in its own transaction before it writes (schools.services), so the
table it writes from is always the one its plan filled."""

from django.db import connection
from django.utils import timezone

from core.bulk import HISTORY_COLUMNS, complete_row, copy_from, copy_text

from ..models import School
from .base import MAX_STORED_CHANGES, Plan, Progress

STAGE = "gias_stage"
CREATE, UPDATE, SAME = "create", "update", "same"
HEAD_NAME_FIELDS = ("head_first_name", "head_last_name")


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _column(field: str) -> str:
    """The school's database column of a staged field."""
    return School._meta.get_field(field).column if field != "establishment_type_id" else field


def _db_type(field: str) -> str:
    if field in ("trust_code", "ward_code"):
        return "text"
    return School._meta.get_field(field.removesuffix("_id")).db_type(connection)


def _copy_column(values) -> list[str]:
    """A column in COPY's text format, each distinct value written once."""
    texts: dict = {}
    out = []
    for value in values:
        key = (type(value), value)
        text = texts.get(key)
        if text is None:
            text = texts[key] = copy_text(value)
        out.append(text)
    return out


def stage(checked) -> list[str]:
    """Make the staging table and COPY the checked rows into it; return the staged fields."""
    fields = [f for f in checked.fields if f not in ("trust_code", "ward_code")]
    definitions = ", ".join(f"{_quote(f)} {_db_type(f)}" for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGE} (pos integer PRIMARY KEY, urn integer NOT NULL, {definitions}, "
            "trust_code text, ward_code text, new_head_appointment text, school_id bigint, "
            f"action text NOT NULL DEFAULT '{CREATE}')"
        )
        columns = [
            [str(i) for i in range(len(checked))],
            [str(urn) for urn in checked.urns],
            *(_copy_column(checked.fields[f]) for f in fields),
            _copy_column(checked.fields["trust_code"]),
            _copy_column(checked.fields["ward_code"]),
            _copy_column(checked.new_head_appointments()),
        ]
        names = ", ".join(_quote(c) for c in ["pos", "urn", *fields, "trust_code", "ward_code", "new_head_appointment"])
        text = "".join("\t".join(row) + "\n" for row in zip(*columns, strict=True))
        copy_from(cursor.cursor, f"COPY {STAGE} ({names}) FROM STDIN WITH (FORMAT text)", text)
        cursor.execute(f"ANALYZE {STAGE}")
    return fields


def _differs(fields: list[str]) -> str:
    compared = [f"s.{_quote(f)} IS DISTINCT FROM sc.{_quote(_column(f))}" for f in fields]
    compared += ["s.trust_code IS DISTINCT FROM t.code", "s.ward_code IS DISTINCT FROM w.code"]
    return " OR ".join(compared)


def compare(plan: Plan, checked) -> None:
    """Mark each staged row new, changed or the same as its school; count them on the plan, and
    sample the first changes (in file order) for the preview with the row-by-row code."""
    from .gias import GiasImporter, change_of, changed_fields

    fields = stage(checked)
    school = _quote(School._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {STAGE} s SET school_id = sc.id, "
            f"action = CASE WHEN {_differs(fields)} THEN '{UPDATE}' ELSE '{SAME}' END "
            f"FROM {school} sc LEFT JOIN schools_trust t ON t.id = sc.trust_id "
            "LEFT JOIN schools_ward w ON w.id = sc.ward_id WHERE sc.urn = s.urn"
        )
        cursor.execute(f"SELECT action, count(*) FROM {STAGE} GROUP BY action")
        counts = dict(cursor.fetchall())
        cursor.execute(f"SELECT pos FROM {STAGE} WHERE action <> %s ORDER BY pos LIMIT %s", [SAME, MAX_STORED_CHANGES])
        sample = [row[0] for row in cursor.fetchall()]
    plan.created, plan.updated, plan.unchanged = counts.get(CREATE, 0), counts.get(UPDATE, 0), counts.get(SAME, 0)
    existing = GiasImporter._existing([checked.urns[i] for i in sample])
    for index in sample:
        urn, values = checked.urns[index], checked.values(index)
        current = existing.get(urn)
        plan.note_change(change_of(urn, values, current, None if current is None else changed_fields(values, current)))
    plan.payload = {"staged_fields": fields, "staged_rows": len(checked)}


def _history(cursor, ids_sql: str, params: list, *, kind: str, now, actor, reason: str) -> None:
    """Audit rows ("+" created, "~" changed) for the schools selected by `ids_sql`, as they are now."""
    history = School.history.model
    tracked = [f.column for f in history._meta.concrete_fields if f.column not in HISTORY_COLUMNS]
    names = ", ".join(_quote(c) for c in tracked)
    cursor.execute(
        f"INSERT INTO {_quote(history._meta.db_table)} "
        f"({names}, history_date, history_change_reason, history_type, history_user_id) "
        f"SELECT {names}, %s, %s, %s, %s FROM {_quote(School._meta.db_table)} WHERE id IN ({ids_sql})",
        [now, reason or None, kind, actor.pk if actor is not None else None, *params],
    )


def apply(plan: Plan, *, actor, reason: str, progress: Progress) -> None:
    """Write the staged rows: new schools, then changed ones, with their history."""
    fields = plan.payload["staged_fields"]
    school = _quote(School._meta.db_table)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {STAGE}")
        if cursor.fetchone()[0] != plan.payload["staged_rows"]:
            raise RuntimeError("The staging table does not hold this plan's rows.")

        # New schools: the file's fields, trust and ward by code, every other column its default.
        from_file = {"urn", *(_column(f) for f in fields), "trust_id", "ward_id", "head_appointment"}
        defaults = {
            column: value
            for column, value in complete_row(School, {}, now).items()
            if School._meta.get_field(column).column not in from_file
        }
        targets = ["urn", *(_column(f) for f in fields), "trust_id", "ward_id", "head_appointment", *defaults]
        selected = ["s.urn", *(f"s.{_quote(f)}" for f in fields), "t.id", "w.id", "s.new_head_appointment"]
        selected += ["%s"] * len(defaults)
        joins = "LEFT JOIN schools_trust t ON t.code = s.trust_code LEFT JOIN schools_ward w ON w.code = s.ward_code"
        progress(f"Creating {plan.created:,} schools.", 0.6)
        cursor.execute(
            f"INSERT INTO {school} ({', '.join(_quote(c) for c in targets)}) "
            f"SELECT {', '.join(selected)} FROM {STAGE} s {joins} WHERE s.action = %s ORDER BY s.pos",
            [*defaults.values(), CREATE],
        )
        _history(
            cursor,
            f"SELECT sc.id FROM {school} sc JOIN {STAGE} s ON s.urn = sc.urn WHERE s.action = %s",
            [CREATE],
            kind="+",
            now=now,
            actor=actor,
            reason=reason,
        )

        # Changed schools: every field the file has; a new head clears the LA's start date and
        # resets the appointment (the row-by-row path writes only what differs: the same result).
        assignments = [f"{_quote(_column(f))} = s.{_quote(f)}" for f in fields]
        assignments += ["trust_id = t.id", "ward_id = w.id"]
        head_fields = [f for f in HEAD_NAME_FIELDS if f in fields]
        if head_fields:
            new_head = " OR ".join(f"s.{_quote(f)} IS DISTINCT FROM sc.{_quote(f)}" for f in head_fields)
            assignments += [
                f"head_start_date = CASE WHEN {new_head} THEN NULL ELSE sc.head_start_date END",
                f"head_appointment = CASE WHEN {new_head} THEN s.new_head_appointment ELSE sc.head_appointment END",
            ]
        progress(f"Updating {plan.updated:,} schools.", 0.8)
        cursor.execute(
            f"UPDATE {school} sc SET {', '.join(assignments)} FROM {STAGE} s {joins} "
            "WHERE s.action = %s AND sc.id = s.school_id",
            [UPDATE],
        )
        _history(
            cursor,
            f"SELECT school_id FROM {STAGE} WHERE action = %s",
            [UPDATE],
            kind="~",
            now=now,
            actor=actor,
            reason=reason,
        )
        cursor.execute(f"DROP TABLE {STAGE}")
