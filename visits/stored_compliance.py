"""Every school's compliance status, stored (docs/adr/0026).

`compliance_rows` computes a school's status from its category on each day a period is judged by,
the year's visits, its MSP group and meetings and its enhanced offer: about 0.2 ms of Python per
school, 3 s for England's 11,000 maintained schools. The pages that count, filter or page through
every school (the compliance view, the officer's home, the MSP list, the digest, the dashboard)
read these rows instead:

- Any write that can change a school's status marks its row stale in the same transaction
  (`connect`: the model signals of visits, categories, schools, terms and roles, and the register
  signal a GIAS import sends).
- A school saved, an establishment type changed or a GIAS import also adds a stale row for each
  school that has an entitlement and no row yet (`add_missing`: a school that became maintained).
- `refresh` recomputes, before a page reads, the rows that are stale or computed for another day
  (a half-term starts on a date, not at a write); the nightly one also looks for schools with no row.
  It locks the rows it recomputes, so a second request waits for the first and finds nothing left
  to do, rather than paying for the same work again. A nightly task does the day's recomputation
  before anyone asks (visits.tasks.refresh_stored_compliance).
- Pages then show a page of schools at a time, computing full rows for those 50 only.

`tests/visits/test_stored_compliance.py` proves the stored fields equal a full recomputation after
every kind of write, in random sequences."""

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save

from categorisation.models import Categorisation
from categorisation.selectors import CurrentCategory, current_categories, level_held_since
from core.bulk import built_after_load, id_array
from core.exports import in_chunks
from schools.models import EstablishmentType, School, Term
from schools.signals import register_changed

from .compliance import (
    MISSED_EARLIER,
    NEEDS_ATTENTION,
    ComplianceRow,
    ComplianceSummary,
    compliance_rows,
    compliance_schools,
)
from .entitlement import ComplianceStatus
from .models import EnhancedOffer, MspGroup, MspMeeting, StoredCompliance, Visit

STORED_FIELDS = (
    "level",
    "visits_status",
    "missed_earlier",
    "needs_attention",
    "msp_to_set_up",
    "has_msp_group",
    "msp_status",
)
REFRESH_CHUNK = 2000


def stored_fields(row: ComplianceRow) -> dict[str, object]:
    """What a page filters and counts by, from a computed row (the one place they are derived)."""
    return {
        "level": row.level,
        "visits_status": row.visits.status,
        "missed_earlier": bool(row.visits.missed_earlier),
        "needs_attention": row.needs_attention,
        "msp_to_set_up": row.msp_to_set_up,
        "has_msp_group": row.msp_group is not None,
        "msp_status": row.msp.status if row.msp else "",
    }


# The status filter's predicates on stored rows: the same as compliance.STATUS_FILTERS on computed
# rows, since each stored field is derived from the row by stored_fields.
STATUS_Q = {
    ComplianceStatus.MET.value: Q(visits_status=ComplianceStatus.MET),
    ComplianceStatus.DUE.value: Q(visits_status=ComplianceStatus.DUE),
    ComplianceStatus.OVERDUE.value: Q(visits_status=ComplianceStatus.OVERDUE),
    MISSED_EARLIER: Q(missed_earlier=True),
    NEEDS_ATTENTION: Q(needs_attention=True),
}
MSP_OVERDUE = Q(msp_status=ComplianceStatus.OVERDUE)
# Something still to do this term (the adviser's "due" panel): a visit not yet met, an MSP group to
# set up, or an MSP meeting not met ("" where the school has no MSP record).
SOMETHING_DUE = (
    ~Q(visits_status=ComplianceStatus.MET) | Q(msp_to_set_up=True) | ~Q(msp_status__in=["", ComplianceStatus.MET])
)
# Of those, what is already late: a visit or an MSP meeting overdue, or an MSP group to set up.
URGENT = Q(visits_status=ComplianceStatus.OVERDUE) | MSP_OVERDUE | Q(msp_to_set_up=True)


# ---- marking stale (in the writer's transaction) ------------------------------------------------


def mark_stale(*, school_ids: Iterable[int]) -> None:
    """Mark these schools' rows stale (a school without a row gets one at the next refresh). On
    PostgreSQL one statement with an array, however many (a GIAS import's 50,000 schools).

    Every row is marked, stale or not, so that the mark waits for a refresh holding the row and then
    marks what that refresh stored: a refresh cannot see a write still in flight, and marking only
    rows not yet stale would skip the row it holds (docs/adr/0049). Rows are locked in school order,
    as `refresh` locks them, so the two never wait for each other in a cycle."""
    ids = sorted({pk for pk in school_ids if pk is not None})
    if ids and connection.vendor == "postgresql":
        _mark_in_order("school_id IN (SELECT unnest(%s::integer[]))", [id_array(ids)])
        return
    for chunk in in_chunks(ids, REFRESH_CHUNK):
        StoredCompliance.objects.filter(school_id__in=chunk).update(stale=True)


def add_missing(*, school_ids: Iterable[int]) -> None:
    """A stale row for each of these schools that has an entitlement and no row yet (a school that
    opened or became maintained, or a new one), for `refresh` to compute: a read then looks only
    for stale rows, not for schools without a row (an anti-join of every maintained school, 7 ms
    at England scale on every read; docs/adr/0051). Called where entitlement can change: a school
    saved, a GIAS import, an establishment type changed. The nightly refresh still looks for missing
    rows, for anything written past these (a raw load).

    On PostgreSQL one query finds the missing schools and one statement writes their rows (a first
    import's 25,000 through model instances, in chunks, took 2-4 s of it; docs/adr/0053), as a bulk
    load (core.bulk.built_after_load) when they are 10,000 or more, at least double the table, and
    its locks and the schools table's are granted in time: in practice a first import only."""
    ids = sorted({pk for pk in school_ids if pk is not None})
    if not ids:
        return
    if connection.vendor != "postgresql":
        for chunk in in_chunks(ids, REFRESH_CHUNK):
            # In school order, the order every writer and refresh locks rows in (no cycle of waits).
            chunk_missing = _without_row(school_ids=chunk).order_by("pk")
            StoredCompliance.objects.bulk_create(
                [StoredCompliance(school_id=pk, **PLACEHOLDER) for pk in chunk_missing],
                # A refresh that inserted the row meanwhile: wait for it, then mark its row stale.
                update_conflicts=True,
                unique_fields=["school"],
                update_fields=["stale"],
            )
        return
    sql, params = _without_row().query.sql_with_params()
    # `= ANY` here, unlike _mark_in_order's join: the ids only filter an anti-join whose plan does not
    # hang on their estimate (50,000 ids, a first import: 89 ms).
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.pk FROM ({sql}) AS m (pk) WHERE m.pk = ANY(%s::integer[]) ORDER BY m.pk",
            [*params, id_array(ids)],
        )
        missing = [row[0] for row in cursor.fetchall()]
    if not missing:
        return
    table = connection.ops.quote_name(StoredCompliance._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in PLACEHOLDER)  # plain fields: names are columns
    values = ", ".join(["%s"] * len(PLACEHOLDER))
    insert_params: list = [id_array(missing), *PLACEHOLDER.values()]
    with built_after_load(StoredCompliance, rows=len(missing), checked_after=(School,)), connection.cursor() as c:
        # unnest keeps the array's (school) order; a row a refresh inserted meanwhile is marked stale.
        c.execute(
            f"INSERT INTO {table} (school_id, {columns}) SELECT unnest(%s::integer[]), {values} "
            "ON CONFLICT (school_id) DO UPDATE SET stale = true",
            insert_params,
        )


def _without_row(*, school_ids=None) -> QuerySet:
    """The ids of the schools (of `school_ids`, or all) that have an entitlement and no stored row."""
    schools = compliance_schools(school_ids=school_ids).filter(stored_compliance__isnull=True)
    return schools.order_by().values_list("pk", flat=True)


# What a row holds until `refresh` computes it (never read: every read refreshes stale rows first).
PLACEHOLDER = {
    "computed_for": date(2000, 1, 1),
    "stale": True,
    "level": "",
    "visits_status": "",
    "missed_earlier": False,
    "needs_attention": False,
    "msp_to_set_up": False,
    "has_msp_group": False,
    "msp_status": "",
}


def mark_all_stale() -> None:
    if connection.vendor == "postgresql":
        _mark_in_order("true", [])
        return
    StoredCompliance.objects.update(stale=True)


def _mark_in_order(condition: str, params: list) -> None:
    table = StoredCompliance._meta.db_table  # a table name, not input
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH marked AS (SELECT school_id FROM {table} WHERE {condition} ORDER BY school_id FOR UPDATE) "
            # A join with the list, not `= ANY`: the planner estimates `= ANY` one element at a time.
            f"UPDATE {table} AS stored SET stale = true FROM marked WHERE stored.school_id = marked.school_id",
            params,
        )


def _school_of(instance) -> int | None:
    if isinstance(instance, School):
        return instance.pk
    if isinstance(instance, MspMeeting):
        return MspGroup.objects.filter(pk=instance.group_id).values_list("school_id", flat=True).first()
    return getattr(instance, "school_id", None)


def _on_school_write(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):  # fixtures loading
        return
    school_id = _school_of(instance)
    if school_id is not None:
        mark_stale(school_ids=[school_id])
        if isinstance(instance, School) and kwargs.get("signal") is post_save:
            add_missing(school_ids=[school_id])  # only a school's own fields decide its entitlement


def _on_type_write(sender, instance, **kwargs) -> None:
    # An establishment type's governance decides whether its schools are maintained.
    if kwargs.get("raw"):
        return
    school_ids = list(School.objects.filter(establishment_type_id=instance.pk).values_list("pk", flat=True))
    mark_stale(school_ids=school_ids)
    add_missing(school_ids=school_ids)


def _on_everything(sender, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    mark_all_stale()


def _on_register_changed(sender, school_ids: Iterable[int], **kwargs) -> None:
    # The schools a GIAS import created or changed; nothing else it writes is read here. The worker
    # recomputes them once the import commits, so no page waits for it (docs/adr/0047).
    from core.tasks import defer

    from .tasks import refresh_stored_compliance

    school_ids = list(school_ids)
    mark_stale(school_ids=school_ids)
    add_missing(school_ids=school_ids)
    defer(refresh_stored_compliance, timestamp=int(time.time()), queueing_lock="refresh-stored-compliance")


def _on_roles_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    # Whether a visit counts depends on its lead's role (adviser or officer): the schools of the
    # visits led by the users whose roles changed (a new account, or a governor's, leads none).
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # a group's users changed (not a path the product takes: the role history refuses it)
        mark_all_stale()
        return
    led = Visit.objects.filter(adviser_id=instance.pk).values_list("school_id", flat=True).distinct()
    mark_stale(school_ids=led)


# The writes a school's status depends on (compliance_rows' inputs).
PER_SCHOOL = (School, Visit, MspGroup, MspMeeting, EnhancedOffer, Categorisation)


def connect() -> None:
    for model in PER_SCHOOL:
        post_save.connect(_on_school_write, sender=model, dispatch_uid=f"stored-compliance-{model.__name__}")
        post_delete.connect(_on_school_write, sender=model, dispatch_uid=f"stored-compliance-del-{model.__name__}")
    post_save.connect(_on_type_write, sender=EstablishmentType, dispatch_uid="stored-compliance-type")
    post_save.connect(_on_everything, sender=Term, dispatch_uid="stored-compliance-term")
    post_delete.connect(_on_everything, sender=Term, dispatch_uid="stored-compliance-term-del")
    groups = get_user_model().groups.through
    m2m_changed.connect(_on_roles_changed, sender=groups, dispatch_uid="stored-compliance-roles")
    register_changed.connect(_on_register_changed, dispatch_uid="stored-compliance-register")


# ---- recomputing (before a read) ----------------------------------------------------------------


def refresh(*, today: date, look_for_missing: bool = False) -> int:
    """Recompute the rows that are stale or computed for another day (and, with `look_for_missing`,
    as the nightly task does, the schools with an entitlement and no row); drop the rows of schools
    that no longer have an entitlement. Returns how many schools were recomputed."""
    with transaction.atomic():
        # FOR UPDATE: a request that finds these rows locked waits, then (PostgreSQL re-checks the
        # condition on the rows as committed) finds them fresh and recomputes nothing.
        due = list(
            StoredCompliance.objects.select_for_update()
            .filter(Q(stale=True) | ~Q(computed_for=today))
            .order_by("school_id")  # the order mark_stale locks in
            .values_list("school_id", flat=True)
        )
        missing = list(_without_row()) if look_for_missing else []
        ids = due + missing
        if not ids:
            return 0
        entitled: set[int] = set()
        for start in range(0, len(ids), REFRESH_CHUNK):
            chunk = compliance_schools(school_ids=ids[start : start + REFRESH_CHUNK])
            rows = compliance_rows(today=today, schools=chunk)
            StoredCompliance.objects.bulk_create(
                [StoredCompliance(school_id=r.school.pk, computed_for=today, **stored_fields(r)) for r in rows],
                update_conflicts=True,
                unique_fields=["school"],
                update_fields=["computed_for", "stale", *STORED_FIELDS],
            )
            entitled.update(r.school.pk for r in rows)
        gone = [pk for pk in due if pk not in entitled]
        if gone:
            StoredCompliance.objects.filter(school_id__in=gone).delete()
        return len(ids)


def stored_compliance(*, today: date) -> QuerySet[StoredCompliance]:
    """Every open maintained school's stored status, fresh for `today`, in the compliance view's
    order (school name)."""
    refresh(today=today)
    return StoredCompliance.objects.select_related("school__link_adviser", "school__establishment_type").order_by(
        "school__name", "school_id"
    )


def summarise_stored(stored: QuerySet[StoredCompliance]) -> ComplianceSummary:
    """compliance.summarise's counts, counted by the database over stored rows."""
    counts = stored.order_by().aggregate(
        met=Count("pk", filter=STATUS_Q[ComplianceStatus.MET]),
        due=Count("pk", filter=STATUS_Q[ComplianceStatus.DUE]),
        overdue=Count("pk", filter=STATUS_Q[ComplianceStatus.OVERDUE]),
        missed_earlier=Count("pk", filter=STATUS_Q[MISSED_EARLIER]),
        needs_attention=Count("pk", filter=STATUS_Q[NEEDS_ATTENTION]),
        msp_to_set_up=Count("pk", filter=Q(msp_to_set_up=True)),
        msp_overdue=Count("pk", filter=MSP_OVERDUE),
        total=Count("pk"),
    )
    return ComplianceSummary(**counts)


def rows_for(stored: Iterable[StoredCompliance], *, today: date) -> list[ComplianceRow]:
    """Full computed rows for a page of stored rows, in their order."""
    return compliance_rows(today=today, schools=[s.school for s in stored])


@dataclass
class ToSetUp:
    """A high-support school with no open MSP group, as the MSP groups page lists it."""

    school: School
    category: CurrentCategory | None
    high_support_since: datetime | None  # the start of its unbroken run of high support


def msp_groups_to_set_up(
    stored: QuerySet[StoredCompliance], *, today: date, limit: int | None = None
) -> tuple[list[ToSetUp], int]:
    """The stored rows' schools that need an MSP group, in the stored rows' order (stored_compliance:
    school name), the first `limit`, with their current category and since when they have been at
    high support, and how many there are: four queries, not a full compliance row each (England has
    over a hundred such schools)."""
    wanted = stored.filter(msp_to_set_up=True)
    rows = list(wanted[:limit])
    # Counted whenever a limit is asked for, full or not: the same queries for few schools or many.
    total = len(rows) if limit is None else wanted.count()
    ids = [r.school_id for r in rows]
    categories, since = current_categories(ids, on=today), level_held_since(ids, on=today)
    return [ToSetUp(r.school, categories.get(r.school_id), since.get(r.school_id)) for r in rows], total


@dataclass
class Difference:
    school_id: int
    stored: dict | None
    computed: dict | None


def differences(*, today: date) -> list[Difference]:
    """Where the stored rows differ from a full recomputation (the tests' oracle, and
    `manage.py check_stored_compliance` for an operator)."""
    computed = {r.school.pk: stored_fields(r) for r in compliance_rows(today=today)}
    stored = {
        row["school_id"]: {f: row[f] for f in STORED_FIELDS}
        for row in StoredCompliance.objects.filter(computed_for=today, stale=False).values("school_id", *STORED_FIELDS)
    }
    return [
        Difference(pk, stored.get(pk), computed.get(pk))
        for pk in sorted(set(computed) | set(stored))
        if stored.get(pk) != computed.get(pk)
    ]
