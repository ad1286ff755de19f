"""A new letter is saved once: the same draft posted again (a double click, or Back and save again)
opens the draft already saved instead of making a copy; the new letter's page names the school's
drafts of its type already, so a second tab or a second person does not start another unknowingly."""

import pytest
from django.utils.html import escape

from letters.models import Letter
from letters.views_drafting import SAVED_ALREADY

from .test_workflow import form_data, new_url

pytestmark = pytest.mark.django_db


def test_the_same_draft_saved_twice_is_one_draft_and_the_second_save_says_so(client_as, link_school):
    client = client_as("adviser")
    data = form_data("warning_notice", save="")
    first = client.post(new_url(link_school, "warning_notice"), data)
    again = client.post(new_url(link_school, "warning_notice"), data, follow=True)

    letter = Letter.objects.get()
    assert first["Location"] == again.redirect_chain[0][0] == letter.get_absolute_url()
    assert escape(SAVED_ALREADY.format(reference=letter.reference)) in again.content.decode()


def test_a_draft_with_other_words_or_indicators_is_a_second_draft(client_as, link_school):
    client = client_as("adviser")
    client.post(new_url(link_school, "warning_notice"), form_data("warning_notice", save=""))
    client.post(new_url(link_school, "warning_notice"), form_data("warning_notice", save="", subject="Second notice"))
    client.post(new_url(link_school, "warning_notice"), form_data("warning_notice", save="", indicators=[]))
    assert Letter.objects.count() == 3


def test_the_same_words_drafted_by_someone_else_are_their_own_draft(client_as, link_school):
    client_as("adviser").post(new_url(link_school, "warning_notice"), form_data("warning_notice", save=""))
    client_as("officer").post(new_url(link_school, "warning_notice"), form_data("warning_notice", save=""))
    assert sorted(Letter.objects.values_list("drafted_by__username", flat=True)) == ["adviser", "officer"]


def test_the_new_letter_page_names_the_schools_drafts_of_its_type_already(client_as, link_school):
    client = client_as("adviser")
    url = new_url(link_school, "warning_notice")
    assert 'id="drafts-already"' not in client.get(url).content.decode()
    client.post(url, form_data("warning_notice", save=""))
    letter = Letter.objects.get()

    page = client_as("officer").get(url).content.decode()
    assert 'id="drafts-already"' in page
    assert f'href="{letter.get_absolute_url()}">{letter.reference}</a>' in page
    other_type = client_as("officer").get(new_url(link_school, "congratulations")).content.decode()
    assert 'id="drafts-already"' not in other_type
