"""Counts of open schools by their latest judgement, stored (dashboard.models.StoredOfstedSummary,
docs/adr/0049 and 0052): the officer home's Ofsted summary (row 1) and the outcomes table's counts
(row 2, dashboard.outcomes).

Grouping every open school of England with its latest judgement and type takes 30-45 ms of
PostgreSQL on each officer's home page, yet the counts change only when the register or an
inspection does. So they are kept:

- `compute` is the definition of the home's summary: open schools grouped by governance, framework
  and grade (dashboard.outcomes.compute_outcome_counts is the outcomes table's).
- Every write the counts depend on marks both rows stale in the writer's transaction (`connect`: a
  school or an establishment type saved or deleted, an inspection saved or deleted, and the GIAS and
  Ofsted imports' set-wise signals). The mark is an upsert that always takes the rows' locks, so a
  recount in progress is never stored as fresh over a write it could not see.
- `counts` reads row 1 and `fresh` any row; a stale or missing row is recounted under its lock, so
  a second request waits for the first and finds it fresh instead of counting again."""

from collections.abc import Callable

from django.db import transaction
from django.db.models import Count
from django.db.models.signals import post_delete, post_save

from schools.models import EstablishmentType, OfstedInspection, School
from schools.selectors import latest_judgement
from schools.signals import inspections_changed, register_changed

from .models import StoredOfstedSummary

ROW = 1  # the officer home's summary
OUTCOMES_ROW = 2  # the outcomes table's counts (StoredOutcomeCount)
ROWS = (ROW, OUTCOMES_ROW)

Counts = list[tuple[str, str | None, int | None, int]]


def compute() -> Counts:
    """Open schools by governance and their latest judgement's framework and overall grade, with how
    many: one grouped query (the open schools' covering index, schools.School.Meta.indexes)."""
    grouped = (
        School.objects.open()
        .order_by()
        .annotate(framework=latest_judgement("framework"), grade=latest_judgement("overall_effectiveness"))
        .values("establishment_type__governance", "framework", "grade")
        .annotate(n=Count("id"))
        .values_list("establishment_type__governance", "framework", "grade", "n")
    )
    return sorted(grouped, key=lambda row: tuple("" if v is None else str(v) for v in row))


def counts() -> Counts:
    """The stored counts, counted again first when a write has marked them stale."""
    row = StoredOfstedSummary.objects.filter(pk=ROW, stale=False).values_list("counts", flat=True).first()
    if row is None:
        row = fresh(ROW, recount=lambda stored: setattr(stored, "counts", compute())).counts
    return [tuple(r) for r in row]


def fresh(
    pk: int,
    *,
    recount: Callable[[StoredOfstedSummary], None],
    valid: Callable[[StoredOfstedSummary], bool] = lambda row: True,
) -> StoredOfstedSummary:
    """Row `pk`, recounted first by `recount` (which sets its counts or writes the rows it stands for)
    if a write has marked it stale or it is not `valid` (counted under other settings): under the
    row's lock, so a request that waited for another's recount finds it fresh and does not count again."""
    row = StoredOfstedSummary.objects.filter(pk=pk, stale=False).first()
    if row is not None and valid(row):
        return row
    with transaction.atomic():
        StoredOfstedSummary.objects.bulk_create([StoredOfstedSummary(pk=pk, stale=True)], ignore_conflicts=True)
        locked = StoredOfstedSummary.objects.select_for_update().get(pk=pk)
        if locked.stale or not valid(locked):  # else another request counted while this one waited
            recount(locked)
            locked.stale = False
            locked.save(update_fields=["counts", "stale"])
        return locked


def mark_stale() -> None:
    """In the writer's transaction: an upsert, so it waits for a recount holding a row and then
    marks what that recount stored (a conditional UPDATE of a row already stale would not wait).
    Rows in key order, as every writer takes them: two writers never wait for each other crosswise."""
    StoredOfstedSummary.objects.bulk_create(
        [StoredOfstedSummary(pk=pk, stale=True) for pk in ROWS],
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=["stale"],
    )


def _on_write(sender, **kwargs) -> None:
    if kwargs.get("raw"):  # fixtures loading
        return
    mark_stale()


def _on_schools_changed(sender, school_ids, **kwargs) -> None:
    if school_ids:
        mark_stale()


def connect() -> None:
    for model in (School, EstablishmentType, OfstedInspection):
        post_save.connect(_on_write, sender=model, dispatch_uid=f"stored-ofsted-{model.__name__}")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"stored-ofsted-del-{model.__name__}")
    register_changed.connect(_on_schools_changed, dispatch_uid="stored-ofsted-register")
    inspections_changed.connect(_on_schools_changed, dispatch_uid="stored-ofsted-inspections")
