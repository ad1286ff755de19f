"""Governors never see the confidential minutes, the adviser's notes of visits or draft material
(issue 4): every URL of the whole project, filled in with this school's visits, actions, MSP
groups and meetings, is requested as the school's governor (and as another school's governor),
and no response contains the confidential text, whatever its status: pages, exports, PDFs and
the iCalendar feed included."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter
from django.utils import timezone

from tests.visits.conftest import content
from tests.visits.factories import ActionFactory, MspGroupFactory, MspMeetingFactory, MspMemberFactory, VisitFactory
from visits import services
from visits.models import ActionOwner, MspMemberRole

pytestmark = pytest.mark.django_db

NOTE_TEXT = "CONFIDENTIAL-NOTE-OF-VISIT-7731"
NOTE_STRENGTHS = "CONFIDENTIAL-STRENGTHS-4410"
MINUTES = "CONFIDENTIAL-MSP-MINUTES-9124"
DRAFT_SUMMARY = "DRAFT-SUMMARY-NOT-PUBLISHED-5502"
IMPACT = "CONFIDENTIAL-IMPACT-3391"
LA_ACTION = "LA-OWNED-ACTION-2207"
RAG_COMMENT = "CONFIDENTIAL-RAG-COMMENT-6618"
PUBLISHED = "PUBLISHED-SUMMARY-1188"
SHARED_NOTE = "NOTE-SHARED-WITH-THE-SCHOOL-4471"  # a note of visit shared with the headteacher (ADR 0023)
# School-owned actions still in the LA's drafts: a visit whose note is not shared, a meeting whose
# summary is not published (visits.models.shared_with_the_school_q).
UNSHARED_ACTION = "ACTION-OF-A-NOTE-NOT-SHARED-8830"
DRAFT_MEETING_ACTION = "ACTION-OF-A-MEETING-NOT-PUBLISHED-1936"
SECRETS = [
    NOTE_TEXT,
    NOTE_STRENGTHS,
    MINUTES,
    DRAFT_SUMMARY,
    IMPACT,
    RAG_COMMENT,
    UNSHARED_ACTION,
    DRAFT_MEETING_ACTION,
]


@pytest.fixture
def casework(school, other_school, governor, other_governor, adviser, officer):
    school.link_adviser = adviser
    school.save()
    visit = VisitFactory(
        school=school, adviser=adviser, completed=True, notes=NOTE_TEXT, strengths=NOTE_STRENGTHS,
        areas_for_development=NOTE_TEXT, purpose=NOTE_TEXT,
    )  # fmt: skip
    planned = VisitFactory(school=school, adviser=adviser, purpose=NOTE_TEXT)
    school_action = ActionFactory(school=school, visit=visit, description="School-owned action", progress=NOTE_TEXT)
    la_action = ActionFactory(school=school, visit=visit, description=LA_ACTION, owner=ActionOwner.LA)
    group = MspGroupFactory(school=school, chair=officer)
    MspMemberFactory(group=group, name="Adam Reid", role=MspMemberRole.LINK_ADVISER, user=adviser)
    published = MspMeetingFactory(group=group, minutes=MINUTES, impact_of_support=IMPACT,
                                  summary_key_points=PUBLISHED, summary_published_at=timezone.now())  # fmt: skip
    draft = MspMeetingFactory(group=group, held_on=published.held_on.replace(day=1), minutes=MINUTES,
                              summary_key_points=DRAFT_SUMMARY)  # fmt: skip
    published.action_progress.create(action=school_action, rating="red", comment=RAG_COMMENT)
    ActionFactory(school=school, visit=planned, description=UNSHARED_ACTION)
    ActionFactory(school=school, msp_meeting=draft, description=DRAFT_MEETING_ACTION)
    token = services.calendar_token_regenerate(user=adviser, actor=adviser)
    return {
        "pk": [visit.pk, planned.pk, school_action.pk, la_action.pk, group.pk, published.pk, draft.pk],
        "urn": [school.urn, other_school.urn],
        "user_pk": [governor.pk],
        "token": [token],
        "fmt": ["csv", "xlsx", "pdf", "docx"],
        "kind": ["gias", "performance"],
        "year": [2026],
        "published": published,
        "school": school,
    }


def all_url_patterns(resolver=None, prefix=""):
    """(route, converters) for every URL of the project, namespaces included."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from all_url_patterns(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route, getattr(pattern.pattern, "converters", {})


def _values_for(name, converter, values):
    """The values to try for a URL parameter: ours by name, else ids (other apps' parameters)."""
    if name in values:
        return values[name]
    if isinstance(converter, IntConverter):
        return values["pk"][:3]
    return ["x"]


def urls_to_try(values):
    for route, converters in all_url_patterns():
        if route.startswith("django-admin/") or "^" in route:
            continue  # Django's own admin: staff only, no case pages
        names = re.findall(r"<(?:\w+:)?(\w+)>", route)
        combos = [{}]
        for name in names:
            combos = [{**c, name: v} for c in combos for v in _values_for(name, converters.get(name), values)]
        for combo in combos:
            path = route
            for name, value in combo.items():
                path = re.sub(rf"<(?:\w+:)?{name}>", str(value), path, count=1)
            yield "/" + path


def assert_no_secrets(client, values, seen_ok):
    urls = list(urls_to_try(values))
    assert any("/visits/" in u for u in urls)
    for url in urls:
        response = client.get(url)
        body = content(response)
        for secret in SECRETS:
            assert secret not in body, f"{secret} leaked at {url} ({response.status_code})"
        if response.status_code == 200 and PUBLISHED in body:
            seen_ok.add(url)
    return urls


def test_no_governor_response_anywhere_contains_confidential_notes_minutes_or_drafts(client_as, casework):
    client = client_as("governor")
    reached = set()
    urls = assert_no_secrets(client, casework, reached)
    assert len(urls) > 50
    # ...while the governor does read the published summary (so the test would see a leak)
    assert f"/schools/{casework['school'].urn}/" in reached
    assert f"/visits/msp/summaries/{casework['published'].pk}/" in reached


def test_another_schools_governor_sees_nothing_of_this_school(client_as, casework):
    client = client_as("other_governor")
    reached = set()
    assert_no_secrets(client, casework, reached)
    assert reached == set()  # not even the published summary
    assert client.get(f"/schools/{casework['school'].urn}/").status_code == 404
    assert client.get(f"/visits/msp/summaries/{casework['published'].pk}/").status_code == 404


def test_the_ical_feed_never_carries_notes_or_minutes(client, casework):
    response = client.get(f"/visits/calendar/feed/{casework['token'][0]}.ics")
    body = content(response)
    assert response.status_code == 200
    assert "BEGIN:VEVENT" in body
    for secret in [*SECRETS, PUBLISHED, LA_ACTION]:
        assert secret not in body


def test_admins_read_no_case_material(client_as, casework):
    client = client_as("admin")
    for url in urls_to_try(casework):
        if "/visits/" not in url or "/calendar/feed/" in url:
            continue
        response = client.get(url)
        assert response.status_code in (403, 404, 405), url  # 405: a POST-only address
        for secret in [*SECRETS, PUBLISHED]:
            assert secret not in content(response)
    page = content(client.get(f"/schools/{casework['school'].urn}/"))
    for secret in [*SECRETS, PUBLISHED, LA_ACTION]:
        assert secret not in page


# ---- the headteacher (docs/adr/0023) ----------------------------------------------------------------


@pytest.fixture
def shared_casework(casework, headteacher, adviser):
    """The casework, and another completed visit whose note was shared with the school's headteacher."""
    from visits import acknowledgement

    shared = VisitFactory(
        school=casework["school"], adviser=adviser, completed=True, strengths=SHARED_NOTE,
        visit_date=timezone.localdate(),
    )  # fmt: skip
    acknowledgement.note_share_with_school(visit=shared, actor=adviser)
    return {**casework, "pk": [*casework["pk"], shared.pk], "shared": shared}


def test_no_headteacher_response_anywhere_contains_notes_not_shared_minutes_or_drafts(client_as, shared_casework):
    client = client_as("headteacher")
    reached = set()
    assert_no_secrets(client, shared_casework, reached)
    # ...while the headteacher reads what the LA shared with the school (so the crawl would see a leak)
    assert f"/schools/{shared_casework['school'].urn}/" in reached
    assert f"/visits/msp/summaries/{shared_casework['published'].pk}/" in reached
    shared_page = content(client.get(f"/visits/notes/{shared_casework['shared'].pk}/"))
    assert SHARED_NOTE in shared_page


def test_a_note_shared_with_one_school_is_never_seen_by_its_governors(client_as, shared_casework):
    for role in ("governor", "other_governor"):
        client = client_as(role)
        for url in urls_to_try(shared_casework):
            assert SHARED_NOTE not in content(client.get(url)), url


def test_the_school_reads_an_action_once_its_note_is_shared_or_its_meeting_summary_published(
    client_as, shared_casework
):
    school = shared_casework["school"]
    ActionFactory(school=school, visit=shared_casework["shared"], description="ACTION-OF-THE-SHARED-NOTE")
    ActionFactory(
        school=school, msp_meeting=shared_casework["published"], description="ACTION-OF-THE-PUBLISHED-MEETING"
    )
    for role in ("governor", "headteacher"):
        client = client_as(role)
        for url in (f"/schools/{school.urn}/", f"/schools/{school.urn}/timeline/"):
            page = content(client.get(url))
            assert "ACTION-OF-THE-SHARED-NOTE" in page, (role, url)
            assert "ACTION-OF-THE-PUBLISHED-MEETING" in page, (role, url)
            assert UNSHARED_ACTION not in page
            assert DRAFT_MEETING_ACTION not in page
