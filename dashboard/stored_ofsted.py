"""The officer home's Ofsted summary counts, stored (dashboard.models.StoredOfstedSummary, docs/adr/0049).

Grouping every open school of England with its latest judgement and type takes 30-45 ms of
PostgreSQL on each officer's home page, yet the counts change only when the register or an
inspection does. So they are kept in one row:

- `compute` is the definition: open schools grouped by governance, framework and grade.
- Every write the counts depend on marks the row stale in the writer's transaction (`connect`: a
  school or an establishment type saved or deleted, an inspection saved or deleted, and the GIAS and
  Ofsted imports' set-wise signals). The mark is an upsert that always takes the row's lock, so a
  recount in progress is never stored as fresh over a write it could not see.
- `counts` reads the row; a stale or missing row is recounted under its lock, so a second request
  waits for the first and finds it fresh instead of counting again."""

from django.db import transaction
from django.db.models import Count
from django.db.models.signals import post_delete, post_save

from schools.models import EstablishmentType, OfstedInspection, School
from schools.selectors import latest_judgement
from schools.signals import inspections_changed, register_changed

from .models import StoredOfstedSummary

ROW = 1

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
    if row is not None:
        return [tuple(r) for r in row]
    with transaction.atomic():
        StoredOfstedSummary.objects.bulk_create([StoredOfstedSummary(pk=ROW, stale=True)], ignore_conflicts=True)
        locked = StoredOfstedSummary.objects.select_for_update().get(pk=ROW)
        if locked.stale:  # else another request counted while this one waited for the lock
            locked.counts, locked.stale = compute(), False
            locked.save(update_fields=["counts", "stale"])
        return [tuple(r) for r in locked.counts]


def mark_stale() -> None:
    """In the writer's transaction: an upsert, so it waits for a recount holding the row and then
    marks what that recount stored (a conditional UPDATE of a row already stale would not wait)."""
    StoredOfstedSummary.objects.bulk_create(
        [StoredOfstedSummary(pk=ROW, stale=True)],
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
