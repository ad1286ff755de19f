"""The school hears its category (issue 14 "Hear its category", docs/adr/0027): approving sends the
level, what it means and the reasons in plain words to the headteacher and the chair of governors
(never the evidence), the school agrees or challenges within the set days, an officer decides."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import escape

from categorisation import notices, services
from categorisation.models import (
    CategorisationEvent,
    CategoryNotice,
    CategoryNoticeEmail,
    ChallengeDecision,
    NoticeEmailKind,
    NoticeRecipientRole,
    NoticeResponse,
    SupportLevel,
)
from categorisation.notices import (
    a_challenge_needs_reasons,
    a_decision_on_a_challenge_gives_its_reasons,
    the_school_answers_within_the_set_days,
)
from core.limits import LONG_TEXT, too_long_message
from tests.categorisation.factories import STRATEGY_FRAMEWORK
from visits.entitlement import HALF_TERMLY, TERMLY, minimum_entitlement

pytestmark = pytest.mark.django_db

APPROVE_DAY = date(2026, 11, 23)  # a Monday
PLANTED_EVIDENCE = "PLANTED-EVIDENCE-7731 the head cried in the staffroom"
PLANTED_RATIONALE = "PLANTED-RATIONALE-5512 departs because of a safeguarding referral"
PLANTED_COMMENTS = "PLANTED-COMMENTS-9902 approve, but watch the finance officer"
REASONS = "Pupils' reading in Key Stage 2 fell well below the national average for two years running."


def codes_ticked() -> dict[int, str]:
    from categorisation.models import Criterion

    codes = ["LM-H2", "LM-H3", "QE-H1", "QE-H5", "BA-H2", "PD-H1"]
    return {
        c.pk: f"{PLANTED_EVIDENCE} ({c.code})"
        for c in Criterion.objects.filter(area__framework__name=STRATEGY_FRAMEWORK, code__in=codes)
    }


@pytest.fixture
def submitted(school, adviser, on_day):
    on_day(APPROVE_DAY)
    school.link_adviser = adviser
    school.chair_of_governors = "Mr G Holt"
    school.save()
    categorisation = services.categorisation_start(school=school, actor=adviser, on=APPROVE_DAY)
    return services.categorisation_submit(
        categorisation=categorisation,
        actor=adviser,
        ticks=codes_ticked(),
        level="medium",
        rationale=PLANTED_RATIONALE,
        school_reasons=REASONS,
    )


@pytest.fixture
def approve(submitted, officer, django_capture_on_commit_callbacks, mailoutbox):
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            services.categorisation_approve(categorisation=submitted, actor=officer, comments=PLANTED_COMMENTS)
        return CategoryNotice.objects.get(categorisation=submitted)

    return run


@pytest.fixture
def notice(approve, headteacher, governor):
    return approve()


def challenge(notice, headteacher, reasons="Reading has recovered: see our summer results."):
    return notices.category_notice_answer(
        notice=notice, actor=headteacher, response=NoticeResponse.CHALLENGE, reasons=reasons
    )


# ---- the rules ------------------------------------------------------------------------------------


def test_the_school_answers_within_the_set_days(settings):
    settings.CATEGORY_RESPONSE_DAYS = 10
    respond_by = notices.respond_by_for(APPROVE_DAY)
    assert respond_by == date(2026, 12, 3)
    assert the_school_answers_within_the_set_days(respond_by=respond_by, today=APPROVE_DAY)
    assert the_school_answers_within_the_set_days(respond_by=respond_by, today=respond_by)
    assert not the_school_answers_within_the_set_days(respond_by=respond_by, today=respond_by + timedelta(days=1))


@pytest.mark.parametrize(
    ("sent_on", "respond_by"),
    [
        (date(2026, 12, 15), date(2026, 12, 29)),  # 10 days: Christmas Day; Monday 28th is Boxing Day's substitute
        (date(2026, 12, 16), date(2026, 12, 29)),  # 10 days: Saturday 26th
        (date(2027, 1, 6), date(2027, 1, 18)),  # 10 days: Saturday 16 January, to the Monday
        (date(2027, 3, 19), date(2027, 3, 30)),  # 10 days: Easter Monday, to the Tuesday
        (date(2027, 1, 11), date(2027, 1, 21)),  # a Thursday: kept
    ],
)
def test_the_answer_window_closes_on_a_working_day(settings, sent_on, respond_by):
    settings.CATEGORY_RESPONSE_DAYS = 10
    assert notices.respond_by_for(sent_on) == respond_by


def test_a_challenge_needs_reasons():
    assert a_challenge_needs_reasons(response="agree", reasons="  ") == {}
    assert a_challenge_needs_reasons(response="challenge", reasons=" We improved. ") == {}
    refused = a_challenge_needs_reasons(response="challenge", reasons="   ")
    assert refused == {"reasons": [notices.CHALLENGE_REASONS_REQUIRED]}
    refused = a_challenge_needs_reasons(response="", reasons="")
    assert refused == {"response": [notices.ANSWER_REQUIRED]}


def test_a_decision_on_a_challenge_gives_its_reasons():
    assert a_decision_on_a_challenge_gives_its_reasons(decision="rejected", reasons=" Data stands. ") == {}
    refused = a_decision_on_a_challenge_gives_its_reasons(decision="upheld", reasons="")
    assert refused == {"reasons": [notices.DECISION_REASONS_REQUIRED]}
    refused = a_decision_on_a_challenge_gives_its_reasons(decision="maybe", reasons="Why not")
    assert refused == {"decision": [notices.DECISION_REQUIRED]}
    refused = a_decision_on_a_challenge_gives_its_reasons(decision="", reasons=" ")
    assert refused == {"decision": [notices.DECISION_REQUIRED], "reasons": [notices.DECISION_REASONS_REQUIRED]}


@pytest.mark.parametrize("level", SupportLevel.values)
def test_what_a_level_means_for_visits_agrees_with_the_entitlement_rule(level):
    entitlement = minimum_entitlement(maintained=True, level=level)
    text = notices.entitlement_for(level)
    if entitlement.cadence == HALF_TERMLY:
        assert "every half-term" in text
        assert "Monitoring Support Partnership" in text
    else:
        assert entitlement.cadence == TERMLY
        assert "a half-day visit from its School Improvement Adviser each term" in text
    assert "enhanced offer: up to six half-day visits a year" in text


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (SupportLevel.LOW, []),
        (SupportLevel.MEDIUM, ["expected to take part in the enhanced offer at the reduced rate"]),
        (SupportLevel.HIGH, ["expected to take part in the enhanced programme of support at a reduced cost",
                             "may expect an external review", "the School Improvement Adviser, will meet at least "
                             "every half-term"]),
    ],
)  # fmt: skip
def test_the_notice_says_what_the_strategy_expects_of_a_school_at_its_level(level, expected):
    """ "Medium-support schools ... are expected to take part in the enhanced offer at the reduced
    rate"; "High support schools are expected to take part in the enhanced programme of support ...
    at a reduced cost. High level support schools may expect an external review"; the MSP group
    "will include the Headteacher and Chair or Vice Chair of Governors and the link SIA" and "will meet
    at least half-termly"."""
    text = notices.entitlement_for(level)
    for words in expected:
        assert words in text
    assert ("expected to take part" in text) == bool(expected)


# ---- approving sends it -------------------------------------------------------------------------


def test_approving_sends_the_level_what_it_means_and_the_reasons_to_the_headteacher_and_chair(
    notice, submitted, headteacher, governor, mailoutbox
):
    assert (notice.level, notice.reasons, notice.respond_by) == ("medium", REASONS, date(2026, 12, 3))
    emails = {e.role: e for e in notice.emails.all()}
    assert emails[NoticeRecipientRole.HEADTEACHER].recipient == headteacher
    assert emails[NoticeRecipientRole.CHAIR].recipient == governor
    assert sorted(m.to[0] for m in mailoutbox) == sorted([headteacher.email, governor.email])
    body = mailoutbox[0].body
    assert "Category: medium support." in body
    assert "a half-day visit from its School Improvement Adviser each term" in body
    assert REASONS in body
    assert "until 3 December 2026" in body
    assert all(e.emailed_at is not None for e in notice.emails.all())
    sent = CategorisationEvent.objects.get(categorisation=submitted, kind="sent")
    assert "Hana Marsh (headteacher)" in sent.comments
    assert "until 3 December 2026" in sent.comments


def test_the_email_never_carries_the_evidence_rationale_or_officers_comments(notice, mailoutbox):
    assert mailoutbox
    for message in mailoutbox:
        text = message.subject + message.body
        for planted in ("PLANTED-EVIDENCE", "PLANTED-RATIONALE", "PLANTED-COMMENTS"):
            assert planted not in text


def test_a_chair_with_no_account_is_recorded_as_not_emailed(approve, headteacher, mailoutbox):
    notice = approve()
    chair = notice.emails.get(role=NoticeRecipientRole.CHAIR)
    assert (chair.recipient, chair.name, chair.error) == (None, "Mr G Holt", notices.NO_CHAIR_ACCOUNT)
    assert [m.to for m in mailoutbox] == [[headteacher.email]]


def test_with_no_headteacher_or_chair_known_the_category_is_still_recorded_for_the_school(approve, school, mailoutbox):
    school.chair_of_governors = ""
    school.save()
    notice = approve()
    assert [(e.role, e.error) for e in notice.emails.all()] == [(NoticeRecipientRole.CHAIR, notices.NO_CHAIR_KNOWN)]
    assert mailoutbox == []


def test_the_officers_page_warns_when_nobody_at_the_school_can_read_the_category_sent(
    approve, client_as, officer, make_user, school
):
    """The review: "The school was sent its category ... may agree or challenge it until ..." where
    the school had no headteacher's account and the chair's email said "Not sent: no account"."""
    from accounts.models import Headship
    from accounts.roles import Role

    notice = approve()
    url = notice.categorisation.get_absolute_url()
    assert 'id="nobody-reads-it"' in client_as("officer").get(url).content.decode()

    head = make_user(Role.HEADTEACHER, username="newhead")
    Headship.objects.create(user=head, school=school)  # the school's head has an account now
    assert 'id="nobody-reads-it"' not in client_as("officer").get(url).content.decode()


def test_with_no_reasons_for_the_school_written_it_is_told_clearly_to_ask_its_adviser(
    school, adviser, officer, on_day, headteacher
):
    on_day(APPROVE_DAY)
    school.link_adviser = adviser
    school.save()
    categorisation = services.categorisation_start(school=school, actor=adviser, on=APPROVE_DAY)
    services.categorisation_submit(categorisation=categorisation, actor=adviser, ticks=codes_ticked(), level="high")
    services.categorisation_approve(categorisation=categorisation, actor=officer)
    notice = CategoryNotice.objects.get(categorisation=categorisation)
    assert notice.reasons == notices.NO_REASONS_WRITTEN.format(adviser="your School Improvement Adviser, Adam Reid")
    assert "PLANTED" not in notice.reasons


def test_history_loaded_without_telling_the_school_sends_nothing(submitted, officer, headteacher, mailoutbox):
    services.categorisation_approve(categorisation=submitted, actor=officer, tell_school=False)
    assert not CategoryNotice.objects.exists()
    assert mailoutbox == []


# ---- the school answers -------------------------------------------------------------------------


def test_the_headteacher_agrees_and_it_is_on_the_categorisations_history(notice, headteacher):
    notices.category_notice_answer(notice=notice, actor=headteacher, response="agree")
    notice.refresh_from_db()
    assert (notice.response, notice.responded_by) == (NoticeResponse.AGREE, headteacher)
    assert notice.categorisation.events.filter(kind="agreed", actor=headteacher).exists()


def test_a_challenge_is_recorded_with_its_reasons_and_answers_only_once(notice, headteacher):
    challenge(notice, headteacher)
    event = notice.categorisation.events.get(kind="challenged")
    assert event.comments == "Reading has recovered: see our summer results."
    with pytest.raises(ValidationError) as refused:
        notices.category_notice_answer(notice=notice, actor=headteacher, response="agree")
    assert "already answered" in refused.value.messages[0]


def test_only_the_schools_headteacher_answers(notice, governor, make_user, other_school):
    from accounts.models import Headship
    from accounts.roles import Role

    other_head = make_user(Role.HEADTEACHER, username="otherhead")
    Headship.objects.create(user=other_head, school=other_school)
    for who in (governor, other_head):
        with pytest.raises(PermissionDenied):
            notices.category_notice_answer(notice=notice, actor=who, response="agree")
    assert CategoryNotice.objects.get(pk=notice.pk).response == ""


def test_the_window_is_open_on_its_last_day_and_closed_the_day_after(notice, headteacher, time_machine):
    last_day = notice.respond_by
    time_machine.move_to(f"{last_day.isoformat()} 23:00:00+00:00", tick=False)
    notices.category_notice_answer(notice=notice, actor=headteacher, response="agree")
    assert CategoryNotice.objects.get(pk=notice.pk).response == "agree"


def test_after_the_window_the_school_can_no_longer_answer(notice, headteacher, time_machine):
    day_after = notice.respond_by + timedelta(days=1)
    time_machine.move_to(f"{day_after.isoformat()} 09:00:00+00:00", tick=False)
    with pytest.raises(ValidationError) as refused:
        notices.category_notice_answer(notice=notice, actor=headteacher, response="agree")
    assert refused.value.messages == [notices.WINDOW_CLOSED.format(day="3 December 2026")]


# ---- an officer decides a challenge ---------------------------------------------------------------


def test_an_officer_decides_a_challenge_recorded_on_the_history_and_emailed_to_the_school(
    notice, headteacher, governor, make_user, django_capture_on_commit_callbacks, mailoutbox
):
    from accounts.roles import Role

    challenge(notice, headteacher)
    deciding = make_user(Role.OFFICER, username="senior", first_name="Sam", last_name="Senior")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notices.category_challenge_decide(
            notice=notice, actor=deciding, decision=ChallengeDecision.REJECTED, reasons="The data stands."
        )
    notice.refresh_from_db()
    assert (notice.decision, notice.decided_by, notice.decision_reasons) == ("rejected", deciding, "The data stands.")
    event = notice.categorisation.events.get(kind="decided")
    assert event.actor == deciding
    assert "The data stands." in event.comments
    decision_emails = CategoryNoticeEmail.objects.filter(notice=notice, kind=NoticeEmailKind.DECISION)
    assert {e.recipient for e in decision_emails} == {headteacher, governor}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([headteacher.email, governor.email])
    assert "Challenge not upheld: the category stands" in mailoutbox[0].body
    assert "The data stands." in mailoutbox[0].body


def test_a_challenge_stays_on_the_headteachers_home_page_until_an_officer_decides_it(
    client_as, notice, headteacher, officer
):
    client = client_as("headteacher")
    assert "agree or challenge it by" in client.get(reverse("dashboard:home")).content.decode()
    challenge(notice, headteacher)
    home = client.get(reverse("dashboard:home")).content.decode()
    assert "the local authority will decide and tell you" in home
    assert "agree or challenge it by" not in home
    notices.category_challenge_decide(notice=notice, actor=officer, decision=ChallengeDecision.UPHELD, reasons="Yes")
    assert (
        "the local authority will decide"
        not in client_as("headteacher").get(reverse("dashboard:home")).content.decode()
    )


def test_a_decision_needs_an_officer_a_challenge_and_is_made_once(notice, headteacher, adviser, officer):
    with pytest.raises(ValidationError) as refused:
        notices.category_challenge_decide(notice=notice, actor=officer, decision="upheld", reasons="Yes")
    assert refused.value.messages == [notices.NOT_A_CHALLENGE]
    challenge(notice, headteacher)
    with pytest.raises(PermissionDenied):
        notices.category_challenge_decide(notice=notice, actor=adviser, decision="upheld", reasons="Yes")
    notices.category_challenge_decide(notice=notice, actor=officer, decision="upheld", reasons="Reconsider.")
    with pytest.raises(ValidationError) as refused:
        notices.category_challenge_decide(notice=notice, actor=officer, decision="rejected", reasons="No")
    assert "already decided" in refused.value.messages[0]
    assert CategoryNotice.objects.get(pk=notice.pk).decision == "upheld"


def test_the_reasons_of_a_challenge_and_of_its_decision_are_kept_without_surrounding_spaces(
    notice, headteacher, officer
):
    # Moved here from the rules' tests: the services, not the rules, keep the text (ADR 0042).
    challenge(notice, headteacher, reasons=" We improved. ")
    notices.category_challenge_decide(notice=notice, actor=officer, decision="rejected", reasons=" Data stands. ")
    notice.refresh_from_db()
    assert (notice.response_reasons, notice.decision_reasons) == ("We improved.", "Data stands.")


# ---- the pages --------------------------------------------------------------------------------


def page_url(school):
    return reverse("categorisation:school_category", kwargs={"urn": school.urn})


@pytest.mark.parametrize("role", ["headteacher", "governor"])
def test_the_school_reads_its_category_and_never_the_evidence(client_as, notice, school, role):
    response = client_as(role).get(page_url(school))
    text = response.content.decode()
    assert response.status_code == 200
    assert REASONS.replace("'", "&#x27;") in text
    assert "Medium support" in text
    for planted in ("PLANTED-EVIDENCE", "PLANTED-RATIONALE", "PLANTED-COMMENTS"):
        assert planted not in text
    school_page = client_as(role).get(school.get_absolute_url()).content.decode()
    assert reverse("categorisation:school_category", kwargs={"urn": school.urn}) in school_page
    assert "PLANTED" not in school_page
    assert ('name="response"' in text) == (role == "headteacher")


def test_the_headteacher_challenges_on_the_page_and_a_challenge_without_reasons_is_refused(client_as, notice, school):
    client = client_as("headteacher")
    refused = client.post(page_url(school), {"response": "challenge", "reasons": "  "})
    assert refused.status_code == 200
    assert notices.CHALLENGE_REASONS_REQUIRED in refused.content.decode()
    assert 'href="#id_reasons"' in refused.content.decode()
    assert CategoryNotice.objects.get(pk=notice.pk).response == ""
    response = client.post(page_url(school), {"response": "challenge", "reasons": "Our reading improved."}, follow=True)
    assert "an officer will decide it" in response.content.decode()
    assert CategoryNotice.objects.get(pk=notice.pk).response == "challenge"


def test_after_the_window_the_page_says_it_is_closed_and_shows_no_form(client_as, notice, school, time_machine):
    time_machine.move_to(f"{(notice.respond_by + timedelta(days=1)).isoformat()} 09:00:00+00:00", tick=False)
    client = client_as("headteacher")
    text = client.get(page_url(school)).content.decode()
    assert 'id="window-closed"' in text
    assert "ended on 3 December 2026" in text
    assert 'name="response"' not in text
    response = client.post(page_url(school), {"response": "agree"}, follow=True)
    assert "ended on 3 December 2026" in response.content.decode()
    assert CategoryNotice.objects.get(pk=notice.pk).response == ""


def test_the_officer_decides_on_the_page_and_the_categorisation_shows_it(client_as, notice, headteacher):
    challenge(notice, headteacher)
    client = client_as("officer")
    listing = client.get(reverse("categorisation:challenges")).content.decode()
    decide_url = reverse("categorisation:decide", kwargs={"pk": notice.pk})
    assert decide_url in listing
    refused = client.post(decide_url, {"decision": "upheld", "reasons": ""})
    assert notices.DECISION_REASONS_REQUIRED in refused.content.decode()
    response = client.post(
        decide_url, {"decision": "upheld", "reasons": "Your summer data is persuasive."}, follow=True
    )
    text = response.content.decode()
    assert "start a new categorisation" in text
    assert "Challenge upheld" in text
    assert "Your summer data is persuasive." in text
    assert decide_url not in client.get(reverse("categorisation:challenges")).content.decode().split("Decided")[0]
    head_page = client_as("headteacher").get(page_url(notice.categorisation.school)).content.decode()
    assert "Your summer data is persuasive." in head_page


def _summary(response) -> str:
    page = response.content.decode()
    start = page.index('class="govuk-error-summary"')
    return page[start : page.index("</ul>", start)]


def test_an_answer_with_no_choice_and_reasons_over_the_limit_names_both_in_one_round(client_as, notice, school):
    """ADR 0070: the choice the rule requires is asked with the reasons' limit, not a round later."""
    response = client_as("headteacher").post(page_url(school), {"response": "", "reasons": "r" * (LONG_TEXT + 1)})
    summary = _summary(response)
    assert f'<a href="#id_response_1">{escape(notices.ANSWER_REQUIRED)}</a>' in summary
    too_long = too_long_message("The school\N{APOSTROPHE}s reasons", LONG_TEXT)
    assert f'<a href="#id_reasons">{escape(too_long)}</a>' in summary
    assert CategoryNotice.objects.get(pk=notice.pk).response == ""


@pytest.mark.parametrize("reasons", ["", "r" * (LONG_TEXT + 1)], ids=["no reasons", "reasons over the limit"])
def test_a_decision_with_no_choice_names_the_reasons_problem_in_the_same_round(client_as, notice, headteacher, reasons):
    challenge(notice, headteacher)
    response = client_as("officer").post(
        reverse("categorisation:decide", kwargs={"pk": notice.pk}), {"decision": "", "reasons": reasons}
    )
    summary = _summary(response)
    assert f'<a href="#id_decision_1">{escape(notices.DECISION_REQUIRED)}</a>' in summary
    reasons_problem = (
        too_long_message("Reasons for your decision", LONG_TEXT) if reasons else notices.DECISION_REASONS_REQUIRED
    )
    assert f'<a href="#id_reasons">{escape(reasons_problem)}</a>' in summary
    assert CategoryNotice.objects.get(pk=notice.pk).decision == ""


# ---- nothing confidential reaches the school ------------------------------------------------------


@pytest.mark.parametrize("role", ["headteacher", "governor", "other_governor", "admin"])
def test_no_response_anywhere_gives_a_school_user_or_admin_the_evidence_rationale_or_comments(
    client_as, notice, headteacher, school, other_school, role
):
    """Every URL of the project (the crawl of tests/visits/test_confidentiality.py), filled in with
    this categorisation, its notice and both schools: no response holds the planted evidence notes,
    rationale or officer's comments, while the school's own users do read the category sent to them."""
    from tests.visits.conftest import content
    from tests.visits.test_confidentiality import urls_to_try

    challenge(notice, headteacher)
    values = {"pk": [notice.categorisation_id, notice.pk], "urn": [school.urn, other_school.urn], "fmt": ["csv"]}
    client = client_as(role)
    answered = set()
    for url in urls_to_try(values):
        response = client.get(url)
        body = content(response)
        for planted in ("PLANTED-EVIDENCE", "PLANTED-RATIONALE", "PLANTED-COMMENTS"):
            assert planted not in body, f"{planted} leaked at {url} ({response.status_code})"
        if response.status_code == 200:
            answered.add(url)
    assert (page_url(school) in answered) == (role in ("headteacher", "governor"))
    assert page_url(other_school) not in answered


def test_the_planted_text_is_on_the_officers_categorisation_page_so_the_crawl_would_see_a_leak(client_as, notice):
    from tests.visits.conftest import content

    page = content(client_as("officer").get(notice.categorisation.get_absolute_url()))
    for planted in ("PLANTED-EVIDENCE", "PLANTED-RATIONALE", "PLANTED-COMMENTS"):
        assert planted in page


# ---- bounded queries ------------------------------------------------------------------------------


def _challenged_schools(count: int, officer) -> None:
    from django.utils import timezone

    from tests.categorisation.factories import ApprovedCategorisationFactory

    for _ in range(count):
        approved = ApprovedCategorisationFactory(level="high")
        notices.category_notice_send(categorisation=approved, actor=officer)
    CategoryNotice.objects.filter(response="").update(
        response="challenge", response_reasons="We differ.", responded_at=timezone.now()
    )


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm the process's caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_challenges_page_and_the_schools_category_page_run_a_bounded_number_of_queries(
    client_as, notice, headteacher, officer, school
):
    challenge(notice, headteacher)
    _challenged_schools(2, officer)
    few = {
        "challenges": _queries(client_as("officer"), reverse("categorisation:challenges")),
        "decide": _queries(client_as("officer"), reverse("categorisation:decide", kwargs={"pk": notice.pk})),
        "school": _queries(client_as("headteacher"), page_url(school)),
        "head home": _queries(client_as("headteacher"), reverse("dashboard:home")),
    }
    _challenged_schools(30, officer)
    many = {
        "challenges": _queries(client_as("officer"), reverse("categorisation:challenges")),
        "decide": _queries(client_as("officer"), reverse("categorisation:decide", kwargs={"pk": notice.pk})),
        "school": _queries(client_as("headteacher"), page_url(school)),
        "head home": _queries(client_as("headteacher"), reverse("dashboard:home")),
    }
    assert many == few
    assert max(few.values()) <= 20


def test_posting_again_after_answering_or_deciding_says_so_and_changes_nothing(client_as, notice, headteacher, officer):
    challenge(notice, headteacher)
    response = client_as("headteacher").post(page_url(notice.categorisation.school), {"response": "agree"}, follow=True)
    assert notices.ANSWERED_ALREADY in response.content.decode()
    notices.category_challenge_decide(notice=notice, actor=officer, decision="upheld", reasons="Ok")
    decide_url = reverse("categorisation:decide", kwargs={"pk": notice.pk})
    response = client_as("officer").post(decide_url, {"decision": "rejected", "reasons": "No"}, follow=True)
    assert notices.DECIDED_ALREADY in response.content.decode()
    notice.refresh_from_db()
    assert (notice.response, notice.decision) == ("challenge", "upheld")


def test_the_category_email_links_to_the_schools_page(settings, approve, mailoutbox, school, headteacher, governor):
    settings.SITE_URL = "https://schools.example.gov.uk"
    approve()
    body = next(m.body for m in mailoutbox if headteacher.email in m.to)
    assert f"https://schools.example.gov.uk/schools/{school.urn}/" in body
