"""A note of visit shared with the school and acknowledged by its headteacher (issue 14, docs/adr/0023):
the rules, the services, the emails through the task queue and the reminder."""

from datetime import date
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Headship
from accounts.roles import Role
from core import emails
from tests.visits.factories import VisitFactory
from visits import acknowledgement, services
from visits.acknowledgement import (
    a_note_not_acknowledged_is_reminded_after_the_set_days,
    not_accurate_needs_comments,
)
from visits.models import AcknowledgementStatus, NoteAcknowledgement, NoteEmail, NoteEmailKind

pytestmark = pytest.mark.django_db

VISIT_DAY = date(2026, 11, 12)  # a Thursday
SHARE_DAY = date(2026, 11, 13)  # the Friday after


@pytest.fixture
def visit(school, adviser, headteacher, on_day):
    on_day(SHARE_DAY)
    school.link_adviser = adviser
    school.save()
    return VisitFactory(school=school, adviser=adviser, completed=True, visit_date=VISIT_DAY, strengths="Reading.")


@pytest.fixture
def shared(visit, adviser, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = acknowledgement.note_share_with_school(visit=visit, actor=adviser)
    return request


def amend(visit, actor, **changes):
    values = {
        "adviser": visit.adviser, "visit_date": visit.visit_date, "start_time": visit.start_time,
        "length": visit.length, "visit_type": visit.visit_type, "focus_areas": visit.focus_areas,
        "purpose": visit.purpose, "activities": visit.activities, "strengths": visit.strengths,
        "areas_for_development": visit.areas_for_development, "notes": visit.notes,
    }  # fmt: skip
    return services.visit_record(visit=visit, actor=actor, **(values | changes))


# ---- the rules ------------------------------------------------------------------------------------


def test_not_accurate_needs_comments():
    assert not_accurate_needs_comments(accurate=True, comments="  ") == {}
    assert not_accurate_needs_comments(accurate=False, comments=" The date is wrong. ") == {}
    refused = not_accurate_needs_comments(accurate=False, comments="   ")
    assert refused == {"comments": [acknowledgement.COMMENTS_REQUIRED]}
    refused = not_accurate_needs_comments(accurate=None, comments="")
    assert refused == {"accurate": [acknowledgement.ANSWER_REQUIRED]}


def test_a_note_not_acknowledged_is_reminded_after_the_set_days():
    rule = a_note_not_acknowledged_is_reminded_after_the_set_days
    assert not rule(requested_on=SHARE_DAY, today=date(2026, 11, 22), days=10, reminded=False)
    assert rule(requested_on=SHARE_DAY, today=date(2026, 11, 23), days=10, reminded=False)
    assert rule(requested_on=SHARE_DAY, today=date(2026, 12, 23), days=10, reminded=False)
    assert not rule(requested_on=SHARE_DAY, today=date(2026, 11, 23), days=10, reminded=True)
    assert rule(requested_on=SHARE_DAY, today=date(2026, 11, 16), days=3, reminded=False)


# ---- sharing ----------------------------------------------------------------------------------------


def test_sharing_a_note_asks_the_headteacher_and_emails_them_once_committed(shared, visit, headteacher, mailoutbox):
    assert shared.status == AcknowledgementStatus.AWAITING
    visit.refresh_from_db()
    assert visit.shared_on == SHARE_DAY
    assert "Hana Marsh" in visit.shared_with
    assert [m.to for m in mailoutbox] == [[headteacher.email]]
    assert visit.school.name in mailoutbox[0].subject
    assert "Reading." not in mailoutbox[0].body  # the email says where, never what
    email = NoteEmail.objects.get()
    assert (email.kind, email.recipient, email.error) == (NoteEmailKind.SHARED, headteacher, "")
    assert email.emailed_at is not None


def test_a_failed_email_is_recorded_and_the_page_never_says_it_went(
    visit, adviser, client_as, django_capture_on_commit_callbacks
):
    with (
        mock.patch("core.emails.send_mail", side_effect=OSError("connection refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        acknowledgement.note_share_with_school(visit=visit, actor=adviser)
    email = NoteEmail.objects.get()
    assert email.emailed_at is None
    assert "connection refused" in email.error
    page = client_as("adviser").get(visit.get_absolute_url()).content.decode()
    assert "connection refused" in page
    assert "emailed" not in page.lower().replace("each is emailed", "")


def test_a_failed_email_is_raised_for_the_queue_to_retry_before_the_last_attempt(visit, adviser):
    acknowledgement.note_share_with_school(visit=visit, actor=adviser)
    email = NoteEmail.objects.get()
    with (
        mock.patch("core.emails.send_mail", side_effect=OSError("busy")),
        pytest.raises(emails.EmailNotSent, match=r"^OSError$"),
    ):
        acknowledgement.note_email_send(email.pk, last_attempt=False)
    email.refresh_from_db()
    assert email.error.startswith("Not sent yet (trying again)")
    acknowledgement.note_email_send(email.pk)
    email.refresh_from_db()
    assert email.emailed_at is not None
    assert email.error == ""


def test_a_headteacher_without_an_email_address_is_recorded_as_not_emailed(visit, adviser, headteacher):
    headteacher.email = ""
    headteacher.save()
    acknowledgement.note_share_with_school(visit=visit, actor=adviser)
    assert NoteEmail.objects.get().error == emails.NO_EMAIL_ADDRESS


def test_a_planned_visit_is_not_shared(school, adviser, headteacher):
    with pytest.raises(ValidationError, match="completed"):
        acknowledgement.note_share_with_school(visit=VisitFactory(school=school, adviser=adviser), actor=adviser)


def test_a_school_without_a_headteacher_account_cannot_be_shared_with(visit, adviser, headteacher):
    Headship.objects.all().delete()
    with pytest.raises(ValidationError) as refused:
        acknowledgement.note_share_with_school(visit=visit, actor=adviser)
    assert refused.value.messages == [acknowledgement.NO_HEADTEACHER.format(school=visit.school.name)]


def test_a_note_is_shared_once(shared, visit, adviser):
    with pytest.raises(ValidationError, match="already shared"):
        acknowledgement.note_share_with_school(visit=visit, actor=adviser)


def test_an_inactive_or_former_headteacher_is_not_asked(visit, adviser, headteacher, make_user):
    from accounts.services import user_set_role

    user_set_role(user=headteacher, role=Role.GOVERNOR, actor=None)
    with pytest.raises(ValidationError):
        acknowledgement.note_share_with_school(visit=visit, actor=adviser)


# ---- answering, replying, amending -------------------------------------------------------------------


def test_the_headteacher_marks_the_note_accurate(shared, headteacher):
    answered = acknowledgement.note_acknowledge(acknowledgement=shared, accurate=True, actor=headteacher)
    assert (answered.status, answered.responded_by) == (AcknowledgementStatus.ACCURATE, headteacher)
    with pytest.raises(ValidationError, match="already been answered"):
        acknowledgement.note_acknowledge(acknowledgement=shared, accurate=False, comments="x", actor=headteacher)


def test_not_accurate_without_comments_is_refused_and_saves_nothing(shared, headteacher):
    with pytest.raises(ValidationError):
        acknowledgement.note_acknowledge(acknowledgement=shared, accurate=False, comments=" ", actor=headteacher)
    shared.refresh_from_db()
    assert shared.is_awaiting


def test_the_comments_are_kept_without_their_surrounding_spaces(shared, headteacher):
    # Moved here from the rule's test: the service, not the rule, keeps the text (ADR 0042).
    comments = " The date is wrong. "
    answered = acknowledgement.note_acknowledge(
        acknowledgement=shared, accurate=False, comments=comments, actor=headteacher
    )
    assert answered.comments == "The date is wrong."


def test_only_the_schools_headteacher_answers(shared, adviser, governor, make_user, other_school):
    other_head = make_user(Role.HEADTEACHER, username="otherhead")
    Headship.objects.create(user=other_head, school=other_school)
    for someone in (adviser, governor, other_head):
        with pytest.raises(ValidationError, match="Only the school's headteacher"):
            acknowledgement.note_acknowledge(acknowledgement=shared, accurate=True, actor=someone)


def test_the_adviser_replies_to_an_answer_and_the_headteacher_is_emailed(
    shared, headteacher, adviser, mailoutbox, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError, match="nothing to reply to"):
        acknowledgement.note_reply(acknowledgement=shared, reply="Thanks", actor=adviser)
    acknowledgement.note_acknowledge(acknowledgement=shared, accurate=False, comments="Wrong date.", actor=headteacher)
    with django_capture_on_commit_callbacks(execute=True):
        replied = acknowledgement.note_reply(acknowledgement=shared, reply="It was the 12th.", actor=adviser)
    assert (replied.reply, replied.replied_by) == ("It was the 12th.", adviser)
    assert [e.kind for e in NoteEmail.objects.all()] == [NoteEmailKind.SHARED, NoteEmailKind.REPLY]
    assert len(mailoutbox) == 2
    note_url = reverse("visits:shared_note", kwargs={"pk": shared.visit.pk})
    assert all(note_url in message.body for message in mailoutbox)  # each email links to the note
    assert 'under "Notes of visit awaiting your acknowledgement"' in mailoutbox[0].body
    assert 'under "Visits and notes", with the notes you have answered' in mailoutbox[1].body  # not on the home page


def test_an_answer_gets_one_reply_so_the_school_never_loses_what_it_read(shared, headteacher, adviser):
    acknowledgement.note_acknowledge(acknowledgement=shared, accurate=False, comments="Wrong date.", actor=headteacher)
    acknowledgement.note_reply(acknowledgement=shared, reply="It was the 12th.", actor=adviser)
    with pytest.raises(ValidationError) as refused:
        acknowledgement.note_reply(acknowledgement=shared, reply="Ignore that.", actor=adviser)
    assert refused.value.messages == [acknowledgement.ALREADY_REPLIED]
    shared.refresh_from_db()
    assert shared.reply == "It was the 12th."
    assert NoteEmail.objects.filter(kind=NoteEmailKind.REPLY).count() == 1


def test_amending_a_shared_note_records_the_change_and_asks_again(
    shared, visit, headteacher, adviser, mailoutbox, django_capture_on_commit_callbacks
):
    acknowledgement.note_acknowledge(acknowledgement=shared, accurate=False, comments="Maths too.", actor=headteacher)
    with django_capture_on_commit_callbacks(execute=True):
        amend(visit, adviser, strengths="Reading and maths.")
    requests = list(NoteAcknowledgement.objects.order_by("requested_at", "id"))
    assert [r.status for r in requests] == [AcknowledgementStatus.NOT_ACCURATE, AcknowledgementStatus.AWAITING]
    latest = visit.history.latest()
    assert (latest.strengths, latest.history_change_reason) == ("Reading and maths.", acknowledgement.AMENDED_REASON)
    assert NoteEmail.objects.filter(kind=NoteEmailKind.AMENDED, acknowledgement=requests[1]).count() == 1
    assert "amended" in mailoutbox[-1].subject
    acknowledgement.note_acknowledge(acknowledgement=requests[1], accurate=True, actor=headteacher)


def test_amending_while_awaiting_supersedes_the_request(shared, visit, adviser):
    amend(visit, adviser, notes="A new paragraph.")
    shared.refresh_from_db()
    assert shared.status == AcknowledgementStatus.SUPERSEDED
    assert NoteAcknowledgement.objects.filter(visit=visit, status=AcknowledgementStatus.AWAITING).count() == 1


def test_saving_a_shared_note_unchanged_asks_nothing_again(shared, visit, adviser):
    amend(visit, adviser)
    assert NoteAcknowledgement.objects.count() == 1


def test_amending_a_note_never_shared_asks_nobody(visit, adviser):
    amend(visit, adviser, strengths="Changed.")
    assert not NoteAcknowledgement.objects.exists()


# ---- the reminder -------------------------------------------------------------------------------------


def test_the_reminder_goes_once_after_the_set_days_across_a_weekend(
    shared, headteacher, on_day, mailoutbox, django_capture_on_commit_callbacks
):
    on_day(date(2026, 11, 20))  # a Friday, 7 days on
    assert acknowledgement.reminders_send() == []
    on_day(date(2026, 11, 22))  # the Sunday, 9 days on
    assert acknowledgement.reminders_send() == []
    on_day(date(2026, 11, 23))  # the Monday, 10 days on
    with django_capture_on_commit_callbacks(execute=True):
        sent = acknowledgement.reminders_send()
    assert [(e.kind, e.recipient) for e in sent] == [(NoteEmailKind.REMINDER, headteacher)]
    assert "reminder" in mailoutbox[-1].subject
    on_day(date(2026, 11, 24))
    assert acknowledgement.reminders_send() == []  # a rerun sends nothing twice
    assert NoteEmail.objects.filter(kind=NoteEmailKind.REMINDER).count() == 1


def test_the_reminder_follows_the_setting_and_skips_answered_notes(shared, headteacher, on_day, settings):
    settings.NOTE_ACKNOWLEDGEMENT_REMINDER_DAYS = 3
    on_day(date(2026, 11, 16))
    acknowledgement.note_acknowledge(acknowledgement=shared, accurate=True, actor=headteacher)
    assert acknowledgement.reminders_send() == []


def test_the_periodic_reminder_task_reports_how_many_it_sent(shared, on_day):
    from visits.tasks import send_note_reminders

    on_day(date(2026, 11, 30))
    assert send_note_reminders.func(timestamp=0) == 1
    assert send_note_reminders.func(timestamp=0) == 0
