"""Moderation of a term's proposed categories (issue 14, docs/adr/0032): the rules, the services
and the pages."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import escape

from accounts.roles import Role
from categorisation import moderation, services, views_moderation
from categorisation.models import (
    Categorisation,
    CategorisationEvent,
    EventKind,
    ModerationDecision,
    ModerationSession,
    Status,
)
from core.limits import LONG_TEXT, too_long_message
from tests.categorisation.factories import ApprovedCategorisationFactory, CategorisationFactory
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_officer(make_user):
    return make_user(Role.OFFICER, username="officer2", first_name="Omar", last_name="Oyelaran")


@pytest.fixture
def proposal(school, adviser):
    school.link_adviser = adviser
    school.save()
    ApprovedCategorisationFactory(school=school, level="medium", academic_year=2024, term="summer")
    return CategorisationFactory(
        school=school,
        status=Status.SUBMITTED,
        level="high",
        suggested_level="high",
        created_by=adviser,
        submitted_by=adviser,
        school_reasons="Reading results fell further below the national average.",
    )


@pytest.fixture
def session(officer):
    return moderation.moderation_session_open(actor=officer)


def test_only_an_officer_moderates(adviser, officer, proposal):
    with pytest.raises(PermissionDenied):
        moderation.moderation_session_open(actor=adviser)
    session = moderation.moderation_session_open(actor=officer)
    with pytest.raises(PermissionDenied):
        moderation.moderation_decision_record(
            session=session, categorisation=proposal, level="high", reason="", actor=adviser
        )
    with pytest.raises(PermissionDenied):
        moderation.moderation_session_close(session=session, actor=adviser)


def test_a_session_opens_for_the_current_term_by_default_and_only_once(officer, proposal):
    session = moderation.moderation_session_open(actor=officer, notes="  Olivia, Omar  ")
    assert (session.academic_year, session.term) == (proposal.academic_year, proposal.term)
    assert session.notes == "Olivia, Omar"
    with pytest.raises(ValidationError) as error:
        moderation.moderation_session_open(actor=officer)
    assert error.value.messages == [moderation.SESSION_OPEN_ALREADY.format(term=session.term_label)]


def test_confirming_a_proposal_keeps_its_level_and_records_it_on_the_history(officer, session, proposal):
    decision = moderation.moderation_decision_record(
        session=session, categorisation=proposal, level="high", reason="", actor=officer
    )
    assert decision.outcome == "confirmed"
    assert (decision.proposed_level, decision.moderated_level, decision.previous_level) == ("high", "high", "medium")
    assert decision.direction == "declining"
    assert decision.adviser_name == "Adam Reid"
    assert decision.headline == "Reading results fell further below the national average."
    proposal.refresh_from_db()
    assert (proposal.level, proposal.status) == ("high", Status.SUBMITTED)
    event = CategorisationEvent.objects.get(categorisation=proposal, kind=EventKind.MODERATED)
    assert event.comments == "Confirmed at moderation as high support."


def test_a_change_of_level_at_moderation_has_a_recorded_reason(officer, session, proposal):
    with pytest.raises(ValidationError) as error:
        moderation.moderation_decision_record(
            session=session, categorisation=proposal, level="medium", reason="  ", actor=officer
        )
    assert error.value.message_dict == {"reason": [moderation.REASON_REQUIRED]}
    assert not ModerationDecision.objects.exists()
    decision = moderation.moderation_decision_record(
        session=session,
        categorisation=proposal,
        level="medium",
        reason="Leaders' plan is already working",
        actor=officer,
    )
    assert (decision.outcome, decision.reason) == ("changed", "Leaders' plan is already working")
    proposal.refresh_from_db()
    assert (proposal.level, proposal.status) == ("medium", Status.SUBMITTED)
    assert proposal.rationale == f"Moderation ({session.term_label}): Leaders' plan is already working"
    event = CategorisationEvent.objects.get(categorisation=proposal, kind=EventKind.MODERATED)
    assert (
        event.comments == "Changed at moderation from high support to medium support: Leaders' plan is already working"
    )


def test_the_moderated_level_is_approved_by_another_officer(officer, other_officer, session, proposal):
    moderation.moderation_decision_record(
        session=session, categorisation=proposal, level="medium", reason="Plan working", actor=officer
    )
    with pytest.raises(ValidationError):
        services.categorisation_approve(categorisation=proposal, actor=officer, tell_school=False)
    approved = services.categorisation_approve(categorisation=proposal, actor=other_officer, tell_school=False)
    assert (approved.status, approved.level) == (Status.APPROVED, "medium")


def test_confirming_does_not_stop_the_moderating_officer_approving(officer, session, proposal):
    moderation.moderation_decision_record(
        session=session, categorisation=proposal, level="high", reason="", actor=officer
    )
    approved = services.categorisation_approve(categorisation=proposal, actor=officer, tell_school=False)
    assert approved.status == Status.APPROVED


def test_only_the_terms_proposals_are_moderated(officer, session, proposal, adviser):
    draft = CategorisationFactory(school=SchoolFactory(), created_by=adviser, level="low")
    with pytest.raises(ValidationError) as error:
        moderation.moderation_decision_record(
            session=session, categorisation=draft, level="low", reason="", actor=officer
        )
    assert "no longer waiting for approval" in error.value.messages[0]
    other_term = CategorisationFactory(
        school=SchoolFactory(),
        status=Status.SUBMITTED,
        level="low",
        academic_year=session.academic_year - 1,
        term="spring",
    )
    with pytest.raises(ValidationError) as error:
        moderation.moderation_decision_record(
            session=session, categorisation=other_term, level="low", reason="", actor=officer
        )
    assert "not the term of this moderation session" in error.value.messages[0]


def test_a_proposal_is_moderated_once_a_session(officer, session, proposal):
    moderation.moderation_decision_record(
        session=session, categorisation=proposal, level="high", reason="", actor=officer
    )
    with pytest.raises(ValidationError) as error:
        moderation.moderation_decision_record(
            session=session, categorisation=proposal, level="low", reason="No", actor=officer
        )
    assert "already moderated in this session (confirmed by Olivia Okafor)" in error.value.messages[0]
    assert Categorisation.objects.get(pk=proposal.pk).level == "high"


def test_an_unknown_level_is_refused_naming_the_field(officer, session, proposal):
    with pytest.raises(ValidationError) as error:
        moderation.moderation_decision_record(
            session=session, categorisation=proposal, level="extreme", reason="x", actor=officer
        )
    assert error.value.message_dict == {"level": [moderation.LEVEL_REQUIRED]}


def test_a_closed_moderation_sheet_is_kept_unchanged(officer, session, proposal):
    moderation.moderation_decision_record(
        session=session, categorisation=proposal, level="medium", reason="Plan working", actor=officer
    )
    other = CategorisationFactory(school=SchoolFactory(name="Aardvark School"), status=Status.SUBMITTED, level="low")
    moderation.moderation_session_close(session=session, actor=officer)
    with pytest.raises(ValidationError):
        moderation.moderation_decision_record(
            session=session, categorisation=other, level="low", reason="", actor=officer
        )
    with pytest.raises(ValidationError):
        moderation.moderation_session_close(session=session, actor=officer)
    # the categorisation moves on; the kept sheet still shows the row as the officers saw it
    Categorisation.objects.filter(pk=proposal.pk).update(level="low", school_reasons="Changed later")
    rows = moderation.moderation_sheet(ModerationSession.objects.get(pk=session.pk))
    assert [(r.categorisation.pk, r.proposed_level, r.headline) for r in rows] == [
        (proposal.pk, "high", "Reading results fell further below the national average.")
    ]
    # a new session for the term may be opened after the closed one
    assert moderation.moderation_session_open(actor=officer).pk != session.pk


def test_an_open_sheet_lists_every_proposal_of_the_term_by_school_name(officer, session, proposal):
    aardvark = CategorisationFactory(
        school=SchoolFactory(name="Aardvark School"), status=Status.SUBMITTED, level="low", rationale="x" * 400
    )
    CategorisationFactory(school=SchoolFactory(name="Badger School"), status=Status.DRAFT, level="low")
    rows = moderation.moderation_sheet(session)
    assert [r.categorisation.pk for r in rows] == [aardvark.pk, proposal.pk]
    assert (rows[0].previous_level, rows[0].direction) == ("", "")
    assert len(rows[0].headline) == moderation.HEADLINE_LENGTH
    assert rows[0].headline.endswith("…")
    assert (rows[1].previous_level, rows[1].direction) == ("medium", "declining")


# ---- pages -------------------------------------------------------------------------------------


def test_an_officer_opens_a_session_for_the_current_term_and_sees_the_sheet(client_as, proposal):
    client = client_as("officer")
    page = client.get(reverse("categorisation:moderation"))
    assert "1 proposal of" in page.content.decode()
    response = client.post(reverse("categorisation:moderation"), {"notes": "Olivia and Omar"})
    session = ModerationSession.objects.get()
    assert response["Location"] == session.get_absolute_url()
    sheet = client.get(session.get_absolute_url()).content.decode()
    assert "Kingfisher Primary School" in sheet
    assert "Reading results fell further below the national average." in sheet
    assert "Adam Reid" in sheet
    assert f'name="c{proposal.pk}-level"' in sheet


def test_while_the_terms_session_is_open_the_page_leads_to_it_instead_of_offering_another(
    client_as, officer, session, proposal
):
    page = client_as("officer").get(reverse("categorisation:moderation")).content.decode()
    assert f'href="{session.get_absolute_url()}">Continue the open moderation session for {session.term_label}' in page
    assert "Open a moderation session for" not in page
    moderation.moderation_session_close(session=session, actor=officer)
    page = client_as("officer").get(reverse("categorisation:moderation")).content.decode()
    assert f"Open a moderation session for {session.term_label}" in page


def test_changing_without_a_reason_shows_a_govuk_error_naming_the_field(client_as, officer, session, proposal):
    response = client_as("officer").post(
        session.get_absolute_url(), {"proposal": proposal.pk, f"c{proposal.pk}-level": "medium"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert f'href="#id_c{proposal.pk}-reason"' in content
    assert moderation.REASON_REQUIRED in content
    assert Categorisation.objects.get(pk=proposal.pk).level == "high"


def test_no_level_and_a_reason_over_the_limit_are_named_in_one_round(client_as, officer, session, proposal):
    """ADR 0070: the level the service requires is asked with the reason's limit, not a round later."""
    row = f"c{proposal.pk}"
    response = client_as("officer").post(
        session.get_absolute_url(),
        {"proposal": proposal.pk, f"{row}-level": "", f"{row}-reason": "r" * (LONG_TEXT + 1)},
    )
    content = response.content.decode()
    start = content.index('class="govuk-error-summary"')
    summary = content[start : content.index("</ul>", start)]
    assert f'<a href="#id_{row}-level_1">{moderation.LEVEL_REQUIRED}</a>' in summary
    assert f'<a href="#id_{row}-reason">{escape(too_long_message("Reason", LONG_TEXT))}</a>' in summary
    assert f'id="id_{row}-level_1"' in content
    assert not ModerationDecision.objects.exists()


def test_a_change_recorded_on_the_sheet_shows_on_the_categorisation_page(client_as, officer, session, proposal):
    client = client_as("officer")
    response = client.post(
        session.get_absolute_url(),
        {"proposal": proposal.pk, f"c{proposal.pk}-level": "medium", f"c{proposal.pk}-reason": "Plan working"},
    )
    assert response.status_code == 302
    detail = client.get(reverse("categorisation:detail", kwargs={"pk": proposal.pk})).content.decode()
    assert "Changed at moderation from high support to medium support: Plan working" in detail


def test_a_proposal_whose_key_is_past_32_bits_is_decided_on_the_sheet(client_as, officer, school, adviser):
    """Keys are 64-bit (BigAutoField): the sheet once refused any key from 2**31 as "no such proposal"."""
    big = CategorisationFactory(
        id=2**31 + 7, school=school, status=Status.SUBMITTED, level="high", created_by=adviser, submitted_by=adviser
    )
    session = moderation.moderation_session_open(actor=officer)
    response = client_as("officer").post(
        session.get_absolute_url(), {"proposal": big.pk, f"c{big.pk}-level": "high"}, follow=True
    )
    assert views_moderation.NO_SUCH_PROPOSAL not in response.content.decode()
    assert ModerationDecision.objects.filter(categorisation=big).exists()


@pytest.mark.parametrize("value", ["", "abc", "999999", "-1", str(2**70)])
def test_a_post_naming_no_proposal_is_a_message_not_a_500(client_as, session, value):
    response = client_as("officer").post(session.get_absolute_url(), {"proposal": value}, follow=True)
    assert response.status_code == 200
    assert views_moderation.NO_SUCH_PROPOSAL in response.content.decode()


def test_a_closed_sheet_is_read_only(client_as, officer, session, proposal):
    moderation.moderation_session_close(session=session, actor=officer)
    client = client_as("officer")
    sheet = client.get(session.get_absolute_url()).content.decode()
    assert "Closed on" in sheet
    assert f'name="c{proposal.pk}-level"' not in sheet
    response = client.post(
        session.get_absolute_url(), {"proposal": proposal.pk, f"c{proposal.pk}-level": "high"}, follow=True
    )
    assert "its sheet is kept as it was" in response.content.decode()
    assert not ModerationDecision.objects.exists()


def test_an_adviser_reads_the_sheet_without_forms_and_cannot_post(client_as, session, proposal):
    client = client_as("adviser")
    sheet = client.get(session.get_absolute_url()).content.decode()
    assert "Kingfisher Primary School" in sheet
    assert f'name="c{proposal.pk}-level"' not in sheet
    response = client.post(session.get_absolute_url(), {"proposal": proposal.pk, f"c{proposal.pk}-level": "high"})
    assert response.status_code == 403
    assert client.post(reverse("categorisation:moderation"), {"notes": ""}).status_code == 403


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_sheet_downloads_as_a_spreadsheet(client_as, officer, session, proposal, fmt):
    moderation.moderation_decision_record(
        session=session, categorisation=proposal, level="medium", reason="Plan working", actor=officer
    )
    response = client_as("officer").get(
        reverse("categorisation:moderation_export", kwargs={"pk": session.pk, "fmt": fmt})
    )
    assert response.status_code == 200
    if fmt == "csv":
        content = b"".join(response.streaming_content).decode()
        assert "Kingfisher Primary School,High support,Medium support,Declining,Adam Reid" in content
        assert "Changed,Medium support,Plan working" in content
    else:
        assert response.content[:2] == b"PK"


# ---- queries -----------------------------------------------------------------------------------


def sheet_queries(client, session) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(session.get_absolute_url())  # warms the stored compliance status and the caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(session.get_absolute_url())
    assert response.status_code == 200
    return len(captured)


def test_the_sheet_runs_a_bounded_number_of_queries_however_many_proposals(client_as, adviser, officer, other_officer):
    from tests.categorisation.test_queries import populate

    populate(3, 2, adviser=adviser, officer=officer, first_urn=500000)
    session = moderation.moderation_session_open(actor=other_officer)
    proposals = list(moderation.term_proposals(session.academic_year, session.term))
    assert len(proposals) == 1
    moderation.moderation_decision_record(
        session=session, categorisation=proposals[0], level="low", reason="Better than it looks", actor=other_officer
    )
    CategorisationFactory(school=SchoolFactory(), status=Status.SUBMITTED, level="low", created_by=adviser)
    client = client_as("officer")
    few = sheet_queries(client, session)

    populate(500, 3, adviser=adviser, officer=officer, first_urn=600000)
    proposals = list(moderation.term_proposals(session.academic_year, session.term))
    assert len(proposals) == 52
    for proposal in proposals[:10]:
        if not proposal.moderation_decisions.exists():
            moderation.moderation_decision_record(
                session=session, categorisation=proposal, level="high", reason="", actor=other_officer
            )
    many = sheet_queries(client, session)
    assert many == few
    assert many <= 15


def test_the_sessions_page_runs_the_same_number_of_queries_however_many_sessions(client_as, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        client = client_as("officer")
        client.get(reverse("categorisation:moderation"))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("categorisation:moderation")).status_code == 200
        return len(captured)

    moderation.moderation_session_close(session=moderation.moderation_session_open(actor=officer), actor=officer)
    few = count()
    for _ in range(20):
        moderation.moderation_session_close(session=moderation.moderation_session_open(actor=officer), actor=officer)
    assert count() == few


def test_each_rows_decision_form_on_the_sheet_has_ids_of_its_own_and_long_reasons_wrap(
    client_as, session, proposal, adviser
):
    """Two proposals: no two elements share an id (the button's was id_decide on every row), and the
    headline reasons sit in a cell that wraps a long unbroken word rather than pushing the forms
    off the screen."""
    other = SchoolFactory(name="Ashcroft Primary School", link_adviser=adviser)
    CategorisationFactory(
        school=other, status=Status.SUBMITTED, level="low", suggested_level="low", created_by=adviser,
        submitted_by=adviser, school_reasons="x" * 300,
    )  # fmt: skip
    sheet = client_as("officer").get(session.get_absolute_url()).content.decode()
    ids = re.findall(r'\bid="([^"]+)"', sheet)
    assert len(ids) == len(set(ids)), sorted(i for i in set(ids) if ids.count(i) > 1)
    assert f'id="id_c{proposal.pk}-decide"' in sheet
    assert re.search(r'<td class="[^"]*app-table__cell--text[^"]*">\s*x{300}', sheet)
