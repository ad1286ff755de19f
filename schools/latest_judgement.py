"""Each school's latest graded or report-card inspection, stored (LatestJudgement, issue 11).

The judgement is a pure function of the school's inspections, so it is kept current, not marked
stale: every write to a school's inspections recomputes that school's row in the same transaction
(model signals for single writes; schools.signals.inspections_changed for the Ofsted import's
set-wise writes). Pages then join one row per school instead of looking up every school's latest
inspection (a subquery per school: 22,000 for England). A property test proves the stored rows equal
`compute` after any sequence of writes."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from core.exports import in_chunks

from .models import LatestJudgement, OfstedInspection
from .selectors import GRADED_FRAMEWORKS  # an ungraded inspection leaves the last judgement standing
from .signals import inspections_changed

FIELDS = ("framework", "start_date", "overall_effectiveness", "category_of_concern")
CHUNK = 2000


def compute(school_ids: Iterable[int] | None = None) -> dict[int, dict]:
    """Each school's latest graded or report-card inspection (newest start date, then the latest
    recorded), as the stored row's values, for these schools (every school for None)."""
    inspections = OfstedInspection.objects.filter(framework__in=GRADED_FRAMEWORKS)
    chunks = [None] if school_ids is None else list(in_chunks(sorted(set(school_ids)), CHUNK))
    latest: dict[int, dict] = {}
    for chunk in chunks:
        rows = inspections if chunk is None else inspections.filter(school_id__in=chunk)
        for row in (
            rows.order_by("school_id", "-start_date", "-id")
            .values("school_id", "id", *FIELDS)
            .iterator(chunk_size=CHUNK)
        ):
            if row["school_id"] not in latest:
                latest[row["school_id"]] = {"inspection_id": row.pop("id"), **row}
    return latest


def refresh(school_ids: Iterable[int] | None = None) -> None:
    """Store these schools' latest judgements (every school's for None), in the caller's transaction."""
    ids = None if school_ids is None else sorted(set(school_ids))
    latest = compute(ids)
    with transaction.atomic():
        stale = LatestJudgement.objects.all()
        if ids is not None:
            for chunk in in_chunks(ids, CHUNK):
                stale.filter(school_id__in=chunk).exclude(school_id__in=[i for i in chunk if i in latest]).delete()
        else:
            stale.delete()
        LatestJudgement.objects.bulk_create(
            [LatestJudgement(**values) for values in latest.values()],
            batch_size=CHUNK,
            update_conflicts=True,
            unique_fields=["school"],
            update_fields=["inspection", *FIELDS],
        )


def differences() -> dict[int, tuple]:
    """Schools whose stored row differs from `compute` (empty when all agree): for the tests."""
    stored = {
        row.pop("school_id"): row for row in LatestJudgement.objects.values("school_id", "inspection_id", *FIELDS)
    }
    computed = {}
    for school_id, row in compute().items():
        computed[school_id] = {name: value for name, value in row.items() if name != "school_id"}
    return {
        school_id: (stored.get(school_id), computed.get(school_id))
        for school_id in stored.keys() | computed.keys()
        if stored.get(school_id) != computed.get(school_id)
    }


def _on_inspection(sender, instance: OfstedInspection, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    refresh([instance.school_id])


def _on_inspections_changed(sender, school_ids, **kwargs) -> None:
    refresh(school_ids)


def connect() -> None:
    post_save.connect(_on_inspection, sender=OfstedInspection, dispatch_uid="latest-judgement-save")
    post_delete.connect(_on_inspection, sender=OfstedInspection, dispatch_uid="latest-judgement-delete")
    inspections_changed.connect(_on_inspections_changed, dispatch_uid="latest-judgement-import")
