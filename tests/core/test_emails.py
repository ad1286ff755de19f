"""What a queued email's task decides when it runs, not when the email was queued (core.emails,
docs/adr/0014): the task may run hours later, at a retry.

- A refusal for good (the recipient refused: 550 mailbox unavailable; or the message: a 5xx to its
  data) is recorded at once as not sent and never raised for a retry, which would be refused
  again; a refusal for now (4xx: 421, 450), a dropped connection, a timeout or a refusal of the
  service's own set-up (its sign-in, sender, STARTTLS, relaying) is retried as before. One rule
  (core.emails.is_permanent), used by every sender, those that send through
  core.emails.send_and_record and the two that send themselves (councillor alerts, digests).
- An email goes only to someone who may still read what it says: a recipient whose account was
  deactivated since, or who no longer holds the place that made them a recipient (a headship ended,
  a chair's seat given up, the link adviser changed, the role lost), is sent nothing, and the row
  says why. Each sender asks the question its queue asked."""

import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace
from unittest import mock

import pytest

from accounts import access, headships
from accounts import services as account_services
from accounts.models import AccessEvent, AccessEventKind, Headship
from accounts.roles import Role
from categorisation import notices
from categorisation.models import CategoryNoticeEmail, NoticeRecipientRole
from core import emails
from dashboard import digest as digests
from dashboard.models import Digest, DigestStatus
from exchange import services as exchange_services
from exchange.models import DocumentEmail, DocumentKind
from letters import action_plans
from letters.action_plans import PlanItem
from letters.models_action_plans import ActionPlanEmail, PlanEmailKind
from schools import services as school_services
from schools.models import Councillor, ElectedMemberAlert, Governorship
from tests.categorisation.factories import ApprovedCategorisationFactory
from tests.exchange.conftest import PDF
from tests.letters.factories import issued
from tests.visits.factories import MspGroupFactory, MspMeetingFactory, VisitFactory
from visits import acknowledgement, msp_summary_emails, pre_visit, pre_visit_emails
from visits import services as msp_services
from visits.models import ActionOwner, MspSummaryEmail, NoteEmail

pytestmark = pytest.mark.django_db

DAY = date(2026, 12, 14)  # a Monday before the Christmas holiday: the day every email is queued
REFUSED_FOR_GOOD = smtplib.SMTPRecipientsRefused(
    {"x@example.org": (550, b"5.1.1 <x@example.org>: mailbox unavailable")}
)
REFUSED_FOR_NOW = smtplib.SMTPRecipientsRefused({"x@example.org": (421, b"4.7.0 try again later")})


# ---- the rule -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("failure", "permanent"),
    [
        (REFUSED_FOR_GOOD, True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no"), "b@example.org": (553, b"no")}), True),
        (smtplib.SMTPDataError(554, b"5.7.1 message refused"), True),
        (smtplib.SMTPDataError(552, b"5.3.4 message too big"), True),
        (REFUSED_FOR_NOW, False),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no"), "b@example.org": (450, b"busy")}), False),
        (smtplib.SMTPRecipientsRefused({}), False),
        # The service's own set-up, put right by an administrator: every email would fail alike.
        (smtplib.SMTPRecipientsRefused({"a@example.org": (554, b"5.7.1 Relay access denied")}), False),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (530, b"5.7.0 Authentication required")}), False),
        (smtplib.SMTPSenderRefused(553, b"5.7.1 sender not allowed", "service@example.org"), False),
        (smtplib.SMTPAuthenticationError(535, b"5.7.8 authentication failed"), False),
        (smtplib.SMTPResponseException(530, b"5.7.0 Must issue a STARTTLS command first"), False),
        (smtplib.SMTPDataError(451, b"4.3.0 try later"), False),
        (smtplib.SMTPSenderRefused(451, b"4.4.5 later", "service@example.org"), False),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), False),
        (ConnectionRefusedError(111, "Connection refused"), False),
        (TimeoutError("timed out"), False),
    ],
)
def test_a_refusal_is_for_good_only_when_the_server_refuses_the_recipient_or_the_message(failure, permanent):
    assert emails.is_permanent(failure) is permanent


def test_the_log_line_of_a_refusal_for_good_names_its_type_and_code_never_its_text():
    assert emails.failure(REFUSED_FOR_GOOD) == "SMTPRecipientsRefused (550)"
    assert emails.failure(smtplib.SMTPSenderRefused(553, b"<x@example.org>", "x@example.org")) == (
        "SMTPSenderRefused (553)"
    )


# ---- the senders ----------------------------------------------------------------------------------


@pytest.fixture
def world(school, headteacher, governor, adviser, officer, admin_user, make_user, on_day):
    """`school`, its headteacher, its chair of governors (`governor`) and its link adviser, on DAY."""
    on_day(DAY)
    school.link_adviser = adviser
    school.chair_of_governors = "Grace Holt"
    school.save()
    return SimpleNamespace(school=school, head=headteacher, chair=governor, adviser=adviser, officer=officer,
                           admin=admin_user, make_user=make_user)  # fmt: skip


def note_of_visit(w):
    visit = VisitFactory(school=w.school, adviser=w.adviser, completed=True, visit_date=DAY - timedelta(days=1))
    acknowledgement.note_share_with_school(visit=visit, actor=w.adviser)
    return NoteEmail.objects.get()


def pre_visit_form(w):
    visit = VisitFactory(school=w.school, adviser=w.adviser, visit_date=date(2027, 1, 12))
    [email] = pre_visit.pre_visit_request(visit=visit, today=DAY)
    return email


def shared_document(w):
    exchange_services.document_upload(
        school=w.school, actor=w.adviser, kind=DocumentKind.LA_DOCUMENT, title="Review", name="review.pdf", data=PDF
    )
    return DocumentEmail.objects.get()


def document_for_governors(w):
    exchange_services.document_upload(
        school=w.school, actor=w.adviser, kind=DocumentKind.LA_DOCUMENT, title="Pack", name="pack.pdf", data=PDF,
        for_governors=True,
    )  # fmt: skip
    return DocumentEmail.objects.get(recipient=w.chair)


def msp_summary_published(w):
    meeting = MspMeetingFactory(group=MspGroupFactory(school=w.school, chair=w.officer))
    msp_services.msp_meeting_publish_summary(meeting=meeting, actor=w.officer)
    return MspSummaryEmail.objects.get()


def category_notice(role):
    def queue(w):
        categorisation = ApprovedCategorisationFactory(school=w.school)
        notices.category_notice_send(categorisation=categorisation, actor=w.officer)
        return CategoryNoticeEmail.objects.get(role=role)

    return queue


def plan_asked_for(w):
    issued(w.school, "significant_concerns", drafter=w.adviser, officer=w.officer)
    return ActionPlanEmail.objects.get(kind=PlanEmailKind.REQUESTED)


def plan_sent_to_the_la(w):
    plan = issued(w.school, "significant_concerns", drafter=w.adviser, officer=w.officer).action_plan
    item = PlanItem("Train every teacher in phonics", ActionOwner.SCHOOL, date(2027, 2, 12))
    action_plans.action_plan_submit(plan=plan, actor=w.head, text="Our plan", items=[item], today=DAY)
    return ActionPlanEmail.objects.get(kind=PlanEmailKind.SUBMITTED)


def daily_digest(w):
    item = {"topic": "Actions", "text": "An action is overdue", "url": "/visits/actions/", "due_on": None,
            "overdue": True}  # fmt: skip
    return Digest.objects.create(user=w.adviser, day=DAY, items=[item])


def access_notice(w):
    event = access.access_event_record(kind=AccessEventKind.PASSWORD_SET, user=w.officer, actor=w.admin)
    AccessEvent.objects.filter(pk=event.pk).update(emailed_to=w.officer.email)
    return AccessEvent.objects.get(pk=event.pk)


def councillor_alert(w):
    Councillor.objects.create(ward=w.school.ward, name="Jane Doe", email="jane@example.gov.uk")
    return school_services.elected_members_alert(school=w.school, kind="high_support", summary="High.", actor=None)


def headship_ended(w):
    headships.headship_remove(headship=Headship.objects.get(user=w.head, school=w.school), actor=w.officer)


def chair_stood_down(w):
    school_services.governorship_remove(governorship=Governorship.objects.get(user=w.chair), actor=w.officer)


def link_adviser_changed(w):
    w.school.link_adviser = w.make_user(Role.ADVISER, username="newadviser")
    w.school.save()


def adviser_left_the_role(w):
    account_services.user_set_role(user=w.adviser, role=Role.GOVERNOR, actor=w.officer)


@dataclass(frozen=True)
class Sender:
    queue: Callable  # queue(world): the row of an email queued (not yet sent)
    send: Callable  # send(row id, last_attempt=...): the task's work
    mail: str  # the send_mail the sender calls
    recipient: str = ""  # who in the world it is addressed to (an account), "" for addresses
    seat: str = ""  # what made them a recipient, as the row says it (core.emails)
    leave: Callable | None = None  # leave(world): the recipient no longer holds the seat
    error_field: str = "error"
    sent_field: str = "emailed_at"

    def error(self, row) -> str:
        row.refresh_from_db()
        return getattr(row, self.error_field)

    def sent(self, row) -> bool:
        row.refresh_from_db()
        return getattr(row, self.sent_field) is not None

    def retrying(self, row) -> bool:
        """Recorded as to be tried again (the queue's next attempt)."""
        if isinstance(row, Digest):
            return row.status == DigestStatus.WAITING
        return self.error(row).startswith("Not sent yet (trying again)")


SENDERS_TO_ACCOUNTS = {
    "note of visit": Sender(note_of_visit, acknowledgement.note_email_send, "core.emails.send_mail", "head",
                            emails.A_HEADTEACHER, headship_ended),
    "pre-visit": Sender(pre_visit_form, pre_visit_emails.pre_visit_email_send, "core.emails.send_mail", "head",
                        emails.A_HEADTEACHER, headship_ended),
    "document": Sender(shared_document, exchange_services.document_email_send, "core.emails.send_mail", "head",
                       emails.A_HEADTEACHER, headship_ended),
    "document to a governor": Sender(document_for_governors, exchange_services.document_email_send,
                                     "core.emails.send_mail", "chair", emails.A_GOVERNOR, chair_stood_down),
    "MSP summary published": Sender(msp_summary_published, msp_summary_emails.summary_email_send,
                                    "core.emails.send_mail", "chair", emails.A_GOVERNOR, chair_stood_down),
    "category to the headteacher": Sender(category_notice(NoticeRecipientRole.HEADTEACHER), notices.category_email_send,
                                          "core.emails.send_mail", "head", emails.A_HEADTEACHER, headship_ended),
    "category to the chair": Sender(category_notice(NoticeRecipientRole.CHAIR), notices.category_email_send,
                                    "core.emails.send_mail", "chair", emails.THE_CHAIR, chair_stood_down),
    "action plan asked for": Sender(plan_asked_for, action_plans.action_plan_email_send, "core.emails.send_mail",
                                    "head", emails.A_HEADTEACHER, headship_ended),
    "action plan sent to the LA": Sender(plan_sent_to_the_la, action_plans.action_plan_email_send,
                                         "core.emails.send_mail", "adviser", emails.A_REVIEWER, link_adviser_changed),
    "digest": Sender(daily_digest, digests.digest_send, "dashboard.digest.send_mail", "adviser", emails.LA_STAFF,
                     adviser_left_the_role, sent_field="sent_at"),
}  # fmt: skip
SENDERS = SENDERS_TO_ACCOUNTS | {
    "access notice": Sender(access_notice, access.access_email_send, "core.emails.send_mail",
                            error_field="email_error"),
    "councillor alert": Sender(councillor_alert, school_services.alert_send, "schools.services.send_mail",
                               sent_field="sent_at"),
}  # fmt: skip


def deactivate(user, admin) -> None:
    account_services.user_update(user=user, first_name=user.first_name, last_name=user.last_name, email=user.email,
                                 role=user.role, is_active=False, actor=admin)  # fmt: skip


@pytest.mark.parametrize("name", SENDERS)
def test_a_refusal_for_good_is_recorded_as_not_sent_at_once_and_never_retried(name, world, mailoutbox):
    sender = SENDERS[name]
    row = sender.queue(world)
    with mock.patch(sender.mail, side_effect=REFUSED_FOR_GOOD) as send_mail:
        sender.send(row.pk, last_attempt=False)  # not the last attempt, and still not raised for a retry
    assert send_mail.call_count == 1
    assert not sender.sent(row)
    assert sender.error(row) == emails.COULD_NOT_SEND.format(error=REFUSED_FOR_GOOD)
    assert not sender.retrying(row)


@pytest.mark.parametrize("failure", [REFUSED_FOR_NOW, ConnectionRefusedError(111, "Connection refused")])
@pytest.mark.parametrize("name", SENDERS)
def test_a_refusal_for_now_or_a_lost_connection_is_raised_for_the_queue_to_retry(name, failure, world, mailoutbox):
    sender = SENDERS[name]
    row = sender.queue(world)
    with mock.patch(sender.mail, side_effect=failure), pytest.raises(emails.EmailNotSent):
        sender.send(row.pk, last_attempt=False)
    assert not sender.sent(row)
    assert sender.retrying(row)
    assert str(failure) in sender.error(row)


@pytest.mark.parametrize("name", SENDERS_TO_ACCOUNTS)
def test_a_recipient_who_still_may_read_it_is_sent_it(name, world, mailoutbox):
    sender = SENDERS_TO_ACCOUNTS[name]
    row = sender.queue(world)
    assert mailoutbox == []  # queued, not sent
    sender.send(row.pk, last_attempt=False)
    assert [m.to for m in mailoutbox] == [[getattr(world, sender.recipient).email]]
    assert sender.sent(row)
    assert sender.error(row) == ""


@pytest.mark.parametrize("name", SENDERS_TO_ACCOUNTS)
def test_a_recipient_deactivated_after_it_was_queued_is_sent_nothing_and_the_row_says_why(name, world, mailoutbox):
    sender = SENDERS_TO_ACCOUNTS[name]
    row = sender.queue(world)
    person = getattr(world, sender.recipient)
    deactivate(person, world.admin)
    sender.send(row.pk, last_attempt=False)  # nothing raised: there is nothing to retry
    assert mailoutbox == []
    assert not sender.sent(row)
    assert sender.error(row) == emails.NO_LONGER_ACTIVE.format(name=person)


@pytest.mark.parametrize("name", SENDERS_TO_ACCOUNTS)
def test_a_recipient_no_longer_in_the_place_that_made_them_one_is_sent_nothing_and_the_row_says_why(
    name, world, mailoutbox
):
    """A headship ended (by an officer, or by a GIAS import naming a new head: accounts.headship_ends),
    a chair's seat given up, another link adviser named, the adviser's role changed."""
    sender = SENDERS_TO_ACCOUNTS[name]
    row = sender.queue(world)
    person = getattr(world, sender.recipient)
    sender.leave(world)
    sender.send(row.pk, last_attempt=False)
    assert mailoutbox == []
    assert not sender.sent(row)
    assert sender.error(row) == emails.NO_LONGER_ENTITLED.format(name=person, seat=sender.seat)
    assert sender.error(row).startswith("Not sent: ")


def test_an_officer_told_of_a_plan_for_a_school_with_no_link_adviser_is_still_sent_it(world, mailoutbox):
    """The LA's recipients of a plan are its link adviser or, with none, the officers: an officer
    is still one whoever the school's link adviser is now."""
    world.school.link_adviser = None
    world.school.save()
    row = plan_sent_to_the_la(world)
    assert row.recipient == world.officer
    link_adviser_changed(world)
    action_plans.action_plan_email_send(row.pk, last_attempt=False)
    assert [m.to for m in mailoutbox] == [[world.officer.email]]


def test_a_recipient_not_sent_an_email_is_not_named_in_the_log(world, caplog):
    row = note_of_visit(world)
    deactivate(world.head, world.admin)
    with caplog.at_level("INFO", logger="core.emails"):
        acknowledgement.note_email_send(row.pk, last_attempt=False)
    [line] = [record.getMessage() for record in caplog.records if record.name == "core.emails"]
    assert line == (
        f"The note-of-visit email (visits.noteemail {row.pk}) is not sent: its recipient may no longer read it"
    )
    assert str(world.head) not in line
    assert world.head.email not in line


def test_an_alert_refused_for_good_reads_not_sent_on_the_page(world):
    alert = councillor_alert(world)
    with mock.patch("schools.services.send_mail", side_effect=REFUSED_FOR_GOOD):
        school_services.alert_send(alert.pk, last_attempt=False)
    assert ElectedMemberAlert.objects.get(pk=alert.pk).status == "Not sent"


def test_a_digest_refused_for_good_is_marked_not_sent(world):
    row = daily_digest(world)
    with mock.patch("dashboard.digest.send_mail", side_effect=REFUSED_FOR_GOOD):
        digests.digest_send(row.pk, last_attempt=False)
    row.refresh_from_db()
    assert row.status == DigestStatus.FAILED
