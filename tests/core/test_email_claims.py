"""An email is sent at most once per claim (core.emails.claimed, docs/adr/0014).

A queueing lock only stops a second job while the first waits: the same email's job deferred again
while the first runs (a retry, a resend, the recovery of a stalled job, two workers) ran at the same
time as the first, both passed the "not sent yet" check, and the recipient was sent it twice. Every
sender now claims the email's row first (a row of core.models.EmailClaim, committed at once), sends
outside any transaction, records the outcome, then lets the claim go: a second sender at the same
moment finds it claimed and sends nothing, one that comes after finds it sent.

A claim left by a sender that died is not kept for ever: the stalled job is put back to be run again
by the recovery sweep (core.tasks.recover_stalled_emails: a worker whose heartbeat stopped for
TASK_WORKER_STALLED_SECONDS), and a claim with no job (an email sent outside the queue) is taken
over once older than a send can last. The pages read the email's own row, which a claim leaves as it
was: "not sent yet (queued)" while it is being sent."""

import threading
import uuid
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.mail.backends import locmem
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from core import emails, logs
from core import tasks as queue
from core.models import EmailClaim
from exchange import services as exchange_services
from exchange import tasks as exchange_tasks
from exchange.models import DocumentEmail
from schools import services as school_services
from schools.models import ElectedMemberAlert
from tests.concurrency import at_once, postgresql_only
from tests.core.test_emails import REFUSED_FOR_GOOD, REFUSED_FOR_NOW, SENDERS, councillor_alert, shared_document
from tests.core.test_emails import world as world  # the fixture, shared

SEND_TASK = "exchange.tasks.send_document_email"
the_queues_tables = pytest.mark.skipif(connection.vendor != "postgresql", reason="the queue's tables are PostgreSQL's")


def claim_of(row, **fields) -> EmailClaim:
    """The claim a sender left on `row`'s email (as core.emails.claimed takes it)."""
    fields = {"token": uuid.uuid4(), "claimed_at": timezone.now(), **fields}
    return EmailClaim.objects.create(email=f"{row._meta.label_lower} {row.pk}", **fields)


def run_as_job(job_id: int, email_id: int, attempts: int = 1) -> None:
    """The task exchange.tasks.send_document_email as the queue's worker runs job `job_id`."""
    exchange_tasks.send_document_email(SimpleNamespace(job=SimpleNamespace(id=job_id, attempts=attempts)),
                                       email_id=email_id)  # fmt: skip


# ---- two sends of one email at once (PostgreSQL: each thread on its own connection) --------------


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("name", SENDERS)
def test_one_email_sent_twice_at_once_reaches_its_recipient_once(name, world, monkeypatch, mailoutbox, settings):
    """Both runs are held at the mail server until both reach it (tests.concurrency.hold_at): with a
    claim, the second never reaches it, and the first goes on once its hold times out."""
    settings.TASKS_INLINE = False  # queued as in production: a job waits, nothing is sent yet
    sender = SENDERS[name]
    row = sender.queue(world)
    attempts = []
    send_messages = locmem.EmailBackend.send_messages

    def counted(backend, messages):
        attempts.append(threading.get_ident())
        return send_messages(backend, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", counted)

    def send():
        sender.send(row.pk, last_attempt=False)

    assert at_once(monkeypatch, locmem.EmailBackend, "send_messages", send, send) == ["done", "done"]

    assert len(attempts) == 1
    assert len(mailoutbox) == 1
    assert sender.sent(row)
    assert sender.error(row) == ""
    assert not EmailClaim.objects.exists()  # let go once its outcome is recorded


# ---- a claim held, let go, abandoned ---------------------------------------------------------------


@pytest.mark.django_db
def test_an_email_another_sender_holds_is_not_sent_and_its_page_still_reads_queued(world, client_as, mailoutbox):
    row = shared_document(world)
    with emails.claimed(DocumentEmail.objects.filter(pk=row.pk)) as mine:
        assert mine
        exchange_services.document_email_send(row.pk, last_attempt=False)  # another sender, at the same moment
        assert mailoutbox == []
        page = client_as("adviser").get(reverse("exchange:list", kwargs={"urn": world.school.urn}))
        assert "Email to Hana Marsh queued" in page.content.decode()
    row.refresh_from_db()
    assert (row.emailed_at, row.error) == (None, "")
    assert not EmailClaim.objects.exists()

    exchange_services.document_email_send(row.pk, last_attempt=False)  # the holder's own job tries again
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_an_alert_another_sender_holds_still_reads_waiting_to_send(world, mailoutbox):
    alert = councillor_alert(world)
    claim_of(alert)
    school_services.alert_send(alert.pk, last_attempt=False)
    assert mailoutbox == []
    assert ElectedMemberAlert.objects.get(pk=alert.pk).status == "Waiting to send"


@pytest.mark.django_db
def test_an_email_sent_meanwhile_is_not_sent_again_by_a_sender_that_read_it_before(world, mailoutbox):
    """A sender's first check (emailed_at) reads the row before it claims it: the claim reads it again."""
    row = shared_document(world)
    exchange_services.document_email_send(row.pk, last_attempt=False)
    email = {"subject": "Shared", "body": "A document", "address": row.address, "what": "document"}
    emails.send_and_record(DocumentEmail.objects.filter(pk=row.pk), last_attempt=False, **email)
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_claim_taken_outside_the_queue_is_taken_over_once_older_than_a_send_can_last(world, mailoutbox):
    row = shared_document(world)
    claim = claim_of(row, claimed_at=timezone.now() - emails.unqueued_claim_abandoned_after() + timedelta(seconds=5))
    exchange_services.document_email_send(row.pk, last_attempt=False)
    assert mailoutbox == []  # it may still be sending

    abandoned = timezone.now() - emails.unqueued_claim_abandoned_after() - timedelta(seconds=1)
    EmailClaim.objects.filter(pk=claim.pk).update(claimed_at=abandoned)
    exchange_services.document_email_send(row.pk, last_attempt=False)  # its sender died: taken over
    assert len(mailoutbox) == 1
    assert DocumentEmail.objects.get(pk=row.pk).emailed_at is not None
    assert not EmailClaim.objects.exists()


def test_a_claim_left_outside_the_queue_is_abandoned_only_after_the_mail_servers_timeout_and_the_stall_interval(
    settings,
):
    settings.EMAIL_TIMEOUT, settings.TASK_WORKER_STALLED_SECONDS = 30, 20
    assert emails.unqueued_claim_abandoned_after() == timedelta(seconds=320)


@pytest.mark.django_db
def test_a_claim_nobody_came_back_for_is_deleted_by_the_recovery_after_a_day():
    now = timezone.now()
    for email, age in (
        ("exchange.documentemail 1", timedelta(days=1, seconds=1)),
        ("exchange.documentemail 2", timedelta(hours=23)),
    ):
        EmailClaim.objects.create(email=email, token=uuid.uuid4(), job_id=None, claimed_at=now - age)
    emails.stalled_emails_recover()
    assert list(EmailClaim.objects.values_list("email", flat=True)) == ["exchange.documentemail 2"]


@pytest.mark.django_db
def test_a_job_run_again_takes_back_the_claim_its_earlier_attempt_left(world, mailoutbox):
    row = shared_document(world)
    claim_of(row, job_id=41)  # its worker died while sending
    run_as_job(41, row.pk)
    assert len(mailoutbox) == 1
    assert not EmailClaim.objects.exists()


@pytest.mark.parametrize(
    ("failure", "raised"), [(None, None), (REFUSED_FOR_GOOD, None), (REFUSED_FOR_NOW, emails.EmailNotSent)]
)
@pytest.mark.parametrize("name", SENDERS)
@pytest.mark.django_db
def test_an_email_is_held_while_it_is_sent_and_let_go_once_its_outcome_is_recorded(
    name, failure, raised, world, mailoutbox
):
    """Sent, refused for good (recorded at once), refused for now (raised for the queue to retry)."""
    sender = SENDERS[name]
    row = sender.queue(world)
    held = []

    def mail_server(messages):
        held.extend(EmailClaim.objects.values_list("email", flat=True))
        if failure:
            raise failure
        return len(messages)

    with mock.patch.object(locmem.EmailBackend, "send_messages", side_effect=mail_server):
        if raised:
            with pytest.raises(raised):
                sender.send(row.pk, last_attempt=False)
        else:
            sender.send(row.pk, last_attempt=False)
    assert held == [f"{row._meta.label_lower} {row.pk}"]
    assert sender.sent(row) is (failure is None)
    assert not EmailClaim.objects.exists()


def test_every_task_that_sends_an_email_is_run_again_when_its_worker_dies():
    assert sorted(queue.EMAIL_TASKS) == [
        "accounts.tasks.send_access_email",
        "categorisation.tasks.send_category_notice_email",
        "dashboard.tasks.send_digest",
        "exchange.tasks.send_document_email",
        "letters.tasks.send_action_plan_email",
        "schools.tasks.send_alert",
        "visits.tasks.send_msp_summary_email",
        "visits.tasks.send_note_email",
        "visits.tasks.send_pre_visit_email",
    ]


# ---- a worker that died holding a claim (PostgreSQL: the queue's own tables) -----------------------


def queued_job(world, settings) -> tuple[DocumentEmail, ProcrastinateJob]:
    """A document email queued as in production, and its job, left "doing" by a worker that died
    (no worker: procrastinate's stalled jobs include those whose worker was pruned)."""
    settings.TASKS_INLINE = False
    row = shared_document(world)
    job = ProcrastinateJob.objects.get(task_name=SEND_TASK)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_jobs SET status = 'doing', worker_id = NULL WHERE id = %s", [job.id])
    return row, job


@the_queues_tables
@pytest.mark.django_db
def test_a_claim_of_a_job_whose_worker_died_holds_until_the_recovery_runs_the_job_again(world, settings, mailoutbox):
    row, job = queued_job(world, settings)
    claim_of(row, job_id=job.id)  # its worker died while sending
    exchange_services.document_email_send(row.pk, last_attempt=False)  # another sender meanwhile
    assert mailoutbox == []
    assert DocumentEmail.objects.filter(pk=row.pk, emailed_at=None, error="").exists()  # still reads queued

    assert emails.stalled_emails_recover() == [job.id]
    job = ProcrastinateJob.objects.get(pk=job.id)
    assert (job.status, job.attempts) == ("todo", 1)  # put back to wait, its attempt counted
    assert not EmailClaim.objects.exists()
    assert emails.stalled_emails_recover() == []

    run_as_job(job.id, row.pk)  # a worker runs it again
    assert len(mailoutbox) == 1
    assert DocumentEmail.objects.get(pk=row.pk).emailed_at is not None


@the_queues_tables
@pytest.mark.django_db
def test_a_stalled_job_whose_email_is_queued_again_meanwhile_is_closed_and_the_new_job_sends_it(world, settings):
    row, job = queued_job(world, settings)
    claim_of(row, job_id=job.id)
    queue.defer(exchange_tasks.send_document_email, queueing_lock=f"document-email-{row.pk}", email_id=row.pk)
    assert emails.stalled_emails_recover() == []
    assert ProcrastinateJob.objects.get(pk=job.id).status == "failed"
    assert list(ProcrastinateJob.objects.filter(task_name=SEND_TASK, status="todo").values_list("args", flat=True)) == [
        {"email_id": row.pk, "origin": {"request_id": None, "user_id": None}}
    ]
    assert not EmailClaim.objects.exists()


@the_queues_tables
@pytest.mark.django_db
def test_a_claim_of_a_job_that_no_longer_runs_is_taken_over(world, settings, mailoutbox):
    row, job = queued_job(world, settings)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_jobs SET status = 'failed' WHERE id = %s", [job.id])
    claim_of(row, job_id=job.id)  # its worker closed the job but could not let the claim go
    exchange_services.document_email_send(row.pk, last_attempt=False)
    assert len(mailoutbox) == 1
    assert not EmailClaim.objects.exists()


def test_the_sweep_of_stalled_email_jobs_runs_every_minute_and_quietly():
    crons = {p.task.name: p.cron for p in app.periodic_registry.periodic_tasks.values()}
    assert crons[queue.recover_stalled_emails.name] == "* * * * *"
    assert queue.recover_stalled_emails.name in logs.QUIET_TASKS
