"""A form's problems are named in one round (docs/adr/0070): one submission of the categorisation
form lists every problem that can be known from what was submitted (the fields' own errors with the
rules', and a save made since the page was opened), each in the error summary linked to its field;
nothing is saved and what was typed is kept. The frameworks' forms too. The answer to a category and
the moderation sheet are in test_notices.py and test_moderation.py."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from categorisation import services
from categorisation.forms import EVIDENCE_MAX, EVIDENCE_NOT_OFFERED, EVIDENCE_TOO_LONG
from categorisation.forms_frameworks import AREA_NAME_REQUIRED, TEXT_REQUIRED
from categorisation.models import Area, Categorisation, Criterion, Framework, Status
from categorisation.rules import (
    EVIDENCE_REQUIRED,
    LEVEL_REQUIRED,
    NOTHING_TICKED,
    RATIONALE_REQUIRED,
    a_proposal_ticks_the_statements_that_apply_with_evidence,
)
from categorisation.services import (
    ACTIVE_FROM_PAST,
    AREA_CODE_TAKEN,
    AREA_EMPTY,
    CRITERION_CODE_TAKEN,
    FRAMEWORK_EMPTY,
    FRAMEWORK_NAME_TAKEN,
)
from core.forms import NOT_A_REAL_DATE
from core.limits import LONG_TEXT, too_long_message
from core.versions import CHANGED_SINCE
from tests.categorisation.test_pages import criterion, form_data, start

pytestmark = pytest.mark.django_db

TOO_LONG_EVIDENCE = "Leaders have no plan. " * 100  # 2,200 characters
CHANGED_BY_YOU = CHANGED_SINCE.partition("{when")[0].format(who="You", noun="categorisation")


@pytest.fixture
def linked(school, adviser):
    school.link_adviser = adviser
    school.save()
    return school


def error_summary(page: str) -> str:
    start_at = page.index('class="govuk-error-summary"')
    return page[start_at : page.index("</ul>", start_at)]


def assert_named(summary: str, message: str, field_id: str, page: str) -> None:
    """The message is in the summary, linked to the field, and the field is on the page."""
    assert f'<a href="#{field_id}">{escape(message)}</a>' in summary, (message, field_id)
    assert f'id="{field_id}"' in page, field_id


def saved_state(categorisation: Categorisation) -> tuple:
    categorisation = Categorisation.objects.get(pk=categorisation.pk)
    ticks = sorted(categorisation.ticks.values_list("criterion_id", "evidence"))
    return categorisation.status, categorisation.level, categorisation.rationale, categorisation.school_reasons, ticks


def edit_url(categorisation: Categorisation) -> str:
    return reverse("categorisation:edit", kwargs={"pk": categorisation.pk})


def test_a_submission_with_five_problems_shows_all_five_in_one_response_and_saves_nothing(client_as, linked):
    client = client_as("adviser")
    categorisation = start(client, linked)
    before = saved_state(categorisation)
    data = form_data(
        {"LM-H2": TOO_LONG_EVIDENCE, "QE-H5": "", "BA-H2": "Three fixed-term exclusions this half-term."},
        level="low",  # the suggestion is high: a departure, and no rationale
        action="submit",
    )
    data |= {"school_reasons": "r" * (LONG_TEXT + 1), "cited": ["not-an-offered-item"]}

    response = client.post(edit_url(categorisation), data)

    assert response.status_code == 200
    page = response.content.decode()
    summary = error_summary(page)
    lm_h2, qe_h5 = criterion("LM-H2"), criterion("QE-H5")
    assert_named(
        summary, EVIDENCE_TOO_LONG.format(text=lm_h2.text, limit=EVIDENCE_MAX), f"id_evidence_{lm_h2.pk}", page
    )
    assert_named(summary, EVIDENCE_REQUIRED.format(text=qe_h5.text), f"id_evidence_{qe_h5.pk}", page)
    assert_named(summary, EVIDENCE_NOT_OFFERED, "id_cited", page)
    assert_named(
        summary, RATIONALE_REQUIRED.format(level="low support", suggested="high support"), "id_rationale", page
    )
    school_reasons_too_long = too_long_message("Reasons for the school, in plain words", LONG_TEXT)
    assert_named(summary, school_reasons_too_long, "id_school_reasons", page)
    assert summary.count("<li>") == 5
    assert saved_state(categorisation) == before
    assert TOO_LONG_EVIDENCE in page  # what was typed is kept
    assert "Three fixed-term exclusions this half-term." in page


def test_nothing_ticked_and_no_level_are_named_with_a_rationale_over_the_limit(client_as, linked):
    client = client_as("adviser")
    categorisation = start(client, linked)
    before = saved_state(categorisation)

    data = form_data({}, action="submit", rationale="x" * (LONG_TEXT + 1))
    page = client.post(edit_url(categorisation), data).content.decode()

    summary = error_summary(page)
    first_statement = re.search(r'id="(id_tick_\d+)"', page)[1]
    assert_named(summary, NOTHING_TICKED, first_statement, page)
    assert_named(summary, LEVEL_REQUIRED, "id_level_1", page)
    assert_named(summary, too_long_message("Rationale", LONG_TEXT), "id_rationale", page)
    assert summary.count("<li>") == 3
    assert saved_state(categorisation) == before


def test_a_draft_saved_with_a_field_error_is_not_asked_what_only_a_submission_needs(client_as, linked):
    client = client_as("adviser")
    categorisation = start(client, linked)
    data = form_data({"LM-H2": TOO_LONG_EVIDENCE, "QE-H5": ""}, level="low")  # "Save", not "Submit"

    page = client.post(edit_url(categorisation), data).content.decode()

    summary = error_summary(page)
    assert_named(
        summary,
        EVIDENCE_TOO_LONG.format(text=criterion("LM-H2").text, limit=EVIDENCE_MAX),
        f"id_evidence_{criterion('LM-H2').pk}",
        page,
    )
    assert summary.count("<li>") == 1  # a draft may be incomplete


def _version(page: str) -> str:
    return re.search(r'<input type="hidden" name="version" value="(\d*)"', page)[1]


def test_a_page_refused_for_a_field_also_says_another_tab_saved_since_and_saves_once_put_right(client_as, linked):
    client = client_as("adviser")
    categorisation = start(client, linked)
    url = edit_url(categorisation)
    tab_a, tab_b = _version(client.get(url).content.decode()), _version(client.get(url).content.decode())
    saved_in_a = form_data({"QE-H5": "Five of eight lessons seen required improvement."})
    assert client.post(url, {**saved_in_a, "version": tab_a}).status_code == 302
    after_a = saved_state(categorisation)

    typed_in_b = form_data({"LM-H2": TOO_LONG_EVIDENCE, "BA-H2": ""}, level="high", action="submit")
    page = client.post(url, {**typed_in_b, "version": tab_b}).content.decode()

    summary = error_summary(page)
    assert CHANGED_BY_YOU in summary
    assert_named(
        summary,
        EVIDENCE_TOO_LONG.format(text=criterion("LM-H2").text, limit=EVIDENCE_MAX),
        f"id_evidence_{criterion('LM-H2').pk}",
        page,
    )
    ba_h2 = criterion("BA-H2")
    assert_named(summary, EVIDENCE_REQUIRED.format(text=ba_h2.text), f"id_evidence_{ba_h2.pk}", page)
    assert saved_state(categorisation) == after_a
    taken = _version(page)
    assert taken not in (tab_a, tab_b)  # the page now carries the version tab A saved

    put_right = form_data({"LM-H2": "No plan.", "BA-H2": "Three exclusions."}, level="high", action="submit")
    assert client.post(url, {**put_right, "version": taken}).status_code == 302
    assert Categorisation.objects.get(pk=categorisation.pk).status == Status.SUBMITTED


def test_a_proposal_ticks_the_statements_that_apply_with_evidence():
    statements = {1: "Leaders have no plan", 2: "Too much teaching requires improvement"}
    assert (
        a_proposal_ticks_the_statements_that_apply_with_evidence(
            ticks={1: "Seen at the visit."}, statements=statements, level="high"
        )
        == {}
    )
    assert a_proposal_ticks_the_statements_that_apply_with_evidence(ticks={}, statements=statements, level="") == {
        "__all__": [NOTHING_TICKED],
        "level": [LEVEL_REQUIRED],
    }
    assert a_proposal_ticks_the_statements_that_apply_with_evidence(
        ticks={1: "  ", 2: ""}, statements=statements, level=""
    ) == {
        "evidence_1": [EVIDENCE_REQUIRED.format(text="Leaders have no plan")],
        "evidence_2": [EVIDENCE_REQUIRED.format(text="Too much teaching requires improvement")],
        "level": [LEVEL_REQUIRED],
    }


def test_the_service_names_an_unknown_level_with_what_the_submission_lacks(adviser, linked):
    categorisation = services.categorisation_start(school=linked, actor=adviser)
    no_evidence = {criterion("QE-H1").pk: " "}
    with pytest.raises(ValidationError) as error:
        services.categorisation_submit(
            categorisation=categorisation, actor=adviser, ticks=no_evidence, level="extreme", rationale=""
        )
    assert error.value.message_dict == {
        f"evidence_{criterion('QE-H1').pk}": [EVIDENCE_REQUIRED.format(text=criterion("QE-H1").text)],
        "level": [LEVEL_REQUIRED],
    }
    assert Categorisation.objects.get(pk=categorisation.pk).status == Status.DRAFT


# ---- the frameworks' forms ----------------------------------------------------------------------


@pytest.fixture
def draft_framework(officer):
    framework = Framework.objects.create(name="Report card 2027", created_by=officer)
    Area.objects.create(framework=framework, code="inclusion", name="Inclusion", order=1)
    Area.objects.create(framework=framework, code="achievement", name="Achievement", order=2)
    return framework


def test_a_framework_named_as_another_with_a_description_over_the_limit_names_both(client_as, draft_framework):
    data = {"name": "report card 2027", "description": "d" * (LONG_TEXT + 1)}
    page = client_as("officer").post(reverse("categorisation:framework_create"), data).content.decode()
    summary = error_summary(page)
    assert_named(summary, FRAMEWORK_NAME_TAKEN.format(name="report card 2027"), "id_name", page)
    assert_named(summary, too_long_message("Description", LONG_TEXT), "id_description", page)
    assert Framework.objects.count() == 2  # the strategy's and the draft: nothing created


def test_an_area_with_a_code_in_use_and_no_name_names_both(client_as, draft_framework):
    url = reverse("categorisation:area_create", kwargs={"framework_pk": draft_framework.pk})
    page = client_as("officer").post(url, {"name": "", "code": "inclusion", "order": 3}).content.decode()
    summary = error_summary(page)
    assert_named(summary, AREA_NAME_REQUIRED, "id_name", page)
    assert_named(summary, AREA_CODE_TAKEN.format(code="inclusion"), "id_code", page)
    assert draft_framework.areas.count() == 2


def test_a_statement_with_a_code_in_use_and_no_text_names_both(client_as, draft_framework):
    area = draft_framework.areas.get(code="inclusion")
    Criterion.objects.create(area=area, level="high", code="IN-H1", text="Pupils with SEND are not identified.")
    url = reverse("categorisation:criterion_create", kwargs={"area_pk": area.pk})
    page = client_as("officer").post(url, {"level": "high", "text": "", "code": "IN-H1", "order": 2}).content.decode()
    summary = error_summary(page)
    assert_named(summary, TEXT_REQUIRED, "id_text", page)
    assert_named(summary, CRITERION_CODE_TAKEN.format(code="IN-H1"), "id_code", page)
    assert area.criteria.count() == 1


def test_activating_from_a_past_date_names_it_with_every_area_without_statements(client_as, draft_framework):
    url = reverse("categorisation:framework_activate", kwargs={"pk": draft_framework.pk})
    past = timezone.localdate() - timedelta(days=1)
    page = (
        client_as("officer")
        .post(url, {"active_from_0": past.day, "active_from_1": past.month, "active_from_2": past.year})
        .content.decode()
    )
    summary = error_summary(page)
    assert_named(summary, ACTIVE_FROM_PAST, "id_active_from_0", page)
    for area in ("Inclusion", "Achievement"):
        assert escape(AREA_EMPTY.format(area=area)) in summary
    draft_framework.refresh_from_db()
    assert draft_framework.active_from is None


def test_activating_an_empty_framework_from_a_date_that_does_not_exist_names_both(client_as, draft_framework):
    draft_framework.areas.all().delete()
    url = reverse("categorisation:framework_activate", kwargs={"pk": draft_framework.pk})
    year = timezone.localdate().year + 1
    page = client_as("officer").post(url, {"active_from_0": 31, "active_from_1": 2, "active_from_2": year})
    page = page.content.decode()
    summary = error_summary(page)
    assert_named(
        summary, NOT_A_REAL_DATE.format(label="The date the framework is in use from"), "id_active_from_0", page
    )
    assert escape(FRAMEWORK_EMPTY) in summary
