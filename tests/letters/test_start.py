""" "Draft a letter" (/letters/new/): the school is chosen with the school picker (search by name or
URN among the schools the user may draft for, then choose), then the type; all by GET, with no
CSRF token in any address: nothing is written until the draft form is POSTed."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from letters.forms import TYPE_REQUIRED
from letters.models import Letter
from schools.models import SchoolStatus
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db
START = reverse("letters:start")


def test_an_adviser_finds_their_link_school_by_name_or_urn_and_no_other(client_as, link_school):
    SchoolFactory(name="Kingfisher Academy")  # not theirs
    client = client_as("adviser")
    by_name = client.get(START, {"q": "kingfisher"}).content.decode()
    assert link_school.name in by_name
    assert "Kingfisher Academy" not in by_name
    assert f'href="?q=kingfisher&amp;school={link_school.urn}"' in by_name
    by_urn = client.get(START, {"q": str(link_school.urn)}).content.decode()
    assert f"URN {link_school.urn}" in by_urn
    assert "You can draft letters for your link schools." in by_urn


def test_an_officer_finds_any_open_school_by_name_or_urn_but_never_a_closed_one(client_as, officer, school):
    academy = SchoolFactory(name="Osprey Academy", academy=True)
    SchoolFactory(name="Osprey Closed Primary", status=SchoolStatus.CLOSED)
    client = client_as("officer")
    page = client.get(START, {"q": "osprey"}).content.decode()
    assert "Osprey Academy" in page
    assert "Osprey Closed Primary" not in page
    assert escape("Schools matching “osprey”") in page
    assert f"URN {academy.urn}" in client.get(START, {"q": str(academy.urn)}).content.decode()
    assert school.name in client.get(START, {"q": str(school.urn)}).content.decode()


def test_nothing_matching_says_so_and_how_to_search(client_as, officer):
    page = client_as("officer").get(START, {"q": "Nowhere Academy"}).content.decode()
    assert "No school you can choose here matches" in page


def test_choosing_the_school_then_the_type_goes_to_the_draft_form_and_writes_nothing(client_as, link_school):
    client = client_as("adviser")
    chosen = client.get(START, {"q": "king", "school": link_school.urn})
    page = chosen.content.decode()
    assert f'<h1 class="govuk-heading-l">{link_school.name}</h1>' in page
    assert 'href="/letters/new/?q=king"' in page  # change the school: back to the search
    response = client.get(START, {"school": link_school.urn, "letter_type": "warning_notice", "continue": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("letters:new", kwargs={"urn": link_school.urn, "code": "warning_notice"})
    assert not Letter.objects.exists()


def test_continuing_without_a_type_says_choose_the_type_and_changing_the_school_forgets_it(client_as, link_school):
    response = client_as("adviser").get(START, {"q": "king", "school": link_school.urn, "continue": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["letter_type"] == [TYPE_REQUIRED]
    assert response.context["picker"].change_href == "?q=king"


def test_an_academy_is_offered_only_a_congratulations_letter(client_as, officer):
    academy = SchoolFactory(name="Osprey Academy", academy=True)
    response = client_as("officer").get(START, {"school": academy.urn})
    choices = [value for value, _ in response.context["form"].fields["letter_type"].choices]
    assert choices == ["congratulations"]
    assert "only a congratulations letter can be drafted" in response.content.decode()
    refused = client_as("officer").get(START, {"school": academy.urn, "letter_type": "warning_notice", "continue": ""})
    assert refused.status_code == 200  # not a choice: the form says so, nothing is drafted
    assert "letter_type" in refused.context["form"].errors


@pytest.mark.parametrize(
    ("role", "status"),
    [("governor", 403), ("other_governor", 403), ("admin", 403), ("adviser", 403), ("officer", 200)],
)
def test_choosing_a_school_is_scoped_to_the_schools_the_user_may_draft_for(
    client_as, governor, other_governor, adviser, officer, admin_user, school, role, status
):
    """`school` is not the adviser's link school: 403 for them; governors and admins cannot draft."""
    assert client_as(role).get(START, {"school": school.urn}).status_code == status


@pytest.mark.parametrize("role", ["adviser", "officer"])
def test_an_unknown_or_malformed_urn_is_not_found(client_as, adviser, officer, role):
    for bad in ("999999", "abc", "9" * 30):
        assert client_as(role).get(START, {"school": bad}).status_code == 404


def test_a_closed_school_cannot_be_chosen_nor_offered_from_its_page(client_as, officer):
    closed = SchoolFactory(name="Old Primary", status=SchoolStatus.CLOSED)
    client = client_as("officer")
    assert client.get(START, {"school": closed.urn}).status_code == 403
    assert f"{START}?school={closed.urn}" not in client.get(closed.get_absolute_url()).content.decode()


def test_the_school_page_link_starts_with_the_school_chosen(client_as, link_school):
    client = client_as("adviser")
    assert f"{START}?school={link_school.urn}" in client.get(link_school.get_absolute_url()).content.decode()
    assert client.get(START, {"school": link_school.urn}).context["school"] == link_school


def test_the_start_page_runs_the_same_queries_for_few_or_many_schools(
    client_as, officer, django_assert_max_num_queries
):
    SchoolFactory.create_batch(3)
    client = client_as("officer")
    client.get(START)
    with django_assert_max_num_queries(12) as few:
        client.get(START, {"q": "School"})
    SchoolFactory.create_batch(40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(START, {"q": "School"})
