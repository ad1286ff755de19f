"""Create the first admin of a new deployment (there is no Django admin site: docs/adr/0008).

    python manage.py create_admin ada --first-name Ada --last-name Morgan --email ada@example.gov.uk

asks for the password twice (or reads one line from standard input when it is not a terminal:
`printf '%s\\n' "$PASSWORD" | python manage.py create_admin ada ...`). The user is created through
accounts.services.user_create, so the password validators and the audit history apply; later admins
and every other user are created in the app, under Users."""

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.roles import Role

PASSWORDS_DIFFER = "The two passwords differ. Nothing was created."


class Command(BaseCommand):
    help = "Create a user with the admin role (the first admin of a new deployment)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, first_name, last_name, email, **options):
        password = read_password()
        try:
            user = services.user_create(
                username=username,
                first_name=first_name,
                last_name=last_name,
                email=email,
                role=Role.ADMIN,
                password=password,
                actor=None,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            f"Created {user.username} with the admin role. Next, create the first officers with "
            "`manage.py create_user USERNAME --role officer --email ADDRESS` (only an officer can approve the "
            "headteacher, adviser and officer roles the admin asks for); then sign in and create the other users "
            "under Users."
        )


def read_password() -> str:
    """Asked twice at a terminal; else one line of standard input (a password piped in)."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password (again): "):
        raise CommandError(PASSWORDS_DIFFER)
    return first
