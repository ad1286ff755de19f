"""Reset someone's second factor from the command line, for when no admin can do it in the app (the
only admin lost their phone):

    python manage.py reset_second_factor ada

The same service as the admin's button (accounts.second_factor.second_factor_reset): the access log
records it (by the system) and the person is emailed. docs/adr/0009."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.second_factor import second_factor_reset

NO_SUCH_USER = "No user has the username {username}."


class Command(BaseCommand):
    help = "Remove a user's authenticator app and recovery codes; they set up a new one at their next sign-in."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(NO_SUCH_USER.format(username=username))
        try:
            second_factor_reset(user=user, actor=None)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Reset the second factor of {user.username}. They set up a new one at their next sign-in.")
