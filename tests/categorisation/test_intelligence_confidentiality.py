"""Governors (and admins) never see intelligence from other teams cited as categorisation evidence:
every URL of the project, filled in with this school's categorisations and intelligence entries,
is requested as the school's governor, another school's governor and an admin, and no response
contains the planted text of a normal or a restricted entry (the crawl of
tests/visits/test_confidentiality.py, with categorisations citing the entries)."""

import pytest
from django.utils import timezone

from academies import services as academy_services
from academies.evidence import SOURCE
from academies.models import Sensitivity, SourceTeam
from categorisation import services
from categorisation.models import Status
from tests.visits.conftest import content
from tests.visits.test_confidentiality import urls_to_try

pytestmark = pytest.mark.django_db

NORMAL = "PLANTED-INTELLIGENCE-NORMAL-5813"
RESTRICTED = "PLANTED-INTELLIGENCE-RESTRICTED-9047"
SECRETS = [NORMAL, RESTRICTED]


@pytest.fixture
def cited(client_as, school, other_school, adviser, officer, make_user):
    school.link_adviser = adviser
    school.save()
    entries = [
        academy_services.intelligence_record(
            school=school, received_on=timezone.localdate(), source_team=team, summary=text,
            sensitivity=sensitivity, actor=officer,
        )
        for text, team, sensitivity in (
            (NORMAL, SourceTeam.SEN_INCLUSION, Sensitivity.NORMAL),
            (RESTRICTED, SourceTeam.SAFEGUARDING, Sensitivity.RESTRICTED),
        )
    ]  # fmt: skip
    # An approved categorisation (the current category) and a newer one waiting for approval, both
    # citing both entries (an officer cites the restricted one).
    approved = services.categorisation_start(school=school, actor=adviser)
    officer_client = client_as("officer")
    data = {"level": "medium", "rationale": "", "save": "", "cited": [f"{SOURCE}:{e.pk}" for e in entries]}
    assert officer_client.post(f"/categorisation/{approved.pk}/edit/", data).status_code == 302
    approved.refresh_from_db()
    assert len(approved.cited_evidence) == 2
    approved.status, approved.approved_at, approved.approved_by = Status.APPROVED, timezone.now(), officer
    approved.save()
    waiting = services.categorisation_supersede(categorisation=approved, actor=adviser)
    services.categorisation_save(categorisation=waiting, actor=officer, ticks={}, level="medium")
    waiting.cited_evidence = approved.cited_evidence
    waiting.status = Status.SUBMITTED
    waiting.save()
    return {
        "pk": [approved.pk, waiting.pk, *(e.pk for e in entries)],
        "urn": [school.urn, other_school.urn],
        "fmt": ["csv", "xlsx", "pdf", "docx"],
        "school": school,
        "approved": approved,
    }


def crawl(client, values) -> set[str]:
    """Every URL; fails on any response holding planted text. Returns the URLs that answered 200."""
    answered = set()
    for url in urls_to_try(values):
        response = client.get(url)
        body = content(response)
        for secret in SECRETS:
            assert secret not in body, f"{secret} leaked at {url} ({response.status_code})"
        if response.status_code == 200:
            answered.add(url)
    return answered


def test_the_planted_intelligence_is_on_the_officers_categorisation_page(client_as, cited):
    """The crawl below would see a leak: the text is on the page for those who may read it."""
    page = content(client_as("officer").get(cited["approved"].get_absolute_url()))
    assert NORMAL in page
    assert RESTRICTED in page


@pytest.mark.parametrize("role", ["governor", "other_governor", "headteacher", "admin"])
def test_no_governor_headteacher_or_admin_response_anywhere_contains_intelligence_cited_as_evidence(
    client_as, cited, role
):
    answered = crawl(client_as(role), cited)
    if role != "other_governor":
        assert f"/schools/{cited['school'].urn}/" in answered  # the school page, with its category section
    assert cited["approved"].get_absolute_url() not in answered
