"""The categorisation pages through HTTP (no JavaScript): the adviser's form, the officer's review,
the school page section, the lists, the exports, the home panels and the frameworks."""

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from categorisation.forms import COMMENTS_REQUIRED
from categorisation.models import Categorisation, Criterion, Framework, Status
from categorisation.rules import (
    ACADEMY_NOT_CATEGORISED,
    EVIDENCE_REQUIRED,
    LEVEL_REQUIRED,
    OWN_JUDGEMENT,
    OWN_SUBMISSION,
    SCHOOL_CLOSED,
)
from categorisation.services import ACTIVE_FROM_PAST, FRAMEWORK_NOT_DRAFT
from core.limits import LONG_TEXT
from schools.terms import term_on
from tests.categorisation.factories import STRATEGY_FRAMEWORK, ApprovedCategorisationFactory, CategorisationFactory
from tests.conftest import collapsed
from tests.factories import InspectionFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def criterion(code: str) -> Criterion:
    return Criterion.objects.get(area__framework__name=STRATEGY_FRAMEWORK, code=code)


def this_term():
    period = term_on(timezone.localdate())
    return period.academic_year, period.term


def form_data(ticks: dict[str, str], level: str = "", rationale: str = "", action: str = "save") -> dict:
    data = {"level": level, "rationale": rationale, action: ""}
    for code, evidence in ticks.items():
        pk = criterion(code).pk
        data[f"tick_{pk}"] = "on"
        data[f"evidence_{pk}"] = evidence
    return data


HIGH_TICKS = {
    "LM-H2": "Leaders have no plan for the falling standards.",
    "QE-H5": "Five of eight lessons seen required improvement.",
    "BA-H2": "Three fixed-term exclusions this half-term.",
    "PD-H1": "No PSHE scheme of work.",
}


@pytest.fixture
def linked(school, adviser):
    school.link_adviser = adviser
    school.head_appointment = "interim"
    school.save()
    InspectionFactory(school=school, overall_effectiveness=3, start_date=date(2025, 3, 10))
    ApprovedCategorisationFactory(school=school, level="medium", academic_year=2025, term="summer",
                                  approved_at=timezone.now() - timedelta(days=150))  # fmt: skip
    return school


def start(client, school) -> Categorisation:
    year, term = this_term()
    response = client.post(reverse("categorisation:start", kwargs={"urn": school.urn}), {"period": f"{year}-{term}"})
    categorisation = Categorisation.objects.get(school=school, status=Status.DRAFT)
    assert response["Location"] == reverse("categorisation:edit", kwargs={"pk": categorisation.pk})
    return categorisation


def test_an_adviser_categorises_an_officer_returns_and_then_approves_without_javascript(
    client_as, linked, adviser, officer, django_user_model
):
    client = client_as("adviser")
    categorisation = start(client, linked)
    edit_url = reverse("categorisation:edit", kwargs={"pk": categorisation.pk})

    page = client.get(edit_url).content.decode()
    assert "Ofsted: requires improvement (10 March 2025)" in page  # suggested, labelled with its source
    assert "School register: interim or acting headteacher" in page
    assert "There are minor weakness in safeguarding arrangements" in page
    assert "Medium support" in page  # the suggestion from the pre-ticked facts

    # Save and update the suggestion: the facts unticked, high-support statements ticked.
    response = client.post(edit_url, form_data(HIGH_TICKS))
    assert response.status_code == 302
    page = client.get(edit_url).content.decode()
    categorisation.refresh_from_db()
    assert categorisation.suggested_level == "high"
    assert "High support is the best fit across the 4 areas with a level (4 high support)" in page

    # Submitting a departure without a rationale is refused, showing why, and saves nothing.
    response = client.post(edit_url, form_data(HIGH_TICKS, level="medium", action="submit"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Explain why the final level (medium support) departs from the suggestion (high support)" in page
    categorisation.refresh_from_db()
    assert (categorisation.status, categorisation.level) == (Status.DRAFT, "")

    response = client.post(edit_url, form_data(HIGH_TICKS, level="high", action="submit"))
    assert response["Location"] == categorisation.get_absolute_url()
    categorisation.refresh_from_db()
    assert categorisation.status == Status.SUBMITTED

    # The officer sees it in the queue, with the previous categorisation beside it, and returns it.
    officer_client = client_as("officer")
    queue = officer_client.get(reverse("categorisation:queue")).content.decode()
    assert linked.name in queue
    detail = officer_client.get(categorisation.get_absolute_url()).content.decode()
    assert "Previous: Summer 2025/26, medium support" in detail
    assert "Five of eight lessons seen required improvement." in detail
    assert "Seen on the autumn visit." in detail  # the previous categorisation's evidence
    response = officer_client.post(reverse("categorisation:return", kwargs={"pk": categorisation.pk}), {"comments": ""})
    assert response.status_code == 200
    assert COMMENTS_REQUIRED in response.content.decode()
    officer_client.post(
        reverse("categorisation:return", kwargs={"pk": categorisation.pk}), {"comments": "Add the attendance data."}
    )
    categorisation.refresh_from_db()
    assert categorisation.status == Status.RETURNED

    # The adviser sees the comments, revises and resubmits.
    client = client_as("adviser")
    page = client.get(edit_url).content.decode()
    assert "Add the attendance data." in page
    ticks = HIGH_TICKS | {"BA-H1": "Attendance 89.1% against 93.1% nationally."}
    client.post(edit_url, form_data(ticks, level="high", action="submit"))
    categorisation.refresh_from_db()
    assert categorisation.status == Status.SUBMITTED

    # The officer approves: the school page shows the new category and its direction of travel.
    officer_client = client_as("officer")
    officer_client.post(reverse("categorisation:approve", kwargs={"pk": categorisation.pk}), {"approve_comments": ""})
    categorisation.refresh_from_db()
    assert categorisation.status == Status.APPROVED
    school_page = officer_client.get(linked.get_absolute_url()).content.decode()
    assert "High support" in school_page
    assert "Declining" in school_page
    assert "Olivia Okafor" in school_page

    # Approving again says it was already approved, and changes nothing.
    response = officer_client.post(reverse("categorisation:approve", kwargs={"pk": categorisation.pk}), follow=True)
    assert "already approved by Olivia Okafor" in response.content.decode()
    assert categorisation.events.filter(kind="approved").count() == 1


def test_the_form_has_contents_linking_to_each_areas_fieldsets_and_back_without_javascript(client_as, linked):
    categorisation = start(client_as("adviser"), linked)
    page = client_as("adviser").get(reverse("categorisation:edit", kwargs={"pk": categorisation.pk})).content.decode()
    nav = page[page.index('<nav class="app-contents" id="contents"') : page.index("</nav>", page.index("app-contents"))]
    links = re.findall(r'<a class="govuk-link" href="#([^"]+)">([^<]+)</a>', nav)
    assert links == [
        ("area-leadership", "Leadership and management (including safeguarding)"),
        ("area-quality", "Quality of education"),
        ("area-behaviour", "Behaviour and attitudes"),
        ("area-personal", "Personal development"),
        ("evidence-intelligence", "Intelligence from other teams"),
        ("judgement", "Your judgement"),
        ("suggestion", "Suggested level"),
    ]
    for anchor, _ in links:
        assert page.count(f'id="{anchor}"') == 1, anchor
    # Each area's block holds its three fieldsets and ends with a link back to the contents.
    for anchor in ("area-leadership", "area-quality", "area-behaviour", "area-personal"):
        block = page[page.index(f'id="{anchor}"') :]
        block = block[: block.index("Back to contents")]
        assert block.count("<fieldset") == 3, anchor
    assert page.count('<a class="govuk-link" href="#contents">Back to contents</a>') == 5  # and the intelligence


def test_missing_evidence_and_level_are_shown_against_their_fields(client_as, linked):
    client = client_as("adviser")
    categorisation = start(client, linked)
    response = client.post(
        reverse("categorisation:edit", kwargs={"pk": categorisation.pk}),
        form_data({"QE-H5": ""}, action="submit"),
    )
    page = response.content.decode()
    assert EVIDENCE_REQUIRED.format(text=criterion("QE-H5").text) in page
    assert LEVEL_REQUIRED in page
    assert f'href="#id_evidence_{criterion("QE-H5").pk}"' in page
    categorisation.refresh_from_db()
    assert categorisation.status == Status.DRAFT


def test_the_live_suggestion_endpoint_runs_the_best_fit_on_the_posted_ticks_and_saves_nothing(client_as, linked):
    client = client_as("adviser")
    categorisation = start(client, linked)
    before = set(categorisation.ticks.values_list("criterion_id", flat=True))
    response = client.post(
        reverse("categorisation:suggestion", kwargs={"pk": categorisation.pk}),
        form_data({"LM-H1": "Single central record incomplete."}),
    )
    data = json.loads(response.content)
    assert data["level"] == "high"
    assert "safeguarding" in data["explanation"][0]
    assert "High support" in data["html"]
    assert set(categorisation.ticks.values_list("criterion_id", flat=True)) == before


def test_a_submitted_categorisation_opens_read_only(client_as, linked, adviser):
    submitted = CategorisationFactory(school=linked, status=Status.SUBMITTED, created_by=adviser)
    response = client_as("adviser").get(reverse("categorisation:edit", kwargs={"pk": submitted.pk}))
    assert response["Location"] == submitted.get_absolute_url()
    assert (
        client_as("adviser").post(reverse("categorisation:suggestion", kwargs={"pk": submitted.pk})).status_code == 403
    )


def test_an_officer_cannot_approve_their_own_submission_through_the_page(client_as, linked, officer):
    own = CategorisationFactory(school=linked, status=Status.SUBMITTED, level="low", created_by=officer,
                                submitted_by=officer)  # fmt: skip
    response = client_as("officer").post(reverse("categorisation:approve", kwargs={"pk": own.pk}), follow=True)
    assert OWN_SUBMISSION in response.content.decode()
    own.refresh_from_db()
    assert own.status == Status.SUBMITTED


def test_an_approval_comment_over_the_limit_is_shown_again_with_its_error_and_nothing_is_approved(
    client_as, linked, adviser
):
    submitted = CategorisationFactory(school=linked, status=Status.SUBMITTED, level="low", created_by=adviser,
                                      submitted_by=adviser)  # fmt: skip
    comment = "Well evidenced. " * 1_600  # 25,600 characters
    response = client_as("officer").post(
        reverse("categorisation:approve", kwargs={"pk": submitted.pk}), {"approve_comments": comment}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert '<a href="#id_approve_comments">' in page  # the error summary links to the field
    assert f"must be {LONG_TEXT:,} characters or fewer" in page
    assert comment.strip() in page  # what the officer typed is kept
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_starting_when_one_is_in_progress_points_to_it(client_as, linked, adviser):
    draft = CategorisationFactory(school=linked, created_by=adviser)
    page = client_as("adviser").get(reverse("categorisation:start", kwargs={"urn": linked.urn})).content.decode()
    assert "already has a categorisation in progress" in page
    assert reverse("categorisation:edit", kwargs={"pk": draft.pk}) in page


def test_an_adviser_withdraws_a_draft_after_confirming(client_as, linked, adviser):
    draft = CategorisationFactory(school=linked, created_by=adviser)
    client = client_as("adviser")
    url = reverse("categorisation:withdraw", kwargs={"pk": draft.pk})
    assert f'href="{url}"' in client.get(reverse("categorisation:edit", kwargs={"pk": draft.pk})).content.decode()
    page = client.get(url).content.decode()  # the button on the form leads to a confirmation page
    assert "Are you sure you want to withdraw" in page
    assert f'<form method="post" action="{url}"' in collapsed(page)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    response = client.post(url)
    assert response["Location"] == linked.get_absolute_url()
    draft.refresh_from_db()
    assert draft.status == Status.WITHDRAWN
    assert client.get(url)["Location"] == draft.get_absolute_url()  # nothing left to withdraw


# ---- academies, governors, admins on the school page --------------------------------------------


def test_academies_are_not_categorised_by_the_la_and_the_pages_say_so(client_as, officer):
    academy = SchoolFactory(academy=True, name="Osprey Academy")
    page = client_as("officer").get(reverse("categorisation:start", kwargs={"urn": academy.urn})).content.decode()
    assert ACADEMY_NOT_CATEGORISED in page
    assert '<form method="post" novalidate>' not in page
    response = client_as("officer").post(reverse("categorisation:start", kwargs={"urn": academy.urn}), {"period": "x"})
    assert ACADEMY_NOT_CATEGORISED in response.content.decode()
    assert not Categorisation.objects.exists()
    assert ACADEMY_NOT_CATEGORISED in client_as("officer").get(academy.get_absolute_url()).content.decode()


def test_the_category_is_never_shown_to_a_governor(client_as, school, governor):
    ApprovedCategorisationFactory(school=school, level="high")
    page = client_as("governor").get(school.get_absolute_url()).content.decode()
    assert school.name in page
    assert "High support" not in page
    assert "Support category" not in page
    assert "categorisation" not in page.lower().replace("categorisation:", "")


def test_the_category_is_never_shown_to_a_headteacher(client_as, school, headteacher):
    ApprovedCategorisationFactory(school=school, level="high")
    page = client_as("headteacher").get(school.get_absolute_url()).content.decode()
    assert school.name in page
    assert "High support" not in page
    assert "Support category" not in page
    assert "categorisation" not in page.lower().replace("categorisation:", "")


def test_the_school_page_shows_the_category_history_by_term_to_la_staff(client_as, school):
    ApprovedCategorisationFactory(school=school, level="high", academic_year=2025, term="autumn",
                                  approved_at=timezone.now() - timedelta(days=300))  # fmt: skip
    ApprovedCategorisationFactory(school=school, level="medium", academic_year=2025, term="summer",
                                  approved_at=timezone.now() - timedelta(days=150))  # fmt: skip
    page = client_as("adviser").get(school.get_absolute_url()).content.decode()
    assert "Medium support" in page
    assert "Improving" in page
    assert "(was high support)" in page
    assert "Autumn 2025/26" in page
    assert "Summer 2025/26" in page


def test_the_admin_sees_the_category_but_no_link_to_the_evidence(client_as, school):
    approved = ApprovedCategorisationFactory(school=school, level="low")
    page = client_as("admin").get(school.get_absolute_url()).content.decode()
    assert "Low support" in page
    assert approved.get_absolute_url() not in page
    assert reverse("categorisation:start", kwargs={"urn": school.urn}) not in page


# ---- lists, exports, home panels -----------------------------------------------------------------


def names(response) -> list[str]:
    return [s.name for s in response.context["pagination"].page.object_list]


def test_the_list_filters_schools_by_current_category(client_as, adviser):
    high = SchoolFactory(name="Alder Primary School", link_adviser=adviser)
    low = SchoolFactory(name="Birch Primary School")
    SchoolFactory(name="Cedar Primary School")
    SchoolFactory(name="Osprey Academy", academy=True)
    ApprovedCategorisationFactory(school=high, level="high")
    ApprovedCategorisationFactory(school=low, level="low")
    client = client_as("officer")
    url = reverse("categorisation:list")
    assert names(client.get(url)) == ["Alder Primary School", "Birch Primary School", "Cedar Primary School"]
    assert names(client.get(url, {"level": "high"})) == ["Alder Primary School"]
    assert names(client.get(url, {"level": "none"})) == ["Cedar Primary School"]
    assert names(client.get(url, {"link_adviser": adviser.pk})) == ["Alder Primary School"]
    response = client.get(url, {"governance": "academy"})
    assert names(response) == ["Osprey Academy"]
    assert "Not categorised by the LA" in response.content.decode()


def test_review_due_lists_maintained_schools_without_an_approved_categorisation_this_term(client_as, adviser):
    year, term = this_term()
    done = SchoolFactory(name="Done Primary School")
    ApprovedCategorisationFactory(school=done, academic_year=year, term=term)
    last_term = SchoolFactory(name="Due Primary School", link_adviser=adviser)
    ApprovedCategorisationFactory(school=last_term, academic_year=year - 1, term="summer",
                                  approved_at=timezone.now() - timedelta(days=200))  # fmt: skip
    SchoolFactory(name="Never Primary School")
    SchoolFactory(name="Osprey Academy", academy=True)
    SchoolFactory(name="Closed Primary School", status="closed")
    client = client_as("adviser")
    url = reverse("categorisation:review_due")
    assert names(client.get(url)) == ["Due Primary School", "Never Primary School"]
    assert names(client.get(url, {"mine": "on"})) == ["Due Primary School"]


def test_the_csv_and_xlsx_exports_have_the_filtered_rows(client_as):
    school = SchoolFactory(name='=HYPERLINK("x")')
    ApprovedCategorisationFactory(school=school, level="high")
    SchoolFactory(name="Other Primary School")
    client = client_as("officer")
    body = b"".join(
        client.get(reverse("categorisation:export", kwargs={"fmt": "csv"}), {"level": "high"}).streaming_content
    )
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:6] == ["URN", "School", "Phase", "Type", "Link adviser", "Current category"]
    assert [(r[1], r[5], r[9]) for r in rows[1:]] == [('\'=HYPERLINK("x")', "High support", "No previous category")]
    response = client.get(reverse("categorisation:export", kwargs={"fmt": "xlsx"}), {"level": "none"})
    sheet = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert [r[1] for r in sheet[1:]] == ["Other Primary School"]


def test_the_adviser_home_shows_their_drafts_returned_and_schools_due(client_as, adviser, school):
    school.link_adviser = adviser
    school.save()
    returned = CategorisationFactory(school=school, status=Status.RETURNED, created_by=adviser)
    page = client_as("adviser").get(reverse("dashboard:home")).content.decode()
    assert "Your categorisations in progress" in page
    assert reverse("categorisation:edit", kwargs={"pk": returned.pk}) in page
    assert "Returned" in page
    assert "1 of your link schools has no approved categorisation" in page


def test_the_officer_home_shows_the_queue_and_review_due_counts(client_as, adviser, school):
    CategorisationFactory(school=school, status=Status.SUBMITTED, created_by=adviser)
    response = client_as("officer").get(reverse("dashboard:home"))
    page = response.content.decode()
    assert reverse("categorisation:queue") in page
    assert "categorisation waiting for approval" in page
    panel = next(ctx for section, ctx in response.context["panels"] if section.key == "categorisation_officer")
    assert (panel["queue_count"], panel["due_count"]) == (1, 1)


@pytest.mark.parametrize("role", ["governor", "headteacher", "admin"])
def test_other_roles_get_no_categorisation_home_panel(client_as, role, governor):
    response = client_as(role).get(reverse("dashboard:home"))
    keys = {section.key for section, _ in response.context["panels"]}
    assert not keys & {"categorisation_adviser", "categorisation_officer"}


# ---- frameworks -------------------------------------------------------------------------------


def test_an_admin_creates_a_framework_adds_areas_and_statements_and_activates_it(client_as):
    client = client_as("admin")
    response = client.post(reverse("categorisation:framework_create"), {"name": "Report card areas", "description": ""})
    framework = Framework.objects.get(name="Report card areas")
    assert response["Location"] == framework.get_absolute_url()
    for order, (code, name) in enumerate([("inclusion", "Inclusion"), ("achievement", "Achievement")], start=1):
        client.post(reverse("categorisation:area_create", kwargs={"framework_pk": framework.pk}),
                    {"name": name, "code": code, "order": order})  # fmt: skip
    area = framework.areas.get(code="inclusion")
    client.post(
        reverse("categorisation:criterion_create", kwargs={"area_pk": area.pk}),
        {"level": "high", "text": "Pupils with SEND are not identified.", "code": "IN-H1", "order": 1,
         "fact_key": "", "is_safeguarding": ""},
    )  # fmt: skip
    assert area.criteria.get().text == "Pupils with SEND are not identified."

    activate = reverse("categorisation:framework_activate", kwargs={"pk": framework.pk})
    today = timezone.localdate()
    past = today - timedelta(days=1)
    response = client.post(
        activate, {"active_from_0": past.day, "active_from_1": past.month, "active_from_2": past.year}
    )
    assert ACTIVE_FROM_PAST in response.content.decode()
    response = client.post(
        activate, {"active_from_0": today.day, "active_from_1": today.month, "active_from_2": today.year}
    )
    assert "Add at least one statement to Achievement" in response.content.decode()
    client.post(reverse("categorisation:area_delete", kwargs={"pk": framework.areas.get(code="achievement").pk}))
    later = today + timedelta(days=30)
    client.post(activate, {"active_from_0": later.day, "active_from_1": later.month, "active_from_2": later.year})
    framework.refresh_from_db()
    assert framework.active_from == later

    response = client.post(
        reverse("categorisation:criterion_edit", kwargs={"pk": area.criteria.get().pk}),
        {"level": "low", "text": "Changed", "code": "IN-H1", "order": 1},
        follow=True,
    )
    assert FRAMEWORK_NOT_DRAFT.format(framework="Report card areas") in response.content.decode()
    assert area.criteria.get().text == "Pupils with SEND are not identified."


def test_an_officer_copies_the_strategy_framework_into_a_draft(client_as):
    strategy = Framework.objects.get(name=STRATEGY_FRAMEWORK)
    response = client_as("officer").post(
        reverse("categorisation:framework_copy", kwargs={"pk": strategy.pk}), {"name": "Strategy 2025"}
    )
    copy = Framework.objects.get(name="Strategy 2025")
    assert response["Location"] == copy.get_absolute_url()
    assert Criterion.objects.filter(area__framework=copy).count() == 52
    page = client_as("officer").get(reverse("categorisation:framework_list")).content.decode()
    assert "Draft" in page
    assert "In use" in page
    # The tag's colour follows the status key, not its label.
    assert '<strong class="govuk-tag govuk-tag--green">In use</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--grey">Draft</strong>' in page


# ---- review findings ----------------------------------------------------------------------------


def test_the_start_page_offers_no_term_before_the_current_categorys(client_as, linked):
    year, term = this_term()
    ApprovedCategorisationFactory(school=linked, level="low", academic_year=year, term=term)
    page = client_as("adviser").get(reverse("categorisation:start", kwargs={"urn": linked.urn}))
    offered = [label for _, label in page.context["form"].fields["period"].choices]
    previous_term = term_on(term_on(timezone.localdate()).starts_on - timedelta(days=1)).label
    assert previous_term not in offered
    assert offered[0] == term_on(timezone.localdate()).label
    response = client_as("adviser").post(
        reverse("categorisation:start", kwargs={"urn": linked.urn}),
        {"period": "-".join(map(str, _key_of(previous_term)))},
    )
    assert response.status_code == 200
    assert not Categorisation.objects.filter(school=linked, status=Status.DRAFT).exists()


def _key_of(label: str) -> tuple[int, str]:
    name, years = label.split(" ")
    return int(years.split("/")[0]), name.lower()


def test_an_officer_who_started_it_sees_that_another_officer_must_approve_it(client_as, linked, adviser, officer):
    categorisation = CategorisationFactory(school=linked, status=Status.SUBMITTED, level="high", created_by=officer,
                                           submitted_by=adviser)  # fmt: skip
    page = client_as("officer").get(categorisation.get_absolute_url()).content.decode()
    assert OWN_JUDGEMENT in page
    assert reverse("categorisation:approve", kwargs={"pk": categorisation.pk}) not in page
    assert reverse("categorisation:return", kwargs={"pk": categorisation.pk}) in page
    response = client_as("officer").post(
        reverse("categorisation:approve", kwargs={"pk": categorisation.pk}), follow=True
    )
    assert OWN_JUDGEMENT in response.content.decode()
    categorisation.refresh_from_db()
    assert categorisation.status == Status.SUBMITTED


def test_the_live_suggestion_reads_the_ticks_as_the_form_does(client_as, linked):
    client = client_as("adviser")
    categorisation = start(client, linked)
    url = reverse("categorisation:suggestion", kwargs={"pk": categorisation.pk})
    data = json.loads(client.post(url, {f"tick_{criterion('LM-H1').pk}": "false"}).content)
    assert data["level"] is None
    data = json.loads(client.post(url, {f"tick_{criterion('LM-H1').pk}": "on"}).content)
    assert data["level"] == "high"


def test_a_closed_school_keeps_its_category_history_but_is_not_categorised(client_as, school):
    ApprovedCategorisationFactory(school=school, level="high", academic_year=2025, term="summer",
                                  approved_at=timezone.now() - timedelta(days=150))  # fmt: skip
    school.status = "closed"
    school.save()
    page = client_as("officer").get(school.get_absolute_url()).content.decode()
    assert SCHOOL_CLOSED in page
    assert "Only LA-maintained schools are categorised" not in page
    assert "Summer 2025/26" in page
    assert "High support" in page
    assert reverse("categorisation:start", kwargs={"urn": school.urn}) not in page


def test_a_school_only_proposed_to_open_is_not_due_for_review(client_as):
    SchoolFactory(name="Open Primary School")
    SchoolFactory(name="Future Primary School", status="proposed_to_open")
    SchoolFactory(name="Closing Primary School", status="proposed_to_close")
    response = client_as("officer").get(reverse("categorisation:review_due"))
    assert names(response) == ["Closing Primary School", "Open Primary School"]


def test_the_framework_list_counts_statements_and_categorisations_each_on_its_own(client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        ApprovedCategorisationFactory(school=SchoolFactory())
    with CaptureQueriesContext(connection) as captured:
        response = client_as("officer").get(reverse("categorisation:framework_list"))
    strategy = next(f for f in response.context["frameworks"] if f.name == STRATEGY_FRAMEWORK)
    assert (strategy.criteria_count, strategy.categorisation_count) == (52, 3)
    listing = next(q["sql"] for q in captured.captured_queries if '"criteria_count"' in q["sql"])
    # Joining statements and categorisations in one GROUP BY multiplies them (52 x every categorisation).
    assert not ('JOIN "categorisation_criterion"' in listing and 'JOIN "categorisation_categorisation"' in listing)
