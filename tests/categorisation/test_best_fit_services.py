"""The best-fit rule through the services and pages, on the 2022-2024 framework as the data
migrations load it (ADR 0002): the cases issue 8 found too lenient, the rule's data on the
framework (set by the migration, edited on draft frameworks, copied with them), and stored
suggestions as history."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from categorisation import services
from categorisation.forms_frameworks import COUNT_INVALID
from categorisation.models import Area, Categorisation, Criterion, Framework, Status
from categorisation.selectors import evidence_of
from tests.categorisation.factories import STRATEGY_FRAMEWORK, ApprovedCategorisationFactory
from tests.conftest import collapsed
from tests.factories import InspectionFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)

# Every strength the strategy lists, but safeguarding (LM-L1).
STRONG = ["LM-L2", "LM-L3", "LM-L5", "QE-L1", "QE-L2", "QE-L3", "QE-L4", "BA-L1", "BA-L2", "BA-L3", "PD-L1", "PD-L2"]


def criterion(code: str) -> Criterion:
    return Criterion.objects.get(area__framework__name=STRATEGY_FRAMEWORK, code=code)


def evidence(*codes: str) -> dict[int, str]:
    return {criterion(code).pk: f"Seen: {code}" for code in codes}


@pytest.fixture
def draft(school, adviser):
    categorisation = services.categorisation_start(school=school, actor=adviser, on=TODAY)
    services.categorisation_save(categorisation=categorisation, actor=adviser, ticks={})
    return categorisation


@pytest.mark.parametrize(
    ("codes", "suggested"),
    [
        # A school with an issued warning notice and otherwise strong statements.
        (["LM-H4", *STRONG], "high"),
        # Six of seven high quality-of-education statements plus one low tick elsewhere...
        (["QE-H1", "QE-H2", "QE-H3", "QE-H4", "QE-H5", "QE-H6", "LM-L2"], "high"),
        # ...or one in each other area.
        (["QE-H1", "QE-H2", "QE-H3", "QE-H4", "QE-H5", "QE-H6", "LM-L2", "BA-L1", "PD-L1"], "high"),
        # An interim head plus "at risk of RI", with strengths elsewhere...
        (["LM-M5", "LM-M4", "QE-L1", "BA-L1", "PD-L1"], "medium"),
        # ...and with every other strength too.
        (["LM-M5", "LM-M4", *STRONG], "medium"),
        # Three high leadership statements and two medium ones...
        (["LM-H2", "LM-H3", "LM-H7", "LM-M2", "LM-M3"], "high"),
        # ...with strengths in other areas.
        (["LM-H2", "LM-H3", "LM-H7", "LM-M2", "LM-M3", "QE-L1", "QE-L2", "BA-L1", "PD-L1"], "high"),
        # More: safeguarding not met, an Ofsted category of concern, each decisive.
        (["LM-H1", *STRONG], "high"),
        (["LM-H5", *STRONG], "high"),
        # Minor safeguarding weaknesses alone among strengths are best fit away (not decisive)...
        (["LM-M1", *STRONG], "low"),
        # ...but with another concern in leadership they count.
        (["LM-M1", "LM-H6", *STRONG], "medium"),
        # Two high behaviour statements make the school high support (the count for behaviour is two).
        (["BA-H1", "BA-H2", "BA-L2", "BA-L3", "LM-L2", "QE-L1", "PD-L1"], "high"),
        # One high statement in an area with nothing else ticked there: one level below it.
        (["PD-H1", "LM-L2", "QE-L1", "BA-L1"], "medium"),
        # Every strength: low.
        (STRONG, "low"),
    ],
)
def test_categorisation_save_stores_the_best_fit_of_the_ticks(draft, adviser, codes, suggested):
    services.categorisation_save(categorisation=draft, actor=adviser, ticks=evidence(*codes))
    draft.refresh_from_db()
    assert draft.suggested_level == suggested


def test_an_issued_warning_notice_pre_ticks_a_decisive_statement_so_a_new_categorisation_suggests_high(
    school, adviser, officer
):
    from tests.letters.factories import issued

    issued(school, "warning_notice", drafter=adviser, officer=officer, issued_on=date(2026, 11, 2), today=TODAY,
           compliance_end_date=date(2027, 1, 29))  # fmt: skip
    InspectionFactory(school=school, overall_effectiveness=2, start_date=date(2025, 3, 10))  # good: LM-L4
    categorisation = services.categorisation_start(school=school, actor=adviser, on=TODAY)
    assert {t.criterion.code for t in categorisation.ticks.select_related("criterion")} == {"LM-H4", "LM-L4"}
    assert categorisation.suggested_level == "high"

    # The adviser adds every strength: the notice still decides.
    kept = {t.criterion_id: t.evidence for t in categorisation.ticks.all()}
    services.categorisation_save(categorisation=categorisation, actor=adviser, ticks={**kept, **evidence(*STRONG)})
    categorisation.refresh_from_db()
    assert categorisation.suggested_level == "high"


def test_submitting_below_a_decisive_statement_needs_a_rationale(draft, adviser):
    with pytest.raises(ValidationError, match="departs from the suggestion"):
        services.categorisation_submit(
            categorisation=draft, actor=adviser, ticks=evidence("LM-H4", *STRONG), level="low", rationale=""
        )
    services.categorisation_submit(
        categorisation=draft,
        actor=adviser,
        ticks=evidence("LM-H4", *STRONG),
        level="medium",
        rationale="The notice's actions are all met; it is withdrawn at the next governors' meeting.",
    )
    draft.refresh_from_db()
    assert (draft.status, draft.suggested_level, draft.level) == (Status.SUBMITTED, "high", "medium")


# ---- the rule's data on the framework ------------------------------------------------------------


def test_the_migration_sets_the_2022_2024_frameworks_decisive_statements_and_counts():
    decisive = Criterion.objects.filter(area__framework__name=STRATEGY_FRAMEWORK, decisive=True)
    assert {(c.code, c.level) for c in decisive} == {
        ("LM-H1", "high"),
        ("LM-H4", "high"),
        ("LM-H5", "high"),
        ("LM-M4", "medium"),
    }
    assert {c.code: c.fact_key for c in decisive} == {
        "LM-H1": "safeguarding_not_met",
        "LM-H4": "warning_notice_or_concerns_letter",
        "LM-H5": "ofsted_inadequate_or_category",
        "LM-M4": "ofsted_requires_improvement",
    }
    counts = {a.code: (a.medium_count, a.high_count) for a in Area.objects.filter(framework__name=STRATEGY_FRAMEWORK)}
    assert counts == {"leadership": (2, 3), "quality": (2, 3), "behaviour": (2, 2), "personal": (2, 2)}


def test_copying_a_framework_copies_its_decisive_statements_and_counts(officer):
    strategy = Framework.objects.get(name=STRATEGY_FRAMEWORK)
    copy = services.framework_copy(framework=strategy, name="Strategy 2025", actor=officer)
    assert set(Criterion.objects.filter(area__framework=copy, decisive=True).values_list("code", flat=True)) == {
        "LM-H1",
        "LM-H4",
        "LM-H5",
        "LM-M4",
    }
    assert {(a.code, a.medium_count, a.high_count) for a in copy.areas.all()} == {
        ("leadership", 2, 3),
        ("quality", 2, 3),
        ("behaviour", 2, 2),
        ("personal", 2, 2),
    }


def test_an_officer_edits_the_counts_and_decisive_statements_of_a_draft_framework(client_as, officer):
    client = client_as("officer")
    framework = services.framework_create(name="Report-card areas", actor=officer)
    response = client.post(
        reverse("categorisation:area_create", kwargs={"framework_pk": framework.pk}),
        {"name": "Inclusion", "code": "inclusion", "order": "1", "medium_count": "2", "high_count": "1"},
    )
    assert response.status_code == 302
    area = framework.areas.get()
    assert (area.medium_count, area.high_count) == (2, 1)

    response = client.post(
        reverse("categorisation:criterion_create", kwargs={"area_pk": area.pk}),
        {"level": "high", "text": "Safeguarding standards are not met", "code": "IN-H1", "order": "1",
         "is_safeguarding": "on", "decisive": "on", "fact_key": "safeguarding_not_met"},
    )  # fmt: skip
    assert response.status_code == 302
    assert area.criteria.get().decisive

    page = client.get(framework.get_absolute_url()).content.decode()
    assert "Decisive" in page
    assert "2 statements at medium support or above ticked make the school at least medium support" in page
    assert "1 high-support statement ticked makes it high support" in page

    # Empty means no count; a count below 1 is refused with a clear message and changes nothing.
    edit = reverse("categorisation:area_edit", kwargs={"pk": area.pk})
    form = client.get(edit).context["form"]
    assert (form["medium_count"].value(), form["high_count"].value()) == (2, 1)
    response = client.post(edit, {"name": "Inclusion", "code": "inclusion", "order": "1", "medium_count": "0"})
    assert response.status_code == 200
    assert COUNT_INVALID in response.content.decode()
    area.refresh_from_db()
    assert (area.medium_count, area.high_count) == (2, 1)
    client.post(edit, {"name": "Inclusion", "code": "inclusion", "order": "1", "medium_count": "", "high_count": ""})
    area.refresh_from_db()
    assert (area.medium_count, area.high_count) == (None, None)


def test_a_new_area_starts_with_the_strategys_counts(client_as, officer):
    framework = services.framework_create(name="Report-card areas", actor=officer)
    page = client_as("officer").get(reverse("categorisation:area_create", kwargs={"framework_pk": framework.pk}))
    form = page.context["form"]
    assert (form["medium_count"].value(), form["high_count"].value()) == (2, 3)
    assert "Ticks that make the school high support" in page.content.decode()


def test_the_services_refuse_a_count_below_one(officer):
    framework = services.framework_create(name="Report-card areas", actor=officer)
    with pytest.raises(ValidationError) as error:
        services.area_save(framework=framework, actor=officer, code="x", name="X", high_count=0)
    assert error.value.message_dict == {"high_count": [services.COUNT_TOO_SMALL]}
    assert not framework.areas.exists()


def test_an_activated_frameworks_counts_and_decisive_statements_cannot_change(officer):
    strategy = Framework.objects.get(name=STRATEGY_FRAMEWORK)
    area = strategy.areas.get(code="leadership")
    with pytest.raises(ValidationError, match="has been activated"):
        services.area_save(framework=strategy, area=area, actor=officer, code=area.code, name=area.name, high_count=1)
    c = criterion("LM-H6")
    with pytest.raises(ValidationError, match="has been activated"):
        services.criterion_save(area=area, criterion=c, actor=officer, level=c.level, code=c.code, text=c.text,
                                decisive=True)  # fmt: skip
    assert not criterion("LM-H6").decisive


# ---- stored suggestions are history ------------------------------------------------------------------


def test_an_approved_categorisations_stored_suggestion_is_kept_and_the_page_says_what_the_rule_now_gives(
    client_as, school
):
    # Approved under the old rule: a warning notice among strengths was suggested low.
    approved = ApprovedCategorisationFactory(school=school, level="low", suggested_level="low")
    approved.ticks.all().delete()
    for code in ["LM-H4", *STRONG]:
        approved.ticks.create(criterion=criterion(code), evidence="Seen.")
    assert evidence_of(approved).fit.level == "high"
    assert evidence_of(approved).suggestion_changed

    page = client_as("officer").get(approved.get_absolute_url()).content.decode()
    approved.refresh_from_db()
    assert approved.suggested_level == "low"  # reading never rewrites it
    assert "This is the suggestion when it was last saved. The best-fit rule has changed since" in page
    assert "under today's rule these ticks suggest high support" in collapsed(page)
    assert "It is updated when the categorisation is next saved." not in page  # approved: never


def test_a_drafts_stored_suggestion_is_recomputed_when_it_is_next_saved(client_as, draft, adviser):
    services.categorisation_save(categorisation=draft, actor=adviser, ticks=evidence("LM-H4", *STRONG))
    Categorisation.objects.filter(pk=draft.pk).update(suggested_level="low")  # as the old rule stored it
    page = client_as("adviser").get(draft.get_absolute_url()).content.decode()
    assert "It is updated when the categorisation is next saved." in page

    services.categorisation_save(categorisation=draft, actor=adviser, ticks=evidence("LM-H4", *STRONG))
    draft.refresh_from_db()
    assert draft.suggested_level == "high"
    page = client_as("adviser").get(draft.get_absolute_url()).content.decode()
    assert "The best-fit rule has changed since" not in page


# ---- the form's live suggestion -------------------------------------------------------------------------


def test_the_live_suggestion_explains_a_decisive_statement_in_plain_words(client_as, school, adviser):
    school.link_adviser = adviser
    school.save()
    categorisation = services.categorisation_start(school=school, actor=adviser, on=TODAY)
    data = {f"tick_{pk}": "on" for pk in evidence("LM-H4", *STRONG)}
    response = client_as("adviser").post(reverse("categorisation:suggestion", kwargs={"pk": categorisation.pk}), data)
    body = response.json()
    assert body["level"] == "high"
    assert body["explanation"][1].startswith("Raised to high support, because a decisive statement is ticked")
    assert "The school has been issued with a Warning Notice or Significant Concerns letter" in body["html"]
    assert "How the suggestion is worked out" in body["html"]
    # The form's hint says which statements are decisive.
    page = client_as("adviser").get(reverse("categorisation:edit", kwargs={"pk": categorisation.pk})).content.decode()
    assert "decisive: ticked, the suggestion is at least high support" in page
    assert "decisive: ticked, the suggestion is at least medium support" in page


def test_the_migration_gives_frameworks_made_in_the_app_the_data_nearest_the_old_rule(officer):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("categorisation.migrations.0004_best_fit_rule_2022_2024")
    framework = services.framework_create(name="Made in the app", actor=officer)
    area = services.area_save(framework=framework, actor=officer, code="in", name="Inclusion")
    for level, code, safeguarding in [
        ("high", "IN-H1", True),
        ("high", "IN-H2", False),
        ("medium", "IN-M1", True),
        ("medium", "IN-M2", False),
        ("medium", "IN-M3", False),
        ("low", "IN-L1", True),
    ]:
        services.criterion_save(area=area, actor=officer, level=level, code=code, text=code,
                                is_safeguarding=safeguarding)  # fmt: skip
    empty = services.area_save(framework=framework, actor=officer, code="none", name="No statements yet")
    Criterion.objects.filter(area__framework__name=STRATEGY_FRAMEWORK).update(decisive=False)

    migration.forward(apps, None)

    assert list(Criterion.objects.filter(area=area, decisive=True).values_list("code", flat=True)) == ["IN-H1"]
    area.refresh_from_db()
    empty.refresh_from_db()
    assert (area.medium_count, area.high_count) == (3, 2)
    assert (empty.medium_count, empty.high_count) == (None, None)
    decisive = Criterion.objects.filter(area__framework__name=STRATEGY_FRAMEWORK, decisive=True)
    assert set(decisive.values_list("code", flat=True)) == {"LM-H1", "LM-H4", "LM-H5", "LM-M4"}
