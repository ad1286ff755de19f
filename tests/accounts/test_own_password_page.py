"""Changing your own password (/accounts/password/) and choosing one through the emailed link: GOV.UK
words, each problem on its own field and linked from the error summary, and a new password that is
the current one refused (docs/adr/0073)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from lxml import html

from accounts.forms import (
    CONFIRMATION_NEEDED,
    CURRENT_PASSWORD_NEEDED,
    CURRENT_PASSWORD_WRONG,
    NEW_PASSWORD_NEEDED,
    PASSWORDS_DIFFER,
    SAME_AS_CURRENT,
    new_password_hint,
)
from accounts.tokens import choose_password_tokens

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's
NEW = "a-new-long-secret-22"
CHANGE = "accounts:password_change"


def change(client, current=PASSWORD, new=NEW, again=None):
    again = new if again is None else again
    return client.post(reverse(CHANGE), {"old_password": current, "new_password1": new, "new_password2": again})


def problems(response) -> dict[str, list[str]]:
    """The error summary's messages by the id each links to; every link leads to an element on the page."""
    assert response.status_code == 200
    page = html.fromstring(response.content)
    found: dict[str, list[str]] = {}
    for link in page.xpath("//ul[contains(@class, 'govuk-error-summary__list')]//a"):
        target = link.get("href").removeprefix("#")
        assert page.get_element_by_id(target, None) is not None, f"the summary links to #{target}, not on the page"
        found.setdefault(target, []).append(link.text_content().strip())
    return found


def field_errors(response, field: str) -> list[str]:
    """The messages shown in the field's own form group, above its input."""
    group = html.fromstring(response.content).get_element_by_id(f"div_id_{field}")
    shown = group.xpath(".//*[contains(@class, 'govuk-error-message')]")
    return [" ".join(p.text_content().replace("Error:", "").split()) for p in shown]


def test_a_new_password_the_same_as_the_current_one_is_refused_once_the_current_one_is_right(client, headteacher):
    client.force_login(headteacher)
    stored = User.objects.get(pk=headteacher.pk).password

    same = change(client, new=PASSWORD)
    assert problems(same) == {"id_new_password1": [SAME_AS_CURRENT]}
    assert field_errors(same, "new_password1") == [SAME_AS_CURRENT]
    assert User.objects.get(pk=headteacher.pk).password == stored  # not saved again (a new salt would show)

    # With the current password wrong, the page does not say whether the new one is the password:
    # someone at an unlocked session would otherwise learn it without knowing it.
    guessed = change(client, current="not-the-password", new=PASSWORD)
    assert problems(guessed) == {"id_old_password": [CURRENT_PASSWORD_WRONG]}


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("short-1", "This password is too short"),
        ("password12", "This password is too common"),
        ("4815162342108", "This password is entirely numeric"),
        ("headteacher-1", "too similar to the username"),
    ],
)
def test_a_weak_new_password_is_named_on_the_new_password_field_and_its_summary_link(client, headteacher, new, message):
    client.force_login(headteacher)
    response = change(client, new=new)
    summary = problems(response)
    assert list(summary) == ["id_new_password1"]
    assert message in summary["id_new_password1"][0]
    assert message in field_errors(response, "new_password1")[0]
    assert field_errors(response, "new_password2") == []


def test_passwords_that_do_not_match_are_named_on_the_confirmation(client, headteacher):
    client.force_login(headteacher)
    assert problems(change(client, again=NEW + "x")) == {"id_new_password2": [PASSWORDS_DIFFER]}


def test_a_weak_password_that_does_not_match_names_both_problems_each_on_its_own_field(client, headteacher):
    client.force_login(headteacher)
    summary = problems(change(client, new="short-1", again="short-2"))
    assert list(summary) == ["id_new_password1", "id_new_password2"]
    assert "This password is too short" in summary["id_new_password1"][0]
    assert summary["id_new_password2"] == [PASSWORDS_DIFFER]


def test_the_change_password_page_is_worded_as_govuk_words_it_not_as_django_does(client, headteacher):
    client.force_login(headteacher)
    page = client.get(reverse(CHANGE)).content.decode()
    form = html.fromstring(page).xpath("//form[@novalidate]")[0]
    labels = [" ".join(label.text_content().split()) for label in form.xpath(".//label")]
    assert labels == ["Current password", "New password", "Confirm new password"]
    assert new_password_hint() in page
    assert "at least 10 characters" in new_password_hint()  # AUTH_PASSWORD_VALIDATORS' length
    for django_words in ("Old password", "Please enter", "for verification", "can’t", "confirmation"):
        assert django_words not in page

    assert problems(change(client, current="", new="", again="")) == {
        "id_old_password": [CURRENT_PASSWORD_NEEDED],
        "id_new_password1": [NEW_PASSWORD_NEEDED],
        "id_new_password2": [CONFIRMATION_NEEDED],
    }
    assert problems(change(client, current="wrong-password")) == {"id_old_password": [CURRENT_PASSWORD_WRONG]}


NUL = "Null characters are not allowed."  # Django's: no keyboard types one
TOO_SHORT = "This password is too short. It must contain at least 10 characters."
ODD_INPUT = [
    ("null character", {"old_password": PASSWORD, "new_password1": "nul\x00", "new_password2": "nul\x00"},
     {"id_new_password1": [NUL], "id_new_password2": [NUL]}),
    ("too long", {"old_password": "x" * 5_000, "new_password1": "y" * 5_000, "new_password2": "y" * 5_000},
     {"id_old_password": ["Current password must be 1,000 characters or fewer"],
      "id_new_password1": ["New password must be 1,000 characters or fewer"],
      "id_new_password2": ["Confirm new password must be 1,000 characters or fewer"]}),
    ("spaces", {"old_password": PASSWORD, "new_password1": "   ", "new_password2": "   "},
     {"id_new_password1": [TOO_SHORT]}),
    ("two values", {"old_password": PASSWORD, "new_password1": ["two-values-1", "two-values-2"], "new_password2": "x"},
     {"id_new_password2": [PASSWORDS_DIFFER]}),
    ("bidi and zero width", {"old_password": PASSWORD, "new_password1": "\u202eevil-pass\u200b", "new_password2": "o"},
     {"id_new_password2": [PASSWORDS_DIFFER]}),
    ("not UTF-8", b"old_password=%ff%fe&new_password1=%00%ff&new_password2=%ed%a0%80",
     {"id_old_password": [CURRENT_PASSWORD_WRONG], "id_new_password1": [NUL]}),
]  # fmt: skip


@pytest.mark.parametrize(("data", "expected"), [case[1:] for case in ODD_INPUT], ids=[case[0] for case in ODD_INPUT])
def test_odd_input_on_the_change_password_page_is_refused_in_words_linked_to_its_fields(
    client, headteacher, data, expected
):
    client.force_login(headteacher)
    raw = {"content_type": "application/x-www-form-urlencoded"} if isinstance(data, bytes) else {}
    assert problems(client.post(reverse(CHANGE), data, **raw)) == expected


def choose_page(client, user):
    """The emailed link's form page, as the person opens it (the token moved into the session)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    opened = client.get(
        reverse("accounts:choose_password", args=[uid, choose_password_tokens.make_token(user)]), follow=True
    )
    assert "Choose your password" in opened.content.decode()
    return opened.redirect_chain[-1][0]


def test_a_weak_password_chosen_through_the_link_is_named_on_the_new_password_field(client, headteacher):
    response = client.post(choose_page(client, headteacher), {"new_password1": "short-1", "new_password2": "short-1"})
    summary = problems(response)
    assert list(summary) == ["id_new_password1"]
    assert "This password is too short" in summary["id_new_password1"][0]
    page = response.content.decode()
    assert "Confirm new password" in page
    assert new_password_hint() in page


def test_passwords_chosen_through_the_link_that_do_not_match_are_named_on_the_confirmation(client, headteacher):
    response = client.post(choose_page(client, headteacher), {"new_password1": NEW, "new_password2": NEW + "x"})
    assert problems(response) == {"id_new_password2": [PASSWORDS_DIFFER]}


def test_the_link_page_names_the_account_whose_password_it_sets(client, headteacher, governor):
    """The school-side journey: signed in as the governor, the helper opened a new starter's link
    and set their password; the page never said whose account it was."""
    page = client.get(choose_page(client, headteacher)).content.decode()
    assert "you sign in as\n          <strong>headteacher</strong>" in page
    assert "You are signed in as" not in page
    client.force_login(governor)
    signed_in = client.get(choose_page(client, headteacher)).content.decode()
    assert "You are signed in as\n            governor, but this link is for headteacher" in signed_in
