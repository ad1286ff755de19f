"""Large spreadsheet exports built by a task worker (docs/adr/0024): a list page's Excel button (a
POST: a GET of the address stores nothing) records an Export with the page's filters and queues
`core.tasks.build_export`; the user waits on the export's own page, which offers the file once it
is ready. Apps register the kinds they export (KINDS) from their AppConfig.ready; the rows are read
with the requester's rights, at build time, through the app's own selectors."""

import logging
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.forms.utils import pretty_name
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format

from . import once
from .exports import write_xlsx
from .models import Export, ExportStatus
from .text import in_sentence

log = logging.getLogger(__name__)

# {noun}: the kind's ("spreadsheet", "PDF").
NO_LONGER_ALLOWED = "You no longer have access to what it lists, so the {noun} was not prepared."
COULD_NOT_BUILD = "The {noun} could not be prepared. Ask for it again; if it fails again, tell your administrator."


@dataclass(frozen=True)
class ExportKind:
    key: str
    title: str  # "Schools": the page says "Schools spreadsheet"
    permission: str  # the list's permission, checked when asked for, built and downloaded
    filename: str
    sheet: str
    header: Sequence[str]
    rows: Callable[..., Iterable[Sequence]]  # rows(user=..., params=QueryDict)
    list_url: str  # the list page's URL name, for "Back to the list"
    # A document that is not a spreadsheet (docs/adr/0037: a school's case file as a PDF):
    # build(user=..., params=QueryDict) returns its bytes and how many entries it holds.
    build: Callable[..., tuple[bytes, int]] | None = None
    fmt: str = "xlsx"
    noun: str = "spreadsheet"
    unit: str = "row"
    units: str = "rows"
    # Who may have it beyond the permission, from its params (a case file: its school's readers).
    allowed: Callable[..., bool] | None = None
    # Where "Back" goes, from its params (default: list_url).
    back: Callable[[QueryDict], str] | None = None
    # Whether the params name something that exists (a dashboard figure): if not, the export is 404
    # rather than an empty file.
    known: Callable[..., bool] | None = None
    # The file's name from its params (a case file: "case-file-874001"), if not `filename`.
    filename_of: Callable[[QueryDict], str] | None = None
    # The list page's own filter form bound to params: filters(user=..., params=QueryDict) returns
    # the form or the django-filter FilterSet the page shows, or None when the list applies none of
    # them (a list whose filters apply all or nothing, while its form refuses one). The export's
    # pages then name its filters as that form does (described_filters); without it, by the query
    # string's names.
    filters: Callable[..., "forms.BaseForm | django_filters.FilterSet | None"] | None = None

    @property
    def title_in_sentence(self) -> str:
        """The title inside a sentence: "Your schools spreadsheet", but "Your MSP groups spreadsheet"."""
        return in_sentence(self.title)


KINDS: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> None:
    KINDS[kind.key] = kind


def may_export(user, kind: ExportKind, params: QueryDict | None = None) -> bool:
    if not (user.is_active and user.has_perm(kind.permission)):
        return False
    return kind.allowed is None or kind.allowed(user=user, params=params if params is not None else QueryDict())


def export_params(export: Export) -> QueryDict:
    """The filters an export was asked for with, as a query."""
    params = QueryDict(mutable=True)
    for name, value in export.params:
        params.appendlist(name, value)
    return params


@dataclass(frozen=True)
class DescribedFilter:
    """One filter of an export as its list page's form names it: "Link adviser", ["Jane Smith"]."""

    label: str
    values: list[str]


# Where the list page was, and a POST form's keys (its CSRF token, core/once.py's key): not filters.
NOT_FILTERS = ("page", "csrfmiddlewaretoken", once.FIELD)


def described_filters(kind: ExportKind, *, user, params: QueryDict) -> list[DescribedFilter]:
    """The filters an export is asked for with, for its pages: each field of the list's filter form
    (kind.filters) that has a value, by its label and the chosen options' labels (every one for a
    multiple choice; the text as typed for a search box). A value the form does not offer (a stale
    id, hand-made text) and a parameter that is no field of the form are left out; none is listed
    when the kind says the list applies none. A kind without a filter form lists its parameters by
    name, without the page number and empty values. Labels and values are plain text: the page
    escapes them."""
    if kind.filters is None:
        return [
            DescribedFilter(name, shown)
            for name, values in params.lists()
            if name not in NOT_FILTERS and (shown := [value for value in values if value.strip()])
        ]
    found = kind.filters(user=user, params=params)
    if found is None:
        return []
    form: forms.BaseForm = found.form if isinstance(found, django_filters.FilterSet) else found
    form.is_valid()  # a form's own limits (core.forms.TextLimits) are set on its fields as it cleans
    described = []
    for name, field in form.fields.items():
        value = field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        if shown := _shown_values(field, value):
            described.append(DescribedFilter(str(field.label or pretty_name(name)), shown))
    return described


def _shown_values(field: forms.Field, value) -> list[str]:
    """The labels of the value a form field reads, [] for no value or one it would refuse."""
    if isinstance(field, forms.BooleanField):
        return _boolean_shown(field, value)
    values = [v for v in (value if isinstance(value, (list, tuple)) else [value]) if v is not None and str(v).strip()]
    if not values:
        return []
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return _chosen_labels(field, values)
    try:
        cleaned = field.clean(value)
    except ValidationError:
        return []
    if isinstance(value, str):
        return [value.strip()]  # the text as typed
    return [date_format(cleaned, "j F Y") if isinstance(cleaned, date) else str(cleaned)]


def _chosen_labels(field: forms.ChoiceField | forms.ModelChoiceField, values: list) -> list[str]:
    """The labels of the chosen options the field offers (each once), in the order chosen; none for
    rows of which one is gone (a stale id), as the form then refuses them all."""
    if isinstance(field, forms.ModelChoiceField):  # its options are rows: only the chosen ones are read
        try:
            if isinstance(field, forms.ModelMultipleChoiceField):
                return [str(field.label_from_instance(row)) for row in field.clean(values)]
            return [str(field.label_from_instance(field.clean(values[0])))]
        except ValidationError:
            return []
    labels = _choice_labels(field.choices)
    return [labels[v] for v in dict.fromkeys(str(v) for v in values) if v in labels]


def _boolean_shown(field: forms.BooleanField, value) -> list[str]:
    try:
        cleaned = field.clean(value)
    except ValidationError:
        return []
    if cleaned is True:
        return ["Yes"]
    # An unticked box is no filter; a yes/no select's "No" is one.
    return ["No"] if cleaned is False and not isinstance(field.widget, forms.CheckboxInput) else []


def _choice_labels(choices) -> dict[str, str]:
    """A choice field's options, value to label, those inside a group included."""
    labels: dict[str, str] = {}
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            labels.update((str(inner), str(inner_label)) for inner, inner_label in label)
        else:
            labels[str(value)] = str(label)
    return labels


def export_request(*, kind: str, params: QueryDict, actor) -> Export:
    """Record the export of a list with its filters and queue it (inline without a queue: built at once)."""
    from .tasks import build_export, defer

    export_kind = KINDS[kind]
    if not may_export(actor, export_kind, params):
        raise PermissionDenied
    pairs = [[name, value] for name, values in params.lists() for value in values if name not in NOT_FILTERS]
    # Described now: the page names what the file holds, even once an adviser named is gone.
    described = [[f.label, f.values] for f in described_filters(export_kind, user=actor, params=params)]
    export = Export.objects.create(kind=kind, params=pairs, described=described, requested_by=actor)
    defer(build_export, after_commit=False, lock=f"export-{export.pk}", export_id=export.pk)
    export.refresh_from_db()
    return export


def export_build(*, export_id: int, last_attempt: bool) -> None:
    """Write the spreadsheet. Idempotent: a built export is left as it is."""
    export = Export.objects.select_related("requested_by").get(pk=export_id)
    if export.status != ExportStatus.PENDING:
        return
    kind = KINDS[export.kind]
    params = export_params(export)
    if not may_export(export.requested_by, kind, params):
        _finish(export, ExportStatus.FAILED, error=NO_LONGER_ALLOWED.format(noun=kind.noun))
        return
    stamp = timezone.localtime(export.requested_at).strftime("%Y-%m-%d-%H%M")
    if kind.build is not None:
        try:
            data, count = kind.build(user=export.requested_by, params=params)
            name = kind.filename_of(params) if kind.filename_of else kind.filename
            export.file.save(f"{name}-{stamp}-{export.pk}.{kind.fmt}", ContentFile(data), save=False)
        except Exception:
            if last_attempt:
                _finish(export, ExportStatus.FAILED, error=COULD_NOT_BUILD.format(noun=kind.noun))
            raise
        _finish(export, ExportStatus.READY, rows=count)
        return
    try:
        with tempfile.TemporaryFile() as stream:
            count = write_xlsx(stream, kind.sheet, kind.header, kind.rows(user=export.requested_by, params=params))
            stream.seek(0)
            export.file.save(f"{kind.filename}-{stamp}-{export.pk}.xlsx", File(stream), save=False)
    except Exception:
        if last_attempt:
            _finish(export, ExportStatus.FAILED, error=COULD_NOT_BUILD.format(noun=kind.noun))
        raise
    _finish(export, ExportStatus.READY, rows=count)


def _finish(export: Export, status: str, **fields) -> None:
    Export.objects.filter(pk=export.pk, status=ExportStatus.PENDING).update(
        status=status, file=export.file.name or "", finished_at=timezone.now(), **fields
    )


def export_kept_until(export: Export) -> date:
    """The last day an export can be downloaded: EXPORT_RETENTION_DAYS after the (London) day it
    was asked for. Its page says so; the nightly purge deletes it after that day."""
    return timezone.localdate(export.requested_at) + timedelta(days=settings.EXPORT_RETENTION_DAYS)


def exports_purge(*, now=None) -> int:
    """Delete exports (and their files) whose last day (export_kept_until) has passed: they are
    copies of case lists, kept only long enough to be downloaded."""
    last_day_passed = timezone.localdate(now or timezone.now()) - timedelta(days=settings.EXPORT_RETENTION_DAYS)
    cutoff = timezone.make_aware(datetime.combine(last_day_passed, time.min))
    old = list(Export.objects.filter(requested_at__lt=cutoff))
    for export in old:
        if export.file:
            export.file.delete(save=False)
    with transaction.atomic():
        Export.objects.filter(pk__in=[e.pk for e in old]).delete()
    return len(old)
