"""The sign-in page's refusal, in words true of this service (usernames in any case, ADR 0064), and
Your account's email address, read-only (docs/adr/0073)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from lxml import html

from accounts.forms import SIGN_IN_REFUSED

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


def error_summary(response) -> list[tuple[str, str]]:
    """(link target, message) of each line of the error summary; each target is on the page."""
    page = html.fromstring(response.content)
    lines = []
    for link in page.xpath("//ul[contains(@class, 'govuk-error-summary__list')]//a"):
        target = link.get("href").removeprefix("#")
        assert page.get_element_by_id(target, None) is not None
        lines.append((target, link.text_content().strip()))
    return lines


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("headteacher", "wrong-password"),
        ("nobody-has-this-name", "wrong-password"),
        ("headteacher", PASSWORD.upper()),
        ("HEADTEACHER", PASSWORD.upper()),
        ("deactivated", PASSWORD),
        ("waiting", PASSWORD),
        ("\uff48\uff45\uff41\uff44teacher", "wrong-password"),
        ("head\x00teacher", "wrong-password"),
        (["headteacher", "nobody"], "wrong-password"),
    ],
    ids=[
        "wrong password",
        "no such username",
        "password in capitals",
        "both in capitals",
        "deactivated account",
        "password replaced by a link",
        "full-width letters",
        "null character",
        "two usernames",
    ],
)
def test_a_refused_sign_in_says_passwords_must_match_exactly_and_not_whether_the_username_exists(
    client, headteacher, make_user, username, password
):
    make_user(None, username="deactivated", is_active=False)
    waiting = make_user(None, username="waiting")  # a case reader whose password a link replaced (ADR 0062)
    waiting.set_unusable_password()
    waiting.save()
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    assert error_summary(response) == [("id_username", SIGN_IN_REFUSED)]
    page = response.content.decode()
    assert "case-sensitive" not in page  # Django's "both fields may be case-sensitive": usernames are not here
    assert "inactive" not in page


def email_row(client) -> html.HtmlElement:
    page = html.fromstring(client.get(reverse("accounts:account")).content)
    rows = page.xpath("//div[contains(@class, 'govuk-summary-list__row')]")
    (row,) = [r for r in rows if r.findtext("dt").strip() == "Email address"]
    assert not row.xpath(".//input | .//form | .//dd[contains(@class, 'govuk-summary-list__actions')]//a")  # read-only
    return row


def test_your_account_shows_your_email_address_and_that_an_administrator_changes_it(client, headteacher):
    client.force_login(headteacher)
    text = " ".join(email_row(client).text_content().split())
    assert "head@example.org" in text
    assert "ask an administrator" in text


def test_your_account_says_none_recorded_without_an_email_address(client, make_user):
    client.force_login(make_user(None, username="noaddress", email=""))
    text = " ".join(email_row(client).text_content().split())
    assert text.startswith("Email addressNone recorded")  # the key, then the value
    assert "ask an administrator" in text


def test_an_admins_account_page_points_to_their_user_page_where_they_change_it(client, admin_user):
    client.force_login(admin_user)
    (link,) = email_row(client).xpath(".//a")
    assert link.get("href") == reverse("accounts:user_detail", args=[admin_user.pk])
