"""`make run` loads the demo data each time: a second run must neither fail nor duplicate anything.
Under production settings it refuses: its users' password is published."""

import io
import os
import secrets
import subprocess
import sys
from datetime import date

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD, DEMO_USERS
from core.management.commands.seed_demo import REFUSED_IN_PRODUCTION
from letters.models import Letter
from schools.terms import school_days, working_day_on_or_before
from tests.factories import SchoolFactory
from visits.demo import KINGFISHER_URN
from visits.models import (
    Action,
    ActionOwner,
    ActionStatus,
    MspGroup,
    MspMeeting,
    MspMeetingStatus,
    MspRecommendation,
    Visit,
)

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    """Rows of every project model except the import log, which records each run by design."""
    project = {"accounts", "schools", "categorisation", "visits", "letters", "academies"}
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


def test_seed_demo_refuses_to_run_under_production_settings(settings):
    settings.DEMO_DATA_ALLOWED = False

    with pytest.raises(CommandError) as refused:
        call_command("seed_demo", stdout=io.StringIO())

    assert str(refused.value) == REFUSED_IN_PRODUCTION
    assert row_counts()["accounts.User"] == 0
    assert row_counts()["schools.School"] == 0


def test_seed_demo_refuses_when_started_with_debug_off_and_changes_nothing(tmp_path):
    """The flag is read from DEBUG when the settings load (the test runner switches settings.DEBUG
    off in every test, so it cannot be what decides)."""
    database = tmp_path / "live.sqlite3"
    environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL")}
    environment.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"sqlite:///{database}",
        ALLOWED_HOSTS="schools.example.org",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        COUNCIL_NAME="Example County Council",  # a deployment names its council (core.checks E006-E008)
        LOCAL_AUTHORITY_CODES="873",
        DEFAULT_FROM_EMAIL="school-improvement@example.gov.uk",
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 1
    assert REFUSED_IN_PRODUCTION in " ".join(result.stderr.split())
    assert DEMO_PASSWORD not in result.stdout
    assert not database.exists() or database.stat().st_size == 0


def test_the_demo_is_allowed_in_the_test_run(settings):
    """make test and the browser tests load the demo: DEBUG=true when the settings loaded."""
    assert settings.DEMO_DATA_ALLOWED is True


@pytest.mark.parametrize(
    ("day", "ids_used_before"),
    [
        (date(2026, 9, 7), 0),  # the first week of the autumn term
        (date(2026, 11, 9), 3),  # the autumn term
        (date(2027, 2, 1), 2),  # the spring term
        (date(2027, 5, 17), 1),  # the summer term
        (date(2027, 8, 30), 3),  # the summer holidays
    ],
)
def test_the_demo_msp_group_has_an_open_action_to_review_on_any_day_whatever_ids_the_database_hands_out(
    on_day, day, ids_used_before
):
    """The browser test of recording a meeting rates the first open action. Which actions the demo
    closes once depended on their ids, which differ with the tests run before it in a worker."""
    on_day(day)
    school = SchoolFactory()
    for _ in range(ids_used_before):
        Action.objects.create(school=school, description="Used an id", owner=ActionOwner.SCHOOL, due_on=day)
    Action.objects.all().delete()
    school.delete()

    call_command("seed_demo", stdout=io.StringIO())

    group = MspGroup.objects.get(school__urn=KINGFISHER_URN)
    assert Action.objects.filter(school=group.school, status=ActionStatus.OPEN).exists()
    # Each published summary says what its own meeting recommended (the governors read them).
    for meeting in group.meetings.filter(status=MspMeetingStatus.HELD):
        says_warning = "warning notice" in meeting.summary_key_points
        assert says_warning == (meeting.recommendation == MspRecommendation.WARNING_NOTICE), (day, meeting.held_on)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 12, 14),  # the last week of the autumn term: visits and a meeting planned for after Christmas
        date(2027, 1, 4),  # the last day of the Christmas holiday: letters issued ten and twenty days ago
        date(2027, 5, 4),  # the day after the May Day bank holiday, in the summer term
        date(2027, 7, 26),  # the first Monday of the summer holiday
    ],
)
def test_the_demos_visits_and_meetings_are_on_school_days_and_its_letters_on_working_days(on_day, day):
    """Never "planned for 1 January" or "issued on Christmas Day", whatever day the demo is loaded."""
    on_day(day)
    call_command("seed_demo", stdout=io.StringIO())

    visit_days = set(Visit.objects.values_list("visit_date", flat=True))
    meeting_days = set(MspMeeting.objects.values_list("held_on", flat=True))
    held = visit_days | meeting_days
    assert held - set(school_days(min(held), max(held))) == set()
    for issued_on in Letter.objects.exclude(issued_on=None).values_list("issued_on", flat=True):
        assert working_day_on_or_before(issued_on) == issued_on, issued_on


def test_the_demos_issued_letters_have_timelines_in_the_order_things_happened_ending_on_the_issue_date(on_day):
    """Never "Approved" on the day the demo was loaded under a letter issued weeks before."""
    on_day(date(2027, 1, 4))
    call_command("seed_demo", stdout=io.StringIO())
    letters = Letter.objects.exclude(issued_on=None)
    assert letters.exists()
    for letter in letters:
        events = list(letter.events.order_by("at", "id"))
        actions = [e.action for e in events if e.action != "edited"]  # a draft from a suggestion is changed
        assert [e.action for e in events][:1] == ["created"], letter.reference
        assert actions == ["created", "submitted", "approved", "issued"], letter.reference
        assert timezone.localdate(events[-1].at) == letter.issued_on, letter.reference
        days = [timezone.localdate(e.at) for e in events]
        assert all(working_day_on_or_before(day) == day for day in days), (letter.reference, days)
        shown = [letter.created_at, letter.submitted_at, letter.approved_at, letter.issued_at]  # the letter's page
        assert shown == sorted(shown), letter.reference
        assert timezone.localdate(letter.issued_at) == letter.issued_on, letter.reference
