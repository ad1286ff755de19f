"""The pre-visit page's copy of the section is checked when it is saved (visits.pre_visit_changes,
core.versions, docs/adr/0067 and 0069): a draft saved since the page was opened (in another tab, or
by another headteacher of the school) refuses the later save, which keeps what was typed and
overwrites nothing; the visit's focus areas changed by the adviser since the page was opened refuse
it too, naming what changed and showing what was typed about an area dropped, to copy. Saving again
then saves knowingly. Pages that send neither (opened before this) are not checked: the other
tests of the pre-visit pages post neither."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Headship
from accounts.roles import Role
from tests.visits.conftest import content
from tests.visits.factories import VisitFactory
from tests.visits.test_pages import record_data
from tests.visits.test_pre_visit_pages import TUESDAY, VISIT_DAY, url
from visits import pre_visit
from visits.models import PreVisitResponse, PreVisitSelfEvaluation

pytestmark = pytest.mark.django_db

GOVERNANCE_AND_SAFEGUARDING = ["governance", "safeguarding"]


def _hidden(page: str, name: str) -> str:
    """The value of the page's hidden field `name` ("" when the page has none)."""
    found = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', page)
    return found[1] if found else ""


def _opened(client: Client, visit) -> dict:
    """What the opened page posts besides the answers: its hidden fields."""
    page = content(client.get(url(visit)))
    return {"version": _hidden(page, "version"), "focus_areas_shown": _hidden(page, "focus_areas_shown")}


@pytest.fixture
def planned(school, adviser, headteacher, on_day):
    on_day(TUESDAY)
    school.link_adviser = adviser
    school.save()
    return VisitFactory(school=school, adviser=adviser, visit_date=VISIT_DAY, focus_areas=GOVERNANCE_AND_SAFEGUARDING)


@pytest.mark.parametrize("started", [False, True], ids=["first_draft", "draft_saved_before"])
def test_a_draft_saved_in_another_tab_refuses_the_later_save_which_keeps_what_was_typed(
    client_as, planned, headteacher, started
):
    if started:
        pre_visit.pre_visit_save(
            visit=planned, recent_data="Old data.", wants_from_visit="", evaluations={}, send=False, actor=headteacher
        )
    browser = client_as("headteacher")
    tab_a, tab_b = _opened(browser, planned), _opened(browser, planned)

    kept = {"recent_data": "Old data." if started else ""}  # tab A's page shows the saved draft
    saved = browser.post(url(planned), tab_a | kept | {"wants_from_visit": "Tab A wants", "save_draft": "1"})
    assert saved.status_code == 302
    refused = browser.post(url(planned), tab_b | {"recent_data": "Tab B data", "save_draft": "1"})
    page = content(refused)

    assert refused.status_code == 200
    assert "You saved a change to this pre-visit section" in page
    assert "Tab B data" in page  # what was typed is kept
    stored = PreVisitResponse.objects.get()
    assert (stored.wants_from_visit, stored.recent_data) == ("Tab A wants", "Old data." if started else "")

    again = browser.post(url(planned), tab_b | {"version": _hidden(page, "version"), "recent_data": "Tab B data"})
    assert again.status_code == 302  # saved on the second press, knowingly
    assert PreVisitResponse.objects.get().recent_data == "Tab B data"


def test_a_draft_saved_since_by_another_headteacher_of_the_school_names_them(client_as, planned, school, make_user):
    other_head = make_user(Role.HEADTEACHER, username="deputyhead", first_name="Dana", last_name="Cole")
    Headship.objects.create(user=other_head, school=school)
    mine = client_as("headteacher")
    theirs = Client()
    theirs.force_login(other_head)
    opened = _opened(mine, planned)
    assert theirs.post(url(planned), _opened(theirs, planned) | {"wants_from_visit": "Dana's wants"}).status_code == 302

    refused = content(mine.post(url(planned), opened | {"wants_from_visit": "Mine", "send": "1"}))
    assert "Dana Cole saved a change to this pre-visit section" in refused
    assert PreVisitResponse.objects.get().wants_from_visit == "Dana's wants"
    assert not PreVisitResponse.objects.get().is_submitted


def test_focus_areas_changed_since_the_page_opened_are_named_and_what_was_typed_about_a_dropped_one_is_shown(
    client_as, planned, adviser
):
    head = client_as("headteacher")
    opened = _opened(head, planned)
    assert opened["focus_areas_shown"] == "governance,safeguarding"
    advisers = Client()
    advisers.force_login(adviser)
    changed = record_data(VISIT_DAY, focus_areas=["governance", "attendance"], strengths="", areas_for_development="")
    assert advisers.post(reverse("visits:record", kwargs={"pk": planned.pk}), changed).status_code == 302

    typed = {
        "rating_governance": "strong",
        "evaluation_governance": "Governors challenge well.",
        "rating_safeguarding": "expected",
        "evaluation_safeguarding": "SAFEGUARDING-TEXT-5512: the single central record is up to date.",
        "wants_from_visit": "Look at our governance.",
        "send": "1",
    }
    refused = head.post(url(planned), opened | typed)
    page = content(refused)

    assert refused.status_code == 200
    assert "The focus areas of this visit were changed after this page was opened" in page
    assert "they are now Governance and Attendance" in page
    assert "No longer a focus: Safeguarding." in page
    assert "New: Attendance." in page
    assert "What you typed (not saved)" in page
    assert 'href="#not-saved"' in page
    assert "SAFEGUARDING-TEXT-5512: the single central record is up to date." in page  # to copy
    assert "Governors challenge well." in page  # still a focus: kept in its field
    assert "Your rating of attendance" in page
    assert "Choose how you rate attendance" not in page  # not judged against areas the page never showed
    assert _hidden(page, "focus_areas_shown") == "governance,attendance"
    assert not PreVisitResponse.objects.exists()

    resent = typed | {"rating_attendance": "needs_attention", "evaluation_attendance": "Persistent absence is 19%."}
    again = head.post(
        url(planned), {"version": _hidden(page, "version"), "focus_areas_shown": "governance,attendance"} | resent
    )
    assert again.status_code == 302
    sent = PreVisitResponse.objects.get()
    assert sent.is_submitted
    assert sorted(sent.self_evaluations.values_list("focus_area", flat=True)) == ["attendance", "governance"]


def test_a_draft_about_an_area_no_longer_a_focus_shows_it_to_copy_before_it_is_removed(client_as, planned, headteacher):
    pre_visit.pre_visit_save(
        visit=planned,
        recent_data="",
        wants_from_visit="",
        evaluations={"safeguarding": ("expected", "DRAFT-SAFEGUARDING-7731")},
        send=False,
        actor=headteacher,
    )
    planned.focus_areas = ["governance", "attendance"]
    planned.save()

    page = content(client_as("headteacher").get(url(planned)))
    assert "In your draft, no longer a focus of the visit" in page
    assert "DRAFT-SAFEGUARDING-7731" in page
    assert PreVisitSelfEvaluation.objects.filter(focus_area="safeguarding").exists()
