#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if sys.argv[1:2] == ["makemigrations"]:
        # It reads the models and the migration files only, never signs or reads a signature: it
        # runs without the deployment's secret, as collectstatic does in the Dockerfile's build.
        os.environ.setdefault("SECRET_KEY", "makemigrations-only-not-secret")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - loads the settings
    except ImproperlyConfigured as exc:
        # Django would keep going without the settings and fail later with "Models aren't loaded
        # yet"; say why they did not load (no SECRET_KEY with DEBUG off, say) and stop.
        sys.exit(f"The settings could not be loaded: {exc}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
