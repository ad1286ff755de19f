"""Fixtures shared by every test: users of each role, a school with its governor, and clients
signed in as each role, so that permission tests for every role cost one line."""

import os
import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.roles import Role
from accounts.services import user_set_role
from schools.models import GovernorRole, Governorship
from tests.factories import SchoolFactory, UserFactory

# The role-matrix harness's asserts show what they compared, as a test module's do.
pytest.register_assert_rewrite("tests.role_matrix")

# The roles every view's permission matrix is tested for. "governor" governs `school`;
# "other_governor" governs a different school; "headteacher" leads `school` (docs/adr/0023).
ROLES = ("anonymous", "governor", "other_governor", "headteacher", "adviser", "officer", "admin")

# The day the suite runs on. Every test reads "today" from the clock (timezone.localdate(),
# factories included), so the whole suite can be run on another day of the school year:
#   pytest --today 2027-02-03        or        TEST_TODAY=2027-02-03 make test
# The clock is moved to 10:30 (Europe/London) that day and keeps running. A test about a
# particular moment freezes it itself with the `time_machine` fixture.
TODAY_OPTION = "--today"
TODAY_TIME = time(10, 30)
LONDON = ZoneInfo("Europe/London")


def moment(day: date, at: time = TODAY_TIME) -> datetime:
    """That day at that time (10:30 by default) in the LA's time zone."""
    return datetime.combine(day, at, LONDON)


def collapsed(html: str) -> str:
    """The page's markup with its layout whitespace taken out, for a test that looks for exact markup:
    none between two tags, every other run of spaces and line breaks one space. The templates are
    formatted (djlint), which may put a tag's attributes, or a text, on lines of their own: assert
    `'<form method="post" action="/x/"' in collapsed(page)`, the expected markup written with single
    spaces and no space between tags (docs/development.md, "Templates")."""
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html))


def pytest_addoption(parser):
    parser.addoption(
        TODAY_OPTION,
        default=os.environ.get("TEST_TODAY", ""),
        metavar="YYYY-MM-DD",
        help="run the whole suite as if today were this day (default: $TEST_TODAY, else the real date)",
    )


def pytest_configure(config):
    value = config.getoption(TODAY_OPTION)
    if not value:
        return
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"{TODAY_OPTION} must be a date as YYYY-MM-DD, not {value!r}") from None
    traveller = time_machine.travel(moment(day), tick=True)
    traveller.start()
    config.add_cleanup(traveller.stop)


def pytest_report_header(config):
    value = config.getoption(TODAY_OPTION)
    if value:
        return f"today: {value} (moved with {TODAY_OPTION} / TEST_TODAY)"
    return f"today: {date.today().isoformat()} (the real date; run on another day with {TODAY_OPTION} YYYY-MM-DD)"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Background tasks run in the test's process, after the transaction commits (core/tasks.py), on
    # PostgreSQL too; tests/service/test_worker.py runs them in a real worker process.
    settings.TASKS_INLINE = True
    # Password hashing is deliberately slow; tests create many users and test nothing about it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # force_login signs in without a second factor: tests of other rules sign officers and admins
    # in that way. The second factor's own tests (tests/accounts/test_second_factor.py) and the
    # browser tests turn the requirement back on with `second_factor_required`.
    settings.SECOND_FACTOR_REQUIRED_ROLES = ()


@pytest.fixture
def second_factor_required(settings):
    """Officers and admins must sign in with a second factor, as in production."""
    settings.SECOND_FACTOR_REQUIRED_ROLES = ("officer", "admin")


@pytest.fixture
def on_day(time_machine):
    """on_day(date(2026, 9, 21)) stops the clock at 10:30 on that day and returns the day: for a
    test of a rule that depends on where today falls in the school year."""

    def move(day: date) -> date:
        time_machine.move_to(moment(day), tick=False)
        return day

    return move


@pytest.fixture
def make_user(db):
    def make(role: Role | None, **kwargs):
        user = UserFactory(**kwargs)
        if role is not None:
            user_set_role(user=user, role=role, actor=None)
        return user

    return make


@pytest.fixture
def school(db):
    return SchoolFactory(name="Kingfisher Primary School")


@pytest.fixture
def other_school(db):
    return SchoolFactory(name="Heron Primary School")


@pytest.fixture
def adviser(make_user):
    return make_user(Role.ADVISER, username="adviser", first_name="Adam", last_name="Reid")


@pytest.fixture
def officer(make_user):
    return make_user(Role.OFFICER, username="officer", first_name="Olivia", last_name="Okafor")


@pytest.fixture
def admin_user(make_user):
    return make_user(Role.ADMIN, username="admin", first_name="Ada", last_name="Morgan")


@pytest.fixture
def governor(make_user, school):
    user = make_user(Role.GOVERNOR, username="governor", first_name="Grace", last_name="Holt")
    Governorship.objects.create(user=user, school=school, role=GovernorRole.CHAIR)
    return user


@pytest.fixture
def other_governor(make_user, other_school):
    user = make_user(Role.GOVERNOR, username="othergovernor")
    Governorship.objects.create(user=user, school=other_school)
    return user


@pytest.fixture
def headteacher(make_user, school):
    """The headteacher of `school` (and of no other)."""
    from accounts.models import Headship

    user = make_user(
        Role.HEADTEACHER, username="headteacher", first_name="Hana", last_name="Marsh", email="head@example.org"
    )
    Headship.objects.create(user=user, school=school)
    return user


@pytest.fixture
def client_as(client, request):
    """client_as("officer") -> a test client signed in as that role's fixture user."""

    def sign_in(role: str):
        if role == "anonymous":
            return client
        user = request.getfixturevalue("admin_user" if role == "admin" else role)
        client.force_login(user)
        return client

    return sign_in
