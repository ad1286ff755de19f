"""Every school's open letter suggestions, stored (docs/adr/0036).

`letters.suggestions.compute_candidates` finds the open suggestions from every school's last two
Ofsted inspections of each framework, its MSP meetings' recommendations, its letters and the
decisions taken on earlier suggestions: a window query over England's 44,000 inspections and
Python for each school, 300-600 ms a request. The pages that count or page through them (the
officer's and the adviser's home, the suggestions page, its export, the school page) read these
rows instead, the same way as the stored compliance status (docs/adr/0026):

- Any write the rules read marks its school stale in the same transaction (`connect`: the model
  signals of schools, inspections, MSP groups and meetings, letters and suggestion decisions; the
  signals the set-wise GIAS and Ofsted imports send; an establishment type's governance).
- `refresh` recomputes, before a page reads, the schools that are stale or computed for another day
  (the look-back moves with the date). It locks their state rows, so a second request waits for
  the first and finds nothing left to do. A nightly task does the day's recomputation before anyone
  asks (letters.tasks.refresh_stored_suggestions).
- Pages count in SQL and load the schools and letter types of the page they show only.

`tests/letters/test_stored_suggestions.py` proves the stored suggestions equal a full recomputation
after every kind of write, in random sequences."""

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from core.bulk import built_after_load, id_array
from core.exports import in_chunks
from schools.models import EstablishmentType, OfstedInspection, School
from schools.signals import inspections_changed, register_changed
from visits.models import MspGroup, MspMeeting

from .models import Letter, StoredSuggestion, StoredSuggestionState, SuggestionDecision
from .suggestions import Candidate, Suggestion, compute_candidates, materialise

CHUNK = 2000
# Above this many schools to recompute, one computation over every school (one window query) is
# cheaper than naming them all in the query; its result is then cut down to the schools due.
WHOLE_SET = 2000
# The reading order: newest fact first, then by school name (as compute_candidates sorts), then a
# fixed order for ties.
ORDER = ("-on", "-school_name", "school_id", "source_key")


def due(today: date) -> Q:
    """State rows to recompute before a read on `today`: stale, never computed, or computed for
    another day (written as ranges, so the database can use the index on the day)."""
    return Q(stale=True) | Q(computed_for__lt=today) | Q(computed_for__gt=today)


# ---- marking stale (in the writer's transaction) ------------------------------------------------


def mark_stale(*, school_ids: Iterable[int]) -> None:
    """Mark these schools' suggestions stale, making the state row of a school that has none (a
    new school): one upsert (on PostgreSQL one statement with an array, however many: a GIAS
    import's 50,000 new schools). Rows that at least double the table (a first import) go in as a
    bulk load: the check of each row's school, deferred to the commit, cost 0.21 s for 50,000 rows
    and one join after the load 0.02 s (docs/adr/0048)."""
    ids = sorted({pk for pk in school_ids if pk is not None})
    if ids and connection.vendor == "postgresql":
        with built_after_load(StoredSuggestionState, rows=len(ids), checked_after=(School,)), connection.cursor() as c:
            c.execute(
                f"INSERT INTO {StoredSuggestionState._meta.db_table} AS state (school_id, stale) "  # a table name
                "SELECT unnest(%s::integer[]), true "
                "ON CONFLICT (school_id) DO UPDATE SET stale = true WHERE NOT state.stale",
                [id_array(ids)],
            )
        return
    for chunk in in_chunks(ids, CHUNK):
        StoredSuggestionState.objects.bulk_create(
            [StoredSuggestionState(school_id=pk, stale=True) for pk in chunk],
            update_conflicts=True,
            unique_fields=["school"],
            update_fields=["stale"],
        )


def mark_all_stale() -> None:
    """Every school stale (an establishment type's governance changed), and a state row for every
    school without one."""
    StoredSuggestionState.objects.filter(stale=False).update(stale=True)
    ensure_rows()


def ensure_rows() -> int:
    """A stale state row for every school without one; returns how many were made. One INSERT ...
    SELECT in the database: after a GIAS import of all England's 50,000 schools, building the rows
    in Python took 1.8 s of the import's 4.3 (bench/import_gias.py). A row a concurrent write made
    first is left as it is."""
    state, school = StoredSuggestionState._meta.db_table, School._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {state} (school_id, stale) SELECT s.id, %s FROM {school} s "  # table names, not input
            f"WHERE NOT EXISTS (SELECT 1 FROM {state} t WHERE t.school_id = s.id) "
            "ON CONFLICT (school_id) DO NOTHING",
            [True],
        )
        return cursor.rowcount


def _school_of(instance) -> int | None:
    if isinstance(instance, School):
        return instance.pk
    if isinstance(instance, MspMeeting):
        return MspGroup.objects.filter(pk=instance.group_id).values_list("school_id", flat=True).first()
    return getattr(instance, "school_id", None)


def _on_school_write(sender, instance, **kwargs) -> None:
    # Fixture loading (raw) too: a school loaded from a fixture needs its state row.
    school_id = _school_of(instance)
    if school_id is not None:
        mark_stale(school_ids=[school_id])


def _on_school_delete(sender, instance, **kwargs) -> None:
    # An update, never an insert: while a school is deleted its inspections are deleted first and
    # its state row may already be gone (CASCADE); it must not be made again.
    school_id = None if isinstance(instance, School) else _school_of(instance)
    if school_id is not None:
        StoredSuggestionState.objects.filter(school_id=school_id, stale=False).update(stale=True)


def _on_inspections_changed(sender, school_ids, **kwargs) -> None:
    mark_stale(school_ids=school_ids)


def _on_everything(sender, **kwargs) -> None:
    mark_all_stale()


def _on_register_changed(sender, school_ids: Iterable[int], **kwargs) -> None:
    # The schools a GIAS import created or changed (their names, status and types are what the
    # rules read of the register); their new schools get state rows. The worker recomputes them
    # once the import commits, so no page waits for it (docs/adr/0047).
    from core.tasks import defer

    from .tasks import refresh_stored_suggestions

    mark_stale(school_ids=school_ids)
    defer(refresh_stored_suggestions, timestamp=int(time.time()), queueing_lock="refresh-stored-suggestions")


# The writes a school's suggestions depend on (compute_candidates' inputs): its name, status and
# establishment type; its inspections; its MSP meetings (held, recommending a warning notice);
# its letters (type, status, when drafted); the decisions on its suggestions.
PER_SCHOOL = (School, OfstedInspection, MspGroup, MspMeeting, Letter, SuggestionDecision)


def connect() -> None:
    for model in PER_SCHOOL:
        post_save.connect(_on_school_write, sender=model, dispatch_uid=f"stored-suggestions-{model.__name__}")
        post_delete.connect(_on_school_delete, sender=model, dispatch_uid=f"stored-suggestions-del-{model.__name__}")
    # Whether a school is maintained (concerns are suggested for maintained schools only): rare.
    post_save.connect(_on_everything, sender=EstablishmentType, dispatch_uid="stored-suggestions-type")
    register_changed.connect(_on_register_changed, dispatch_uid="stored-suggestions-register")
    inspections_changed.connect(_on_inspections_changed, dispatch_uid="stored-suggestions-inspections")


# ---- recomputing (before a read) ----------------------------------------------------------------


def refresh(*, today: date, school_ids: Iterable[int] | None = None) -> int:
    """Recompute the suggestions of the schools (of `school_ids`, or every school) that are stale
    or computed for another day. Returns how many schools were recomputed."""
    with transaction.atomic():
        # FOR UPDATE: a request that finds these rows locked waits, then (PostgreSQL re-checks the
        # condition on the rows as committed) finds them current and recomputes nothing. In school
        # order, so that two refreshes lock in the same order.
        rows = StoredSuggestionState.objects.select_for_update().filter(due(today))
        if school_ids is not None:
            rows = rows.filter(school_id__in=list(school_ids))
        ids = list(rows.order_by("school_id").values_list("school_id", flat=True))
        if not ids:
            return 0
        wanted = set(ids)
        found = compute_candidates(school_ids=None if len(ids) > WHOLE_SET else ids, today=today)
        for chunk in in_chunks(ids, CHUNK):
            StoredSuggestion.objects.filter(school_id__in=chunk).delete()
            StoredSuggestionState.objects.filter(school_id__in=chunk).update(stale=False, computed_for=today)
        StoredSuggestion.objects.bulk_create(
            [_stored(candidate) for candidate in found if candidate.school_id in wanted], batch_size=CHUNK
        )
        return len(ids)


def _stored(candidate: Candidate) -> StoredSuggestion:
    return StoredSuggestion(
        school_id=candidate.school_id,
        kind=candidate.kind,
        source_key=candidate.source_key,
        reason=candidate.reason,
        on=candidate.on,
        indicator_codes=candidate.indicator_codes,
        school_name=candidate.school_name,
    )


def open_suggestions(*, school_ids: Iterable[int] | None, today: date | None = None) -> QuerySet[StoredSuggestion]:
    """The open suggestions of these schools (None: every school), current for `today`, newest fact
    first: count them or take a page in SQL, then `materialise` the ones shown."""
    ids = None if school_ids is None else list(school_ids)
    refresh(today=today or timezone.localdate(), school_ids=ids)
    found = StoredSuggestion.objects.select_related("school__establishment_type", "school__link_adviser").order_by(
        *ORDER
    )
    return found if ids is None else found.filter(school_id__in=ids)


def suggestions_for(*, school_ids: Iterable[int] | None, today: date | None = None) -> list[Suggestion]:
    """Every open suggestion of these schools, with its school and letter type: for one school or
    an adviser's link schools (pages over every school take a page of open_suggestions)."""
    return materialise(list(open_suggestions(school_ids=school_ids, today=today)))


def suggestion_by_key(*, school: School, source_key: str, today: date | None = None) -> Suggestion | None:
    """The school's open suggestion of this fact, or None (decided, answered or gone)."""
    found = list(open_suggestions(school_ids=[school.pk], today=today).filter(source_key=source_key))
    return materialise(found)[0] if found else None


# ---- the tests' oracle --------------------------------------------------------------------------

STORED_FIELDS = ("kind", "reason", "on", "indicator_codes", "school_name")


@dataclass
class Difference:
    school_id: int
    source_key: str
    stored: dict | None
    computed: dict | None


def differences(*, today: date) -> list[Difference]:
    """Where the stored suggestions of the schools current for `today` differ from a full
    recomputation, and any school without a current state row that has a suggestion (the tests'
    oracle; an operator can run it from `manage.py shell`)."""
    computed = {
        (c.school_id, c.source_key): {f: getattr(c, f) for f in STORED_FIELDS}
        for c in compute_candidates(school_ids=None, today=today)
    }
    current = StoredSuggestion.objects.filter(
        school__stored_suggestion_state__stale=False, school__stored_suggestion_state__computed_for=today
    )
    stored = {
        (row["school_id"], row["source_key"]): {f: row[f] for f in STORED_FIELDS}
        for row in current.values("school_id", "source_key", *STORED_FIELDS)
    }
    return [
        Difference(school_id, key, stored.get((school_id, key)), computed.get((school_id, key)))
        for school_id, key in sorted(set(computed) | set(stored))
        if stored.get((school_id, key)) != computed.get((school_id, key))
    ]
