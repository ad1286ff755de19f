"""`make run` loads the demo data each time: a second run must neither fail nor duplicate anything."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD, DEMO_USERS

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    """Rows of every project model except the import log, which records each run by design."""
    project = {"accounts", "schools", "categorisation", "visits", "letters"}
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in project and model._meta.label != "schools.ImportRecord"
    }


def test_seed_demo_twice_neither_fails_nor_duplicates_anything():
    call_command("seed_demo", stdout=io.StringIO())
    first = row_counts()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    changed = {label: (count, row_counts()[label]) for label, count in first.items() if row_counts()[label] != count}
    assert changed == {}
    assert first["schools.School"] >= 55
    assert f"password: {DEMO_PASSWORD}" in out.getvalue()


def test_each_demo_user_can_sign_in_with_the_documented_password(client):
    call_command("seed_demo", stdout=io.StringIO())
    for username, *_ in DEMO_USERS:
        assert client.login(username=username, password=DEMO_PASSWORD), username
