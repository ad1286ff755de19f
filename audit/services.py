"""The read log's writes: `record_read` for the views that show confidential material, and the
purge of entries older than the retention period.

Cheap by design: one INSERT per page view, nothing read first. Reads by the same person of the
same record through the same page within one READ_LOG_COLLAPSE_MINUTES window are one entry (the
first): the INSERT skips a row the unique constraint already holds (ON CONFLICT DO NOTHING /
INSERT OR IGNORE), so reloading a form after each save does not flood the log."""

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from .models import ReadEvent


def _window(now: datetime, minutes: int) -> datetime | None:
    if minutes <= 0:
        return None
    step = minutes * 60
    return datetime.fromtimestamp(int(now.timestamp()) // step * step, tz=UTC)


def record_read(*, user: AbstractBaseUser | AnonymousUser | None, obj: Model, view: str, label: str = "") -> None:
    """Record that `user` read the confidential record `obj` through the page `view` (a URL name,
    "visits:detail"). Call it once the permission checks have passed, before rendering. `label`
    names the record as it is now (default str(obj)); give one when str() would run a query."""
    if user is None or not user.is_authenticated:
        return
    now = timezone.now()
    ReadEvent.objects.bulk_create(
        [
            ReadEvent(
                at=now,
                user_id=user.pk,
                content_type=ContentType.objects.get_for_model(obj),  # cached after the first call
                object_id=obj.pk,
                label=(label or str(obj))[:300],
                view=view[:100],
                window=_window(now, settings.READ_LOG_COLLAPSE_MINUTES),
            )
        ],
        ignore_conflicts=True,
    )


def record_request_read(request: HttpRequest, obj: Model, *, label: str = "") -> None:
    """record_read for a view: the signed-in user, and the page's URL name."""
    record_read(user=request.user, obj=obj, view=_view_name(request), label=label)


def record_request_reads(request: HttpRequest, model: type[Model], ids: Iterable[int], *, label: str) -> None:
    """record_request_read for several records of one model that one page shows (e.g. the
    restricted intelligence a categorisation form lists): one INSERT, however many."""
    record_reads(user=request.user, model=model, ids=ids, view=_view_name(request), label=label)


def record_request_reads_named(request: HttpRequest, model: type[Model], labels: Mapping[int, str]) -> None:
    """record_request_reads for a page listing records of one model each named as its own page
    names it (a moderation sheet's categorisations, a meeting pack's concerns): `labels` maps each
    record's id to its label. One INSERT, however many."""
    record_reads_named(user=request.user, model=model, labels=labels, view=_view_name(request))


def record_reads(
    *, user: AbstractBaseUser | AnonymousUser | None, model: type[Model], ids: Iterable[int], view: str, label: str
) -> None:
    """record_request_reads without a request: a document built by a task worker for `user` through
    the page `view` (a URL name; docs/adr/0037)."""
    record_reads_named(user=user, model=model, labels=dict.fromkeys(ids, label), view=view)


def record_reads_named(
    *, user: AbstractBaseUser | AnonymousUser | None, model: type[Model], labels: Mapping[int, str], view: str
) -> None:
    """record_request_reads_named without a request."""
    if user is None or not user.is_authenticated or not labels:
        return
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(model)
    view, window = view[:100], _window(now, settings.READ_LOG_COLLAPSE_MINUTES)
    ReadEvent.objects.bulk_create(
        [
            ReadEvent(at=now, user_id=user.pk, content_type=content_type, object_id=pk, label=label[:300],
                      view=view, window=window)
            for pk, label in labels.items()
        ],
        ignore_conflicts=True,
    )  # fmt: skip


def _view_name(request: HttpRequest) -> str:
    match = request.resolver_match
    return match.view_name if match else request.path


def read_log_purge(*, days: int | None = None, dry_run: bool = False) -> int:
    """Delete the entries older than `days` (READ_LOG_RETENTION_DAYS): one DELETE. Returns how
    many were (or, with dry_run, would be) deleted."""
    days = settings.READ_LOG_RETENTION_DAYS if days is None else days
    old = ReadEvent.objects.filter(at__lt=timezone.now() - timedelta(days=days))
    if dry_run:
        return old.count()
    deleted, _ = old.delete()
    return deleted
