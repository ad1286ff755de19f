"""The headteachers asked to prepare a visit are told when it is cancelled or moved, and a visit
planned at short notice is never asked for by a day already past (docs/adr/0084)."""

from datetime import date, time

import pytest
from django.conf import settings
from django.urls import reverse

from visits import pre_visit, pre_visit_emails, services
from visits.models import PreVisitEmail, PreVisitEmailKind, VisitStatus, VisitType

pytestmark = pytest.mark.django_db

TUESDAY, SUNDAY, MONDAY = date(2026, 12, 1), date(2026, 12, 6), date(2026, 12, 7)
VISIT_DAY, LATER_DAY = date(2026, 12, 9), date(2026, 12, 16)


@pytest.fixture
def planned(school, adviser, headteacher, on_day, mailoutbox, django_capture_on_commit_callbacks):
    on_day(TUESDAY)
    with django_capture_on_commit_callbacks(execute=True):
        visit = services.visit_plan(
            school=school, adviser=adviser, visit_date=VISIT_DAY, start_time=time(9, 30),
            visit_type=VisitType.MONITORING, purpose="LA-ONLY-PURPOSE", actor=adviser,
        )  # fmt: skip
    mailoutbox.clear()
    return visit


def record(visit, adviser, **changes):
    fields = {
        "visit": visit, "adviser": adviser, "visit_date": visit.visit_date, "start_time": visit.start_time,
        "length": visit.length, "visit_type": visit.visit_type, "focus_areas": visit.focus_areas, "purpose": "",
        "activities": [], "strengths": "", "areas_for_development": "", "notes": "", "actor": adviser,
    }  # fmt: skip
    return services.visit_record(**(fields | changes))


def test_the_planning_email_gives_the_visits_time_and_length(
    school, adviser, headteacher, on_day, mailoutbox, django_capture_on_commit_callbacks
):
    on_day(TUESDAY)
    with django_capture_on_commit_callbacks(execute=True):
        services.visit_plan(
            school=school, adviser=adviser, visit_date=VISIT_DAY, start_time=time(13, 15), actor=adviser
        )
    assert "on Wednesday 9 December 2026 at 13:15 (half day)." in mailoutbox[0].body


def test_cancelling_a_visit_tells_the_headteachers_asked_to_prepare_it(
    planned, adviser, headteacher, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.visit_cancel(visit=planned, reason="LA-ONLY-REASON: adviser ill", actor=adviser)
    [message] = mailoutbox
    assert message.to == [headteacher.email]
    assert message.subject == f"{settings.SERVICE_NAME}: visit cancelled, {planned.school.name}"
    assert "on Wednesday 9 December 2026 at 09:30 has been cancelled" in message.body
    assert "You do not need to complete or send its pre-visit section" in message.body
    assert settings.SITE_URL.rstrip("/") + reverse("dashboard:home") in message.body
    assert "LA-ONLY" not in message.body  # neither the reason nor the purpose
    email = PreVisitEmail.objects.get(kind=PreVisitEmailKind.CANCELLED)
    assert (email.recipient, email.emailed_at is not None) == (headteacher, True)


def test_moving_a_visit_tells_them_its_new_day_and_time_each_time_it_moves(
    planned, adviser, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record(planned, adviser, visit_date=LATER_DAY, start_time=time(14, 0))
    [moved] = mailoutbox
    assert "visit moved" in moved.subject
    assert "It is now on Wednesday 16 December 2026 at 14:00 (half day)." in moved.body
    assert "by Friday 11 December 2026" in moved.body  # its new due date
    assert settings.SITE_URL.rstrip("/") + reverse("visits:pre_visit", kwargs={"pk": planned.pk}) in moved.body
    with django_capture_on_commit_callbacks(execute=True):
        record(planned, adviser, visit_date=LATER_DAY, start_time=time(9, 0))
    assert "It is now on Wednesday 16 December 2026 at 09:00" in mailoutbox[-1].body
    assert PreVisitEmail.objects.filter(kind=PreVisitEmailKind.MOVED).count() == 2


def test_recording_notes_on_a_visit_that_has_not_moved_tells_nobody(
    planned, adviser, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record(planned, adviser, strengths="Planning notes", visit_type=VisitType.CORE)
    assert mailoutbox == []
    assert not PreVisitEmail.objects.exclude(kind=PreVisitEmailKind.REQUESTED).exists()


def test_a_school_never_asked_to_prepare_a_visit_is_not_told_it_moved(
    school, adviser, headteacher, on_day, mailoutbox, django_capture_on_commit_callbacks
):
    on_day(TUESDAY)
    visit = services.visit_plan(school=school, adviser=adviser, visit_date=VISIT_DAY, actor=adviser)
    PreVisitEmail.objects.all().delete()  # as for a school whose headteacher had no account then
    with django_capture_on_commit_callbacks(execute=True):
        record(visit, adviser, visit_date=LATER_DAY)
        services.visit_cancel(visit=visit, reason="Snow", actor=adviser)
    assert not PreVisitEmail.objects.exists()


def test_an_email_about_a_visit_cancelled_before_it_was_sent_is_not_sent(planned, adviser, mailoutbox):
    record(planned, adviser, visit_date=LATER_DAY)  # its email queued, not sent (no commit here)
    services.visit_cancel(visit=planned, reason="Snow", actor=adviser)
    moved = PreVisitEmail.objects.get(kind=PreVisitEmailKind.MOVED)
    pre_visit_emails.pre_visit_email_send(moved.pk)
    moved.refresh_from_db()
    assert (moved.emailed_at, moved.error) == (None, pre_visit_emails.VISIT_CANCELLED_SINCE)
    assert planned.__class__.objects.get(pk=planned.pk).status == VisitStatus.CANCELLED


def test_a_visit_planned_at_short_notice_is_asked_for_before_the_visit_and_never_reminded_late(
    school, adviser, headteacher, on_day, mailoutbox, django_capture_on_commit_callbacks
):
    """The helper's journey: on Sunday 6 December, a visit planned for Monday 7th asked for the
    section "by Friday 4 December" and the daily task at once said it was late."""
    on_day(SUNDAY)
    with django_capture_on_commit_callbacks(execute=True):
        visit = services.visit_plan(school=school, adviser=adviser, visit_date=MONDAY, actor=adviser)
    assert pre_visit.due_on(visit) == MONDAY
    assert "The visit is soon: please send it before the visit." in mailoutbox[0].body
    assert "Friday 4 December" not in mailoutbox[0].body
    assert pre_visit.pre_visit_emails_send(today=SUNDAY) == []
    on_day(MONDAY)
    assert pre_visit.pre_visit_emails_send() == []  # no "was due on ..." reminder


# ---- what the review found ----------------------------------------------------------------------


def test_a_visit_recorded_after_it_happened_with_its_real_time_tells_nobody_it_moved(
    planned, adviser, on_day, mailoutbox, django_capture_on_commit_callbacks
):
    on_day(date(2026, 12, 10))  # the day after: the adviser writes up the visit, as it was at 10:00
    with django_capture_on_commit_callbacks(execute=True):
        record(planned, adviser, start_time=time(10, 0), strengths="Reading")
    assert mailoutbox == []
    assert not PreVisitEmail.objects.filter(kind=PreVisitEmailKind.MOVED).exists()


def test_a_visit_moved_to_shorter_notice_is_due_by_the_visit_and_never_reminded_late(
    school, adviser, headteacher, on_day, mailoutbox, django_capture_on_commit_callbacks
):
    on_day(TUESDAY)
    with django_capture_on_commit_callbacks(execute=True):
        visit = services.visit_plan(school=school, adviser=adviser, visit_date=LATER_DAY, actor=adviser)
    on_day(date(2026, 12, 14))
    with django_capture_on_commit_callbacks(execute=True):
        record(visit, adviser, visit_date=date(2026, 12, 15))
    visit.refresh_from_db()
    assert (visit.notice_given_on, pre_visit.due_on(visit)) == (date(2026, 12, 14), date(2026, 12, 15))
    assert "Please send the school's pre-visit section before the visit." in mailoutbox[-1].body
    assert pre_visit.pre_visit_emails_send() == []  # no "was due on Friday 11 December"


def test_a_visit_planned_on_the_day_it_would_be_due_is_due_by_the_visit(school, adviser, headteacher, on_day):
    on_day(date(2026, 12, 4))  # Friday, for Monday: due by Friday would be today
    visit = services.visit_plan(school=school, adviser=adviser, visit_date=MONDAY, actor=adviser)
    assert pre_visit.due_on(visit) == MONDAY


def test_of_two_moves_before_the_first_email_went_only_the_latest_is_sent(planned, adviser, mailoutbox):
    record(planned, adviser, visit_date=LATER_DAY, start_time=time(14, 0))  # queued, not sent
    record(planned, adviser, visit_date=LATER_DAY, start_time=time(9, 0))
    first, second = PreVisitEmail.objects.filter(kind=PreVisitEmailKind.MOVED).order_by("pk")
    pre_visit_emails.pre_visit_email_send(first.pk)
    pre_visit_emails.pre_visit_email_send(second.pk)
    first.refresh_from_db()
    assert (first.emailed_at, first.error) == (None, pre_visit_emails.VISIT_MOVED_SINCE)
    [message] = mailoutbox
    assert "at 09:00" in message.body


def test_a_visit_cancelled_before_its_request_went_tells_the_school_nothing(
    school, adviser, headteacher, on_day, mailoutbox
):
    on_day(TUESDAY)
    visit = services.visit_plan(school=school, adviser=adviser, visit_date=VISIT_DAY, actor=adviser)  # queued
    services.visit_cancel(visit=visit, reason="Snow", actor=adviser)
    request = PreVisitEmail.objects.get()
    pre_visit_emails.pre_visit_email_send(request.pk)
    request.refresh_from_db()
    assert (request.kind, request.error) == (PreVisitEmailKind.REQUESTED, pre_visit_emails.VISIT_CANCELLED_SINCE)
    assert mailoutbox == []


def test_a_move_told_after_the_visit_took_place_is_not_sent(planned, adviser, on_day, mailoutbox):
    record(planned, adviser, visit_date=date(2026, 12, 2))  # moved to tomorrow, its email queued
    on_day(date(2026, 12, 2))
    record(planned, adviser, visit_date=date(2026, 12, 2), complete=True)
    moved = PreVisitEmail.objects.get(kind=PreVisitEmailKind.MOVED)
    pre_visit_emails.pre_visit_email_send(moved.pk)
    moved.refresh_from_db()
    assert (moved.emailed_at, moved.error) == (None, pre_visit_emails.VISIT_DONE_SINCE)
