"""The school's headteacher reads its issued letters (DESIGN.md: a headteacher sees the letters the
LA sends the school; the letters are addressed to them), as its governors do: on the letter's page,
in the school page's Letters section, on their home page and in the school's case file. Never a
draft, another school's letter or a letter to an academy's trust (tests/letters/test_role_matrix.py)."""

import pytest
from django.urls import reverse

from dashboard import timeline

from .factories import draft, issued

pytestmark = pytest.mark.django_db


@pytest.fixture
def letters(school, headteacher, adviser, officer, second_officer):
    school.link_adviser = adviser
    school.save()
    return {
        "issued": issued(school, "significant_concerns", drafter=adviser, officer=officer),
        "draft": draft(school, "congratulations", actor=adviser),
    }


def test_a_headteacher_reads_their_schools_issued_letter_and_its_pdf(client_as, letters):
    client = client_as("headteacher")
    letter = letters["issued"]
    page = client.get(reverse("letters:detail", kwargs={"pk": letter.pk}))
    assert page.status_code == 200
    assert letter.reference in page.content.decode()
    pdf = client.get(reverse("letters:download", kwargs={"pk": letter.pk, "document": "letter", "fmt": "pdf"}))
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    assert client.get(reverse("letters:detail", kwargs={"pk": letters["draft"].pk})).status_code == 404


def test_a_headteachers_home_school_page_and_case_file_list_the_issued_letter_only(client_as, school, letters):
    client = client_as("headteacher")
    detail = reverse("letters:detail", kwargs={"pk": letters["issued"].pk})
    home = client.get(reverse("dashboard:home")).content.decode()
    assert "Letters to your school" in home
    assert detail in home
    school_page = client.get(reverse("schools:detail", kwargs={"urn": school.urn})).content.decode()
    assert detail in school_page
    assert reverse("dashboard:timeline", kwargs={"urn": school.urn}) in school_page
    case_file = client.get(reverse("dashboard:timeline", kwargs={"urn": school.urn}))
    assert case_file.status_code == 200
    letter_entries = [e for e in case_file.context["pagination"].page.object_list if e.kind == timeline.Kind.LETTER]
    assert [e.pk for e in letter_entries] == [letters["issued"].pk]
    assert reverse("letters:detail", kwargs={"pk": letters["draft"].pk}) not in case_file.content.decode()


def test_the_headteacher_of_another_school_or_a_former_one_gets_404_on_the_letter_and_case_file(
    client_as, school, headteacher, other_school, letters
):
    from accounts.models import Headship

    letter = letters["issued"]
    urls = [
        reverse("letters:detail", kwargs={"pk": letter.pk}),
        reverse("letters:download", kwargs={"pk": letter.pk, "document": "letter", "fmt": "pdf"}),
        reverse("dashboard:timeline", kwargs={"urn": school.urn}),
        reverse("dashboard:timeline_pdf", kwargs={"urn": school.urn}),
    ]
    pdf = urls[-1]  # asked for by POST (the case file's button); its GET shows that button
    client = client_as("headteacher")
    Headship.objects.filter(user=headteacher).update(school=other_school)  # heads another school now
    assert [client.get(url).status_code for url in urls] == [404, 404, 404, 404]
    assert client.post(pdf).status_code == 404
    assert (
        reverse("letters:detail", kwargs={"pk": letter.pk})
        not in client.get(reverse("dashboard:home")).content.decode()
    )
    Headship.objects.filter(user=headteacher).delete()  # a former headteacher
    assert [client.get(url).status_code for url in urls] == [404, 404, 404, 404]
    assert client.post(pdf).status_code == 404
