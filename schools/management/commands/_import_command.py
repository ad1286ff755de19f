"""What the import_* commands share: read a file, run schools.services.import_run with progress
on stderr, print the outcome, fail with a non-zero status if the file was refused."""

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.text import count_of
from schools import services
from schools.models import ImportStatus


class ImportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8 or Windows-1252) or .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="Validate and compare only; change nothing")
        parser.add_argument("--strict", action="store_true", help="Import nothing if any row has an error")
        parser.add_argument("--user", help="Username recorded as the importer (default: none, 'command')")

    def options_for(self, options) -> dict:
        return {}

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"No user with username {options['user']!r}")
        started = time.perf_counter()

        def progress(message: str, fraction: float | None = None) -> None:
            self.stderr.write(f"[{time.perf_counter() - started:6.1f}s] {message}")

        record = services.import_run(
            kind=self.kind,
            data=path.read_bytes(),
            filename=path.name,
            actor=actor,
            options=self.options_for(options),
            dry_run=options["dry_run"],
            strict=options["strict"],
            progress=progress,
        )
        elapsed = time.perf_counter() - started
        if record.status == ImportStatus.REFUSED:
            raise CommandError(record.message)
        if record.status == ImportStatus.DRY_RUN:
            outcome, created, updated = "dry run, nothing changed", "to create", "to update"
        elif record.status == ImportStatus.NOTHING_TO_IMPORT:
            outcome, created, updated = "nothing to import, nothing changed", "to create", "to update"
        else:
            outcome, created, updated = "applied", "created", "updated"
        self.stdout.write(
            f"{record.get_kind_display()} import #{record.pk} ({outcome}): {count_of(record.rows_total, 'row')}, "
            f"{record.created:,} {created}, {record.updated:,} {updated}, {record.unchanged:,} unchanged, "
            f"{record.rejected:,} rejected, {record.rows_skipped:,} skipped, in {elapsed:.1f}s."
        )
        if record.message:
            self.stdout.write(record.message)
        for error in record.errors[:20]:
            self.stdout.write(f"  row {error['row']}: {error['column']} {error['message']} ({error['value']!r})")
        if record.error_count > 20:
            more = count_of(record.error_count - 20, "more error")
            self.stdout.write(f"  ... and {more} (see the import record in the app).")
