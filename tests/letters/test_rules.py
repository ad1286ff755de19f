"""One test per rule in letters.rules, named after it."""

from datetime import date

import pytest

from core.dates import add_months
from letters import rules
from letters.models import ComplianceOutcome, Letter, LetterKind, LetterStatus, LetterType, WarningNoticeProgress
from tests.factories import SchoolFactory


@pytest.mark.parametrize(("grounds", "ok"), [([], False), (["a"], True), (["b", "c"], True), (["a", "b", "c"], True)])
def test_warning_notice_needs_a_ground_s60_2(grounds, ok):
    assert (rules.warning_notice_needs_a_ground_s60_2(grounds) == []) is ok


@pytest.mark.parametrize(
    ("end", "errors"),
    [
        (None, [rules.COMPLIANCE_END_REQUIRED]),
        (date(2026, 11, 22), [rules.COMPLIANCE_END_AFTER_ISSUE.format(issued_on=date(2026, 11, 22))]),
        (date(2026, 11, 1), [rules.COMPLIANCE_END_AFTER_ISSUE.format(issued_on=date(2026, 11, 22))]),
        (date(2026, 11, 23), []),
    ],
)
def test_compliance_period_ends_after_issue_s60_4(end, errors):
    assert (
        rules.compliance_period_ends_after_issue_s60_4(issued_on=date(2026, 11, 22), compliance_end_date=end) == errors
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "academy", "ok"),
    [
        ("warning_notice", True, False),
        ("significant_concerns", True, False),
        ("significant_concerns_top", True, False),
        ("congratulations", True, True),
        ("warning_notice", False, True),
        # Letters to an academy's trust are not letters of concern to a school (ADR 0017).
        ("trust_chair_meeting", True, True),
        ("trust_ceo_concern", True, True),
    ],
)
def test_warning_notice_only_for_maintained_schools_s59(code, academy, ok):
    school = SchoolFactory(academy=academy)
    errors = rules.warning_notice_only_for_maintained_schools_s59(
        school=school, letter_type=LetterType.objects.get(code=code)
    )
    assert (errors == []) is ok


@pytest.mark.parametrize(
    ("today", "ok"), [(date(2026, 11, 30), False), (date(2026, 12, 1), False), (date(2026, 12, 2), True)]
)
def test_compliance_period_has_expired_s60_1b(today, ok):
    errors = rules.compliance_period_has_expired_s60_1b(compliance_end_date=date(2026, 12, 1), today=today)
    assert (errors == []) is ok
    if not ok:
        assert "2 December 2026" in errors[0]


@pytest.mark.parametrize(
    ("outcome", "ok"), [("", False), (ComplianceOutcome.COMPLIED, False), (ComplianceOutcome.NOT_COMPLIED, True)]
)
def test_notice_of_intention_after_non_compliance_s60_1d(outcome, ok):
    progress = WarningNoticeProgress(outcome=outcome)
    assert (rules.notice_of_intention_after_non_compliance_s60_1d(progress) == []) is ok


def _progress(status=LetterStatus.ISSUED, outcome=ComplianceOutcome.NOT_COMPLIED, intention=date(2026, 11, 5)):
    letter = Letter(status=status, compliance_end_date=date(2026, 11, 1))
    return WarningNoticeProgress(
        letter=letter, outcome=outcome, outcome_on=date(2026, 11, 2), intention_given_on=intention
    )


@pytest.mark.parametrize(
    ("progress", "eligible"),
    [
        (_progress(), True),
        (_progress(intention=None), False),
        (_progress(outcome=ComplianceOutcome.COMPLIED), False),
        (_progress(outcome=""), False),
        (_progress(status=LetterStatus.APPROVED), False),
    ],
)
def test_eligible_for_intervention_s60_1(progress, eligible):
    assert rules.eligible_for_intervention_s60_1(progress) is eligible


@pytest.mark.parametrize(
    ("end", "window_end"),
    [
        (date(2026, 11, 6), date(2027, 1, 6)),
        (date(2026, 12, 31), date(2027, 2, 28)),
        (date(2027, 12, 31), date(2028, 2, 29)),
    ],
)
def test_powers_window_end_s63_3_s64_2(end, window_end):
    assert rules.powers_window_end_s63_3_s64_2(end) == window_end


@pytest.mark.parametrize(
    ("decided_on", "powers", "ok"),
    [
        (date(2027, 1, 6), ["s63"], True),
        (date(2027, 1, 7), ["s63"], False),
        (date(2027, 1, 7), ["s64", "s65"], False),
        (date(2027, 1, 7), ["s65"], True),
        (date(2027, 1, 7), ["s66"], True),
        (date(2027, 1, 7), ["none"], True),
    ],
)
def test_decision_within_powers_window_s63_3_s64_2(decided_on, powers, ok):
    errors = rules.decision_within_powers_window_s63_3_s64_2(
        compliance_end_date=date(2026, 11, 6), decided_on=decided_on, powers=powers
    )
    assert (errors == []) is ok


@pytest.mark.parametrize(("status", "ok"), [(s, s != LetterStatus.ISSUED) for s in LetterStatus.values])
def test_issued_letter_cannot_be_edited(status, ok):
    assert (rules.issued_letter_cannot_be_edited(Letter(status=status)) == []) is ok


@pytest.mark.parametrize(
    ("issued_on", "ok"), [(date(2026, 11, 21), True), (date(2026, 11, 22), True), (date(2026, 11, 23), False)]
)
def test_issue_date_not_in_future(issued_on, ok):
    assert (rules.issue_date_not_in_future(issued_on=issued_on, today=date(2026, 11, 22)) == []) is ok


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Dear {headteacher},\n\nAll written.", True),
        ("- [Action required 1]", False),
        ("[Set out the evidence.]", False),
    ],
)
def test_template_prompts_completed_before_submission(text, ok):
    errors = rules.template_prompts_completed_before_submission(text)
    assert (errors == []) is ok
    if not ok:
        assert "[" in errors[0]


@pytest.mark.parametrize(
    ("end", "ok"),
    [(None, True), (date(2027, 11, 22), True), (date(2027, 11, 23), False), (date(9999, 12, 31), False)],
)
def test_compliance_period_within_a_year_of_issue(end, ok):
    errors = rules.compliance_period_within_a_year_of_issue(issued_on=date(2026, 11, 22), compliance_end_date=end)
    assert (errors == []) is ok
    if not ok:
        assert errors == [rules.COMPLIANCE_END_TOO_LATE.format(months=12, latest=date(2027, 11, 22))]


def test_add_months_never_fails_at_the_ends_of_the_calendar():
    assert add_months(date(9999, 12, 1), 2) == date.max
    assert add_months(date(1, 1, 31), -2) == date.min


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "ok"), [("open", True), ("proposed_to_close", True), ("closed", False)])
def test_letters_only_to_open_schools(status, ok):
    school = SchoolFactory(status=status)
    assert (rules.letters_only_to_open_schools(school=school) == []) is ok


@pytest.mark.parametrize(
    ("grounds", "is_warning_notice", "errors"),
    [
        (["a", "b", "c"], True, []),
        ([], True, []),  # none at all is warning_notice_needs_a_ground_s60_2's message
        (["d"], True, [rules.UNKNOWN_GROUND.format(value="d")]),
        (["a", "A", "a"], True, [rules.UNKNOWN_GROUND.format(value="A")]),
        (["(a)", "z"], True, [rules.UNKNOWN_GROUND.format(value="(a)"), rules.UNKNOWN_GROUND.format(value="z")]),
        (["a"], False, [rules.GROUNDS_ONLY_IN_A_WARNING_NOTICE]),
        ([], False, []),
    ],
)
def test_warning_notice_grounds_are_those_of_s60_2(grounds, is_warning_notice, errors):
    assert (
        rules.warning_notice_grounds_are_those_of_s60_2(grounds=grounds, is_warning_notice=is_warning_notice) == errors
    )


@pytest.mark.parametrize(
    ("issued_on", "drafted_on", "ok"),
    [
        (date(2026, 11, 22), date(2026, 11, 22), True),  # the same day
        (date(2026, 11, 23), date(2026, 11, 22), True),
        (date(2026, 11, 21), date(2026, 11, 22), False),
        (date(2026, 12, 31), date(2027, 1, 1), False),  # across New Year
        (date(2027, 1, 4), date(2026, 12, 18), True),  # drafted before Christmas, issued in the new term
    ],
)
def test_issue_date_not_before_draft_date(issued_on, drafted_on, ok):
    errors = rules.issue_date_not_before_draft_date(issued_on=issued_on, drafted_on=drafted_on)
    assert (errors == []) is ok
    if not ok:
        assert errors == [rules.ISSUE_DATE_BEFORE_DRAFT.format(issued_on=issued_on, drafted_on=drafted_on)]
        assert f"{issued_on.day} {issued_on:%B %Y}" in errors[0]
        assert f"{drafted_on.day} {drafted_on:%B %Y}" in errors[0]


@pytest.mark.parametrize(
    ("code", "setting", "required"),
    [
        ("warning_notice", False, True),
        ("warning_notice", True, True),
        ("significant_concerns_top", False, True),
        ("significant_concerns", False, False),
        ("significant_concerns", True, True),
        ("congratulations", False, False),
        ("congratulations", True, True),
    ],
)
def test_second_officer_approval_required(code, setting, required):
    assert rules.second_officer_approval_required(code=code, setting=setting) is required


@pytest.mark.parametrize(
    ("code", "setting", "ok"),
    [
        ("warning_notice", False, False),
        ("significant_concerns_top", False, False),
        ("warning_notice", True, True),
        ("significant_concerns", False, True),
        ("congratulations", False, True),
        ("congratulations", True, True),
    ],
)
def test_second_officer_approval_cannot_be_switched_off(code, setting, ok):
    errors = rules.second_officer_approval_cannot_be_switched_off(
        code=code, letter_type="Warning notice", setting=setting
    )
    assert errors == ([] if ok else [rules.SECOND_OFFICER_CANNOT_BE_SWITCHED_OFF.format(letter_type="warning notice")])


@pytest.mark.parametrize(
    ("code", "setting", "approver", "ok"),
    [
        ("warning_notice", False, 1, False),  # the author
        ("warning_notice", False, 3, True),  # someone else
        ("significant_concerns_top", False, 2, False),
        ("significant_concerns", False, 1, True),  # the LA's setting is off: any officer
        ("significant_concerns", True, 1, False),
        ("congratulations", True, 2, False),
        ("congratulations", True, 3, True),
    ],
)
def test_four_eyes_an_officer_approves_a_letter_someone_else_wrote(code, setting, approver, ok):
    letter_type = LetterType(code=code, name="A type", second_officer_approval=setting)
    errors = rules.four_eyes_an_officer_approves_a_letter_someone_else_wrote(
        approver_id=approver, authors=frozenset({1, 2}), letter_type=letter_type
    )
    assert errors == ([] if ok else [rules.OWN_LETTER.format(letter_type="a type")])


@pytest.mark.django_db
def test_trust_letters_only_to_academies(school, trust_academy):
    chair_letter = LetterType.objects.get(code=LetterKind.TRUST_CHAIR_MEETING)
    assert rules.trust_letters_only_to_academies(school=trust_academy, letter_type=chair_letter) == []
    assert rules.trust_letters_only_to_academies(school=school, letter_type=chair_letter) == [
        rules.ONLY_ACADEMIES.format(letter_type=chair_letter.name.lower(), school=school.name)
    ]
    for code in (LetterKind.CONGRATULATIONS, LetterKind.SIGNIFICANT_CONCERNS, LetterKind.WARNING_NOTICE):
        assert rules.trust_letters_only_to_academies(school=school, letter_type=LetterType.objects.get(code=code)) == []


@pytest.mark.django_db
def test_trust_letters_name_their_addressee(trust_academy, school):
    chair_letter, ceo_letter = (
        LetterType.objects.get(code=LetterKind.TRUST_CHAIR_MEETING),
        LetterType.objects.get(code=LetterKind.TRUST_CEO_CONCERN),
    )
    assert rules.trust_letters_name_their_addressee(school=trust_academy, letter_type=chair_letter) == []
    assert rules.trust_letters_name_their_addressee(school=trust_academy, letter_type=ceo_letter) == []
    assert (
        rules.trust_letters_name_their_addressee(
            school=school, letter_type=LetterType.objects.get(code=LetterKind.CONGRATULATIONS)
        )
        == []
    )

    trust = trust_academy.trust
    trust.chair_name = "  "
    trust.save()
    assert rules.trust_letters_name_their_addressee(school=trust_academy, letter_type=chair_letter) == [
        rules.TRUST_NAME_NOT_RECORDED.format(
            trust="Fenland Learning Trust", field="chair of trustees", letter_type=chair_letter.name.lower()
        )
    ]
    assert rules.trust_letters_name_their_addressee(school=trust_academy, letter_type=ceo_letter) == []

    trust_academy.trust = None
    trust_academy.save()
    assert rules.trust_letters_name_their_addressee(school=trust_academy, letter_type=ceo_letter) == [
        rules.NO_TRUST.format(school=trust_academy.name, letter_type=ceo_letter.name.lower())
    ]
