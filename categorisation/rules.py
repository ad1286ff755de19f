"""The strategy's rules for categorisation, each a function named after the clause it implements
with the policy text as its docstring (tests of the same name are in tests/categorisation/). A rule
returns the errors it finds ([] or {} when allowed) and the service raises them (docs/adr/0042).

The best-fit rule itself is categorisation.best_fit.best_fit; the facts' rules are in
categorisation.fact_providers."""

from collections.abc import Mapping
from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS

from schools.models import Governance, SchoolStatus, TermName, academic_year_label
from schools.terms import TERM_ORDER

from .models import SUPPORT_ORDER, SupportLevel

ACADEMY_NOT_CATEGORISED = "Academies are not categorised by the LA."
NOT_MAINTAINED = "Only LA-maintained schools are categorised by the LA."
SCHOOL_CLOSED = "This school is closed, so it is not categorised."
RATIONALE_REQUIRED = "Explain why the final level ({level}) departs from the suggestion ({suggested})"
NOTHING_TICKED = "Tick at least one statement that applies to the school"
EVIDENCE_REQUIRED = "Enter the evidence for “{text}”"
LEVEL_REQUIRED = "Choose the final level"
TERM_BEFORE_CURRENT = (
    "The school's current category is for {current}, so a categorisation for {term}, an earlier term, "
    "cannot supersede it. Choose {current} or a later term."
)
OWN_SUBMISSION = "You submitted this categorisation, so another officer must approve it."
OWN_JUDGEMENT = "You started or changed this categorisation, so another officer must approve it."
RESTRICTED_EVIDENCE = "Restricted intelligence can be cited by officers only."


def the_la_categorises_its_maintained_schools(school) -> list[str]:
    """Strategy, "Categorisation of LA maintained schools": the LA categorises the schools it
    maintains. Academies are not categorised by the LA (the LA raises concerns about them with the
    trust instead: "Where the LA has concerns about an Academy")."""
    governance = school.establishment_type.governance
    if governance == Governance.ACADEMY:
        return [ACADEMY_NOT_CATEGORISED]
    if governance != Governance.MAINTAINED:
        return [NOT_MAINTAINED]
    if school.status == SchoolStatus.CLOSED:
        return [SCHOOL_CLOSED]
    return []


def may_be_categorised(school) -> bool:
    return not the_la_categorises_its_maintained_schools(school)


def a_proposal_ticks_the_statements_that_apply_with_evidence(
    *, ticks: Mapping[int, str], statements: Mapping[int, str], level: str
) -> dict[str, list[str]]:
    """DESIGN, "Support categorisation": "An adviser proposes a categorisation for a school and term
    by ticking the statements that apply, with evidence." A categorisation submitted for approval
    ticks at least one statement, has evidence for each one ticked and a final level; every part
    missing is named at once (ADR 0070). `ticks`: {criterion id: evidence}; `statements`: {criterion
    id: its text}. A draft may be incomplete: this is asked on submission."""
    errors: dict[str, list[str]] = {NON_FIELD_ERRORS: [NOTHING_TICKED]} if not ticks else {}
    for criterion_id, evidence in ticks.items():
        if not evidence.strip():
            errors[f"evidence_{criterion_id}"] = [EVIDENCE_REQUIRED.format(text=statements[criterion_id])]
    if not level:
        errors["level"] = [LEVEL_REQUIRED]
    return errors


def a_departure_from_the_suggestion_needs_a_rationale(
    *, suggested: str | None, level: str, rationale: str
) -> dict[str, list[str]]:
    """DESIGN, "Support categorisation": the system computes a best-fit suggestion; "the adviser
    may depart from the suggestion with a written rationale". The error is on the `rationale`
    field when the final level differs from the suggestion and no rationale is given."""
    if suggested and level and level != suggested and not rationale.strip():
        message = RATIONALE_REQUIRED.format(
            level=SupportLevel(level).label.lower(), suggested=SupportLevel(suggested).label.lower()
        )
        return {"rationale": [message]}
    return {}


def elected_members_are_alerted_of_significant_concern(*, previous: str | None, level: str) -> bool:
    """Strategy, "High level of support schools": "Elected Members are alerted if a school in their
    ward is causing significant concern." A school newly categorised as high support (its previous
    current category was not high, or it had none) causes an alert; staying high does not alert again."""
    return level == SupportLevel.HIGH and (previous is None or SUPPORT_ORDER[previous] < SUPPORT_ORDER[level])


def term_key(academic_year: int, term: str) -> tuple[int, int]:
    """Sorts terms in time: (academic year, position of the term in the year)."""
    return academic_year, TERM_ORDER.index(TermName(term))


def term_label(academic_year: int, term: str) -> str:
    return f"{TermName(term).label} {academic_year_label(academic_year)}"


def a_new_categorisation_is_for_the_current_categorys_term_or_a_later_one(
    *, academic_year: int, term: str, current_year: int | None, current_term: str | None
) -> list[str]:
    """DESIGN, "Support categorisation": "Approved categorisations form the school's history;
    direction of travel is computed against the previous one. Reviewed at least termly; can change
    mid-year." The current category is the latest approved one, so a new categorisation is for the
    current category's term (a mid-term change) or a later term: one for an earlier term would,
    once approved, replace a later judgement with an older one and turn the history out of order.
    `current_year`/`current_term` are None when the school has no category."""
    if current_year is None or current_term is None:
        return []
    if term_key(academic_year, term) < term_key(current_year, current_term):
        current, earlier = term_label(current_year, current_term), term_label(academic_year, term)
        return [TERM_BEFORE_CURRENT.format(current=current, term=earlier)]
    return []


def four_eyes_an_officer_approves_a_judgement_made_by_someone_else(*, approver_id: int, authors) -> list[str]:
    """DESIGN, "Support categorisation": "An adviser proposes a categorisation ... An officer approves
    or returns it." Approval is a second pair of eyes: the approving officer must not be the one
    who submitted the categorisation, nor one who started it or changed its ticks, evidence, final
    level or rationale (returning it with comments is not a change). `authors` is
    selectors.JudgementAuthors."""
    if approver_id == authors.submitted_by_id:
        return [OWN_SUBMISSION]
    if approver_id in authors.user_ids:
        return [OWN_JUDGEMENT]
    return []


def intelligence_from_across_childrens_services_is_offered_from_the_last_twelve_months(today: date) -> date:
    """Strategy, "Monitoring": "The LA examines and evaluates the evidence from attainment, progress
    and cohort data; information from regular visits by the School Improvement Team; and
    intelligence from across children's services. We use this evidence to categorise schools".
    The categorisation form offers the intelligence dated in the twelve months up to today (the
    first day returned, inclusive): three termly reviews' worth, so what a team reported before the
    last review is still in view (ADR 0016). A 29 February counts back to 28 February."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 1, day=28)


def restricted_evidence_is_cited_by_those_who_may_read_it(*, items, may_see) -> list[str]:
    """Issue 12, "Rules": "Whistleblowing and restricted intelligence are visible to officers only".
    An item marked restricted may be cited only by a user its source allows to read it (`may_see`,
    item -> bool): an adviser can neither see nor cite restricted intelligence."""
    if any(item.restricted and not may_see(item) for item in items):
        return [RESTRICTED_EVIDENCE]
    return []
