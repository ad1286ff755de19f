"""The school picker (schools/picker.py): search by name or URN among the schools the page allows,
20 at a time, choose one with a link; a school outside the scope is 403 if the user can see it,
404 if not. The pages that use it are tested in their apps (letters start, visits plan, the user
page's governorships)."""

import factory
import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from accounts.roles import Role
from schools.models import Governorship, School, SchoolStatus
from schools.picker import PER_PAGE, school_picker
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def pick(user, scope=None, **params):
    request = RequestFactory().get("/somewhere/", params)
    request.user = user
    return school_picker(request, scope=School.objects.open() if scope is None else scope)


def names(picker) -> list[str]:
    return [choice.school.name for choice in picker.choices]


def test_the_picker_finds_schools_by_part_of_the_name_whatever_the_case(officer):
    SchoolFactory(name="Kingfisher Primary School", urn=874001)
    SchoolFactory(name="Heron Academy", urn=874002)
    SchoolFactory(name="Little Kingfishers Nursery", urn=874003)
    assert names(pick(officer, q="kingFISHER")) == ["Kingfisher Primary School", "Little Kingfishers Nursery"]
    assert names(pick(officer, q="  heron ")) == ["Heron Academy"]
    assert names(pick(officer, q="Osprey")) == []


def test_the_picker_finds_a_school_by_its_urn(officer):
    SchoolFactory(name="Kingfisher Primary School", urn=874001)
    SchoolFactory(name="Heron Academy", urn=874002)
    assert names(pick(officer, q="874002")) == ["Heron Academy"]
    assert names(pick(officer, q="87400")) == []  # a URN is whole, not a prefix


def test_the_picker_lists_only_the_scope_and_never_a_closed_school_of_an_open_scope(officer, adviser):
    mine = SchoolFactory(name="Oak Primary", link_adviser=adviser)
    SchoolFactory(name="Oak Academy")
    SchoolFactory(name="Oak Closed School", status=SchoolStatus.CLOSED)
    assert names(pick(officer, q="oak")) == ["Oak Academy", "Oak Primary"]
    assert names(pick(adviser, scope=School.objects.filter(link_adviser=adviser), q="oak")) == [mine.name]


def test_the_picker_lists_20_schools_a_page_by_name_with_links_to_choose_them(officer):
    SchoolFactory.create_batch(PER_PAGE + 5, name=factory.Sequence(lambda n: f"Willow School {n:03d}"))
    first = pick(officer, q="Willow")
    assert len(first.choices) == PER_PAGE
    assert first.pagination.page.paginator.count == PER_PAGE + 5
    assert first.pagination.next_href == "?q=Willow&page=2"
    second = pick(officer, q="Willow", page="2")
    assert len(second.choices) == 5
    assert names(first) + names(second) == sorted(names(first) + names(second))
    choice = second.choices[0]
    assert choice.href == f"?q=Willow&school={choice.school.urn}"  # the search kept, to come back to it


def test_with_nothing_searched_the_picker_lists_every_school_of_the_scope(adviser):
    SchoolFactory.create_batch(3, link_adviser=adviser)
    SchoolFactory()
    picker = pick(adviser, scope=School.objects.filter(link_adviser=adviser))
    assert (picker.searched, len(picker.choices)) == (False, 3)


def test_a_chosen_school_is_returned_with_a_link_back_to_the_search(officer):
    school = SchoolFactory(name="Kingfisher Primary School")
    picker = pick(officer, q="king", school=str(school.urn))
    assert picker.chosen == school
    assert picker.choices == []
    assert picker.change_href == "?q=king"


def test_a_school_outside_the_scope_is_forbidden_and_an_unknown_one_not_found(adviser, governor, school):
    other = SchoolFactory()
    link_schools = School.objects.filter(link_adviser=adviser)
    with pytest.raises(PermissionDenied):  # the adviser can read it, but may not choose it here
        pick(adviser, scope=link_schools, school=str(other.urn))
    for bad in ("999999", "abc", "1" * 20, "-5"):
        with pytest.raises(Http404):
            pick(adviser, scope=link_schools, school=bad)
    with pytest.raises(Http404):  # a governor cannot see another school: it is not found
        pick(governor, scope=School.objects.none(), school=str(other.urn))


def test_the_other_parameters_of_the_page_are_kept_in_the_search_form(officer):
    picker = pick(officer, q="oak", tab="letters", page="3")
    assert picker.kept == [("tab", "letters")]


def test_a_very_long_search_is_cut_to_100_characters(officer):
    assert len(pick(officer, q="x" * 5000).query) == 100


def test_the_admin_chooses_a_governors_school_with_the_picker_on_the_user_page(client_as, make_user, school):
    new_governor = make_user(Role.GOVERNOR, username="newgov")
    SchoolFactory(name="Kingfisher Old School", status=SchoolStatus.CLOSED)
    client = client_as("admin")
    url = reverse("accounts:user_detail", kwargs={"pk": new_governor.pk})
    page = client.get(url, {"q": "kingfisher"}).content.decode()
    assert school.name in page
    assert "Kingfisher Old School" not in page  # open schools only
    assert f'href="?q=kingfisher&amp;school={school.urn}#add-school"' in page
    assert 'action="#add-school"' in page
    assert school.name in client.get(url, {"q": str(school.urn)}).content.decode()

    chosen = client.get(url, {"q": "kingfisher", "school": school.urn}).content.decode()
    assert f'<input type="hidden" name="urn" value="{school.urn}"' in chosen
    client.post(
        reverse("schools:governorship_add", kwargs={"user_pk": new_governor.pk}), {"urn": school.urn, "role": "chair"}
    )
    assert Governorship.objects.get(user=new_governor).school == school


def test_no_role_but_the_admin_sees_the_user_page_and_its_picker(client_as, make_user, school):
    new_governor = make_user(Role.GOVERNOR, username="newgov")
    url = reverse("accounts:user_detail", kwargs={"pk": new_governor.pk})
    for role in ("adviser", "officer", "governor"):
        assert client_as(role).get(url, {"q": "kingfisher"}).status_code == 403


@pytest.mark.parametrize(
    ("role", "told"), [(Role.ADVISER, True), (Role.OFFICER, True), (Role.HEADTEACHER, False), (Role.ADMIN, False)]
)
def test_the_user_page_says_someone_links_no_school_only_of_those_who_could(client_as, make_user, role, told):
    """The school-side journey: a headteacher's user page said "Not the link adviser of any school"."""
    person = make_user(role, username="person")
    page = client_as("admin").get(reverse("accounts:user_detail", kwargs={"pk": person.pk})).content.decode()
    assert ("Not the link adviser of any school" in page) is told
