"""Create a user from the command line, as the deployment (the system): above all the first
officers of a new deployment, who approve every later headteacher, adviser and officer an admin
asks for (docs/adr/0012, 0062). Without single sign-on's role mapping nobody else can give the
officer role, since only an officer approves it.

    python manage.py create_user nevans --role officer --first-name Nia --last-name Evans \\
        --email nia.evans@example.gov.uk

A headteacher, adviser or officer is given no password here: they are emailed a link to choose
their own (accounts.own_passwords), so whoever runs the command never knows it. A governor or admin
is asked for a password as create_admin asks (or it is read from standard input when piped)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts import rules, services
from accounts.roles import Role

from .create_admin import read_password

LINK_EMAILED = "Created {username} with the {role} role. A link to choose their password is being emailed to {email}."
CREATED = "Created {username} with the {role} role."


class Command(BaseCommand):
    help = "Create a user with a role, as the deployment: the first officers of a new deployment above all."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[role.value for role in Role])
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, role, first_name, last_name, email, **options):
        role = Role(role)
        links = rules.case_access(role) > 0
        password = "" if links else read_password()
        try:
            user = services.user_create(
                username=username,
                first_name=first_name,
                last_name=last_name,
                email=email,
                role=role,
                password=password,
                actor=None,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        named = {"username": user.username, "role": role.label.lower()}
        self.stdout.write(LINK_EMAILED.format(**named, email=user.email) if links else CREATED.format(**named))
