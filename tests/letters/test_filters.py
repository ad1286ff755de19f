"""The register's FilterSet (letters/filters.py), read by the page and its export alike."""

from datetime import timedelta
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from core.forms import NOT_A_REAL_DATE
from letters.filters import filtered_letters

from .factories import draft, issued


def test_the_register_page_and_its_export_keep_the_letters_the_filter_keeps(
    client_as, officer, link_school, other_school
):
    today = timezone.localdate()
    early = issued(
        link_school, "congratulations", drafter=officer, officer=officer, issued_on=today - timedelta(days=60)
    )
    late = issued(
        other_school, "congratulations", drafter=officer, officer=officer, issued_on=today - timedelta(days=5)
    )
    draft(other_school, "significant_concerns", actor=officer)
    params = {"issued_from": (today - timedelta(days=30)).isoformat()}

    _, letters = filtered_letters(user=officer, params=QueryDict(urlencode(params)))
    assert list(letters) == [late]
    client = client_as("officer")
    page = client.get(reverse("letters:register"), params)
    assert [letter for letter, _ in page.context["rows"]] == [late]
    export = client.get(reverse("letters:export", kwargs={"fmt": "csv"}), params)
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert late.reference in body
    assert early.reference not in body


def test_a_date_that_does_not_exist_is_refused_naming_the_field(client_as, officer):
    response = client_as("officer").get(reverse("letters:register"), {"issued_to": "2027-02-30"})
    assert response.status_code == 200
    assert NOT_A_REAL_DATE.format(label="Issued to") in response.content.decode()
