"""A page's copy of a letter or a categorisation is checked when it is saved (core.versions): a
save made since the page was opened (by someone else, or by the same person in another tab)
refuses the later one, which keeps what was typed and says who saved when; saving again then
replaces the change knowingly. Found on a new user's journey: the second tab's save put back
the text the first had replaced, with "Saved the letter"."""

import re

import pytest
from django.urls import reverse

from categorisation.models import Categorisation, Status
from letters import services
from letters.models import Letter
from tests.categorisation.test_pages import form_data as categorisation_data
from tests.categorisation.test_pages import start
from tests.letters.factories import issued
from tests.letters.test_workflow import form_data, new_url

pytestmark = pytest.mark.django_db


def _version(page: str) -> str:
    return re.search(r'<input type="hidden" name="version" value="(\d*)"', page)[1]


def test_a_letter_saved_in_another_tab_since_the_page_opened_is_not_overwritten(client_as, link_school):
    client = client_as("adviser")
    client.post(new_url(link_school, "warning_notice"), form_data("warning_notice", save=""))
    letter = Letter.objects.get()
    url = reverse("letters:edit", kwargs={"pk": letter.pk})
    tab_a, tab_b = _version(client.get(url).content.decode()), _version(client.get(url).content.decode())
    assert tab_a == tab_b != ""

    saved = client.post(
        url, form_data("warning_notice", body="The text as corrected {school_name}", version=tab_a, save="")
    )
    assert saved.status_code == 302
    stale = client.post(url, form_data("warning_notice", subject="A new subject", version=tab_b, save=""))
    page = stale.content.decode()
    assert stale.status_code == 200
    assert "You saved a change to this letter at" in page
    assert "A new subject" in page  # what tab B typed is still there
    chosen = re.findall(r'name="grounds"[^>]*value="(\w)"\s*checked', page)
    assert chosen == ["a", "b"]  # the grounds tab B ticked are still ticked
    letter.refresh_from_db()
    assert letter.body == "The text as corrected {school_name}"  # not put back by tab B
    assert letter.subject != "A new subject"

    again = client.post(url, form_data("warning_notice", subject="A new subject", version=_version(page), save=""))
    assert again.status_code == 302  # saving again, knowingly, replaces it
    letter.refresh_from_db()
    assert letter.subject == "A new subject"


def test_another_persons_save_is_named_and_a_page_without_a_version_is_not_checked(client_as, link_school, officer):
    client = client_as("adviser")
    client.post(new_url(link_school, "warning_notice"), form_data("warning_notice", save=""))
    letter = Letter.objects.get()
    url = reverse("letters:edit", kwargs={"pk": letter.pk})
    opened = _version(client.get(url).content.decode())
    # A write with no page behind it passes no version, and is not checked.
    services.letter_draft_update(letter=letter, actor=officer, subject="The officer's subject", body=letter.body,
                                 indicators=letter.indicators.all(), grounds=letter.grounds,
                                 compliance_end_date=letter.compliance_end_date)  # fmt: skip
    assert Letter.objects.get().subject == "The officer's subject"
    page = client_as("adviser").post(url, form_data("warning_notice", version=opened, save="")).content.decode()
    assert f"{officer.get_full_name()} saved a change to this letter" in page
    assert Letter.objects.get().subject == "The officer's subject"


def test_a_categorisation_saved_in_another_tab_is_not_overwritten(client_as, link_school):
    client = client_as("adviser")
    categorisation = start(client, link_school)
    url = reverse("categorisation:edit", kwargs={"pk": categorisation.pk})
    tab_a, tab_b = _version(client.get(url).content.decode()), _version(client.get(url).content.decode())
    first = categorisation_data({"QE-H5": "Five of eight lessons seen required improvement."})
    assert client.post(url, {**first, "version": tab_a}).status_code == 302
    stale = client.post(url, {**categorisation_data({}, rationale="Tab B"), "version": tab_b})
    assert "You saved a change to this categorisation at" in stale.content.decode()
    categorisation = Categorisation.objects.get(pk=categorisation.pk)
    assert categorisation.ticks.count() == 1  # tab A's tick is kept
    assert categorisation.status == Status.DRAFT


def test_a_warning_notice_response_saved_in_another_tab_is_not_overwritten(client_as, link_school, officer, adviser):
    letter = issued(link_school, "warning_notice", drafter=adviser, officer=officer)
    url = reverse("letters:response", kwargs={"pk": letter.pk})
    client = client_as("officer")
    tab_a, tab_b = _version(client.get(url).content.decode()), _version(client.get(url).content.decode())
    day = letter.issued_on
    first = {"received_on_0": day.day, "received_on_1": day.month, "received_on_2": day.year}
    assert client.post(url, {**first, "text": "The governors' reply", "version": tab_a}).status_code == 302
    page = client.post(url, {**first, "text": "An older draft", "version": tab_b}).content.decode()
    assert "You saved a change to this warning notice&#x27;s record at" in page
    letter.progress.refresh_from_db()
    assert letter.progress.response_text == "The governors' reply"
