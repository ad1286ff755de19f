"""GIAS establishment extract ("edubasealldata") importer.

Columns are matched by name, so the 2018 133-column layout, the current 139-column layout and
re-saved Excel copies all work; only URN, LA (code), EstablishmentName and
TypeOfEstablishment (code) are required. Schools are created or updated by URN, with their trust,
ward and (if GIAS has a new one) establishment type. Fields the LA keeps (link adviser, chair of
governors, headteacher's start date and appointment) are never overwritten, except that a change
of headteacher clears the start date and resets the appointment, which no longer describe the new
head.

The importer runs in stages, each in its own module beside this one: reading the file
(gias_columns: the columns and cell parsers), validating the rows (gias_validate), comparing them
with the register (gias_compare; set-wise on PostgreSQL, gias_staging) and writing them
(gias_write). This module is the entry point: the importer, and the names callers import from it."""

from django.db import connection

from core.tabular import FileRefused, Table
from core.text import count_of
from schools.signals import headteachers_named, register_changed

from ..models import Trust, Ward
from . import gias_staging as staging
from . import gias_write as write
from .base import Columns, Importer, Plan, Progress, RowError, no_progress
from .gias_columns import COLUMNS, NO_URN_COLUMN, OTHER_COLUMNS, REQUIRED_COLUMNS, WANTED_HEADERS
from .gias_columns import FSM_INVALID as FSM_INVALID
from .gias_columns import URN_INVALID as URN_INVALID
from .gias_compare import compare_row_by_row, note_reference_changes
from .gias_validate import DUPLICATE_URN, References, check_table, read_row
from .gias_validate import STATUS_UNKNOWN as STATUS_UNKNOWN

# The column-at-a-time check under its name before the split (tests/schools/test_gias_staged_import.py).
_check = check_table


class GiasImporter(Importer):
    kind = "gias"
    header_hint = "URN"

    def keep_column(self, name: str) -> bool:
        return " ".join(name.split()).casefold() in WANTED_HEADERS

    def __init__(self, *, staged: bool | None = None):
        # PostgreSQL checks a column at a time, then compares and writes through a staging table
        # (docs/adr/0020); elsewhere, or with staged=False (the tests that prove both paths equal),
        # the original row-by-row Python path.
        self.staged = connection.vendor == "postgresql" if staged is None else staged

    def plan(self, table: Table, *, options: dict, progress: Progress = no_progress) -> Plan:
        columns = Columns(table)
        if not columns.has("URN"):
            raise FileRefused(NO_URN_COLUMN)
        required = columns.require(REQUIRED_COLUMNS)
        other = {name: columns.find(*headers) for name, headers in OTHER_COLUMNS.items()}
        specs = [(c, columns.find(*c.headers)) for c in COLUMNS]
        specs = [(c, actual) for c, actual in specs if actual is not None]
        la_codes = set(options.get("la_codes") or [])

        plan = Plan(rows_total=len(table))
        if self.staged:
            checked = check_table(table, required=required, other=other, specs=specs, la_codes=la_codes, plan=plan)
            progress(
                f"Validated {count_of(plan.rows_total, 'row')}: {len(checked):,} to compare, "
                f"{plan.rejected:,} rejected."
            )
            trusts, wards, types = checked.references()
            staging.compare(plan, checked)
        else:
            trusts, wards, types = self._plan_row_by_row(
                table, plan, required=required, other=other, specs=specs, la_codes=la_codes, progress=progress
            )
        plan.payload.update({"trusts": trusts, "wards": wards, "types": types, "staged": self.staged})
        note_reference_changes(plan, trusts, wards, types)
        if la_codes and plan.rows_skipped:
            plan.skipped_note = (
                f"{count_of(plan.rows_skipped, 'row is', 'rows are')} for other local authorities "
                f"(this import keeps LA {', '.join(sorted(la_codes))})."
            )
        progress(
            f"Compared with the register: {plan.created:,} new, {plan.updated:,} changed, {plan.unchanged:,} same."
        )
        return plan

    def _plan_row_by_row(self, table, plan, *, required, other, specs, la_codes, progress) -> tuple[dict, dict, dict]:
        """One row at a time in Python: check it, then compare it with the school of its URN."""
        parsed: dict[int, dict] = {}
        first_row_of: dict[int, int] = {}
        references = References()
        la_column = required["LA (code)"]
        for position, (row_number, record) in enumerate(table.records()):
            if position and position % 10000 == 0:
                progress(
                    f"Checked {position:,} of {count_of(plan.rows_total, 'row')}.", 0.4 * position / plan.rows_total
                )
            if la_codes and record[la_column].strip() and record[la_column].strip() not in la_codes:  # (as check_table)
                plan.rows_skipped += 1
                continue
            errors, urn, values, reference = read_row(record, row_number, required, other, specs)
            if urn is not None and urn in first_row_of:
                message = DUPLICATE_URN.format(urn=urn, first_row=first_row_of[urn])
                errors.append(RowError(row_number, required["URN"], str(urn), message))
            errors += reference.errors
            if errors:
                plan.errors.extend(errors)
                continue
            first_row_of[urn] = row_number
            references.add(values, reference.values)
            parsed[urn] = values
        progress(
            f"Validated {count_of(plan.rows_total, 'row')}: {len(parsed):,} to compare, {plan.rejected:,} rejected."
        )
        compare_row_by_row(parsed, plan, first_row_of)
        return references.trusts, references.wards, references.types

    def apply(self, plan: Plan, *, actor, record, progress: Progress = no_progress) -> None:
        # Compared with the register before it is written: the schools whose head the file renames.
        new_heads = staging.new_head_ids(plan) if plan.payload["staged"] else write.new_head_ids(plan.payload)
        school_ids = self._apply_register(plan, actor=actor, reason=f"GIAS import #{record.pk}", progress=progress)
        register_changed.send(sender=type(self), school_ids=school_ids)
        if new_heads:
            self._tell_new_heads(new_heads, actor=actor, record=record)

    def _tell_new_heads(self, school_ids: list[int], *, actor, record) -> None:
        """Those schools' headteacher accounts stop opening them (the accounts app's receiver ends
        their headships); what it says goes into the import's result."""
        replies = headteachers_named.send(sender=type(self), school_ids=school_ids, record=record, actor=actor)
        said = [reply for _, reply in replies if isinstance(reply, str) and reply]
        if said:
            record.message = "\n".join(filter(None, [record.message, *said]))
            record.save(update_fields=["message"])

    def _apply_register(self, plan: Plan, *, actor, reason: str, progress: Progress) -> list[int]:
        """Write the plan; return the ids of the schools it created or changed."""
        payload = plan.payload
        self._apply_types(payload["types"])
        if payload["staged"]:
            staging.upsert_named(Trust, payload["trusts"], actor=actor)
            staging.upsert_named(Ward, payload["wards"], actor=actor)
            return staging.apply(plan, actor=actor, reason=reason, progress=progress)
        return write.write_row_by_row(payload, actor=actor, reason=reason, progress=progress)

    @staticmethod
    def _apply_types(types: dict) -> None:
        write.add_establishment_types(types)
