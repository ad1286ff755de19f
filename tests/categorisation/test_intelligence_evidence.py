"""Intelligence from other teams as evidence when categorising a maintained school (issue 12, ADR
0016): offered on the categorisation form, ticked entries kept as a snapshot and shown on the
categorisation's page, restricted entries for officers only, their reads in the read log."""

from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from academies import services as academy_services
from academies.evidence import SOURCE, TITLE
from academies.models import IntelligenceEntry, Sensitivity, SourceTeam
from audit.models import ReadEvent
from categorisation import services
from categorisation.evidence import EvidenceItem, may_see, registered_source_names
from categorisation.forms import EVIDENCE_NOT_OFFERED
from categorisation.models import Categorisation, Status
from categorisation.rules import (
    OWN_JUDGEMENT,
    RESTRICTED_EVIDENCE,
    four_eyes_an_officer_approves_a_judgement_made_by_someone_else,
    intelligence_from_across_childrens_services_is_offered_from_the_last_twelve_months,
)
from categorisation.selectors import judgement_authors
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

RECENT = "Two governor vacancies unfilled since September."
OLD = "Clerk to governors resigned (an old entry)."
SECRET = "Restricted: allegation against a senior leader under investigation."


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


def record(school, summary, *, age=30, team=SourceTeam.GOVERNOR_SERVICES, restricted=False, actor):
    return academy_services.intelligence_record(
        school=school,
        received_on=days_ago(age),
        source_team=team,
        summary=summary,
        sensitivity=Sensitivity.RESTRICTED if restricted else Sensitivity.NORMAL,
        actor=actor,
    )


@pytest.fixture
def linked(school, adviser):
    school.link_adviser = adviser
    school.save()
    return school


@pytest.fixture
def draft(linked, adviser):
    return services.categorisation_start(school=linked, actor=adviser)


@pytest.fixture
def entries(linked, officer, other_school):
    return {
        "recent": record(linked, RECENT, age=30, actor=officer),
        "old": record(linked, OLD, age=400, actor=officer),
        "restricted": record(linked, SECRET, age=10, team=SourceTeam.SAFEGUARDING, restricted=True, actor=officer),
        "elsewhere": record(other_school, "About another school.", age=5, actor=officer),
    }


def edit_url(categorisation) -> str:
    return reverse("categorisation:edit", kwargs={"pk": categorisation.pk})


def save(client, categorisation, cited: list[IntelligenceEntry], action="save"):
    data = {"level": "", "rationale": "", action: "", "cited": [f"{SOURCE}:{entry.pk}" for entry in cited]}
    return client.post(edit_url(categorisation), data)


def item(entry: IntelligenceEntry) -> EvidenceItem:
    return EvidenceItem(
        source=SOURCE,
        ref=entry.pk,
        on=entry.received_on,
        origin=entry.get_source_team_display(),
        text=entry.summary,
        restricted=entry.is_restricted,
    )


# ---- the window -------------------------------------------------------------------------------


def test_intelligence_from_across_childrens_services_is_offered_from_the_last_twelve_months():
    window = intelligence_from_across_childrens_services_is_offered_from_the_last_twelve_months
    assert window(date(2026, 11, 30)) == date(2025, 11, 30)
    assert window(date(2028, 2, 29)) == date(2027, 2, 28)


# ---- the form ---------------------------------------------------------------------------------


def test_the_form_lists_the_schools_intelligence_of_the_last_twelve_months_with_date_team_and_summary(
    client_as, draft, entries
):
    page = client_as("adviser").get(edit_url(draft)).content.decode()
    assert TITLE in page
    assert RECENT in page
    assert f"{entries['recent'].received_on:%-d %B %Y}, Governor services" in page
    assert f'value="{SOURCE}:{entries["recent"].pk}"' in page
    assert OLD not in page  # older than twelve months
    assert "About another school." not in page


def test_an_adviser_never_sees_restricted_intelligence_on_the_form(client_as, draft, entries):
    page = client_as("adviser").get(edit_url(draft)).content.decode()
    assert SECRET not in page
    assert f"{SOURCE}:{entries['restricted'].pk}" not in page
    assert "Restricted" not in page


def test_an_officer_sees_restricted_intelligence_on_the_form_marked_restricted(client_as, draft, entries):
    page = client_as("officer").get(edit_url(draft)).content.decode()
    assert SECRET in page
    assert "Restricted</strong>" in page


def test_the_ticked_entries_are_kept_with_the_categorisation_and_shown_on_its_page(client_as, draft, entries):
    client = client_as("adviser")
    assert save(client, draft, [entries["recent"]]).status_code == 302
    draft.refresh_from_db()
    assert draft.cited_evidence == [item(entries["recent"]).snapshot()]
    form = client.get(edit_url(draft)).content.decode()
    assert f'value="{SOURCE}:{entries["recent"].pk}" checked' in form
    page = client.get(draft.get_absolute_url()).content.decode()
    assert f"{TITLE}, relied on" in page
    assert RECENT in page


def test_the_categorisation_page_keeps_the_entry_as_it_read_when_saved_after_the_entry_changes_or_goes(
    client_as, draft, entries
):
    client = client_as("adviser")
    save(client, draft, [entries["recent"]])
    IntelligenceEntry.objects.filter(pk=entries["recent"].pk).update(summary="Rewritten later.")
    page = client.get(draft.get_absolute_url()).content.decode()
    assert RECENT in page
    assert "Rewritten later." not in page
    entries["recent"].delete()
    assert RECENT in client.get(draft.get_absolute_url()).content.decode()


def test_an_entry_cited_before_stays_offered_and_ticked_once_it_is_older_than_the_window(client_as, draft, entries):
    client = client_as("adviser")
    services.categorisation_save(categorisation=draft, actor=draft.created_by, ticks={}, cited=[item(entries["old"])])
    form = client.get(edit_url(draft)).content.decode()
    assert OLD in form
    assert f'value="{SOURCE}:{entries["old"].pk}" checked' in form
    save(client, draft, [])  # unticked
    draft.refresh_from_db()
    assert draft.cited_evidence == []


def test_an_adviser_cannot_cite_restricted_intelligence_by_posting_its_value(client_as, draft, entries):
    response = save(client_as("adviser"), draft, [entries["restricted"]])
    assert response.status_code == 200
    assert EVIDENCE_NOT_OFFERED in response.content.decode()
    draft.refresh_from_db()
    assert draft.cited_evidence == []


def test_the_service_refuses_restricted_intelligence_cited_by_an_adviser(draft, entries, adviser):
    with pytest.raises(ValidationError) as refusal:
        services.categorisation_save(categorisation=draft, actor=adviser, ticks={}, cited=[item(entries["restricted"])])
    assert refusal.value.messages == [RESTRICTED_EVIDENCE]


def test_restricted_intelligence_an_officer_cited_is_hidden_from_the_adviser_and_kept_when_they_save(
    client_as, draft, entries
):
    save(client_as("officer"), draft, [entries["restricted"], entries["recent"]])
    adviser = client_as("adviser")
    assert SECRET not in adviser.get(edit_url(draft)).content.decode()
    assert SECRET not in adviser.get(draft.get_absolute_url()).content.decode()
    save(adviser, draft, [])  # the adviser unticks all they can see
    draft.refresh_from_db()
    assert draft.cited_evidence == [item(entries["restricted"]).snapshot()]
    assert SECRET in client_as("officer").get(draft.get_absolute_url()).content.decode()


def test_a_restricted_snapshot_of_a_source_no_longer_registered_is_shown_to_no_one(officer):
    assert registered_source_names() == [SOURCE]
    gone = EvidenceItem(source="retired", ref=1, on=date(2026, 1, 5), origin="Old team", text="x", restricted=True)
    assert not may_see(officer, gone)


def test_an_officer_reading_restricted_intelligence_on_the_form_and_the_page_is_in_the_read_log(
    client_as, draft, entries, officer
):
    client = client_as("officer")
    save(client, draft, [entries["restricted"]])
    client.get(edit_url(draft))
    client.get(draft.get_absolute_url())
    reads = ReadEvent.objects.filter(
        user=officer,
        content_type=ContentType.objects.get_for_model(IntelligenceEntry),
        object_id=entries["restricted"].pk,
    )
    assert set(reads.values_list("view", flat=True)) == {"categorisation:edit", "categorisation:detail"}
    assert reads.first().label == f"Intelligence about {draft.school.name}"
    # Entries that are not restricted are not logged one by one (the categorisation's read is).
    assert not ReadEvent.objects.filter(object_id=entries["recent"].pk, content_type__model="intelligenceentry")


def test_an_adviser_reading_the_form_records_no_intelligence_read(client_as, draft, entries, adviser):
    client_as("adviser").get(edit_url(draft))
    assert not ReadEvent.objects.filter(user=adviser, content_type__model="intelligenceentry").exists()


def test_ticking_intelligence_makes_an_officer_an_author_who_may_not_approve(client_as, draft, entries, officer):
    save(client_as("officer"), draft, [entries["recent"]])
    refusals = four_eyes_an_officer_approves_a_judgement_made_by_someone_else(
        approver_id=officer.pk, authors=judgement_authors(Categorisation.objects.get(pk=draft.pk))
    )
    assert refusals == [OWN_JUDGEMENT]


def test_submitting_keeps_the_cited_intelligence(client_as, draft, entries):
    from tests.categorisation.test_pages import HIGH_TICKS, form_data

    data = {**form_data(HIGH_TICKS, level="high", action="submit"), "cited": [f"{SOURCE}:{entries['recent'].pk}"]}
    response = client_as("adviser").post(edit_url(draft), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert [snapshot["text"] for snapshot in draft.cited_evidence] == [RECENT]


# ---- queries ----------------------------------------------------------------------------------


def page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_form_and_the_page_run_the_same_number_of_queries_for_2_or_40_intelligence_entries(
    client_as, officer, adviser
):
    few, many = SchoolFactory(link_adviser=adviser), SchoolFactory(link_adviser=adviser)
    for school, count in ((few, 2), (many, 40)):
        for n in range(count):
            record(school, f"Entry {n}", age=n * 5, restricted=n % 2 == 0, actor=officer)
    small = services.categorisation_start(school=few, actor=adviser)
    large = services.categorisation_start(school=many, actor=adviser)
    all_of_them = list(IntelligenceEntry.objects.filter(school=many))
    services.categorisation_save(categorisation=large, actor=officer, ticks={}, cited=[item(e) for e in all_of_them])
    services.categorisation_save(
        categorisation=small,
        actor=officer,
        ticks={},
        cited=[item(e) for e in IntelligenceEntry.objects.filter(school=few)],
    )
    client = client_as("officer")
    for url in (edit_url, lambda c: c.get_absolute_url()):
        page_queries(client, url(small)), page_queries(client, url(large))  # warm caches (content types)
        assert page_queries(client, url(large)) == page_queries(client, url(small))


def test_an_officer_who_submitted_a_categorisation_is_told_they_may_return_it_not_to_an_adviser(
    client_as, linked, officer, adviser
):
    from tests.categorisation.test_pages import HIGH_TICKS, form_data

    own = services.categorisation_start(school=linked, actor=officer)
    client = client_as("officer")
    assert client.post(edit_url(own), form_data(HIGH_TICKS, level="high", action="submit")).status_code == 302
    page = client.get(reverse("categorisation:detail", kwargs={"pk": own.pk})).content.decode()
    start = page.index('id="may-not-approve"')
    notice = " ".join(page[start : page.index("</div>", start)].split())
    assert notice.endswith("You can return it with comments and change it yourself.")
