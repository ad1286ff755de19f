"""Issue 8, "The core rules, made right", for letters: four eyes on a warning notice and a top-tier
letter (and, by the LA's setting, on the other types); an issue date never before the draft date;
an invalid ground refused when the draft is saved. Through the services and through the pages."""

import io
import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from core.limits import LONG_TEXT
from letters import rules, selectors, services
from letters.forms import ApprovalSettingForm
from letters.models import Letter, LetterStatus, LetterType

from .factories import approved, draft, letter_type
from .test_workflow import form_data, new_url

pytestmark = pytest.mark.django_db

FOUR_EYES_ALWAYS = ["warning_notice", "significant_concerns_top"]
BY_SETTING = ["congratulations", "significant_concerns"]


def submitted(school, code, *, drafter, submitter=None, **kwargs) -> Letter:
    letter = draft(school, code, actor=drafter, **kwargs)
    return services.letter_submit(letter=letter, actor=submitter or drafter)


def own_letter(code: str) -> str:
    return rules.OWN_LETTER.format(letter_type=LetterType.objects.get(code=code).name.lower())


# ---- four eyes, through the service ---------------------------------------------------------------


@pytest.mark.parametrize("code", FOUR_EYES_ALWAYS)
def test_an_officer_cannot_approve_a_warning_notice_or_top_tier_letter_they_drafted(
    officer, second_officer, link_school, code
):
    letter = submitted(link_school, code, drafter=officer)
    with pytest.raises(ValidationError) as refusal:
        services.letter_approve(letter=letter, actor=officer)
    assert refusal.value.messages == [own_letter(code)]
    letter.refresh_from_db()
    assert (letter.status, letter.approved_by) == (LetterStatus.SUBMITTED, None)

    services.letter_approve(letter=letter, actor=second_officer)
    letter.refresh_from_db()
    assert (letter.status, letter.approved_by) == (LetterStatus.APPROVED, second_officer)


@pytest.mark.parametrize(
    "change",
    [
        {"subject": "Warning notice to the governing body of {school_name}"},
        {"body": "To the governing body of {school_name}\n\n{grounds}\n\nA sentence the officer added."},
        {"grounds": ["a", "c"]},
        {"compliance_end_date": "later"},
        {"indicators": "another"},
    ],
    ids=["subject", "body", "grounds", "compliance period", "indicators"],
)
def test_an_officer_who_changed_an_advisers_warning_notice_cannot_approve_it(
    officer, second_officer, adviser, link_school, change
):
    letter = draft(link_school, "warning_notice", actor=adviser)
    fields = {
        "subject": letter.subject,
        "body": letter.body,
        "indicators": list(letter.indicators.all()),
        "grounds": letter.grounds,
        "compliance_end_date": letter.compliance_end_date,
    }
    if change.get("compliance_end_date") == "later":
        change = {"compliance_end_date": letter.compliance_end_date + timedelta(days=7)}
    if change.get("indicators") == "another":
        change = {"indicators": list(letter_type("warning_notice").indicators.filter(is_active=True)[1:3])}
    services.letter_draft_update(letter=letter, actor=officer, **(fields | change))
    services.letter_submit(letter=letter, actor=adviser)

    assert officer.pk in selectors.letter_authors(letter)
    with pytest.raises(ValidationError, match="another officer must approve it"):
        services.letter_approve(letter=letter, actor=officer)
    services.letter_approve(letter=letter, actor=second_officer)


def test_an_officer_who_only_submitted_a_warning_notice_cannot_approve_it(
    officer, second_officer, adviser, link_school
):
    letter = submitted(link_school, "warning_notice", drafter=adviser, submitter=officer)
    assert selectors.letter_authors(letter) == {adviser.pk, officer.pk}
    with pytest.raises(ValidationError, match="another officer must approve it"):
        services.letter_approve(letter=letter, actor=officer)


def test_returning_with_comments_or_saving_without_a_change_makes_no_one_an_author(officer, adviser, link_school):
    letter = submitted(link_school, "warning_notice", drafter=adviser)
    services.letter_return(letter=letter, actor=officer, comments="Name the dates of the visits.")
    services.letter_draft_update(
        letter=letter,
        actor=officer,
        subject=letter.subject,
        body=letter.body,
        indicators=list(letter.indicators.all()),
        grounds=letter.grounds,
        compliance_end_date=letter.compliance_end_date,
    )
    services.letter_submit(letter=letter, actor=adviser)
    assert selectors.letter_authors(letter) == {adviser.pk}
    services.letter_approve(letter=letter, actor=officer)
    assert Letter.objects.get().status == LetterStatus.APPROVED


def test_the_author_of_an_earlier_version_still_cannot_approve_after_a_return(
    officer, second_officer, adviser, link_school
):
    letter = draft(link_school, "significant_concerns_top", actor=officer)
    services.letter_submit(letter=letter, actor=officer)
    services.letter_return(letter=letter, actor=second_officer, comments="Add the evidence.")
    services.letter_draft_update(
        letter=letter, actor=adviser, subject=letter.subject, body=letter.body + "\n\nMore evidence.",
        indicators=list(letter.indicators.all()),
    )  # fmt: skip
    services.letter_submit(letter=letter, actor=adviser)
    with pytest.raises(ValidationError):
        services.letter_approve(letter=letter, actor=officer)
    services.letter_approve(letter=letter, actor=second_officer)


@pytest.mark.parametrize("code", BY_SETTING)
def test_congratulations_and_concerns_letters_need_a_second_officer_only_when_the_la_says_so(
    officer, second_officer, link_school, code
):
    assert LetterType.objects.get(code=code).second_officer_approval is False  # the default
    first = submitted(link_school, code, drafter=officer)
    services.letter_approve(letter=first, actor=officer)  # small teams: allowed unless switched on

    services.letter_type_approval_update(
        letter_type=LetterType.objects.get(code=code), actor=officer, second_officer_approval=True
    )
    second = submitted(link_school, code, drafter=officer)
    with pytest.raises(ValidationError) as refusal:
        services.letter_approve(letter=second, actor=officer)
    assert refusal.value.messages == [own_letter(code)]
    services.letter_approve(letter=second, actor=second_officer)


@pytest.mark.parametrize("code", FOUR_EYES_ALWAYS)
def test_the_setting_cannot_switch_four_eyes_off_for_a_warning_notice_or_top_tier_letter(officer, code):
    kind = LetterType.objects.get(code=code)
    assert kind.second_officer_approval is True  # the migration stores what the rule forces
    with pytest.raises(ValidationError) as refusal:
        services.letter_type_approval_update(letter_type=kind, actor=officer, second_officer_approval=False)
    assert refusal.value.message_dict == {
        "second_officer_approval": [rules.SECOND_OFFICER_CANNOT_BE_SWITCHED_OFF.format(letter_type=kind.name.lower())]
    }
    kind.refresh_from_db()
    assert kind.second_officer_approval is True
    # Even a stored False (a database edited by hand) does not switch it off.
    LetterType.objects.filter(pk=kind.pk).update(second_officer_approval=False)
    kind.refresh_from_db()
    assert kind.needs_second_officer is True


def test_the_authors_of_a_letter_are_read_in_two_queries_however_long_its_history(
    officer, second_officer, adviser, link_school
):
    letter = draft(link_school, "warning_notice", actor=adviser)
    for n in range(6):
        services.letter_draft_update(
            letter=letter, actor=adviser, subject=f"{letter.subject} {n}", body=letter.body,
            indicators=list(letter.indicators.all()), grounds=["a"], compliance_end_date=letter.compliance_end_date,
        )  # fmt: skip
        services.letter_submit(letter=letter, actor=adviser)
        services.letter_return(letter=letter, actor=officer, comments="Again")
    with CaptureQueriesContext(connection) as queries:
        authors = selectors.letter_authors(letter)
    assert authors == {adviser.pk}
    assert len(queries) == 2


# ---- four eyes, on the pages ------------------------------------------------------------------------


def test_the_letter_page_tells_the_author_another_officer_must_approve_instead_of_offering_approve(
    client, officer, second_officer, link_school
):
    letter = submitted(link_school, "warning_notice", drafter=officer)
    client.force_login(officer)
    page = client.get(letter.get_absolute_url()).content.decode()
    assert escape(own_letter("warning_notice")) in page
    assert 'id="may-not-approve"' in page
    assert reverse("letters:approve", kwargs={"pk": letter.pk}) not in page
    assert reverse("letters:return", kwargs={"pk": letter.pk}) in page  # they can still return it

    response = client.post(reverse("letters:approve", kwargs={"pk": letter.pk}), follow=True)
    assert escape(own_letter("warning_notice")) in response.content.decode()
    assert Letter.objects.get().status == LetterStatus.SUBMITTED

    client.force_login(second_officer)
    page = client.get(letter.get_absolute_url()).content.decode()
    assert reverse("letters:approve", kwargs={"pk": letter.pk}) in page
    assert 'id="may-not-approve"' not in page
    client.post(reverse("letters:approve", kwargs={"pk": letter.pk}))
    assert Letter.objects.get().approved_by == second_officer


def setting_url(code: str) -> str:
    return reverse("letters:letter_type_approval", kwargs={"code": code})


@pytest.mark.parametrize(
    ("role", "status"),
    [("officer", 302), ("admin", 403), ("adviser", 403), ("governor", 403), ("other_governor", 403)],
)
def test_only_officers_set_four_eyes_per_letter_type_where_templates_are_managed(
    client_as, governor, other_governor, adviser, officer, admin_user, role, status
):
    response = client_as(role).post(setting_url("congratulations"), {"second_officer_approval": "on"})
    assert response.status_code == status
    changed = LetterType.objects.get(code="congratulations").second_officer_approval
    assert changed is (status == 302)
    if changed:
        assert response["Location"].endswith("/letters/templates/congratulations/#approval")
        assert LetterType.objects.get(code="congratulations").history.first().history_user.username == "officer"


def test_an_admin_sees_the_setting_on_the_template_page_but_is_not_offered_it(client_as, admin_user):
    page = client_as("admin").get(reverse("letters:template_edit", kwargs={"code": "congratulations"}))
    assert page.status_code == 200
    assert setting_url("congratulations") not in page.content.decode()
    assert "Officers decide this setting." in page.content.decode()


def test_the_setting_is_by_post_only_and_anonymous_users_are_sent_to_sign_in(client_as, officer):
    assert client_as("anonymous").post(setting_url("congratulations"))["Location"].startswith("/accounts/sign-in/")
    assert client_as("officer").get(setting_url("congratulations")).status_code == 405


def test_the_template_page_offers_the_setting_for_congratulations_and_says_always_for_a_warning_notice(
    client_as, officer
):
    client = client_as("officer")
    page = client.get(reverse("letters:template_edit", kwargs={"code": "congratulations"})).content.decode()
    assert ApprovalSettingForm.base_fields["second_officer_approval"].label in page
    assert setting_url("congratulations") in page
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []  # two forms, each button its own id

    page = client.get(reverse("letters:template_edit", kwargs={"code": "warning_notice"})).content.decode()
    assert "Letters of this type always need a second officer's approval" in page
    assert setting_url("warning_notice") not in page

    response = client.post(setting_url("warning_notice"), {}, follow=True)
    assert (
        rules.SECOND_OFFICER_CANNOT_BE_SWITCHED_OFF.format(letter_type="warning notice").replace("'", "&#x27;")
        in response.content.decode()
    )
    assert LetterType.objects.get(code="warning_notice").second_officer_approval is True

    listing = client.get(reverse("letters:templates")).content.decode()
    assert listing.count("Second officer (always)") == 2
    assert listing.count("Any officer") == 4  # congratulations, significant concerns, the two letters to a trust


# ---- the date of issue is not before the draft date ------------------------------------------------


@pytest.mark.parametrize(
    ("drafted_on", "issued_on", "today"),
    [
        (date(2026, 11, 20), date(2026, 11, 19), date(2026, 11, 23)),
        (date(2027, 1, 1), date(2026, 12, 31), date(2027, 1, 4)),  # across New Year
        (date(2027, 7, 21), date(2027, 7, 20), date(2027, 8, 10)),  # recorded in the summer holiday
    ],
)
def test_a_letter_cannot_be_issued_with_a_date_before_it_was_drafted(
    officer, adviser, link_school, drafted_on, issued_on, today
):
    letter = approved(link_school, "significant_concerns", drafter=adviser, officer=officer, today=drafted_on)
    assert services.drafted_on(letter) == drafted_on
    with pytest.raises(ValidationError) as refusal:
        services.letter_issue(letter=letter, actor=officer, issued_on=issued_on, today=today)
    assert refusal.value.message_dict == {
        "issued_on": [rules.ISSUE_DATE_BEFORE_DRAFT.format(issued_on=issued_on, drafted_on=drafted_on)]
    }
    assert Letter.objects.get().status == LetterStatus.APPROVED

    services.letter_issue(letter=letter, actor=officer, issued_on=drafted_on, today=today)
    assert Letter.objects.get().issued_on == drafted_on


def test_the_issue_page_shows_the_draft_date_and_refuses_an_earlier_date_on_the_field(
    client_as, officer, adviser, link_school
):
    today = timezone.localdate()
    drafted_on = today - timedelta(days=3)
    letter = approved(link_school, "congratulations", drafter=adviser, officer=officer, today=drafted_on)
    client = client_as("officer")
    url = reverse("letters:issue", kwargs={"pk": letter.pk})
    page = client.get(url).content.decode()
    assert f"Drafted on <strong>{drafted_on.day} {drafted_on:%B %Y}</strong>" in page

    earlier = drafted_on - timedelta(days=1)
    response = client.post(
        url, {"issued_on_0": earlier.day, "issued_on_1": earlier.month, "issued_on_2": earlier.year, "other_copies": ""}
    )
    assert response.status_code == 200
    message = rules.ISSUE_DATE_BEFORE_DRAFT.format(issued_on=earlier, drafted_on=drafted_on)
    assert response.context["form"].errors["issued_on"] == [message]
    assert message in response.content.decode()
    assert Letter.objects.get().status == LetterStatus.APPROVED


# ---- an invalid ground is refused when the draft is saved ------------------------------------------


@pytest.mark.parametrize(("grounds", "bad"), [(["d"], "d"), (["a", "z"], "z"), (["(b)"], "(b)")])
def test_an_invalid_ground_is_refused_when_a_draft_is_created_and_nothing_is_saved(officer, link_school, grounds, bad):
    with pytest.raises(ValidationError) as refusal:
        draft(link_school, "warning_notice", actor=officer, grounds=grounds)
    assert refusal.value.message_dict["grounds"] == [rules.UNKNOWN_GROUND.format(value=bad)]
    assert not Letter.objects.exists()


def test_an_invalid_ground_is_refused_when_a_draft_is_changed_and_the_draft_is_unchanged(officer, link_school):
    letter = draft(link_school, "warning_notice", actor=officer, grounds=["a"])
    with pytest.raises(ValidationError) as refusal:
        services.letter_draft_update(
            letter=letter, actor=officer, subject=letter.subject, body=letter.body,
            indicators=list(letter.indicators.all()), grounds=["b", "x"],
            compliance_end_date=letter.compliance_end_date,
        )  # fmt: skip
    assert refusal.value.message_dict["grounds"] == [rules.UNKNOWN_GROUND.format(value="x")]
    letter.refresh_from_db()
    assert letter.grounds == ["a"]
    assert letter.history.count() == 2  # created, indicators set: no change saved


def test_grounds_given_for_a_letter_that_is_not_a_warning_notice_are_refused(officer, link_school):
    kind = letter_type("significant_concerns")
    with pytest.raises(ValidationError) as refusal:
        services.letter_draft_create(
            school=link_school, letter_type=kind, actor=officer, subject="Concerns", body="Text",
            indicators=list(kind.indicators.all()[:1]), grounds=["a"],
        )  # fmt: skip
    assert refusal.value.message_dict["grounds"] == [rules.GROUNDS_ONLY_IN_A_WARNING_NOTICE]
    assert not Letter.objects.exists()


def test_the_draft_page_refuses_an_invalid_ground_on_save_with_the_rules_message(client_as, link_school):
    client = client_as("adviser")
    response = client.post(
        new_url(link_school, "warning_notice"), form_data("warning_notice", grounds=["a", "d"], save="")
    )
    assert response.status_code == 200
    message = rules.UNKNOWN_GROUND.format(value="d")
    assert response.context["form"].errors["grounds"] == [message]
    assert "is not one of them" in response.content.decode()
    assert not Letter.objects.exists()

    client.post(new_url(link_school, "warning_notice"), form_data("warning_notice", save=""))
    letter = Letter.objects.get()
    response = client.post(
        reverse("letters:edit", kwargs={"pk": letter.pk}), form_data("warning_notice", grounds=["e"], save="")
    )
    assert response.context["form"].errors["grounds"] == [rules.UNKNOWN_GROUND.format(value="e")]
    letter.refresh_from_db()
    assert letter.grounds == ["a", "b"]


# ---- the demo ------------------------------------------------------------------------------------------


def test_the_demo_still_issues_its_letters_with_a_second_officer_approving_the_officers_warning_notices():
    call_command("seed_demo", stdout=io.StringIO())
    letters = Letter.objects.select_related("letter_type", "approved_by", "drafted_by")
    issued = [letter for letter in letters if letter.status == LetterStatus.ISSUED]
    assert sorted(letter.letter_type.code for letter in issued) == [
        "congratulations",
        "significant_concerns",
        "trust_chair_meeting",  # the academies demo's formal letters to the trust chair (ADR 0017)
        "trust_chair_meeting",
        "warning_notice",
        "warning_notice",
        "warning_notice",
    ]
    assert letters.filter(status=LetterStatus.SUBMITTED).count() == 1
    notices = [letter for letter in issued if letter.letter_type.needs_second_officer]
    assert {letter.drafted_by.username for letter in notices} == {"adviser", "officer"}
    for letter in issued:
        assert letter.issued_on >= services.drafted_on(letter), letter
        if letter.letter_type.needs_second_officer:
            assert letter.approved_by.pk not in selectors.letter_authors(letter), letter
    assert {letter.approved_by.username for letter in notices} == {"officer", "officer2"}


def test_approval_comments_over_their_limit_are_refused_with_a_message_and_nothing_is_approved(
    client, officer, second_officer, link_school
):
    letter = submitted(link_school, "warning_notice", drafter=officer)
    client.force_login(second_officer)
    too_long = "x" * (LONG_TEXT + 1)
    response = client.post(reverse("letters:approve", kwargs={"pk": letter.pk}), {"comments": too_long})
    assert Letter.objects.get().status == LetterStatus.SUBMITTED
    assert response.status_code == 200
    page = response.content.decode()
    assert '<a href="#id_comments">Comments for the drafter must be 20,000 characters or fewer</a>' in page
    assert too_long in page  # the comments are kept, to be cut and approved from the same page
    assert '<form method="post" novalidate>' in page  # no action: it posts to this page, the approval again
    client.post(reverse("letters:approve", kwargs={"pk": letter.pk}), {"comments": too_long[:LONG_TEXT]})
    assert Letter.objects.get().status == LetterStatus.APPROVED
