"""The reminders page and the daily digest email (core.reminders, dashboard.digest, ADR 0025):
each adviser and officer is told what is due or overdue for them, once a day at most, as often as
they chose, through the task queue; a rerun the same day sends nothing twice."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from accounts.roles import Role
from core.reminders import reminders_for
from dashboard import digest
from dashboard.forms import FREQUENCY_REQUIRED
from dashboard.models import Digest, DigestFrequency, DigestStatus
from letters import services
from tests.categorisation.factories import aware
from tests.conftest import ROLES, collapsed
from tests.factories import SchoolFactory
from tests.letters.factories import draft
from tests.visits.factories import ActionFactory, MspGroupFactory, MspMeetingFactory
from visits import services as visit_services
from visits.models import Action, MspMeetingStatus

pytestmark = pytest.mark.django_db

MONDAY = date(2027, 3, 1)  # in the spring term
TUESDAY = MONDAY + timedelta(days=1)
SATURDAY = MONDAY + timedelta(days=5)
REMINDERS = reverse("dashboard:reminders")


@pytest.fixture
def adviser_with_overdue_action(adviser, on_day):
    on_day(TUESDAY)
    school = SchoolFactory(name="Heron Primary School", link_adviser=adviser)
    ActionFactory(school=school, due_on=TUESDAY - timedelta(days=3))
    return adviser


@pytest.mark.parametrize(
    ("frequency", "day", "sent"),
    [
        (DigestFrequency.DAILY, MONDAY, True),
        (DigestFrequency.DAILY, TUESDAY, True),
        (DigestFrequency.DAILY, SATURDAY, False),
        (DigestFrequency.DAILY, SATURDAY + timedelta(days=1), False),
        (DigestFrequency.WEEKLY, MONDAY, True),
        (DigestFrequency.WEEKLY, TUESDAY, False),
        (DigestFrequency.NONE, MONDAY, False),
        (DigestFrequency.DAILY, date(2027, 8, 10), True),  # officers work in the school holidays
        (DigestFrequency.DAILY, date(2026, 12, 25), False),  # Christmas Day, a Friday
        (DigestFrequency.DAILY, date(2026, 12, 28), False),  # Boxing Day's substitute, a Monday
        (DigestFrequency.WEEKLY, date(2026, 12, 28), False),
        (DigestFrequency.WEEKLY, date(2026, 12, 29), True),  # the week's first working day
        (DigestFrequency.WEEKLY, date(2027, 3, 29), False),  # Easter Monday
        (DigestFrequency.WEEKLY, date(2027, 3, 30), True),
        (DigestFrequency.WEEKLY, date(2027, 3, 31), False),
        (DigestFrequency.DAILY, date(2027, 5, 31), False),  # the spring bank holiday
    ],
)
def test_the_digest_goes_on_working_days_weekly_on_the_first_or_never(frequency, day, sent):
    assert digest.is_digest_day(frequency, day) is sent


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """The digest's email is queued once its record commits: run those callbacks, as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_an_advisers_digest_lists_their_link_schools_overdue_actions_and_goes_once(
    adviser_with_overdue_action, committed
):
    items = reminders_for(user=adviser_with_overdue_action, today=TUESDAY)
    assert [(item.topic, item.overdue) for item in items if item.topic == "Actions"] == [("Actions", True)]
    assert "Heron Primary School: action due 27 February 2027" in [item.text for item in items]

    with committed():
        assert len(digest.digests_send(day=TUESDAY)) == 1
    with committed():
        assert digest.digests_send(day=TUESDAY) == []  # a rerun the same day
    [email] = mail.outbox
    assert email.to == [adviser_with_overdue_action.email]
    assert "OVERDUE: Heron Primary School: action due 27 February 2027" in email.body
    action = Action.objects.get()
    assert f"http://127.0.0.1:8000{action.get_absolute_url()}" in email.body
    assert Digest.objects.get().status == DigestStatus.SENT


def test_nothing_due_means_no_email(adviser, on_day):
    on_day(TUESDAY)
    SchoolFactory(link_adviser=adviser)
    with mock.patch("core.reminders._sources", []):
        assert digest.digests_send(day=TUESDAY) == []
    assert mail.outbox == []


def test_someone_who_chose_mondays_gets_nothing_on_a_tuesday(adviser_with_overdue_action):
    digest.digest_preference_set(user=adviser_with_overdue_action, frequency=DigestFrequency.WEEKLY)
    assert digest.digests_send(day=TUESDAY) == []
    assert digest.digests_send(day=MONDAY + timedelta(days=7)) != []


def test_a_mail_server_failure_is_recorded_and_the_page_says_not_sent(
    adviser_with_overdue_action, client_as, committed
):
    with mock.patch("dashboard.digest.send_mail", side_effect=OSError("connection refused")), committed():
        digest.digests_send(day=TUESDAY)  # inline: one attempt, the last
    sent = Digest.objects.get()
    assert sent.status == DigestStatus.FAILED
    assert "connection refused" in sent.error
    page = client_as("adviser").get(REMINDERS).content.decode()
    assert "not sent (Could not send: connection refused)" in collapsed(page)


def test_an_officer_is_reminded_of_letters_waiting_for_approval(officer, adviser, on_day):
    on_day(TUESDAY)
    letter = draft(SchoolFactory(), "congratulations", actor=adviser)
    services.letter_submit(letter=letter, actor=adviser)
    texts = [item.text for item in reminders_for(user=officer, today=TUESDAY) if item.topic == "Approvals"]
    assert texts == [f"{letter.reference} to {letter.school.name}: waiting for approval"]


def test_the_command_sends_the_days_digests_once(adviser_with_overdue_action, capsys, committed):
    with committed():
        call_command("send_digests", date=TUESDAY.isoformat())
    with committed():
        call_command("send_digests", date=TUESDAY.isoformat())
    assert capsys.readouterr().out.splitlines() == ["Queued 1 reminders email.", "Queued 0 reminders emails."]
    assert len(mail.outbox) == 1


def test_the_reminders_page_lists_the_same_and_saves_how_often(adviser_with_overdue_action, client_as):
    client = client_as("adviser")
    page = client.get(REMINDERS).content.decode()
    assert "Heron Primary School: action due 27 February 2027" in page
    assert "Overdue" in page
    response = client.post(REMINDERS, {"frequency": DigestFrequency.WEEKLY})
    assert response.status_code == 302
    assert digest.frequency_of(adviser_with_overdue_action) == DigestFrequency.WEEKLY
    refused = client.post(REMINDERS, {})
    assert refused.status_code == 200
    assert FREQUENCY_REQUIRED in refused.content.decode()
    assert client.post(REMINDERS, {"frequency": "hourly"}).status_code == 200  # not a choice: the form again


@pytest.mark.parametrize("role", ROLES)
def test_only_advisers_and_officers_have_a_reminders_page(client_as, role):
    expected = {
        "adviser": 200,
        "officer": 200,
        "governor": 403,
        "other_governor": 403,
        "headteacher": 403,
        "admin": 403,
    }
    response = client_as(role).get(REMINDERS)
    assert response.status_code == expected.get(role, 302)
    if role == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))


def test_an_officers_totals_agree_with_a_count_of_one(officer, adviser_with_overdue_action, monkeypatch):
    """Issue 8's "1 rows": one school, group, meeting, action or categorisation is said in the singular."""
    from categorisation.models import Status
    from tests.categorisation.factories import CategorisationFactory
    from visits import reminders as visit_reminders
    from visits.compliance import ComplianceSummary

    ones = ComplianceSummary(
        met=0, due=0, overdue=1, missed_earlier=0, needs_attention=1, msp_to_set_up=1, msp_overdue=1, total=1
    )
    monkeypatch.setattr(visit_reminders, "summarise_stored", lambda stored: ones)
    CategorisationFactory(status=Status.SUBMITTED)

    texts = {item.text for item in reminders_for(user=officer, today=TUESDAY)}

    assert {
        "1 school overdue a visit this term",
        "1 MSP group to set up, 1 MSP meeting overdue",
        "1 action overdue across schools",
        "1 categorisation waiting for approval",
    } <= texts


def test_an_officers_overdue_actions_reminder_leads_to_the_overdue_actions(
    officer, adviser_with_overdue_action, client
):
    (item,) = [item for item in reminders_for(user=officer, today=TUESDAY) if item.topic == "Actions"]
    assert item.text == "1 action overdue across schools"
    client.force_login(officer)
    page = client.get(item.url).content.decode()
    assert escape(Action.objects.get().description) in page  # the action itself, not the visits' compliance


def test_the_emails_subject_agrees_with_a_count_of_one(adviser, settings):
    item = {"topic": "Actions", "text": "Heron Primary School: action due", "url": "/", "due_on": None, "overdue": True}
    one = Digest.objects.create(user=adviser, day=TUESDAY, items=[item])
    two = Digest.objects.create(user=adviser, day=MONDAY, items=[item, {**item, "overdue": False}])

    digest.digest_send(one.pk)
    digest.digest_send(two.pk)

    assert [email.subject for email in mail.outbox] == [
        f"{settings.COUNCIL_NAME}: 1 thing due, 1 overdue",
        f"{settings.COUNCIL_NAME}: 2 things due, 1 overdue",
    ]


def test_an_officer_is_reminded_of_each_meeting_they_chaired_whose_summary_is_not_shared(officer, make_user, on_day):
    """ "The summary key points should be shared with the whole governing body after each meeting."""
    on_day(TUESDAY)
    group = MspGroupFactory(school=SchoolFactory(name="Heron Primary School"), chair=officer)
    waiting = MspMeetingFactory(group=group, held_on=date(2027, 2, 11))
    MspMeetingFactory(group=group, held_on=date(2027, 1, 14), summary_published_at=aware(2027, 1, 15))
    MspMeetingFactory(group=group, held_on=date(2027, 3, 10), status=MspMeetingStatus.PLANNED)

    def unshared(user):
        return [(i.text, i.url) for i in reminders_for(user=user, today=TUESDAY) if "summary" in i.text]

    text = "Heron Primary School: the summary of the MSP meeting of 11 February is not shared"
    assert unshared(officer) == [(text, waiting.get_absolute_url())]
    assert unshared(make_user(Role.OFFICER)) == []
    visit_services.msp_meeting_publish_summary(meeting=waiting, actor=officer)
    assert unshared(officer) == []
