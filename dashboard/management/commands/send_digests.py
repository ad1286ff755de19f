"""Send the day's reminders emails now (the queue's scheduler does it on working days at
DIGEST_HOUR UTC). A second run the same day sends nothing twice."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from dashboard.digest import digests_send


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day, YYYY-MM-DD (default: today)")

    def handle(self, *args, date: str | None = None, **options):
        try:
            day = date_of(date) if date else None
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}") from None
        queued = digests_send(day=day)
        self.stdout.write(f"Queued {len(queued)} reminders email{'s' if len(queued) != 1 else ''}.")


def date_of(text: str):
    return date.fromisoformat(text)
