"""The rules letters carry, each named after the strategy or statute clause it implements, with the
policy text as its docstring (tests/letters/test_rules.py has a test of the same name for each).

Statute: Education and Inspections Act 2006 (EIA), Part 4, as amended by the Education and
Adoption Act 2016. Strategy: Peterborough School Improvement Strategy 2022-2024, "Letters to
schools"."""

import re
from datetime import date, timedelta

from core.dates import add_months
from schools.models import Governance, School, SchoolStatus, Trust

from .models import TRUST_ADDRESSEE, ComplianceOutcome, Ground, InterventionPower, LetterKind

# Messages (tests import them).
NEEDS_A_GROUND = "Choose at least one ground for the warning notice"
COMPLIANCE_END_REQUIRED = "Enter the date the compliance period ends"
COMPLIANCE_END_AFTER_ISSUE = "The compliance period must end after the date of issue ({issued_on:%-d %B %Y})"
ONLY_MAINTAINED = "A {letter_type} can only be given to an LA-maintained school; {school} is not one."
PERIOD_NOT_EXPIRED = (
    "The compliance period ends on {end:%-d %B %Y}: the outcome can be recorded once it has ended, "
    "from {first:%-d %B %Y}."
)
INTENTION_NEEDS_NON_COMPLIANCE = (
    "A notice of intention to use the intervention powers can only be given after recording that the "
    "governing body did not comply with the warning notice."
)
DECISION_NEEDS_ELIGIBILITY = (
    "The school is not eligible for intervention, so no decision on the powers can be recorded."
)
POWER_WINDOW_CLOSED = (
    "The powers in sections 63 and 64 could only be used within two months following the end of the "
    "compliance period, that is by {deadline:%-d %B %Y}."
)
INTENTION_BEFORE_PERIOD_END = "Date the notice was given must be after the compliance period ended on {end:%-d %B %Y}"
POWER_NOT_PROPOSED = (
    "The notice of intention did not propose {powers}: choose the powers it proposed ({proposed}), or not to use them"
)
ISSUED_CANNOT_BE_EDITED = "This letter has been issued and cannot be changed."
ISSUE_DATE_IN_FUTURE = "The date of issue cannot be in the future"
ONLY_ACADEMIES = (
    "A {letter_type} is written to an academy's trust: {school} is not an academy or free school, so it is not "
    "one of them."
)
NO_TRUST = "{school} has no academy trust in the register, so a {letter_type} has no one to be addressed to."
TRUST_NAME_NOT_RECORDED = (
    "The name of {trust}'s {field} is not recorded: enter it on the trust's page (“{field}”) before issuing this "
    "{letter_type}."
)
SCHOOL_CLOSED = "{school} is closed: letters are only written to open schools."
COMPLIANCE_END_TOO_LATE = (
    "The compliance period must end within {months} months of the date of issue, by {latest:%-d %B %Y}: check the year"
)
ISSUE_DATE_BEFORE_DRAFT = (
    "The date of issue ({issued_on:%-d %B %Y}) cannot be before the letter was drafted ({drafted_on:%-d %B %Y})"
)
UNKNOWN_GROUND = "Choose grounds from section 60(2), (a), (b) or (c): “{value}” is not one of them"
GROUNDS_ONLY_IN_A_WARNING_NOTICE = (
    "Grounds under section 60(2) are given only in a warning notice, not in a {letter_type}"
)
OWN_LETTER = (
    "Letters of this type ({letter_type}) need a second officer's approval, and you drafted, changed or submitted "
    "this one: another officer must approve it."
)
SECOND_OFFICER_CANNOT_BE_SWITCHED_OFF = (
    "Letters of this type ({letter_type}) always need a second officer's approval: this cannot be switched off."
)
# The letter types whose approval is always by a second officer, whatever the LA's setting.
SECOND_OFFICER_ALWAYS = frozenset({LetterKind.WARNING_NOTICE, LetterKind.SIGNIFICANT_CONCERNS_TOP})
# A data-entry check, not a statutory limit: the Act leaves the length of the period to the authority.
COMPLIANCE_PERIOD_MAX_MONTHS = 12


def warning_notice_needs_a_ground_s60_2(grounds: list[str]) -> list[str]:
    """EIA 2006 s60(2): a relevant authority may give a warning notice where they are satisfied
    (a) that the standards of performance of pupils at the school are unacceptably low, and are
    likely to remain so unless the authority exercise their powers under this Part, or (b) that
    there has been a serious breakdown in the way the school is managed or governed which is
    prejudicing, or likely to prejudice, such standards of performance, or (c) that the safety of
    pupils or staff of the school is threatened (whether by a breakdown of discipline or otherwise).

    So a warning notice states at least one of the three grounds."""
    return [] if grounds else [NEEDS_A_GROUND]


def warning_notice_grounds_are_those_of_s60_2(*, grounds, is_warning_notice: bool) -> list[str]:
    """EIA 2006 s60(2) names three grounds, (a), (b) and (c), and no others; only a warning notice
    states them. Anything else is refused when the draft is saved, with the value named, rather
    than dropped without a word and found missing at submission."""
    grounds = [str(g) for g in grounds]
    if grounds and not is_warning_notice:
        return [GROUNDS_ONLY_IN_A_WARNING_NOTICE]
    unknown = [g for g in dict.fromkeys(grounds) if g not in Ground.values]
    return [UNKNOWN_GROUND.format(value=g) for g in unknown]


def compliance_period_ends_after_issue_s60_4(*, issued_on: date, compliance_end_date: date | None) -> list[str]:
    """EIA 2006 s60(4)(c) (as amended 2016): the warning notice sets out the compliance period, which
    the authority chooses (the fixed 15 working days were abolished). A period must end after the
    notice is given."""
    if compliance_end_date is None:
        return [COMPLIANCE_END_REQUIRED]
    if compliance_end_date <= issued_on:
        return [COMPLIANCE_END_AFTER_ISSUE.format(issued_on=issued_on)]
    return []


def compliance_period_within_a_year_of_issue(*, issued_on: date, compliance_end_date: date | None) -> list[str]:
    """Not law but a check on what is typed: the Act lets the authority set the compliance period
    (s60(4)(c)), and a warning notice asks for prompt action, so a period ending more than
    COMPLIANCE_PERIOD_MAX_MONTHS after the date of issue is taken to be a mistyped year (e.g. 2207
    for 2027) and refused with a message to check it."""
    latest = add_months(issued_on, COMPLIANCE_PERIOD_MAX_MONTHS)
    if compliance_end_date is not None and compliance_end_date > latest:
        return [COMPLIANCE_END_TOO_LATE.format(months=COMPLIANCE_PERIOD_MAX_MONTHS, latest=latest)]
    return []


def compliance_period_problems(*, issued_on: date, compliance_end_date: date | None) -> list[str]:
    """The compliance period's rules together, as a draft is saved: given, ending after the date of
    issue (s60(4)), and within a year of it (a check on typing)."""
    return compliance_period_ends_after_issue_s60_4(
        issued_on=issued_on, compliance_end_date=compliance_end_date
    ) or compliance_period_within_a_year_of_issue(issued_on=issued_on, compliance_end_date=compliance_end_date)


def warning_notice_only_for_maintained_schools_s59(*, school: School, letter_type) -> list[str]:
    """EIA 2006 s59(1): Part 4 (warning notices and intervention) applies to maintained schools:
    community, foundation and voluntary schools, community and foundation special schools and
    maintained nursery schools. The strategy's letters of concern are the steps of the same ladder,
    so they too are written to the LA's own schools; concerns about academies follow the strategy's
    academy route (meeting, letter to the chair of the trust, escalation to the DfE)."""
    if letter_type.is_concern and school.establishment_type.governance != Governance.MAINTAINED:
        return [ONLY_MAINTAINED.format(letter_type=letter_type.name.lower(), school=school.name)]
    return []


def trust_letters_only_to_academies(*, school: School, letter_type) -> list[str]:
    """Strategy, "Where the LA has concerns about an Academy": "Should that not be the case, the LA
    will write formally to the Chair of the Academy Trust, setting out the concerns and seeking a
    meeting as soon as possible"; and the 2019 cabinet report: "Letters of Concern are being prepared
    for CEOs of Academy Trusts ... These will also be shared with the RSC and OfSTED". A letter to a
    trust is about one of its academies or free schools (GIAS groups 10 and 11); the LA's own schools
    get the letters to schools (warning_notice_only_for_maintained_schools_s59)."""
    if letter_type.is_trust_letter and not school.is_academy:
        return [ONLY_ACADEMIES.format(letter_type=letter_type.name.lower(), school=school.name)]
    return []


def trust_letters_name_their_addressee(*, school: School, letter_type) -> list[str]:
    """The strategy writes "to the Chair of the Academy Trust" and the cabinet report to the trust's
    "CEO": a letter to a trust is addressed to that person by name, from the trust record the LA
    keeps (schools.Trust, its chair of trustees and chief executive, edited on the trust's page). A
    draft may be written before the name is known; the letter is not issued until it is recorded."""
    if not letter_type.is_trust_letter:
        return []
    trust = school.trust
    if trust is None:
        return [NO_TRUST.format(school=school.name, letter_type=letter_type.name.lower())]
    field_name, _ = TRUST_ADDRESSEE[letter_type.code]
    if not getattr(trust, field_name).strip():
        field = Trust._meta.get_field(field_name).verbose_name
        return [TRUST_NAME_NOT_RECORDED.format(trust=trust.name, field=field, letter_type=letter_type.name.lower())]
    return []


def letters_only_to_open_schools(*, school: School) -> list[str]:
    """A letter is written to a school's governing body and headteacher: a closed school has
    neither, so nothing is drafted or issued to it (it keeps the letters it had)."""
    return [SCHOOL_CLOSED.format(school=school.name)] if school.status == SchoolStatus.CLOSED else []


def compliance_period_has_expired_s60_1b(*, compliance_end_date: date, today: date) -> list[str]:
    """EIA 2006 s60(1)(b)-(c): a school is eligible for intervention only once "the period for
    compliance specified in the notice has expired" and the governing body "have failed to comply,
    or secure compliance, with the notice to the relevant authority's satisfaction by the end of
    the compliance period". The period includes its last day, so whether the governing body complied
    is recorded from the day after it ends, never before."""
    if today <= compliance_end_date:
        return [PERIOD_NOT_EXPIRED.format(end=compliance_end_date, first=compliance_end_date + timedelta(days=1))]
    return []


def notice_of_intention_after_non_compliance_s60_1d(progress) -> list[str]:
    """EIA 2006 s60(1)(d): the school becomes eligible for intervention when, the governing body
    having failed to comply, "the relevant authority have given reasonable notice in writing to the
    governing body that the authority proposes to exercise the authority's powers under any one or
    more of sections 63 to 69". The notice follows a recorded failure to comply."""
    if progress.outcome != ComplianceOutcome.NOT_COMPLIED:
        return [INTENTION_NEEDS_NON_COMPLIANCE]
    return []


def notice_of_intention_given_after_the_compliance_period_s60_1b(
    *, compliance_end_date: date, given_on: date
) -> list[str]:
    """EIA 2006 s60(1)(b)-(d): the notice of intention follows the governing body's failure to comply
    "by the end of the compliance period", so it is given once "the period for compliance specified
    in the notice has expired": dated from the day after the period's end date. The day the outcome
    was recorded is not the limit: it is the day someone typed it in, which may be after the
    authority had reached its view and written to the governing body."""
    if given_on <= compliance_end_date:
        return [INTENTION_BEFORE_PERIOD_END.format(end=compliance_end_date)]
    return []


def decision_uses_only_the_powers_proposed_s60_1d(*, proposed, powers) -> list[str]:
    """EIA 2006 s60(1)(d): the school is eligible for intervention once the authority "have given
    reasonable notice in writing to the governing body that the authority proposes to exercise the
    authority's powers under any one or more of sections 63 to 69". The notice names the powers it
    proposes; the governing body has had notice of those and no others, so a decision may use only
    powers the notice of intention proposed (or decide not to use them), and names any it did not."""
    proposed = [str(p) for p in proposed]
    unproposed = [
        p for p in dict.fromkeys(str(p) for p in powers) if p in InterventionPower.values and p not in proposed
    ]
    if unproposed:
        return [POWER_NOT_PROPOSED.format(powers=_sections(unproposed), proposed=_sections(proposed))]
    return []


def _sections(powers: list[str]) -> str:
    """["s63", "s64", "s66"] -> "s63, s64 and s66" (in the Act's order)."""
    ordered = [p for p in InterventionPower.values if p in powers]
    return " and ".join([", ".join(ordered[:-1]), ordered[-1]]) if len(ordered) > 1 else "".join(ordered)


def eligible_for_intervention_s60_1(progress) -> bool:
    """EIA 2006 s60(1) (as substituted by the Education and Adoption Act 2016 s2): a maintained
    school is eligible for intervention if (a) a relevant authority have given the governing body a
    warning notice, (b) the compliance period has expired, (c) the governing body have failed to
    comply, or secure compliance, with the notice to the authority's satisfaction by the end of the
    compliance period, and (d) the authority have given reasonable notice in writing that it
    proposes to exercise its powers under sections 63 to 69."""
    letter = progress.letter
    return bool(
        letter.is_issued
        and letter.compliance_end_date
        and progress.outcome == ComplianceOutcome.NOT_COMPLIED
        and progress.intention_given_on
    )


def powers_window_end_s63_3_s64_2(compliance_end_date: date) -> date:
    """EIA 2006 s63(3) and s64(2): where the school is eligible for intervention by virtue of
    section 60, the powers to require arrangements (s63) and to appoint additional governors (s64)
    are "only exercisable within the period of two months following the end of the compliance
    period". This is the last day of that window."""
    return add_months(compliance_end_date, 2)


def decision_within_powers_window_s63_3_s64_2(*, compliance_end_date: date, decided_on: date, powers) -> list[str]:
    """EIA 2006 s63(3) and s64(2): a decision to use s63 or s64 after a warning notice must fall
    within the two months following the end of the compliance period."""
    time_limited = {InterventionPower.ARRANGEMENTS, InterventionPower.ADDITIONAL_GOVERNORS}
    deadline = powers_window_end_s63_3_s64_2(compliance_end_date)
    if time_limited & set(powers) and decided_on > deadline:
        return [POWER_WINDOW_CLOSED.format(deadline=deadline)]
    return []


def issued_letter_cannot_be_edited(letter) -> list[str]:
    """DESIGN "Letters": an issued letter is the record of what the LA sent; it cannot be changed."""
    return [ISSUED_CANNOT_BE_EDITED] if letter.is_issued else []


def issue_date_not_in_future(*, issued_on: date, today: date) -> list[str]:
    """The date of issue is the date on the letter: today, or earlier when the letter went out
    before it was recorded; never a date still to come."""
    return [ISSUE_DATE_IN_FUTURE] if issued_on > today else []


def issue_date_not_before_draft_date(*, issued_on: date, drafted_on: date) -> list[str]:
    """A letter is issued after it is written: the date of issue may be earlier than the day it is
    recorded (the letter went out before), but never earlier than the day the letter was drafted
    (the letter's created date)."""
    if issued_on < drafted_on:
        return [ISSUE_DATE_BEFORE_DRAFT.format(issued_on=issued_on, drafted_on=drafted_on)]
    return []


def second_officer_approval_required(*, code: str, setting: bool) -> bool:
    """Issue 8, "The core rules, made right": "a warning notice and a top-tier significant-concerns
    letter need a second officer's approval (four eyes, as categorisations already do); whether
    congratulations and significant-concerns letters do is a setting per letter type". The
    statutory notice, and the letter that tells a school it is at risk of intervention, are never
    approved by an officer who wrote them, whatever the setting says (SECOND_OFFICER_ALWAYS); for the
    other types the LA decides (LetterType.second_officer_approval, off unless it is switched on)."""
    return code in SECOND_OFFICER_ALWAYS or bool(setting)


def second_officer_approval_cannot_be_switched_off(*, code: str, letter_type: str, setting: bool) -> list[str]:
    """The setting per letter type may switch a second officer's approval on or off for
    congratulations and significant concerns letters, never off for a warning notice or a top-tier
    letter (second_officer_approval_required)."""
    if code in SECOND_OFFICER_ALWAYS and not setting:
        return [SECOND_OFFICER_CANNOT_BE_SWITCHED_OFF.format(letter_type=letter_type.lower())]
    return []


def four_eyes_an_officer_approves_a_letter_someone_else_wrote(*, approver_id: int, authors, letter_type) -> list[str]:
    """Four eyes, as for categorisations (categorisation.rules.four_eyes_an_officer_approves_a_
    judgement_made_by_someone_else): where a second officer's approval is required for the type
    (second_officer_approval_required), the approving officer must not be one who drafted the
    letter, changed its subject, text, indicators, grounds or compliance period, or submitted it
    for approval, as the audit history records them (letters.selectors.letter_authors; returning
    it with comments is not a change). Another officer approves it; the author may still return it."""
    if letter_type.needs_second_officer and approver_id in authors:
        return [OWN_LETTER.format(letter_type=letter_type.name.lower())]
    return []


TO_COMPLETE = re.compile(r"\[[^\[\]\n]{1,200}\]")
LEFT_TO_COMPLETE = "Complete or remove the text in square brackets before submitting: {items}"


def template_prompts_completed_before_submission(text: str) -> list[str]:
    """The LA's templates mark what the drafter must write in square brackets, e.g. "[Action 1]".
    A letter goes for approval only once none are left, so no letter is sent with a prompt in it."""
    found = list(dict.fromkeys(TO_COMPLETE.findall(text)))
    return [LEFT_TO_COMPLETE.format(items=", ".join(found[:5]))] if found else []
