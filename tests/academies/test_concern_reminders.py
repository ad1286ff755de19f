"""Reminders of academy concerns (academies.reminders, registered in core.reminders): the owner of an
open concern is reminded on its next review date and after it (overdue), on the reminders page and
in the daily email; only of concerns they may read (a whistleblowing concern: officers only)."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from academies import services
from academies.models import Concern, ConcernSource, ConcernStatus, ConcernType, Rag
from academies.reminders import TOPIC, reminders
from accounts.roles import Role
from accounts.services import user_set_role
from core.reminders import reminders_for
from dashboard import digest
from dashboard.models import Digest
from tests.conftest import collapsed
from tests.factories import SchoolFactory

from .conftest import DAY

pytestmark = pytest.mark.django_db

FRIDAY = date(2026, 12, 4)
SATURDAY = FRIDAY + timedelta(days=1)  # the review date: the email goes on working days only
SUNDAY = FRIDAY + timedelta(days=2)
MONDAY = FRIDAY + timedelta(days=3)
DUE_TEXT = "Review the concern about Osprey Academy (raised 16 November 2026): due 5 December 2026"


@pytest.fixture
def concern_owned(academy, on_day):
    """concern_owned(owner, ...) -> an open concern about Osprey Academy raised on DAY, owned by
    `owner`, its next review on SATURDAY unless given."""
    on_day(DAY)

    def make(owner, *, source=ConcernSource.LA_MONITORING, next_review_on=SATURDAY, school=None, actor=None):
        return services.concern_open(
            school=school or academy,
            source=source,
            concern_types=list(ConcernType.objects.filter(code="declining_performance")),
            description="Key stage 2 results fell for the third year.",
            raised_on=DAY,
            rag=Rag.AMBER,
            rag_reason="Falling results.",
            owner=owner,
            next_review_on=next_review_on,
            actor=actor or owner,
        )

    return make


def listed(user, day):
    return [(r.text, r.url, r.due_on, r.overdue) for r in reminders(user=user, today=day)]


def test_the_owner_is_reminded_on_the_review_date_and_after_it_as_overdue_not_before(officer, concern_owned):
    concern = concern_owned(officer)
    url = concern.get_absolute_url()

    assert listed(officer, FRIDAY) == []  # the day before
    assert listed(officer, SATURDAY) == [(DUE_TEXT, url, SATURDAY, False)]  # the day itself: due
    assert listed(officer, SUNDAY) == [(DUE_TEXT, url, SATURDAY, True)]  # overdue after it
    assert listed(officer, MONDAY + timedelta(days=30)) == [(DUE_TEXT, url, SATURDAY, True)]


def test_a_review_set_for_today_is_due_at_once(officer, concern_owned):
    concern = concern_owned(officer, next_review_on=DAY)
    assert [(r.due_on, r.overdue) for r in reminders(user=officer, today=DAY)] == [(DAY, False)]
    assert reminders(user=officer, today=DAY - timedelta(days=1)) == []
    assert concern.next_review_on == DAY


def test_no_next_review_date_no_reminder(officer, concern_owned):
    """The next review date is optional (the strategy names none, ADR 0058): nothing is invented."""
    concern_owned(officer, next_review_on=None)
    assert listed(officer, MONDAY) == []


@pytest.mark.parametrize("status", [ConcernStatus.RESOLVED, ConcernStatus.CLOSED])
def test_a_resolved_or_closed_concern_is_no_reminder_until_reopened(officer, concern_owned, on_day, status):
    concern = concern_owned(officer)
    on_day(MONDAY)
    assert len(listed(officer, MONDAY)) == 1
    services.concern_end(concern=concern, status=status, outcome="Results recovered.", actor=officer)
    assert listed(officer, MONDAY) == []
    services.concern_reopen(concern=concern, reason="Results fell again.", actor=officer)
    assert [overdue for *_, overdue in listed(officer, MONDAY)] == [True]


def test_only_the_owner_is_reminded(officer, adviser, make_user, concern_owned):
    concern_owned(officer)
    other_officer = make_user(Role.OFFICER, username="officer2")
    assert len(listed(officer, MONDAY)) == 1
    assert listed(other_officer, MONDAY) == []
    assert listed(adviser, MONDAY) == []


def test_a_safeguarding_concern_reminds_its_owner_adviser_or_officer(officer, adviser, concern_owned):
    concern_owned(adviser, source=ConcernSource.SAFEGUARDING)
    concern_owned(officer, source=ConcernSource.SAFEGUARDING)
    assert [overdue for *_, overdue in listed(adviser, MONDAY)] == [True]
    assert [overdue for *_, overdue in listed(officer, MONDAY)] == [True]


def test_an_adviser_is_never_reminded_of_a_whistleblowing_concern(officer, adviser, concern_owned):
    """Only officers read whistleblowing concerns. An adviser cannot be made its owner now (ADR 0056),
    but one may still be: a concern owned by an adviser before that rule, or an officer who became an
    adviser. Neither is reminded of it; an adviser's other concern still reminds them."""
    mine = concern_owned(adviser)
    legacy = concern_owned(officer, source=ConcernSource.WHISTLEBLOWING)
    Concern.objects.filter(pk=legacy.pk).update(owner=adviser)  # as before ADR 0056
    assert [url for _, url, *_ in listed(adviser, MONDAY)] == [mine.get_absolute_url()]

    former_officer = officer
    held = concern_owned(former_officer, source=ConcernSource.WHISTLEBLOWING)
    assert [url for _, url, *_ in listed(former_officer, MONDAY)] == [held.get_absolute_url()]
    user_set_role(user=former_officer, role=Role.ADVISER, actor=None)
    assert listed(former_officer, MONDAY) == []
    assert all(item.topic != TOPIC for item in reminders_for(user=former_officer, today=MONDAY))


def test_someone_who_can_no_longer_read_concerns_is_not_reminded(adviser, concern_owned):
    concern_owned(adviser)
    assert len(listed(adviser, MONDAY)) == 1
    user_set_role(user=adviser, role=Role.GOVERNOR, actor=None)
    assert listed(adviser, MONDAY) == []


def test_the_reminders_page_lists_it_and_links_to_the_concern(officer, concern_owned, client_as, on_day):
    concern = concern_owned(officer)

    def page_on(day):
        on_day(day)
        response = client_as("officer").get(reverse("dashboard:reminders"))  # signed in that day
        assert response.status_code == 200
        return collapsed(response.content.decode())

    assert "Nothing is due or overdue for you today." in page_on(FRIDAY)
    assert DUE_TEXT not in page_on(FRIDAY)
    page = page_on(MONDAY)
    assert f'<h2 class="govuk-heading-m">{TOPIC}</h2>' in page
    link = f'<a class="govuk-link" href="{concern.get_absolute_url()}">{DUE_TEXT}</a>'
    assert f'<strong class="govuk-tag govuk-tag--red">Overdue</strong>{link}' in page
    assert client_as("officer").get(concern.get_absolute_url()).status_code == 200


def test_the_digest_lists_it_on_the_next_working_day_and_sends_nothing_before(
    officer, concern_owned, django_capture_on_commit_callbacks, settings
):
    """The review falls on a Saturday: no email that day (a weekend) nor the Friday before (not due);
    Monday's email lists it as overdue, with its link."""
    concern = concern_owned(officer)
    with mock.patch("core.reminders._sources", [reminders]):
        assert digest.digests_send(day=FRIDAY) == []  # nothing due: nothing to send
        assert digest.digests_send(day=SATURDAY) == []  # due, but not a working day
        with django_capture_on_commit_callbacks(execute=True):
            [sent] = digest.digests_send(day=MONDAY)
    assert sent.items == [
        {"topic": TOPIC, "text": DUE_TEXT, "url": concern.get_absolute_url(), "due_on": "2026-12-05", "overdue": True}
    ]
    [email] = mail.outbox
    assert email.to == [officer.email]
    assert f"{TOPIC}\n- OVERDUE: {DUE_TEXT}\n  {settings.SITE_URL}{concern.get_absolute_url()}\n" in email.body
    assert Digest.objects.count() == 1


def test_the_digest_of_everything_registered_includes_it(officer, concern_owned):
    concern_owned(officer)
    items = [item for item in reminders_for(user=officer, today=MONDAY) if item.topic == TOPIC]
    assert [(item.text, item.overdue) for item in items] == [(DUE_TEXT, True)]


def test_the_queries_do_not_grow_with_the_concerns(officer, concern_owned, django_assert_num_queries):
    concern_owned(officer)
    reminders(user=officer, today=MONDAY)  # the user's groups, read once and kept
    with django_assert_num_queries(1):
        assert len(reminders(user=officer, today=MONDAY)) == 1
    for n in range(30):
        school = SchoolFactory(name=f"Academy {n:02}", academy=True)
        concern_owned(officer, school=school, next_review_on=FRIDAY)
    with django_assert_num_queries(1):
        found = reminders(user=officer, today=MONDAY)
    assert len(found) == 20  # the earliest twenty, as the other sources list
    assert [r.due_on for r in found] == [FRIDAY] * 20
