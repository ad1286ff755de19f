"""The action plan pages (docs/adr/0033): the headteacher sends and revises the plan, the LA records
its view, the file is downloaded through a permission check and logged, nothing the LA keeps to
itself reaches the school, and the lists run a bounded number of queries."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from audit.models import ReadEvent
from letters import action_plans, plan_files
from letters.models import ActionPlan, Letter
from letters.models_action_plans import PlanStatus
from letters.views_action_plans import REVIEWED, SENT
from visits.models import Action

from .conftest import PLAN_ISSUED_ON, PLAN_ROWS
from .plan_files import DOCX, EXE, PDF, upload

ISSUED_ON = PLAN_ISSUED_ON  # the letter's day, and today (the plan fixture, conftest)
PLANTED = "PLANTED-INTERNAL-7f3c9"


def _rows(*rows, prefix="actions"):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for n, (description, owner, day) in enumerate(rows):
        data.update(
            {
                f"{prefix}-{n}-description": description,
                f"{prefix}-{n}-owner": owner,
                f"{prefix}-{n}-due_on_0": str(day.day) if day else "",
                f"{prefix}-{n}-due_on_1": str(day.month) if day else "",
                f"{prefix}-{n}-due_on_2": str(day.year) if day else "",
            }
        )
    return data


TWO_ROWS = PLAN_ROWS  # conftest's `sent` plan's actions


def test_the_headteacher_sends_a_plan_with_a_file_and_two_actions(client, plan, headteacher, on_day):
    client.force_login(headteacher)
    url = reverse("letters:school_plan", kwargs={"pk": plan.pk})
    page = client.get(url).content.decode()
    assert "Monday 11 January 2027" in page  # the date it is due
    on_day(date(2027, 1, 6))
    client.force_login(headteacher)
    data = {"text": "", "file": upload("Our plan.docx", DOCX), "send": "1", **_rows(*TWO_ROWS)}
    response = client.post(url, data, follow=True)
    assert SENT in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert plan.file_kind == "docx"
    assert plan.items.count() == 2
    # The form comes back with the actions sent, to revise.
    assert "Train every teacher in phonics" in client.get(url).content.decode()


def test_adding_a_row_keeps_what_was_typed_and_sends_nothing(client, plan, headteacher):
    client.force_login(headteacher)
    url = reverse("letters:school_plan", kwargs={"pk": plan.pk})
    response = client.post(url, {"text": "Draft", "add_action": "1", **_rows(TWO_ROWS[0])})
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 2
    plan.refresh_from_db()
    assert plan.status == PlanStatus.REQUESTED


def test_adding_a_row_before_writing_the_plan_shows_no_error(client, plan, headteacher):
    """The accessibility audit: "Add another action" with the plan not yet written showed the plan's
    error inline, with no error summary, under a title starting "Error:"."""
    client.force_login(headteacher)
    url = reverse("letters:school_plan", kwargs={"pk": plan.pk})
    page = client.post(url, {"text": "", "add_action": "1", **_rows(TWO_ROWS[0])}).content.decode()
    assert "govuk-error-message" not in page
    assert "<title>Error:" not in page
    assert action_plans.PLAN_EMPTY not in page
    sent = client.post(url, {"text": "", **_rows(TWO_ROWS[0])}).content.decode()  # sent: the error shows
    assert "<title>Error:" in sent
    assert action_plans.PLAN_EMPTY in sent


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"file": upload("plan.pdf", EXE)}, plan_files.FILE_NOT_A_PLAN),
        ({"file": upload("plan.pdf", DOCX)}, "The file&#x27;s name ends in .pdf but its content is a DOCX file"),
        ({"text": ""}, action_plans.PLAN_EMPTY),
    ],
)
def test_a_bad_plan_is_refused_with_a_message_and_nothing_written(client, plan, headteacher, data, message):
    client.force_login(headteacher)
    response = client.post(
        reverse("letters:school_plan", kwargs={"pk": plan.pk}), {"send": "1", **data, **_rows(*TWO_ROWS)}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.REQUESTED
    assert not plan.file
    assert not plan.items.exists()


def test_a_plan_without_actions_is_refused_on_the_first_actions_box(client, plan, headteacher):
    """The summary's link takes the headteacher to the first action's box, not to the file upload."""
    client.force_login(headteacher)
    blank = ("", "", None)  # the page's two rows, left blank
    response = client.post(
        reverse("letters:school_plan", kwargs={"pk": plan.pk}), {"text": "Plan", **_rows(blank, blank)}
    )
    page = response.content.decode()
    assert page.count(action_plans.NO_ACTIONS) == 2  # in the summary and on the box
    assert 'href="#id_actions-0-description"' in page
    assert not plan.items.exists()


def test_an_action_due_before_the_letter_or_in_a_mistyped_year_is_refused_on_its_row(client, plan, headteacher):
    client.force_login(headteacher)
    rows = (
        ("Train every teacher in phonics", "school", date(2099, 1, 1)),
        ("Adviser reviews", "la", date(2026, 12, 1)),  # before the letter of 14 December 2026
    )
    response = client.post(
        reverse("letters:school_plan", kwargs={"pk": plan.pk}), {"send": "1", "text": "Plan", **_rows(*rows)}
    )
    page = response.content.decode()
    assert 'href="#id_actions-0-due_on_0"' in page
    assert 'href="#id_actions-1-due_on_0"' in page
    assert "Due date of action 1 must be no later than 14 December 2028, 2 years from today: check the year" in page
    assert "Due date of action 2 must be the same as or after 14 December 2026" in page
    plan.refresh_from_db()
    assert plan.status == PlanStatus.REQUESTED
    assert not plan.items.exists()


def test_a_bad_file_and_a_plan_without_actions_are_named_on_the_page_at_once(client, plan, headteacher):
    client.force_login(headteacher)
    response = client.post(
        reverse("letters:school_plan", kwargs={"pk": plan.pk}),
        {"send": "1", "text": "Plan", "file": upload("plan.pdf", EXE), **_rows()},
    )
    page = response.content.decode()
    assert escape(plan_files.FILE_NOT_A_PLAN) in page
    assert escape(action_plans.NO_ACTIONS) in page


def test_a_bad_file_is_named_with_an_action_rows_error(client, plan, headteacher):
    client.force_login(headteacher)
    row = ("Train every teacher in phonics", "school", None)  # no due date
    response = client.post(
        reverse("letters:school_plan", kwargs={"pk": plan.pk}),
        {"send": "1", "text": "Plan", "file": upload("plan.pdf", EXE), **_rows(row)},
    )
    assert escape(plan_files.FILE_NOT_A_PLAN) in response.content.decode()
    assert response.context["formset"].total_error_count() == 1


def test_a_file_over_the_limit_and_no_actions_are_named_at_once(client, plan, headteacher, settings):
    settings.ACTION_PLAN_MAX_UPLOAD_BYTES = 1000
    client.force_login(headteacher)
    response = client.post(
        reverse("letters:school_plan", kwargs={"pk": plan.pk}),
        {"send": "1", "text": "Plan", "file": upload("plan.pdf", PDF + b"x" * 2000), **_rows(("", "", None))},
    )
    form = response.context["form"]
    assert form.errors["file"]
    assert response.context["formset"].forms[0].errors["description"] == [action_plans.NO_ACTIONS]
    assert not ActionPlan.objects.get(pk=plan.pk).file


def test_a_file_over_the_limit_is_refused_on_the_page(client, plan, headteacher, settings):
    settings.ACTION_PLAN_MAX_UPLOAD_BYTES = 1024
    client.force_login(headteacher)
    big = upload("plan.pdf", PDF + b"0" * 4096)
    response = client.post(reverse("letters:school_plan", kwargs={"pk": plan.pk}), {"file": big, **_rows(*TWO_ROWS)})
    assert response.status_code == 200
    assert "The plan file must be smaller than 1KB" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.REQUESTED


def test_another_schools_headteacher_gets_404(client, plan, make_user, other_school):
    from accounts.models import Headship
    from accounts.roles import Role

    other = make_user(Role.HEADTEACHER, username="otherhead")
    Headship.objects.create(user=other, school=other_school)
    action_plans.action_plan_submit(
        plan=plan, actor=plan.letter.school.headships.first().user, text="Plan",
        items=[action_plans.PlanItem("x", "school", date(2027, 2, 1))], upload=upload("p.pdf", PDF),
    )  # fmt: skip
    client.force_login(other)
    assert client.get(reverse("letters:school_plan", kwargs={"pk": plan.pk})).status_code == 404
    assert client.get(reverse("letters:plan_file", kwargs={"pk": plan.pk})).status_code == 404
    assert client.post(reverse("letters:school_plan", kwargs={"pk": plan.pk}), {}).status_code == 404
    assert "Kingfisher" not in client.get(reverse("letters:school_plans")).content.decode()


def test_the_file_is_downloaded_as_an_attachment_and_the_read_logged(client, sent, headteacher, adviser):
    for person in (headteacher, adviser):
        client.force_login(person)
        response = client.get(reverse("letters:plan_file", kwargs={"pk": sent.pk}))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content) == PDF
        assert ReadEvent.objects.filter(user=person, object_id=sent.pk, view="letters:plan_file").exists()


def test_the_adviser_accepts_the_plan_and_its_actions_join_the_schools_list(client, sent, adviser):
    client.force_login(adviser)
    url = reverse("letters:plan", kwargs={"pk": sent.pk})
    page = client.get(url).content.decode()
    assert "Record the local authority's view" in page
    assert "Our plan.pdf" in page
    response = client.post(url, {"view": "accepted", "view_comments": "", "internal_note": ""}, follow=True)
    assert escape(REVIEWED["accepted"]) in response.content.decode()
    assert set(Action.objects.filter(action_plan=sent).values_list("description", flat=True)) == {
        d for d, _, _ in TWO_ROWS
    }
    assert "On the school's action list" in response.content.decode()


def test_more_needed_without_comments_is_refused_on_the_page(client, sent, officer):
    client.force_login(officer)
    response = client.post(reverse("letters:plan", kwargs={"pk": sent.pk}), {"view": "more_needed"})
    assert action_plans.COMMENTS_REQUIRED in response.content.decode()
    sent.refresh_from_db()
    assert sent.status == PlanStatus.SUBMITTED


def test_the_school_never_sees_the_las_internal_note(
    client, sent, headteacher, adviser, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        action_plans.action_plan_review(
            plan=sent, actor=adviser, view="more_needed", comments="Add governor checks", internal_note=PLANTED
        )
    client.force_login(adviser)
    assert PLANTED in client.get(reverse("letters:plan", kwargs={"pk": sent.pk})).content.decode()
    client.force_login(headteacher)
    pages = [
        reverse("letters:school_plans"),
        reverse("letters:school_plan", kwargs={"pk": sent.pk}),
        reverse("dashboard:home"),
        sent.letter.school.get_absolute_url(),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert PLANTED not in body, url
    assert "Add governor checks" in client.get(pages[1]).content.decode()
    assert mailoutbox
    assert all(PLANTED not in m.body and PLANTED not in m.subject for m in mailoutbox)


def test_the_home_pages_show_plans_to_send_and_to_review(client, plan, headteacher, adviser, on_day):
    client.force_login(headteacher)
    assert (
        "Send the action plan for Kingfisher Primary School" in client.get(reverse("dashboard:home")).content.decode()
    )
    on_day(date(2027, 1, 12))
    client.force_login(adviser)
    home = client.get(reverse("dashboard:home")).content.decode()
    assert "Kingfisher Primary School: action plan overdue" in home


def test_the_staff_homes_list_a_plan_to_review_with_its_school_and_whether_it_came_late(
    client, plan, adviser, officer, on_day
):
    on_day(date(2027, 1, 20))
    sent = date(2027, 1, 14)  # due 11 January
    plans = ActionPlan.objects.filter(pk=plan.pk)
    plans.update(status=PlanStatus.SUBMITTED, submitted_on=sent, first_submitted_on=sent)
    for person in (adviser, officer):
        client.force_login(person)
        home = client.get(reverse("dashboard:home")).content.decode()
        assert "Review the action plan from Kingfisher Primary School" in home
        assert "sent 14 January 2027, late" in home


def _more_plans(plan, count: int) -> None:
    for _ in range(count):
        letter = Letter.objects.get(pk=plan.letter_id)
        letter.pk = None
        letter.save()
        ActionPlan.objects.create(
            letter=letter, due_on=plan.due_on, status=PlanStatus.SUBMITTED, submitted_on=date(2027, 1, 5),
            first_submitted_on=date(2027, 1, 5),
        )  # fmt: skip


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(("who", "url_name"), [("adviser", "letters:plans"), ("headteacher", "letters:school_plans")])
def test_the_plan_lists_run_the_same_queries_however_many_plans(client, plan, who, url_name, request, on_day):
    on_day(date(2027, 1, 20))
    client.force_login(request.getfixturevalue(who))
    url = reverse(url_name)
    _more_plans(plan, 1)
    few = _count(client, url)
    _more_plans(plan, 6)
    assert _count(client, url) == few
    assert few <= 12


def test_the_home_panels_run_the_same_queries_however_many_plans(client, plan, headteacher, adviser, on_day):
    on_day(date(2027, 1, 20))
    for person in (headteacher, adviser):
        client.force_login(person)
        # Each count after a first request: the home's first request after a write brings the
        # stored statuses up to date (the schools' compliance and suggestions), whose queries depend
        # on what was written, not on how many plans there are.
        client.get(reverse("dashboard:home"))
        few = _count(client, reverse("dashboard:home"))
        _more_plans(plan, 4)
        client.get(reverse("dashboard:home"))
        assert _count(client, reverse("dashboard:home")) == few


@pytest.mark.parametrize(
    ("day", "overdue"),
    [(date(2027, 1, 11), False), (date(2027, 1, 12), True), (date(2027, 8, 10), True)],  # due 11 January
)
def test_the_letters_page_tags_a_plan_overdue_the_day_after_it_was_due_as_the_plans_list_does(
    client, plan, officer, on_day, day, overdue
):
    on_day(day)
    client.force_login(officer)
    letter = client.get(reverse("letters:detail", kwargs={"pk": plan.letter_id})).content.decode()
    listed = client.get(reverse("letters:plans")).context["overdue"]
    assert ("Overdue</strong>" in letter) is overdue
    assert (plan in listed) is overdue


def test_a_plan_sent_from_a_tab_opened_before_another_tab_sent_it_is_refused_keeping_what_was_typed(
    client, plan, headteacher
):
    """The review: two tabs of the plan page; the second, stale, replaced the first's plan, both
    saying "sent". The page carries the plan's version (core.versions), as the LA's review does."""
    from core.versions import version_of

    client.force_login(headteacher)
    url = reverse("letters:school_plan", kwargs={"pk": plan.pk})
    opened = version_of(plan)  # both tabs opened now
    first = {"text": "Tab one revision", "send": "1", "version": opened, **_rows(*TWO_ROWS)}
    assert SENT in client.post(url, first, follow=True).content.decode()

    stale = {"text": "Tab two stale revision", "send": "1", "version": opened, **_rows(*TWO_ROWS)}
    page = client.post(url, stale).content.decode()
    assert "saved a change to this plan" in page
    assert "Tab two stale revision" in page  # kept on the page, not lost
    plan.refresh_from_db()
    assert plan.text == "Tab one revision"

    again = {**stale, "version": version_of(plan)}  # sent again knowingly, from the refused page
    client.post(url, again)
    plan.refresh_from_db()
    assert plan.text == "Tab two stale revision"
