"""The GIAS import, writing a confirmed plan row by row (off PostgreSQL; gias_staging writes it
set-wise there): the establishment types, trusts and wards the rows name, then the new schools and
the changed fields of the others, in batches, with their history."""

from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.bulk import bulk_insert_with_history
from core.text import count_of

from ..models import EstablishmentType, School, Trust, Ward, governance_for
from .base import Progress
from .gias_compare import BATCH, chunks

HEAD_NAME_FIELDS = {"head_first_name", "head_last_name"}


def new_head_ids(payload: dict) -> list[int]:
    """The schools already in the register whose headteacher's name the plan changes."""
    return [school_id for school_id, changed in payload["updates"] if HEAD_NAME_FIELDS & changed.keys()]


def write_row_by_row(payload: dict, *, actor, reason: str, progress: Progress) -> list[int]:
    """The plan's trusts and wards created or renamed, then its schools created and updated;
    returns the ids of the schools created and updated."""
    trust_ids = upsert_named(Trust, payload["trusts"], actor)
    ward_ids = upsert_named(Ward, payload["wards"], actor)

    def resolved(values: dict) -> dict:
        values = dict(values)
        if "trust_code" in values:
            code = values.pop("trust_code")
            values["trust_id"] = trust_ids[code] if code else None
        if "ward_code" in values:
            code = values.pop("ward_code")
            values["ward_id"] = ward_ids[code] if code else None
        return values

    creates = [{"urn": urn, **resolved(values)} for urn, values in payload["creates"]]
    updates = payload["updates"]
    written_ids = [school_id for school_id, _ in updates]
    for done, chunk in enumerate(chunks(creates, 10 * BATCH), start=1):
        written_ids += bulk_insert_with_history(School, chunk, user=actor, reason=reason)
        written = min(done * 10 * BATCH, len(creates))
        progress(
            f"Created {written:,} of {count_of(len(creates), 'school')}.",
            0.5 + 0.5 * written / (len(creates) + len(updates)),
        )

    for done, chunk in enumerate(chunks(updates), start=1):
        objects = School.objects.in_bulk([school_id for school_id, _ in chunk])
        fields = set()
        for school_id, changed in chunk:
            school = objects[school_id]
            for name, value in resolved(changed).items():
                setattr(school, name, value)
                fields.add(name)
        bulk_update_with_history(
            list(objects.values()),
            School,
            sorted(fields),
            batch_size=BATCH,
            default_user=actor,
            default_change_reason=reason,
        )
        written = min(done * BATCH, len(updates))
        progress(
            f"Updated {written:,} of {count_of(len(updates), 'school')}.",
            0.5 + 0.5 * (len(creates) + written) / (len(creates) + len(updates)),
        )
    return written_ids


def add_establishment_types(types: dict) -> None:
    """The establishment types the rows name that the register does not have yet."""
    known = set(EstablishmentType.objects.filter(code__in=list(types)).values_list("code", flat=True))
    EstablishmentType.objects.bulk_create(
        EstablishmentType(
            code=code,
            name=name,
            group_code=group_code,
            group_name=group_name,
            governance=governance_for(code, group_code),
        )
        for code, (name, group_code, group_name) in types.items()
        if code not in known
    )


def upsert_named(model, names: dict[str, str], actor) -> dict[str, int]:
    """Create or rename trusts/wards by code; return code -> id for every code given."""
    existing = {}
    for chunk in chunks(list(names)):
        existing.update({obj.code: obj for obj in model.objects.filter(code__in=chunk)})
    audited = hasattr(model, "history")
    renamed = [obj for code, obj in existing.items() if obj.name != names[code]]
    for obj in renamed:
        obj.name = names[obj.code]
    if renamed:
        if audited:
            bulk_update_with_history(renamed, model, ["name"], batch_size=BATCH, default_user=actor)
        else:
            model.objects.bulk_update(renamed, ["name"], batch_size=BATCH)
    new = [model(code=code, name=name) for code, name in names.items() if code not in existing]
    if audited:
        bulk_create_with_history(new, model, batch_size=BATCH, default_user=actor)
    else:
        model.objects.bulk_create(new, batch_size=BATCH)
    ids = {code: obj.id for code, obj in existing.items()}
    for chunk in chunks([obj.code for obj in new]):
        ids.update(model.objects.filter(code__in=chunk).values_list("code", "id"))
    return ids
