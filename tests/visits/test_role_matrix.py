"""Every visits page and download, every role (DESIGN.md: enforced on the server, 403/404 tested).

"governor" governs `school` (whose link adviser is "adviser"); "other_governor" governs another
school; "headteacher" leads `school` and reads only the notes of visit shared with it (docs/adr/0023).
Anonymous users are sent to sign in (302), except to the calendar feed, which carries its own secret."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import ROLES
from tests.role_matrix import SIGN_IN, assert_role_gets, assert_role_posts, expected_for, role_matrix
from tests.visits.factories import ActionFactory, MspGroupFactory, MspMeetingFactory, MspMemberFactory, VisitFactory
from visits import acknowledgement, services
from visits.models import MspMemberRole

LA_ONLY = {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 200, "officer": 200, "admin": 403}
OFFICER_ONLY = {
    "governor": 403,
    "other_governor": 403,
    "headteacher": 403,
    "adviser": 403,
    "officer": 200,
    "admin": 403,
}
HEADTEACHER_ONLY = {
    "governor": 403,
    "other_governor": 403,
    "headteacher": 200,
    "adviser": 403,
    "officer": 403,
    "admin": 403,
}
GOVERNOR_AND_LA = {
    "governor": 200,
    "other_governor": 404,
    "headteacher": 200,
    "adviser": 200,
    "officer": 200,
    "admin": 403,
}
# MSP members from the school (docs/adr/0031): school users only; the meeting the headteacher
# attended is not found for the chair of governors, who did not attend it, nor another school's.
SCHOOL_USERS = {
    "governor": 200,
    "other_governor": 200,
    "headteacher": 200,
    "adviser": 403,
    "officer": 403,
    "admin": 403,
}
ATTENDED_BY_HEADTEACHER = {
    "governor": 404,
    "other_governor": 404,
    "headteacher": 200,
    "adviser": 403,
    "officer": 403,
    "admin": 403,
}

MATRIX = {
    "visits:list": (None, LA_ONLY),
    "visits:plan": (None, LA_ONLY),
    "visits:detail": (lambda c: {"pk": c["visit"].pk}, LA_ONLY),
    "visits:record": (lambda c: {"pk": c["visit"].pk}, LA_ONLY),
    "visits:cancel": (lambda c: {"pk": c["visit"].pk}, LA_ONLY),
    "visits:note": (lambda c: {"pk": c["done"].pk}, LA_ONLY),
    "visits:note_pdf": (lambda c: {"pk": c["done"].pk}, LA_ONLY),
    "visits:share": (lambda c: {"pk": c["done"].pk}, LA_ONLY),
    "visits:actions": (None, LA_ONLY),
    "visits:action_detail": (lambda c: {"pk": c["action"].pk}, LA_ONLY),
    "visits:compliance": (None, LA_ONLY),
    "visits:enhanced_offer": (lambda c: {"urn": c["school"].urn}, OFFICER_ONLY),
    "visits:msp_list": (None, LA_ONLY),
    "visits:msp_set_up": (lambda c: {"urn": c["other_school"].urn}, OFFICER_ONLY),
    "visits:msp_group": (lambda c: {"pk": c["group"].pk}, LA_ONLY),
    "visits:msp_group_edit": (lambda c: {"pk": c["group"].pk}, OFFICER_ONLY),
    "visits:msp_meeting_new": (lambda c: {"pk": c["group"].pk}, LA_ONLY),
    "visits:msp_meeting": (lambda c: {"pk": c["published"].pk}, LA_ONLY),
    "visits:msp_meeting_record": (lambda c: {"pk": c["published"].pk}, LA_ONLY),
    "visits:msp_summary": (lambda c: {"pk": c["published"].pk}, GOVERNOR_AND_LA),
    "visits:calendar": (None, LA_ONLY),
    "visits:acknowledgements_awaiting": (None, LA_ONLY),
    "visits:shared_notes": (None, HEADTEACHER_ONLY),
    "visits:shared_note": (lambda c: {"pk": c["shared"].pk}, HEADTEACHER_ONLY),
    "visits:shared_note_pdf": (lambda c: {"pk": c["shared"].pk}, HEADTEACHER_ONLY),
    # The school's pre-visit section (docs/adr/0028): its headteacher only; LA staff read what was
    # sent on the visit page. Another school's headteacher: tests/visits/test_pre_visit_pages.py (404).
    "visits:pre_visit": (lambda c: {"pk": c["upcoming"].pk}, HEADTEACHER_ONLY),
    "visits:msp_attended": (None, SCHOOL_USERS),
    "visits:msp_attended_meeting": (lambda c: {"pk": c["attended"].pk}, ATTENDED_BY_HEADTEACHER),
}


@pytest.fixture
def ctx(school, other_school, governor, other_governor, headteacher, adviser, officer, admin_user):
    school.link_adviser = adviser
    school.save()
    shared = VisitFactory(school=school, adviser=adviser, completed=True, visit_date=timezone.localdate())
    acknowledgement.note_share_with_school(visit=shared, actor=adviser)
    group = MspGroupFactory(school=school, chair=officer)
    MspMemberFactory(group=group, name=str(adviser), role=MspMemberRole.LINK_ADVISER, user=adviser)
    published = MspMeetingFactory(group=group, summary_published_at=timezone.now())
    attended = MspMeetingFactory(group=group, held_on=date(2026, 9, 1))
    attended.school_attendees.add(headteacher)
    return {
        "attended": attended,
        "school": school,
        "other_school": other_school,
        "visit": VisitFactory(school=school, adviser=adviser),
        "done": VisitFactory(school=school, adviser=adviser, completed=True, visit_date=date(2026, 11, 2)),
        "action": ActionFactory(school=school),
        "group": group,
        "published": published,
        "draft": MspMeetingFactory(group=group, held_on=date(2026, 10, 1)),
        "planned": MspMeetingFactory(group=group, planned=True, held_on=date(2026, 12, 9)),
        "shared": shared,
        "upcoming": VisitFactory(school=school, adviser=adviser, visit_date=timezone.localdate() + timedelta(days=10)),
        "request": shared.acknowledgements.get(),
    }


@role_matrix(MATRIX)
def test_each_role_gets_only_the_visits_pages_it_may_use(client_as, ctx, page, role, expected):
    assert_role_gets(client_as(role), role, page.url(ctx), expected)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("role", ROLES)
def test_the_compliance_export_follows_the_compliance_permission(client_as, ctx, role, fmt):
    url = reverse("visits:compliance_export", kwargs={"fmt": fmt})
    assert_role_gets(client_as(role), role, url, expected_for(LA_ONLY, role))


@pytest.mark.parametrize("role", ROLES)
def test_an_unpublished_summary_is_not_found_for_anyone(client_as, ctx, role):
    url = reverse("visits:msp_summary", kwargs={"pk": ctx["draft"].pk})
    assert_role_gets(client_as(role), role, url, {"anonymous": SIGN_IN, "admin": 403}.get(role, 404))


POSTS = [
    ("visits:complete", lambda c: {"pk": c["visit"].pk}),
    ("visits:cancel", lambda c: {"pk": c["visit"].pk}),
    ("visits:share", lambda c: {"pk": c["done"].pk}),
    ("visits:record", lambda c: {"pk": c["visit"].pk}),
    ("visits:plan", None),
    ("visits:action_detail", lambda c: {"pk": c["action"].pk}),
    ("visits:enhanced_offer", lambda c: {"urn": c["school"].urn}),
    ("visits:msp_set_up", lambda c: {"urn": c["other_school"].urn}),
    ("visits:msp_group", lambda c: {"pk": c["group"].pk}),
    ("visits:msp_group_edit", lambda c: {"pk": c["group"].pk}),
    ("visits:msp_meeting_new", lambda c: {"pk": c["group"].pk}),
    ("visits:msp_meeting_record", lambda c: {"pk": c["published"].pk}),
    ("visits:msp_meeting_publish", lambda c: {"pk": c["draft"].pk}),
    ("visits:msp_meeting_cancel", lambda c: {"pk": c["planned"].pk}),
    ("visits:calendar_token", None),
    ("visits:share_with_school", lambda c: {"pk": c["done"].pk}),
    ("visits:acknowledgement_reply", lambda c: {"pk": c["request"].pk}),
]


@pytest.mark.parametrize(("url_name", "kwargs"), POSTS, ids=[name for name, _ in POSTS])
@pytest.mark.parametrize("role", ["governor", "other_governor", "headteacher", "admin"])
def test_no_write_is_open_to_governors_headteachers_or_admins(client_as, ctx, role, url_name, kwargs):
    url = reverse(url_name, kwargs=kwargs(ctx) if kwargs else None)
    data = {"plan": "1", "close": "1", "update": "1", "note": "x", "reason": "x"}
    assert_role_posts(client_as(role), role, url, 403, data)
    ctx["draft"].refresh_from_db()
    assert ctx["draft"].summary_published_at is None


@pytest.mark.parametrize(("url_name", "kwargs"), POSTS[:6], ids=[name for name, _ in POSTS[:6]])
def test_an_adviser_writes_only_for_their_link_schools(client_as, ctx, make_user, url_name, kwargs):
    from accounts.roles import Role

    stranger = make_user(Role.ADVISER, username="adviser3")
    client = client_as("anonymous")
    client.force_login(stranger)
    url = reverse(url_name, kwargs=kwargs(ctx) if kwargs else None)
    data = {"school": ctx["school"].pk, "note": "x", "reason": "x", "update": "1"}
    data.update({"visit_date_0": "1", "visit_date_1": "12", "visit_date_2": "2026", "length": "half_day"})
    data.update({"visit_type": "core", "owner": "school", "due_on_0": "1", "due_on_1": "1", "due_on_2": "2027"})
    response = client.post(url, data)
    # the school is not one of theirs: refused, or (planning) not offered as a choice
    assert response.status_code == 403 or (url_name == "visits:plan" and response.status_code == 200)
    assert ctx["visit"].__class__.objects.filter(adviser=stranger).count() == 0


def test_only_the_chair_or_an_officer_publishes_a_summary(client_as, ctx):
    response = client_as("adviser").post(reverse("visits:msp_meeting_publish", kwargs={"pk": ctx["draft"].pk}))
    assert response.status_code == 403
    response = client_as("officer").post(reverse("visits:msp_meeting_publish", kwargs={"pk": ctx["draft"].pk}))
    assert response.status_code == 302
    ctx["draft"].refresh_from_db()
    assert ctx["draft"].summary_published_at is not None


@pytest.mark.django_db
def test_the_calendar_feed_needs_a_valid_token_and_no_sign_in(client, adviser):
    token = services.calendar_token_regenerate(user=adviser, actor=adviser)
    assert client.get(reverse("visits:calendar_feed", kwargs={"token": token})).status_code == 200
    assert client.get(reverse("visits:calendar_feed", kwargs={"token": token[:-2] + "xx"})).status_code == 404
    assert client.get(reverse("visits:calendar_feed", kwargs={"token": "short"})).status_code == 404


MSP_POSTS = [
    ("visits:msp_group", lambda c: {"pk": c["group"].pk}),
    ("visits:msp_group_edit", lambda c: {"pk": c["group"].pk}),
    ("visits:msp_meeting_new", lambda c: {"pk": c["group"].pk}),
    ("visits:msp_meeting_record", lambda c: {"pk": c["draft"].pk}),
    ("visits:msp_meeting_publish", lambda c: {"pk": c["draft"].pk}),
    ("visits:msp_meeting_cancel", lambda c: {"pk": c["planned"].pk}),
]


@pytest.mark.parametrize(("url_name", "kwargs"), MSP_POSTS, ids=[name for name, _ in MSP_POSTS])
def test_an_adviser_who_is_neither_link_adviser_nor_member_changes_no_msp_material(
    client_as, ctx, make_user, url_name, kwargs
):
    from accounts.roles import Role
    from visits.models import MspMeeting

    stranger = make_user(Role.ADVISER, username="adviser3")
    client = client_as("anonymous")
    client.force_login(stranger)
    before = sorted(MspMeeting.objects.values_list("pk", "status", "minutes", "summary_published_at"))
    url = reverse(url_name, kwargs=kwargs(ctx))
    data = {"plan": "1", "close": "1", "plan-held_on_0": "1", "plan-held_on_1": "12", "plan-held_on_2": "2026"}
    data.update({"close-reason": "x", "minutes": "Rewritten by a stranger", "recommendation": "exit"})
    assert client.get(url).status_code in (200, 403, 405)  # reading is for every adviser
    assert client.post(url, data).status_code == 403
    assert sorted(MspMeeting.objects.values_list("pk", "status", "minutes", "summary_published_at")) == before
    ctx["group"].refresh_from_db()
    assert ctx["group"].is_open


def test_a_headteacher_gets_404_for_a_note_not_shared_or_another_schools_note(client_as, ctx, other_school, adviser):
    client = client_as("headteacher")
    assert client.get(reverse("visits:shared_note", kwargs={"pk": ctx["done"].pk})).status_code == 404
    theirs = VisitFactory(school=other_school, adviser=adviser, completed=True, visit_date=timezone.localdate())
    from accounts.models import Headship
    from accounts.roles import Role
    from tests.factories import UserFactory

    head = UserFactory(username="otherhead")
    from accounts.services import user_set_role

    user_set_role(user=head, role=Role.HEADTEACHER, actor=None)
    Headship.objects.create(user=head, school=other_school)
    acknowledgement.note_share_with_school(visit=theirs, actor=adviser)
    assert client.get(reverse("visits:shared_note", kwargs={"pk": theirs.pk})).status_code == 404
    assert client.post(reverse("visits:shared_note", kwargs={"pk": theirs.pk}), {"accurate": "yes"}).status_code == 404
    assert theirs.acknowledgements.get().is_awaiting
