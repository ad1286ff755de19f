"""Fixes from the review of the letters app, each with the test that failed before it."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_school_names_on_the_start_page_are_escaped_and_never_run_as_template_code(client_as, link_school):
    link_school.name = "Kingfisher {{ user.password }}{% now 'Y' %} <script>alert(1)</script>"
    link_school.save()
    page = client_as("adviser").get(reverse("letters:start")).content.decode()
    assert "Kingfisher {{ user.password }}{% now &#x27;Y&#x27; %} &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page
    assert "pbkdf2" not in page


def test_a_compliance_period_ending_in_a_mistyped_far_year_is_refused_on_the_form(client_as, link_school):
    from letters import rules
    from letters.models import Letter

    from .factories import letter_type

    kind = letter_type("warning_notice")
    data = {
        "subject": "Warning notice: {school_name}",
        "body": "To the governing body of {school_name}\n\n{grounds}",
        "indicators": [kind.indicators.first().pk],
        "grounds": ["a"],
        "compliance_end_date_0": "15",
        "compliance_end_date_1": "12",
        "compliance_end_date_2": "9999",
        "save": "",
    }
    url = reverse("letters:new", kwargs={"urn": link_school.urn, "code": "warning_notice"})
    response = client_as("adviser").post(url, data)
    assert response.status_code == 200
    assert (
        response.context["form"]
        .errors["compliance_end_date"][0]
        .startswith(rules.COMPLIANCE_END_TOO_LATE.split("{")[0])
    )
    assert not Letter.objects.exists()


def test_no_letter_is_drafted_or_issued_to_a_closed_school(officer, link_school):
    from django.core.exceptions import ValidationError

    from letters import rules, services
    from letters.models import Letter, LetterStatus

    from .factories import approved, draft

    letter = approved(link_school, "significant_concerns", drafter=officer, officer=officer)
    link_school.status = "closed"
    link_school.save()
    with pytest.raises(ValidationError) as error:
        services.letter_issue(letter=letter, actor=officer)
    assert rules.SCHOOL_CLOSED.format(school=link_school.name) in error.value.messages
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.APPROVED
    with pytest.raises(ValidationError):
        draft(link_school, "congratulations", actor=officer)
    assert Letter.objects.count() == 1


def test_the_suggestions_page_is_paginated_and_loads_only_the_schools_it_shows(client_as):
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from tests.factories import InspectionFactory, SchoolFactory

    today = timezone.localdate()
    for school in SchoolFactory.create_batch(53):
        InspectionFactory(school=school, start_date=today - timedelta(days=1500), overall_effectiveness=3)
        InspectionFactory(school=school, start_date=today - timedelta(days=60), overall_effectiveness=2)
    client = client_as("officer")
    url = reverse("letters:suggestions")
    first = client.get(url)
    assert len(first.context["suggestions"]) == 50
    assert first.context["pagination"].page.paginator.count == 53
    assert "53 suggestions, newest first." in first.content.decode()
    assert len(client.get(url, {"page": 2}).context["suggestions"]) == 3
    with CaptureQueriesContext(connection) as queries:
        client.get(url, {"page": 2})
    # The schools of page 2 only: joined to the page of stored suggestions (docs/adr/0036), none
    # loaded by id besides.
    page = [q["sql"] for q in queries if 'FROM "letters_storedsuggestion" INNER JOIN "schools_school"' in q["sql"]]
    assert len(page) == 1
    assert re.search(r"LIMIT \d+ OFFSET 50$", page[0])
    assert not [q for q in queries if re.search(r'"schools_school"\."id" IN \(', q["sql"])]


def test_the_officers_home_lists_eligible_schools_until_a_year_after_the_decision(
    client_as, officer, link_school, second_officer
):
    from datetime import date, timedelta

    from letters import selectors, services

    from .factories import eligible_notice

    letter = eligible_notice(
        link_school, drafter=second_officer, officer=officer, end=date(2026, 10, 1), today=date(2026, 11, 22)
    )
    services.intervention_decision_record(
        letter=letter, actor=officer, decided_on=date(2026, 11, 1), powers=["s64"], today=date(2026, 11, 22)
    )
    assert [row[0] for row in selectors.eligible_for_intervention(date(2027, 11, 1))] == [letter]
    assert selectors.eligible_for_intervention(date(2027, 11, 1) + timedelta(days=1)) == []


def test_a_stored_file_missing_from_the_disk_is_a_404_not_a_500(client_as, officer, link_school):
    from .factories import issued

    letter = issued(link_school, "congratulations", drafter=officer, officer=officer)
    letter.pdf.storage.delete(letter.pdf.name)
    url = reverse("letters:download", kwargs={"pk": letter.pk, "document": "letter", "fmt": "pdf"})
    assert client_as("officer").get(url).status_code == 404


def test_the_choice_of_letter_type_never_ends_a_hint_on_a_list_that_is_not_there(client_as, link_school):
    from letters.forms import INDICATORS_NEXT

    page = client_as("adviser").get(reverse("letters:start") + f"?school={link_school.urn}").content.decode()
    assert "Warning notice" in page
    assert "the following indicators apply:" not in page
    assert INDICATORS_NEXT in page
