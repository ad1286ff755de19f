"""The school's pre-visit section of a planned visit (issue 14, docs/adr/0028): the rules, the
services and the emails through the task queue."""

import functools
from datetime import date, timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Headship
from accounts.roles import Role
from core.emails import EmailNotSent
from tests.visits.factories import VisitFactory
from visits import pre_visit, pre_visit_emails, services
from visits.models import (
    PreVisitEmail,
    PreVisitEmailKind,
    PreVisitResponse,
    PreVisitSelfEvaluation,
    PreVisitStatus,
    VisitType,
)
from visits.pre_visit import (
    pre_visit_due_days_before_the_visit,
    pre_visit_open_until_the_visit,
    pre_visit_reminded_on_the_due_date,
    pre_visit_sent_complete,
)

pytestmark = pytest.mark.django_db

TUESDAY = date(2026, 12, 1)
FRIDAY_BEFORE = date(2026, 12, 4)
SATURDAY, SUNDAY = date(2026, 12, 5), date(2026, 12, 6)
MONDAY, WEDNESDAY, THURSDAY = date(2026, 12, 7), date(2026, 12, 9), date(2026, 12, 10)
VISIT_DAY = WEDNESDAY  # 3 days before is Sunday 6th: due Friday 4th
FOCUS = ["quality_of_education", "attendance"]


# ---- the rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("visit_date", "days", "due"),
    [
        (MONDAY, 3, FRIDAY_BEFORE),  # 3 days before a Monday is the Friday
        (date(2026, 12, 8), 3, FRIDAY_BEFORE),  # a Tuesday: Saturday, back to Friday
        (WEDNESDAY, 3, FRIDAY_BEFORE),  # a Wednesday: Sunday, back to Friday
        (THURSDAY, 3, MONDAY),  # a Thursday: the Monday, a weekday, kept
        (date(2026, 12, 11), 3, date(2026, 12, 8)),  # a Friday: the Tuesday
        (MONDAY, 1, FRIDAY_BEFORE),  # one day before a Monday is Sunday: Friday
        (MONDAY, 2, FRIDAY_BEFORE),  # Saturday: Friday
        (date(2026, 12, 12), 0, date(2026, 12, 11)),  # a Saturday visit, due the same day: Friday
        (date(2027, 1, 4), 3, date(2026, 12, 31)),  # New Year's Day, a Friday: the Thursday before
        (date(2027, 5, 6), 3, date(2027, 4, 30)),  # the May Day bank holiday (Monday 3 May): the Friday
        (date(2026, 12, 29), 1, date(2026, 12, 24)),  # Monday 28 December, Boxing Day's substitute
    ],
)
def test_pre_visit_due_days_before_the_visit(visit_date, days, due):
    planned_long_before = date(2026, 6, 1)
    assert pre_visit_due_days_before_the_visit(visit_date=visit_date, days=days, planned_on=planned_long_before) == due
    assert due.weekday() < 5


@pytest.mark.parametrize(
    ("planned_on", "due"),
    [
        (date(2026, 12, 3), FRIDAY_BEFORE),  # Thursday for Monday: Friday, still to come
        (FRIDAY_BEFORE, MONDAY),  # planned on the day it would be due: by the visit, not by today
        (date(2026, 12, 5), MONDAY),  # planned on the Saturday: by the visit itself, never a day past
        (SUNDAY, MONDAY),  # the helper's case: planned on Sunday for Monday
        (MONDAY, MONDAY),  # planned on the day of the visit
    ],
)
def test_a_visit_planned_at_shorter_notice_is_due_by_the_visit_itself(planned_on, due):
    assert pre_visit_due_days_before_the_visit(visit_date=MONDAY, days=3, planned_on=planned_on) == due


def test_pre_visit_open_until_the_visit():
    assert pre_visit_open_until_the_visit(status="planned", visit_date=VISIT_DAY, today=TUESDAY)
    assert pre_visit_open_until_the_visit(status="planned", visit_date=VISIT_DAY, today=THURSDAY) is False
    assert pre_visit_open_until_the_visit(status="planned", visit_date=VISIT_DAY, today=VISIT_DAY)  # that morning
    assert pre_visit_open_until_the_visit(status="planned", visit_date=VISIT_DAY, today=SATURDAY)  # late, open
    assert not pre_visit_open_until_the_visit(status="completed", visit_date=VISIT_DAY, today=TUESDAY)
    assert not pre_visit_open_until_the_visit(status="cancelled", visit_date=VISIT_DAY, today=TUESDAY)


def test_pre_visit_sent_complete():
    good = {"quality_of_education": ("strong", "Reading is strong."), "attendance": ("needs_attention", "Low.")}
    assert pre_visit_sent_complete(focus_areas=FOCUS, evaluations=good, wants="Challenge on attendance.") == {}
    assert pre_visit_sent_complete(focus_areas=[], evaluations={}, wants="A look at writing.") == {}
    refused = pre_visit_sent_complete(
        focus_areas=FOCUS,
        evaluations={"quality_of_education": ("", "Text."), "attendance": ("weak", " ")},
        wants="",
    )
    assert refused == {
        "rating_quality_of_education": [pre_visit.RATING_REQUIRED.format(area="quality of education")],
        "rating_attendance": [pre_visit.RATING_REQUIRED.format(area="attendance")],
        "evaluation_attendance": [pre_visit.EVALUATION_REQUIRED.format(area="attendance")],
        "wants_from_visit": [pre_visit.WANTS_REQUIRED],
    }


def test_pre_visit_reminded_on_the_due_date():
    rule = functools.partial(pre_visit_reminded_on_the_due_date, visit_date=MONDAY)
    assert not rule(due_on=FRIDAY_BEFORE, today=date(2026, 12, 3), sent=False, is_open=True)
    assert rule(due_on=FRIDAY_BEFORE, today=FRIDAY_BEFORE, sent=False, is_open=True)
    assert rule(due_on=FRIDAY_BEFORE, today=SUNDAY, sent=False, is_open=True)  # a run missed on the Friday
    assert not rule(due_on=FRIDAY_BEFORE, today=FRIDAY_BEFORE, sent=True, is_open=True)
    assert not rule(due_on=FRIDAY_BEFORE, today=FRIDAY_BEFORE, sent=False, is_open=False)
    assert not rule(due_on=MONDAY, today=MONDAY, sent=False, is_open=True)  # short notice: due by the visit


def test_the_due_date_follows_the_setting(settings):
    visit = VisitFactory.build(visit_date=THURSDAY)
    assert pre_visit.due_on(visit) == MONDAY
    settings.PRE_VISIT_DAYS_BEFORE = 7
    assert pre_visit.due_on(visit) == date(2026, 12, 3)


# ---- asking the school ----------------------------------------------------------------------------


@pytest.fixture
def planned(school, adviser, headteacher, on_day, mailoutbox, django_capture_on_commit_callbacks):
    on_day(TUESDAY)
    school.link_adviser = adviser
    school.save()
    with django_capture_on_commit_callbacks(execute=True):
        visit = services.visit_plan(
            school=school, adviser=adviser, visit_date=VISIT_DAY, visit_type=VisitType.MONITORING,
            focus_areas=FOCUS, purpose="LA-ONLY-PURPOSE", actor=adviser,
        )  # fmt: skip
    return visit


def test_planning_a_visit_emails_the_headteacher_once_committed(planned, headteacher, mailoutbox):
    email = PreVisitEmail.objects.get()
    assert (email.kind, email.recipient) == (PreVisitEmailKind.REQUESTED, headteacher)
    assert email.address == "head@example.org"
    assert email.emailed_at is not None
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["head@example.org"]
    assert "prepare for a visit" in message.subject
    assert "Wednesday 9 December 2026" in message.body
    assert "Friday 4 December 2026" in message.body  # the due date, moved back from the Sunday
    assert "LA-ONLY-PURPOSE" not in message.body
    assert settings.SITE_URL.rstrip("/") + reverse("visits:pre_visit", kwargs={"pk": email.visit_id}) in message.body


def test_the_same_plan_sent_twice_emails_once(planned, adviser, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        again = services.visit_plan(
            school=planned.school, adviser=adviser, visit_date=VISIT_DAY, visit_type=VisitType.MONITORING,
            focus_areas=FOCUS, purpose="LA-ONLY-PURPOSE", actor=adviser,
        )  # fmt: skip
    assert again == planned
    assert PreVisitEmail.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_school_without_a_headteacher_account_is_emailed_nothing(other_school, adviser, on_day, mailoutbox):
    on_day(TUESDAY)
    services.visit_plan(school=other_school, adviser=adviser, visit_date=VISIT_DAY, actor=adviser)
    assert not PreVisitEmail.objects.exists()


def test_a_past_visit_planned_late_asks_nobody(school, adviser, headteacher, on_day):
    on_day(TUESDAY)
    services.visit_plan(school=school, adviser=adviser, visit_date=date(2026, 11, 30), actor=adviser)
    assert not PreVisitEmail.objects.exists()


def test_the_daily_task_asks_a_headteacher_added_later_and_reminds_on_the_due_date_once(
    planned, headteacher, make_user, on_day, mailoutbox, django_capture_on_commit_callbacks
):
    second = make_user(Role.HEADTEACHER, username="cohead", email="cohead@example.org")
    Headship.objects.create(user=second, school=planned.school)
    with django_capture_on_commit_callbacks(execute=True):
        sent = pre_visit.pre_visit_emails_send(today=TUESDAY)
    assert [(e.kind, e.recipient) for e in sent] == [(PreVisitEmailKind.REQUESTED, second)]

    on_day(date(2026, 12, 3))  # Thursday: not due yet
    assert pre_visit.pre_visit_emails_send() == []
    on_day(FRIDAY_BEFORE)  # due today (Sunday moved back to Friday): a reminder to each, once
    with django_capture_on_commit_callbacks(execute=True):
        reminders = pre_visit.pre_visit_emails_send()
    assert {(e.kind, e.recipient) for e in reminders} == {
        (PreVisitEmailKind.REMINDER, headteacher),
        (PreVisitEmailKind.REMINDER, second),
    }
    assert "has not been sent yet" in mailoutbox[-1].body
    on_day(SATURDAY)
    assert pre_visit.pre_visit_emails_send() == []  # a rerun sends nothing twice
    assert PreVisitEmail.objects.count() == 4


def test_no_reminder_once_the_section_is_sent(planned, headteacher, on_day):
    pre_visit.pre_visit_save(
        visit=planned, recent_data="", wants_from_visit="Support with attendance.", send=True, actor=headteacher,
        evaluations={"quality_of_education": ("strong", "Good."), "attendance": ("needs_attention", "Low.")},
    )  # fmt: skip
    on_day(FRIDAY_BEFORE)
    assert pre_visit.pre_visit_emails_send() == []


def test_a_failed_email_is_recorded_and_tried_again(planned, headteacher):
    email = PreVisitEmail.objects.get()
    PreVisitEmail.objects.filter(pk=email.pk).update(emailed_at=None)
    with mock.patch("core.emails.send_mail", side_effect=OSError("connection refused")):
        with pytest.raises(EmailNotSent, match=r"^OSError$"):
            pre_visit_emails.pre_visit_email_send(email.pk, last_attempt=False)
        email.refresh_from_db()
        assert email.error == "Not sent yet (trying again): connection refused"
        pre_visit_emails.pre_visit_email_send(email.pk, last_attempt=True)
    email.refresh_from_db()
    assert email.error == "Could not send: connection refused"
    assert email.emailed_at is None


# ---- the headteacher's answer ------------------------------------------------------------------------


def save(visit, actor, *, send=False, **changes):
    values = {
        "recent_data": "Attendance 93.1% this term.",
        "wants_from_visit": "Challenge on attendance.",
        "evaluations": {"quality_of_education": ("strong", "Reading is strong."), "attendance": ("", "")},
    } | changes
    return pre_visit.pre_visit_save(visit=visit, send=send, actor=actor, **values)


def test_a_draft_may_be_partial_and_is_saved_again(planned, headteacher):
    draft = save(planned, headteacher)
    assert draft.status == PreVisitStatus.DRAFT
    assert draft.submitted_at is None
    again = save(planned, headteacher, recent_data="Attendance 93.4%.")
    assert again.pk == draft.pk
    assert PreVisitResponse.objects.get().recent_data == "Attendance 93.4%."
    assert PreVisitSelfEvaluation.objects.count() == 2
    assert {h.history_user for h in PreVisitResponse.history.all()} == {headteacher}  # who, in the history
    assert {h.history_user for h in PreVisitSelfEvaluation.history.all()} == {headteacher}


def test_sending_needs_every_focus_area_rated_and_explained_and_then_it_is_read_only(planned, headteacher):
    with pytest.raises(ValidationError) as refused:
        save(planned, headteacher, send=True)
    assert set(refused.value.message_dict) == {"rating_attendance", "evaluation_attendance"}
    assert not PreVisitResponse.objects.exists()  # nothing saved when sending is refused
    sent = save(
        planned, headteacher, send=True,
        evaluations={"quality_of_education": ("strong", "Reading."), "attendance": ("needs_attention", "Low.")},
    )  # fmt: skip
    assert sent.status == PreVisitStatus.SUBMITTED
    assert (sent.submitted_by, sent.submitted_at is not None) == (headteacher, True)
    with pytest.raises(ValidationError, match="already sent"):
        save(planned, headteacher)


def test_only_the_schools_headteacher_completes_it(planned, adviser, make_user, other_school):
    other_head = make_user(Role.HEADTEACHER, username="otherhead")
    Headship.objects.create(user=other_head, school=other_school)
    for actor in (adviser, other_head):
        with pytest.raises(ValidationError, match="Only the school's headteacher"):
            save(planned, actor)


def test_it_closes_when_the_visit_is_past_or_completed(planned, headteacher, adviser, on_day):
    on_day(THURSDAY)
    with pytest.raises(ValidationError, match="closed"):
        save(planned, headteacher)
    on_day(TUESDAY)
    services.visit_cancel(visit=planned, reason="The head is ill.", actor=adviser)
    planned.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        save(planned, headteacher)


def test_areas_no_longer_a_focus_leave_the_draft_and_unknown_areas_are_ignored(planned, headteacher):
    save(planned, headteacher, evaluations={"attendance": ("weak", "Low."), "governance": ("strong", "Sneaked in.")})
    assert set(PreVisitSelfEvaluation.objects.values_list("focus_area", flat=True)) == set(FOCUS)
    planned.focus_areas = ["quality_of_education"]
    planned.save()
    save(planned, headteacher)
    assert list(PreVisitSelfEvaluation.objects.values_list("focus_area", flat=True)) == ["quality_of_education"]


def test_the_staff_section_shows_what_was_sent_never_a_draft(planned, headteacher):
    save(planned, headteacher, recent_data="DRAFT-DATA")
    section = pre_visit.staff_section(planned)
    assert section["response"] is not None
    assert (section["sent"], section["rows"]) == (False, [])
    assert section["due_on"] == FRIDAY_BEFORE
    save(
        planned, headteacher, send=True, recent_data="SENT-DATA",
        evaluations={"quality_of_education": ("strong", "Reading."), "attendance": ("needs_attention", "Low.")},
    )  # fmt: skip
    section = pre_visit.staff_section(planned)
    assert section["sent"]
    assert not section["late"]
    assert [(r.label, r.rating_label) for r in section["rows"]] == [
        ("Quality of education", "Strong standard"),
        ("Attendance", "Needs attention"),
    ]


def test_a_visit_planned_after_its_pre_visit_due_date_does_not_say_the_school_failed_to_send_it(
    client_as, school, adviser, headteacher, on_day
):
    """A visit recorded after the fact: nobody was asked, so the page says so rather than "the school
    has not sent its pre-visit section ... and is now closed"."""
    on_day(TUESDAY)
    school.link_adviser = adviser
    school.save()
    visit = services.visit_plan(
        school=school, adviser=adviser, visit_date=TUESDAY - timedelta(days=2), visit_type=VisitType.MONITORING,
        focus_areas=FOCUS, purpose="", actor=adviser,
    )  # fmt: skip
    assert not PreVisitEmail.objects.filter(visit=visit).exists()
    page = client_as("adviser").get(reverse("visits:detail", kwargs={"pk": visit.pk})).content.decode()
    assert "The school was not asked for a pre-visit section" in page
    assert "The school has not sent its pre-visit section" not in page
