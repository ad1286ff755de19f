"""MSP members from the school (issue 14, docs/adr/0031): the headteacher and the chair or
vice-chair of governors read the minutes of the meetings they attended and the actions the school
owns from them; the governing body as a whole still sees only the published summary key points."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Headship
from accounts.roles import Role
from schools.models import GovernorRole, Governorship
from tests.visits.conftest import content, date_fields
from tests.visits.factories import ActionFactory, MspGroupFactory, MspMeetingFactory
from visits import msp_members, services
from visits.models import ActionOwner, MspMeeting

pytestmark = pytest.mark.django_db

MINUTES = "PLANTED-MINUTES-only-for-those-who-attended"
OTHER_MINUTES = "PLANTED-MINUTES-of-a-meeting-the-head-missed"
LA_ACTION = "PLANTED-LA-owned-action"
SUMMARY = "Published summary key points for the whole governing body"


@pytest.fixture
def meetings(school, officer, headteacher):
    group = MspGroupFactory(school=school, chair=officer, set_up_on=date(2026, 9, 7))  # before its meetings on any day
    attended = MspMeetingFactory(
        group=group,
        held_on=date(2026, 10, 5),
        minutes=MINUTES,
        summary_key_points=SUMMARY,
        summary_published_at=timezone.now(),
    )
    attended.school_attendees.add(headteacher)
    missed = MspMeetingFactory(group=group, held_on=date(2026, 11, 2), minutes=OTHER_MINUTES)
    ActionFactory(school=school, msp_meeting=attended, description="School-owned action from the meeting")
    ActionFactory(school=school, msp_meeting=attended, description=LA_ACTION, owner=ActionOwner.LA)
    ActionFactory(school=school, msp_meeting=missed, description="School action from a meeting the head missed")
    return {"group": group, "attended": attended, "missed": missed}


def attended_url(meeting) -> str:
    return reverse("visits:msp_attended_meeting", kwargs={"pk": meeting.pk})


def test_members_read_the_minutes_of_meetings_they_attended(client_as, meetings):
    page = content(client_as("headteacher").get(attended_url(meetings["attended"])))
    assert MINUTES in page
    assert "School-owned action from the meeting" in page
    assert LA_ACTION not in page
    assert "School action from a meeting the head missed" not in page


def test_a_member_gets_404_for_a_meeting_they_did_not_attend(client_as, meetings):
    response = client_as("headteacher").get(attended_url(meetings["missed"]))
    assert response.status_code == 404
    listing = content(client_as("headteacher").get(reverse("visits:msp_attended")))
    assert "5 October 2026" in listing
    assert "2 November 2026" not in listing


def test_a_meeting_of_another_school_is_not_found_even_if_marked_attended(client_as, meetings, other_school, officer):
    elsewhere = MspMeetingFactory(group=MspGroupFactory(school=other_school, chair=officer), minutes="Other school")
    elsewhere.school_attendees.add(Headship.objects.get().user)  # planted past the service's check
    assert client_as("headteacher").get(attended_url(elsewhere)).status_code == 404


def test_a_headteacher_who_leaves_the_school_loses_the_minutes(client_as, meetings):
    Headship.objects.all().delete()
    assert client_as("headteacher").get(attended_url(meetings["attended"])).status_code == 404


def test_a_chair_of_governors_who_attended_reads_the_minutes(client_as, meetings, governor):
    meetings["attended"].school_attendees.add(governor)
    page = content(client_as("governor").get(attended_url(meetings["attended"])))
    assert MINUTES in page
    assert client_as("governor").get(attended_url(meetings["missed"])).status_code == 404


def test_the_governing_body_as_a_whole_sees_only_published_summaries(client_as, meetings, governor, school):
    """The chair did not attend here: like every other governor they read the published summary
    key points, never the minutes, on every page open to them."""
    client = client_as("governor")
    summary = content(client.get(reverse("visits:msp_summary", kwargs={"pk": meetings["attended"].pk})))
    assert SUMMARY in summary
    pages = [
        summary,
        content(client.get(reverse("dashboard:home"))),
        content(client.get(school.get_absolute_url())),
        content(client.get(reverse("visits:msp_attended"))),
    ]
    for page in pages:
        assert MINUTES not in page
        assert OTHER_MINUTES not in page
        assert LA_ACTION not in page
    assert client.get(attended_url(meetings["attended"])).status_code == 404


def test_an_ordinary_governor_cannot_be_recorded_as_a_school_member(meetings, make_user, school, officer):
    member = make_user(Role.GOVERNOR, username="plain")
    Governorship.objects.create(user=member, school=school, role=GovernorRole.MEMBER)
    with pytest.raises(ValidationError) as error:
        services.msp_meeting_record(
            meeting=meetings["missed"],
            held_on=date(2026, 11, 2),
            start_time=None,
            attendees="",
            reviews=[],
            impact_of_support="",
            support_refocused=False,
            refocus_details="",
            minutes="m",
            summary_key_points="",
            recommendation="continue",
            school_attendees=[member],
            actor=officer,
        )
    assert msp_members.MSP_ATTENDEE_NOT_A_MEMBER.format(user=member) in error.value.messages


def test_the_school_members_eligible_are_its_headteacher_and_chair_or_vice_chair(
    school, headteacher, governor, other_governor, make_user
):
    vice = make_user(Role.GOVERNOR, username="vice")
    Governorship.objects.create(user=vice, school=school, role=GovernorRole.VICE_CHAIR)
    plain = make_user(Role.GOVERNOR, username="plain")
    Governorship.objects.create(user=plain, school=school, role=GovernorRole.MEMBER)
    assert set(msp_members.school_members_eligible(school=school)) == {headteacher, governor, vice}


def test_the_meeting_record_form_records_which_school_members_attended(
    client_as, school, officer, headteacher, governor
):
    group = MspGroupFactory(school=school, chair=officer)
    url = reverse("visits:msp_meeting_new", kwargs={"pk": group.pk})
    form_page = content(client_as("officer").get(url))
    assert "School members who attended" in form_page
    assert "Hana Marsh" in form_page
    day = timezone.localdate() - timedelta(days=1)
    data = {
        **date_fields("held_on", day),
        "start_time": "",
        "attendees": "Chair, head",
        "impact_of_support": "",
        "support_refocused": "no",
        "refocus_details": "",
        "minutes": "Recorded minutes",
        "summary_key_points": "",
        "recommendation": "continue",
        "school_attendees": [str(headteacher.pk)],
        "actions-TOTAL_FORMS": "0",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "20",
    }
    assert client_as("officer").post(url, data).status_code == 302
    meeting = MspMeeting.objects.get()
    assert list(meeting.school_attendees.all()) == [headteacher]
    assert "Recorded minutes" in content(client_as("headteacher").get(attended_url(meeting)))
    home = content(client_as("headteacher").get(reverse("dashboard:home")))
    assert attended_url(meeting) in home


def test_the_my_meetings_pages_run_a_bounded_number_of_queries(client_as, school, officer, headteacher):
    group = MspGroupFactory(school=school, chair=officer)

    def add(count: int) -> MspMeeting:
        meeting = None
        for n in range(count):
            meeting = MspMeetingFactory(group=group, held_on=date(2026, 1, 5) + timedelta(days=n))
            meeting.school_attendees.add(headteacher)
            for _ in range(3):
                ActionFactory(school=school, msp_meeting=meeting)
        return meeting

    client = client_as("headteacher")

    def count(url) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    first = add(1)
    count(attended_url(first))  # warms the content types' cache (the read log's), whatever ran before
    few = (count(reverse("visits:msp_attended")), count(attended_url(first)))
    last = add(6)
    many = (count(reverse("visits:msp_attended")), count(attended_url(last)))
    assert few == many


def test_la_staff_see_which_school_members_read_a_meetings_minutes(client_as, meetings, adviser):
    page = content(client_as("officer").get(meetings["attended"].get_absolute_url()))
    assert "School members who read the minutes" in page
    assert "Hana Marsh" in page


def test_the_la_page_of_a_meeting_says_the_school_members_who_attended_read_its_minutes(
    client_as, meetings, headteacher
):
    url = reverse("visits:msp_meeting", kwargs={"pk": meetings["attended"].pk})
    page = " ".join(content(client_as("officer").get(url)).split())
    assert f"LA advisers and officers, and the school members who attended: {headteacher}." in page
    missed = " ".join(
        content(client_as("officer").get(reverse("visits:msp_meeting", args=[meetings["missed"].pk]))).split()
    )
    assert "LA advisers and officers only." in missed


def test_members_are_told_of_the_meetings_to_come(client_as, meetings, governor, other_school, officer, on_day):
    """The school-side journey: the headteacher and the chair, members of the group, saw its planned
    meetings nowhere."""
    from datetime import time

    from visits.models import MspMeetingStatus

    on_day(date(2026, 11, 20))
    planned = {"status": MspMeetingStatus.PLANNED, "minutes": ""}
    MspMeetingFactory(group=meetings["group"], held_on=date(2026, 12, 9), start_time=time(15, 30), **planned)
    MspMeetingFactory(group=meetings["group"], held_on=date(2026, 11, 19), **planned)  # past, never recorded
    elsewhere = MspGroupFactory(school=other_school, chair=officer, set_up_on=date(2026, 9, 7))
    MspMeetingFactory(group=elsewhere, held_on=date(2026, 12, 2), **planned)
    for role in ("headteacher", "governor"):
        page = content(client_as(role).get(reverse("visits:msp_attended")))
        assert "Wednesday 9 December 2026 at 15:30" in page
        assert "19 November 2026" not in page
        assert "2 December 2026" not in page
    governor.governorships.update(role=GovernorRole.MEMBER)  # an ordinary seat: not a member
    assert "No MSP meeting of your school is planned." in content(
        client_as("governor").get(reverse("visits:msp_attended"))
    )
    services.msp_group_close(group=meetings["group"], closed_on=date(2026, 11, 20), reason="Exited MSP", actor=officer)
    closed = content(client_as("headteacher").get(reverse("visits:msp_attended")))
    assert "9 December 2026" not in closed  # a closed group meets no more (the review)
