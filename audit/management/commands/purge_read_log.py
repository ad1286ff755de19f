"""Delete read-log entries older than the retention period (READ_LOG_RETENTION_DAYS, default two
years). Run it daily (the task queue schedules it):

    python manage.py purge_read_log             # delete them
    python manage.py purge_read_log --dry-run   # only say how many there are"""

from django.conf import settings
from django.core.management.base import BaseCommand

from audit.services import read_log_purge
from core.text import count_of


class Command(BaseCommand):
    help = "Delete read-log entries older than READ_LOG_RETENTION_DAYS."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count them, delete nothing")

    def handle(self, *args, dry_run: bool, **options):
        days = settings.READ_LOG_RETENTION_DAYS
        n = read_log_purge(days=days, dry_run=dry_run)
        entries = count_of(n, "read-log entry", "read-log entries")
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(f"{verb} {entries} older than {count_of(days, 'day')} (READ_LOG_RETENTION_DAYS).")
