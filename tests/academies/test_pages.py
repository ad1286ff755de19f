"""The academies pages: what each shows, that suggestions are never ticked, routing by source,
the read log, the trust view and the meeting pack's downloads."""

import io
from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook
from pypdf import PdfReader

from academies import rules, services
from academies.exports import CONCERNS
from academies.forms import DESCRIPTION_REQUIRED, SUMMARY_REQUIRED
from academies.models import (
    Concern,
    ConcernSource,
    ConcernStatus,
    ConcernType,
    IntelligenceEntry,
    LadderStage,
    Rag,
    Sensitivity,
)
from academies.rules import WHISTLEBLOWING_OWNER_NOT_AN_OFFICER, WHISTLEBLOWING_ROUTE
from academies.views import concerns as concerns_views
from academies.views.concerns import PICKER_HINT
from academies.views.intelligence import ADDED, ADDED_OUT_OF_SIGHT
from audit.models import ReadEvent
from schools.models import OfstedFramework
from schools.picker import NOT_CHOSEN_HERE
from tests.factories import InspectionFactory

from .conftest import DAY

pytestmark = pytest.mark.django_db


def reads_of(record):
    return list(ReadEvent.objects.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk))


def test_an_ofsted_drop_is_offered_with_its_source_and_never_ticked(client_as, academy, on_day):
    on_day(DAY)
    InspectionFactory(school=academy, framework=OfstedFramework.GRADED, overall_effectiveness=2,
                      start_date=DAY.replace(year=2022))  # fmt: skip
    InspectionFactory(school=academy, framework=OfstedFramework.GRADED, overall_effectiveness=3,
                      start_date=DAY.replace(month=3))  # fmt: skip
    response = client_as("officer").get(reverse("academies:new") + f"?school={academy.urn}")
    page = response.content.decode()
    assert (
        "a drop in Ofsted rating (suggested by: Ofsted: requires improvement (16 March 2026), down from good)" in page
    )
    assert "checked" not in page.split('name="concern_types"')[1].split(">")[0]
    assert not response.context["form"]["concern_types"].value()


def test_a_concern_cannot_be_opened_about_a_maintained_school_from_the_page_and_it_says_why(client_as, school):
    response = client_as("officer").get(reverse("academies:new") + f"?school={school.urn}")
    assert response.status_code == 403
    page = response.content.decode()
    assert f"{NOT_CHOSEN_HERE.format(school=school.name)} {PICKER_HINT}" in page
    assert "Your role does not allow" not in page  # (the role is not the reason)


def test_an_officer_opens_a_concern_and_it_is_on_the_list(client_as, academy, officer, on_day):
    on_day(DAY)
    client = client_as("officer")
    types = ConcernType.objects.filter(code__in=["high_absence", "high_exclusions"])
    response = client.post(
        reverse("academies:new") + f"?school={academy.urn}",
        {
            "source": ConcernSource.LA_MONITORING,
            "raised_on_0": "10", "raised_on_1": "11", "raised_on_2": "2026",
            "concern_types": [t.pk for t in types],
            "description": "Persistent absence at 30%.",
            "rag": Rag.AMBER,
            "rag_reason": "Rising for two terms",
            "owner": officer.pk,
        },
    )  # fmt: skip
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert response["Location"] == concern.get_absolute_url()
    assert set(concern.concern_types.all()) == set(types)
    assert "Osprey Academy" in client.get(reverse("academies:list")).content.decode()


def test_a_new_concerns_past_review_date_empty_rag_reason_and_future_raised_date_are_named_in_one_round(
    client_as, academy, officer, on_day
):
    """The review: each came one submit after the other."""
    from academies import rules, services

    on_day(DAY)
    response = client_as("officer").post(
        reverse("academies:new") + f"?school={academy.urn}",
        {
            "source": ConcernSource.LA_MONITORING,
            "raised_on_0": "17", "raised_on_1": "11", "raised_on_2": "2026",  # the day after DAY
            "concern_types": [ConcernType.objects.first().pk],
            "description": "Persistent absence at 30%.",
            "rag": Rag.AMBER,
            "rag_reason": "  ",
            "owner": officer.pk,
            "next_review_on_0": "1", "next_review_on_1": "11", "next_review_on_2": "2026",
        },
    )  # fmt: skip
    errors = response.context["form"].errors
    assert errors["raised_on"] == [services.DATE_IN_FUTURE]
    assert errors["rag_reason"] == [services.RAG_REASON_REQUIRED]
    assert errors["next_review_on"] == [rules.NEXT_REVIEW_IN_THE_PAST]
    assert not Concern.objects.exists()


def test_a_whistleblowing_concern_shows_as_redirected_to_the_esfa_once_routed(
    client_as, academy, make_concern, officer, on_day
):
    on_day(DAY)
    concern = make_concern(academy, source=ConcernSource.WHISTLEBLOWING)
    client = client_as("officer")
    assert "Not yet recorded as done" in client.get(concern.get_absolute_url()).content.decode()
    client.post(reverse("academies:routing", kwargs={"pk": concern.pk}),
                {"routing-done_on_0": "16", "routing-done_on_1": "11", "routing-done_on_2": "2026"})  # fmt: skip
    page = client.get(concern.get_absolute_url()).content.decode()
    assert WHISTLEBLOWING_ROUTE.title in page
    assert "Redirected to the ESFA (DfE): 16 November 2026, recorded by Olivia Okafor" in page


def test_an_adviser_who_takes_a_whistleblowing_call_records_it_for_an_officer_and_is_told_where_it_went(
    client_as, academy, adviser, officer, on_day
):
    on_day(DAY)
    client = client_as("adviser")
    url = reverse("academies:new") + f"?school={academy.urn}"
    posted = {
        "source": ConcernSource.WHISTLEBLOWING,
        "raised_on_0": "10", "raised_on_1": "11", "raised_on_2": "2026",
        "concern_types": [ConcernType.objects.first().pk],
        "description": "A member of staff rang about the finances.",
        "rag": Rag.RED,
        "rag_reason": "Serious allegation",
        "owner": adviser.pk,
    }  # fmt: skip
    refused = client.post(url, posted)
    assert refused.status_code == 200
    assert WHISTLEBLOWING_OWNER_NOT_AN_OFFICER in refused.content.decode()
    assert not Concern.objects.exists()

    response = client.post(url, {**posted, "owner": officer.pk}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("academies:list")
    assert concerns_views.WHISTLEBLOWING_RECORDED.format(school=academy.name) in response.content.decode()
    assert Concern.objects.get().owner == officer


def test_whistleblowing_concerns_are_left_off_an_advisers_lists(client_as, academy, make_concern, on_day):
    on_day(DAY)
    make_concern(academy, source=ConcernSource.WHISTLEBLOWING, rag=Rag.RED)
    adviser = client_as("adviser")
    assert "Osprey Academy" not in adviser.get(reverse("academies:list")).content.decode()
    assert not adviser.get(reverse("academies:meeting_pack")).context["rows"]
    assert (
        "Osprey Academy"
        not in adviser.get(reverse("academies:trust", kwargs={"code": academy.trust.code}))
        .context["concerns"]
        .__repr__()
    )


def test_reading_a_concern_is_logged_and_officers_see_who_has_read_it(client_as, academy, make_concern, on_day):
    on_day(DAY)
    concern = make_concern(academy)
    page = client_as("officer").get(concern.get_absolute_url()).content.decode()
    assert "Who has read this" in page
    assert [r.view for r in reads_of(concern)] == ["academies:detail"]


def test_the_ladder_step_page_records_a_step_and_the_stage_moves(client_as, academy, make_concern, on_day):
    on_day(DAY)
    concern = make_concern(academy)
    response = client_as("adviser").post(
        reverse("academies:step", kwargs={"pk": concern.pk}),
        {"stage": LadderStage.MEETING, "taken_on_0": "16", "taken_on_1": "11", "taken_on_2": "2026",
         "notes": "Met the principal and the CEO"},
    )  # fmt: skip
    assert response.status_code == 302
    assert "Meeting with principal / CEO" in client_as("adviser").get(concern.get_absolute_url()).content.decode()


def test_skipping_the_ladder_shows_the_rule_on_the_form(client_as, academy, make_concern, on_day):
    on_day(DAY)
    concern = make_concern(academy)
    response = client_as("officer").post(
        reverse("academies:step", kwargs={"pk": concern.pk}),
        {"stage": LadderStage.ESCALATION, "taken_on_0": "16", "taken_on_1": "11", "taken_on_2": "2026",
         "notes": "Straight to the DfE", "to_ofsted": "on"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Record the step before this one first" in response.content.decode()


def test_closing_and_reopening_from_the_page(client_as, academy, make_concern, on_day):
    on_day(DAY)
    concern = make_concern(academy)
    client = client_as("officer")
    client.post(reverse("academies:end", kwargs={"pk": concern.pk}),
                {"end-status": ConcernStatus.CLOSED, "end-outcome": "Trust put in a new head"})  # fmt: skip
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.CLOSED
    response = client.post(reverse("academies:reopen", kwargs={"pk": concern.pk}), {"reopen-reason": ""})
    assert response.status_code == 200  # the reason is required
    client.post(reverse("academies:reopen", kwargs={"pk": concern.pk}), {"reopen-reason": "It came back"})
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.OPEN


def test_an_officer_edits_the_trusts_ceo_and_chair(client_as, academy):
    url = reverse("academies:trust_edit", kwargs={"code": academy.trust.code})
    client_as("officer").post(url, {"ceo_name": "Dr Ann Lee", "chair_name": "Mr Bob Ray"})
    academy.trust.refresh_from_db()
    assert (academy.trust.ceo_name, academy.trust.chair_name) == ("Dr Ann Lee", "Mr Bob Ray")
    assert academy.trust.history.first().history_user.username == "officer"


def test_the_meeting_pack_spreadsheet_and_pdf(client_as, academy, make_concern, on_day):
    on_day(DAY)
    make_concern(academy, rag=Rag.RED)
    client = client_as("officer")
    workbook = load_workbook(io.BytesIO(client.get(reverse("academies:meeting_pack_xlsx")).content))
    rows = list(workbook.active.values)
    assert rows[1][:5] == ("Osprey Academy", academy.urn, academy.trust.name, "declining trend in pupil performance",
                           "Red")  # fmt: skip
    pdf = client.get(reverse("academies:meeting_pack_pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert {"RAG", "Red"} <= set(text.split())  # never "RA / G", "Re / d" in a squeezed column


def test_restricted_intelligence_shows_on_the_school_page_for_officers_only(client_as, school, make_entry):
    make_entry(school, summary="Staff grievance about the head.", sensitivity=Sensitivity.RESTRICTED)
    make_entry(school, summary="Clerk to governors resigned.")
    adviser_page = client_as("adviser").get(school.get_absolute_url()).content.decode()
    assert "Clerk to governors resigned." in adviser_page
    assert "Read the restricted entry" not in adviser_page
    officer_page = client_as("officer").get(school.get_absolute_url()).content.decode()
    assert "Read the restricted entry" in officer_page
    assert "Staff grievance" not in officer_page  # read on its own page, which logs the read


def test_reading_restricted_intelligence_is_logged(client_as, school, make_entry):
    entry = make_entry(school, sensitivity=Sensitivity.RESTRICTED)
    page = client_as("officer").get(entry.get_absolute_url()).content.decode()
    assert "Who has read this" in page
    assert [r.view for r in reads_of(entry)] == ["academies:intelligence"]


@pytest.mark.parametrize("role", ["governor", "headteacher"])
def test_a_governor_or_headteacher_sees_no_intelligence_on_their_schools_page(client_as, school, make_entry, role):
    make_entry(school, summary="Clerk to governors resigned.")
    page = client_as(role).get(school.get_absolute_url()).content.decode()
    assert "Intelligence log" not in page
    assert "Clerk to governors resigned." not in page


def test_adding_intelligence_needs_the_text(client_as, school, on_day):
    on_day(DAY)
    url = reverse("academies:intelligence_add", kwargs={"urn": school.urn})
    data = {"received_on_0": "16", "received_on_1": "11", "received_on_2": "2026", "source_team": "hr",
            "sensitivity": "normal", "summary": ""}  # fmt: skip
    assert SUMMARY_REQUIRED in client_as("adviser").post(url, data).content.decode()
    client_as("adviser").post(url, {**data, "summary": "Two HR cases"})
    assert IntelligenceEntry.objects.get().summary == "Two HR cases"


def test_intelligence_pages_are_titled_with_their_school(client_as, school, make_entry):
    entry = make_entry(school)
    add = client_as("adviser").get(reverse("academies:intelligence_add", kwargs={"urn": school.urn}))
    detail = client_as("adviser").get(reverse("academies:intelligence", kwargs={"pk": entry.pk}))
    assert f"<title>Add intelligence about {school.name}" in add.content.decode()
    assert f"<title>Intelligence about {school.name}, {DAY:%-d %B %Y}" in detail.content.decode()


def test_concern_types_are_recorded_in_the_concerns_history(academy, make_concern, officer, on_day):
    on_day(DAY)
    concern = make_concern(academy)
    services.concern_update(
        concern=concern, concern_types=list(ConcernType.objects.filter(code="high_exclusions")),
        description=concern.description, owner=officer, next_review_on=None, actor=officer,
    )  # fmt: skip
    newest = concern.history.order_by("-history_id").first()
    assert [t.concerntype.code for t in newest.concern_types.all()] == ["high_exclusions"]
    assert concern.history.filter(historicalconcern_concern_types__concerntype__code="declining_performance").exists()


def test_the_academys_intelligence_is_offered_as_evidence_when_opening_a_concern(client_as, academy, make_entry):
    make_entry(academy, summary="Clerk to governors resigned.")
    page = client_as("adviser").get(reverse("academies:new") + f"?school={academy.urn}").content.decode()
    assert "Intelligence from other teams (1)" in page
    assert "Clerk to governors resigned." in page


def test_an_adviser_changes_a_concerns_types_and_owner(client_as, academy, make_concern, adviser, on_day):
    on_day(DAY)
    concern = make_concern(academy)
    exclusions = ConcernType.objects.get(code="high_exclusions")
    response = client_as("adviser").post(
        reverse("academies:edit", kwargs={"pk": concern.pk}),
        {"concern_types": [exclusions.pk], "description": "Now about exclusions", "owner": adviser.pk},
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert list(concern.concern_types.all()) == [exclusions]
    assert concern.owner == adviser


def test_a_past_next_review_date_is_refused_on_the_form_with_the_other_errors(client_as, academy, officer, on_day):
    on_day(DAY)
    response = client_as("officer").post(
        reverse("academies:new") + f"?school={academy.urn}",
        {
            "source": ConcernSource.LA_MONITORING,
            "raised_on_0": "10", "raised_on_1": "11", "raised_on_2": "2026",
            "description": "",
            "rag": Rag.AMBER,
            "rag_reason": "Rising for two terms",
            "owner": officer.pk,
            "next_review_on_0": "10", "next_review_on_1": "11", "next_review_on_2": "2026",
        },
    )  # fmt: skip
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["next_review_on"] == [rules.NEXT_REVIEW_IN_THE_PAST]
    assert form.errors["description"] == [DESCRIPTION_REQUIRED]
    assert not Concern.objects.exists()


def test_an_overdue_review_date_left_as_it_is_does_not_hold_up_an_edit(client_as, academy, make_concern, on_day):
    on_day(DAY)
    concern = make_concern(academy, next_review_on=date(2026, 11, 30))
    on_day(date(2026, 12, 7))
    edit = reverse("academies:edit", kwargs={"pk": concern.pk})
    client = client_as("officer")
    fields = {"concern_types": [t.pk for t in concern.concern_types.all()], "owner": concern.owner.pk}
    kept = client.post(edit, {**fields, "description": "Kept", **dates("next_review_on", date(2026, 11, 30))})
    assert kept.status_code == 302
    moved = client.post(edit, {**fields, "description": "Moved", **dates("next_review_on", date(2026, 12, 1))})
    assert moved.context["form"].errors["next_review_on"] == [rules.NEXT_REVIEW_IN_THE_PAST]
    concern.refresh_from_db()
    assert (concern.description, concern.next_review_on) == ("Kept", date(2026, 11, 30))


def dates(name: str, day: date) -> dict:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def test_a_resolved_concern_offers_no_change_link_which_would_be_refused(client_as, academy, make_concern):
    concern = make_concern(academy)
    edit = reverse("academies:edit", kwargs={"pk": concern.pk})
    client = client_as("officer")
    assert edit in client.get(concern.get_absolute_url()).content.decode()
    Concern.objects.filter(pk=concern.pk).update(status=ConcernStatus.RESOLVED)
    assert edit not in client.get(concern.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("name", "data"),
    [("decide", {"decision-text": "Decision after resolving"}), ("rate", {"rag-rag": "red", "rag-reason": "Worse"})],
)
def test_a_form_posted_to_a_resolved_concern_is_refused_with_the_reason_shown(
    client_as, academy, make_concern, name, data
):
    concern = make_concern(academy)
    Concern.objects.filter(pk=concern.pk).update(status=ConcernStatus.RESOLVED)
    response = client_as("officer").post(reverse(f"academies:{name}", kwargs={"pk": concern.pk}), data, follow=True)
    assert response.redirect_chain == [(concern.get_absolute_url(), 302)]
    assert escape(rules.CONCERN_NOT_OPEN.format(status="resolved")) in response.content.decode()
    assert not concern.decisions.filter(text="Decision after resolving").exists()


def test_one_long_unbroken_string_does_not_squeeze_the_meeting_packs_other_columns(
    client_as, academy, make_concern, officer, on_day
):
    """A 1,500-character address pasted as a step's outcome gave its column the page and broke the
    academy's name into two letters a line (the academies journey)."""
    on_day(DAY)
    concern = make_concern(academy, rag=Rag.RED)
    address = "https://example.org/" + "a" * 1500
    services.concern_record_step(
        concern=concern, stage=LadderStage.MEETING, taken_on=DAY, notes="Met", outcome=address, actor=officer
    )
    client = client_as("officer")
    page = client.get(reverse("academies:meeting_pack")).content.decode()
    assert f'<td class="govuk-table__cell app-table__cell--text">{DAY:%-d %b %Y}: ' in page
    pdf = PdfReader(io.BytesIO(client.get(reverse("academies:meeting_pack_pdf")).content))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Osprey Academy" in [line.strip() for line in text.splitlines()]  # the name on one line, whole
    assert len(pdf.pages) == 1  # the last action cut at 400 characters: no row taller than a page
    assert {"RAG", "Red"} <= set(text.split())


def test_the_concerns_export_gives_each_concerns_source(academy, make_concern, officer, on_day):
    """Whistleblowing rows (officers only) are marked in the file that leaves the service as on the
    list (the academies journey)."""
    on_day(DAY)
    make_concern(academy, source=ConcernSource.WHISTLEBLOWING)
    [row] = list(CONCERNS.rows(user=officer, params=None))
    assert dict(zip(CONCERNS.header, row, strict=True))["Source"] == ConcernSource.WHISTLEBLOWING.label


@pytest.mark.parametrize(("role", "sensitivity", "told"), [
    ("adviser", "restricted", ADDED_OUT_OF_SIGHT), ("adviser", "normal", ADDED),
    ("officer", "restricted", ADDED),
])  # fmt: skip
def test_an_adviser_adding_restricted_intelligence_is_told_they_will_not_see_it(
    client_as, school, on_day, role, sensitivity, told
):
    on_day(DAY)
    url = reverse("academies:intelligence_add", kwargs={"urn": school.urn})
    data = {"received_on_0": "16", "received_on_1": "11", "received_on_2": "2026", "source_team": "hr",
            "sensitivity": sensitivity, "summary": "Two HR cases"}  # fmt: skip
    page = client_as(role).post(url, data, follow=True).content.decode()
    assert f"{escape(told)}" in page
