"""The pages of the school's pre-visit section (docs/adr/0028): the headteacher completes it from
their home page and "Visits and notes"; the adviser reads what was sent on the visit page and on the
page where they record the visit."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Headship
from accounts.roles import Role
from core.limits import LONG_TEXT, too_long_message
from tests.visits.conftest import content
from tests.visits.factories import VisitFactory
from visits import pre_visit
from visits.models import PreVisitResponse, PreVisitStatus, VisitStatus

pytestmark = pytest.mark.django_db

TUESDAY = date(2026, 12, 1)
FRIDAY_DUE = date(2026, 12, 4)
SATURDAY = date(2026, 12, 5)
VISIT_DAY = date(2026, 12, 9)  # a Wednesday: due Friday 4th
FOCUS = ["quality_of_education", "attendance"]
DRAFT_TEXT = "DRAFT-ONLY-THE-SCHOOL-SEES-3301"


@pytest.fixture
def visit(school, adviser, headteacher, on_day):
    on_day(TUESDAY)
    school.link_adviser = adviser
    school.save()
    return VisitFactory(school=school, adviser=adviser, visit_date=VISIT_DAY, focus_areas=FOCUS, purpose="LA-ONLY-9")


def url(visit):
    return reverse("visits:pre_visit", kwargs={"pk": visit.pk})


COMPLETE = {
    "rating_quality_of_education": "strong",
    "evaluation_quality_of_education": "Reading is taught well from Reception.",
    "rating_attendance": "needs_attention",
    "evaluation_attendance": "Persistent absence is 19%.",
    "recent_data": "Attendance 93.1% this term.",
    "wants_from_visit": "Challenge on our attendance plan.",
}


def test_the_headteacher_finds_the_visit_on_their_home_page_and_visits_and_notes(client_as, visit):
    client = client_as("headteacher")
    home = content(client.get(reverse("dashboard:home")))
    assert "Visits to prepare for" in home
    assert url(visit) in home
    assert "due 4 December 2026" in home
    listed = content(client.get(reverse("visits:shared_notes")))
    assert "Visits and notes" in listed
    assert url(visit) in listed
    assert "Not started" in listed
    page = content(client.get(url(visit)))
    assert "Prepare for the visit" in page
    assert "Friday 4 December 2026" in page
    assert "Your rating of quality of education" in page
    assert "LA-ONLY-9" not in page  # the adviser's purpose is LA material


def test_a_draft_is_saved_and_the_adviser_sees_only_that_it_was_started(client_as, visit):
    client = client_as("headteacher")
    saved = client.post(url(visit), {"recent_data": DRAFT_TEXT, "save_draft": "1"}, follow=True)
    assert "Your draft is saved" in content(saved)
    assert DRAFT_TEXT in content(saved)
    assert PreVisitResponse.objects.get().status == PreVisitStatus.DRAFT
    adviser_page = content(client_as("adviser").get(visit.get_absolute_url()))
    assert "The school has started its pre-visit section but not sent it yet." in adviser_page
    assert DRAFT_TEXT not in adviser_page


def test_sending_it_incomplete_names_each_missing_field(client_as, visit):
    response = client_as("headteacher").post(url(visit), {"rating_quality_of_education": "strong", "send": "1"})
    body = content(response)
    assert response.status_code == 200
    assert "There is a problem" in body
    assert pre_visit.EVALUATION_REQUIRED.format(area="quality of education") in body
    assert pre_visit.RATING_REQUIRED.format(area="attendance") in body
    assert pre_visit.WANTS_REQUIRED in body
    assert 'href="#id_rating_attendance' in body
    assert not PreVisitResponse.objects.exists()


def test_the_headteacher_sends_it_and_the_adviser_reads_it_on_the_visit_and_record_pages(client_as, visit):
    client = client_as("headteacher")
    sent = client.post(url(visit), COMPLETE | {"send": "1"}, follow=True)
    body = content(sent)
    assert "Thank you: your pre-visit section was sent to Adam Reid." in body
    assert "Persistent absence is 19%." in body
    assert "<textarea" not in body  # read-only now
    again = client.post(url(visit), COMPLETE | {"wants_from_visit": "Changed.", "send": "1"}, follow=True)
    assert pre_visit.ALREADY_SENT in content(again)
    assert PreVisitResponse.objects.get().wants_from_visit == "Challenge on our attendance plan."
    assert url(visit) not in content(client.get(reverse("dashboard:home")))  # nothing left to prepare
    assert "Sent" in content(client.get(reverse("visits:shared_notes")))

    adviser = client_as("adviser")
    for page_url in (visit.get_absolute_url(), reverse("visits:record", kwargs={"pk": visit.pk})):
        page = content(adviser.get(page_url))
        assert "The school's pre-visit section" in page
        assert "Reading is taught well from Reception." in page
        assert "Needs attention" in page
        assert "Challenge on our attendance plan." in page
        assert "After the due date" not in page


def test_sent_on_the_saturday_after_the_friday_due_date_it_is_accepted_and_marked_late(client_as, visit, on_day):
    on_day(SATURDAY)
    client_as("headteacher").post(url(visit), COMPLETE | {"send": "1"})
    assert PreVisitResponse.objects.get().is_submitted
    assert "After the due date" in content(client_as("adviser").get(visit.get_absolute_url()))


def test_on_the_due_friday_it_is_not_late(client_as, visit, on_day):
    on_day(FRIDAY_DUE)
    client_as("headteacher").post(url(visit), COMPLETE | {"send": "1"})
    assert "After the due date" not in content(client_as("adviser").get(visit.get_absolute_url()))


def test_after_the_visit_it_is_closed(client_as, visit, on_day):
    on_day(date(2026, 12, 10))
    client = client_as("headteacher")
    page = content(client.get(url(visit)))
    assert "is closed" in page
    assert "<textarea" not in page
    refused = client.post(url(visit), COMPLETE | {"send": "1"}, follow=True)
    assert pre_visit.CLOSED in content(refused)
    assert not PreVisitResponse.objects.exists()


def test_another_schools_headteacher_and_a_visit_never_asked_about_are_not_found(
    client_as, visit, make_user, other_school, school, adviser
):
    other_head = make_user(Role.HEADTEACHER, username="otherhead")
    Headship.objects.create(user=other_head, school=other_school)
    client = client_as("anonymous")
    client.force_login(other_head)
    assert client.get(url(visit)).status_code == 404
    assert client.post(url(visit), COMPLETE | {"send": "1"}).status_code == 404
    assert not PreVisitResponse.objects.exists()
    completed = VisitFactory(school=school, adviser=adviser, status=VisitStatus.COMPLETED)
    assert client_as("headteacher").get(url(completed)).status_code == 404


def test_la_staff_and_governors_cannot_post_it(client_as, visit):
    for role in ("adviser", "officer", "governor", "admin"):
        assert client_as(role).post(url(visit), COMPLETE | {"send": "1"}).status_code == 403
    assert not PreVisitResponse.objects.exists()


def test_over_long_text_is_refused_with_the_govuk_message(client_as, visit):
    response = client_as("headteacher").post(
        url(visit), COMPLETE | {"evaluation_attendance": "x" * (LONG_TEXT + 1), "send": "1"}
    )
    body = content(response)
    assert too_long_message("Your self-evaluation of attendance", LONG_TEXT) in body
    assert not PreVisitResponse.objects.exists()


def test_control_characters_are_normalised(client_as, visit):
    client_as("headteacher").post(
        url(visit), COMPLETE | {"recent_data": "Attendance\x0b93%\u202e\x01 up", "save_draft": "1"}
    )
    assert PreVisitResponse.objects.get().recent_data == "Attendance\n93% up"


# ---- queries ------------------------------------------------------------------------------------------


def _queries(client, page_url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(page_url).status_code == 200
    return len(captured)


def _sent(visit, headteacher, areas):
    visit.focus_areas = areas
    visit.save()
    pre_visit.pre_visit_save(
        visit=visit, recent_data="Data.", wants_from_visit="Help.", send=True, actor=headteacher,
        evaluations={area: ("strong", f"Evaluation of {area}.") for area in areas},
    )  # fmt: skip


def test_the_pages_run_the_same_queries_for_two_focus_areas_as_for_six(client_as, school, adviser, headteacher, on_day):
    on_day(TUESDAY)  # before the visits: their sections are open
    few = VisitFactory(school=school, adviser=adviser, visit_date=VISIT_DAY)
    many = VisitFactory(school=school, adviser=adviser, visit_date=VISIT_DAY)
    _sent(few, headteacher, FOCUS)
    _sent(many, headteacher, [*FOCUS, "phonics", "send", "behaviour", "governance"])
    head, staff = client_as("headteacher"), None
    assert _queries(head, url(few)) == _queries(head, url(many))
    listed = _queries(head, reverse("visits:shared_notes"))
    VisitFactory.create_batch(4, school=school, adviser=adviser, visit_date=VISIT_DAY)
    assert _queries(head, reverse("visits:shared_notes")) == listed
    staff = client_as("adviser")
    for name in ("visits:detail", "visits:record"):
        assert _queries(staff, reverse(name, kwargs={"pk": few.pk})) == _queries(
            staff, reverse(name, kwargs={"pk": many.pk})
        )
