"""Load fictional demo data: `python manage.py seed_demo`. Safe to run again: nothing is duplicated.

Each installed project app may have a `demo.py` with `seed(ctx: DemoContext)`; they run in
INSTALLED_APPS order, so an app can use what the apps below it created.

The demo users' password is published in the README, so the command refuses to run under
production settings (DEBUG false when the settings were loaded: `settings.DEMO_DATA_ALLOWED`)."""

import importlib
import random
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.demo import DemoContext

REFUSED_IN_PRODUCTION = (
    "seed_demo refused: these are production settings (DEBUG is not true). The demo users' password is "
    "published in the README, so demo data must never reach a live database. Nothing was changed. "
    "To load the demo on a development database, run it with DEBUG=true (make run does)."
)


class Command(BaseCommand):
    help = "Load the fictional demo local authority (LA 874): schools, data, users and casework."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(REFUSED_IN_PRODUCTION)
        ctx = DemoContext(today=timezone.localdate(), rng=random.Random(874), write=self.stdout.write)
        for app_config in apps.get_app_configs():
            module_name = f"{app_config.name}.demo"
            if app_config.name == "core" or find_spec(module_name) is None:
                continue
            module = importlib.import_module(module_name)
            if hasattr(module, "seed"):
                module.seed(ctx)
        from accounts.demo import DEMO_PASSWORD, DEMO_USERS

        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000/ as:"))
        for username, *_ in DEMO_USERS:
            self.stdout.write(f"  {username:10} password: {DEMO_PASSWORD}")
