"""Each school's support levels over the last six terms, stored (dashboard.models.StoredLevelPath,
docs/adr/0045), so that the officer dashboard and its levels chart count them from one row per
school instead of finding every school's latest approval six times (categorisation.selectors.
level_paths, which stays the definition: a property test proves the two agree).

- A row holds the levels at the end of the days it names (history.last_terms' assessment days,
  today's included). A row for other days (a new day, a new term, term dates edited) is recomputed.
- Any write of a school's categorisation marks its row stale in the same transaction (model
  signals; the services write through save()). Reading recomputes stale, missing and other-day rows
  of the schools asked for first, under a row lock that a concurrent write waits for, so a
  recomputation never stores levels a write in flight has already changed.
- The task worker recomputes every open maintained school's row each night (dashboard.tasks), so
  the first officer of the day does not pay for the day having changed."""

from collections.abc import Iterable, Sequence
from datetime import date

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.signals import post_delete, post_save

from categorisation.models import Categorisation
from categorisation.selectors import school_levels
from schools.models import School

from .models import StoredLevelPath

COLUMNS = [f"level_{i}" for i in range(6)]
BATCH = 2000


def days_key(days: Sequence[date]) -> str:
    return ",".join(day.isoformat() for day in days)


def _valid(key: str) -> Q:
    return Q(stored_level_path__days=key, stored_level_path__stale=False)


def refresh(days: Sequence[date], school_ids: Iterable[int]) -> int:
    """Compute and store the levels of `school_ids` at the end of `days` (at most six, sorted);
    returns how many rows were written."""
    if len(days) > len(COLUMNS):
        raise ValueError(f"at most {len(COLUMNS)} days are stored")
    key, ids, written = days_key(days), sorted(set(school_ids)), 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        with transaction.atomic():
            # Lock first (placeholders for missing rows): a categorisation written meanwhile marks its
            # row stale only after this transaction ends, so it is computed again, never lost.
            StoredLevelPath.objects.bulk_create(
                [StoredLevelPath(school_id=pk, days="", stale=True) for pk in chunk], ignore_conflicts=True
            )
            list(StoredLevelPath.objects.select_for_update().filter(school_id__in=chunk).values_list("pk"))
            rows = [
                StoredLevelPath(
                    school_id=pk,
                    days=key,
                    stale=False,
                    **{c: (levels[i] if i < len(levels) else "") or "" for i, c in enumerate(COLUMNS)},
                )
                for pk, levels in school_levels(list(days), chunk)
            ]
            StoredLevelPath.objects.bulk_update(rows, ["days", "stale", *COLUMNS])
            written += len(rows)
    return written


def stored_levels(days: Sequence[date], schools: QuerySet[School]) -> dict[int, tuple[str | None, ...]]:
    """Each of `schools` with its levels at the end of `days` (sorted, at most six; None where none),
    from the stored rows, refreshed first where they are not for these days or stale."""
    refresh_invalid(days, schools)
    columns = COLUMNS[: len(days)]
    rows = StoredLevelPath.objects.filter(school__in=schools.order_by().values("pk")).values_list("school_id", *columns)
    return {row[0]: tuple(level or None for level in row[1:]) for row in rows}


def stored_paths(days: Sequence[date], schools: QuerySet[School]) -> list[tuple[tuple[str | None, ...], int]]:
    """categorisation.selectors.level_paths' answer (each sequence of levels at the end of `days`,
    sorted, with how many of `schools` had it) counted from the stored rows: one grouped query, and
    a refresh first only when some row is not valid for these days."""
    key, columns = days_key(days), COLUMNS[: len(days)]
    for _ in range(2):
        fields = ["stored_level_path__days", "stored_level_path__stale", *(f"stored_level_path__{c}" for c in columns)]
        grouped = (
            School.objects.filter(pk__in=schools.order_by().values("pk"))
            .order_by()
            .values(*fields)
            .annotate(n=Count("pk"))
            .values_list(*fields, "n")
        )
        rows = list(grouped)
        if all(row[0] == key and row[1] is False for row in rows):
            return [(tuple(level or None for level in row[2:-1]), row[-1]) for row in rows]
        refresh_invalid(days, schools)
    raise RuntimeError("the stored levels were written again while being read")  # pragma: no cover


def refresh_invalid(days: Sequence[date], schools: QuerySet[School]) -> int:
    invalid = School.objects.filter(pk__in=schools.order_by().values("pk")).exclude(_valid(days_key(days)))
    ids = list(invalid.order_by().values_list("pk", flat=True))
    return refresh(days, ids) if ids else 0


# ---- marking rows stale (the same transaction as the write) -----------------------------------------


def mark_stale(*, school_ids: Iterable[int]) -> None:
    """Mark the schools' rows stale, making a row where there is none: a refresh that has not yet
    written its placeholder then waits for this transaction, and sees the write that caused it."""
    StoredLevelPath.objects.bulk_create(
        [StoredLevelPath(school_id=pk, days="", stale=True) for pk in set(school_ids)],
        update_conflicts=True,
        unique_fields=["school"],
        update_fields=["stale"],
    )


def _on_categorisation_save(sender, instance: Categorisation, **kwargs) -> None:
    mark_stale(school_ids=[instance.school_id])


def _on_categorisation_delete(sender, instance: Categorisation, **kwargs) -> None:
    # An update, never an insert: the school itself may be being deleted (its rows cascade).
    StoredLevelPath.objects.filter(school_id=instance.school_id, stale=False).update(stale=True)


def connect() -> None:
    post_save.connect(_on_categorisation_save, sender=Categorisation, dispatch_uid="stored-levels-save")
    post_delete.connect(_on_categorisation_delete, sender=Categorisation, dispatch_uid="stored-levels-delete")
