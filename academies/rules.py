"""The strategy's rules for academies ("Where the LA has concerns about an Academy"), one function
per clause, named after it. Each returns the messages that refuse an action ([] when allowed), or
the routing the clause calls for."""

from dataclasses import dataclass

from core.text import in_sentence
from letters.models import LetterKind, LetterStatus
from schools.models import School, SchoolStatus

from .models import LADDER_ORDER, ConcernSource, ConcernStatus, LadderStage, Rag, RoutingKind

NOT_AN_ACADEMY = (
    "{school} is not an academy or free school. The LA's own schools are supported through categorisation, "
    "visits and letters."
)
SCHOOL_CLOSED = "{school} is closed: concerns are recorded about open academies only."
CONCERN_NOT_OPEN = "This concern is {status}: reopen it first."
STEP_SKIPS_THE_LADDER = "Record the step before this one first ({previous}): the ladder's steps are taken in order"
ESCALATION_NEEDS_A_BODY = "Choose who the concern was escalated to: the ESFA, the DfE Regional Director or Ofsted"
ROUTING_NOT_FOR_SOURCE = "A concern from {source} needs no routing: the LA deals with it itself."
ROUTING_ALREADY_RECORDED = "The routing of this concern is already recorded."
SAFEGUARDING_NEEDS_BOTH = "Record the report to both the DfE Regional Director and the academy or trust"
OFSTED_OUTCOME_ONLY_WHERE_OFSTED_RAISED = "Report the outcome to Ofsted only when Ofsted raised the concern"
ALREADY_OPEN = "This concern is already open."
NO_LETTER_ABOUT_WHISTLEBLOWING = (
    "Whistleblowing concerns raised with the LA are redirected to the ESFA (Department for Education): the LA does "
    "not write to the trust about them."
)
WHISTLEBLOWING_OWNER_NOT_AN_OFFICER = "Only officers see whistleblowing concerns: choose an officer as its owner"
NEXT_REVIEW_IN_THE_PAST = "The next review date must be today or later"
LETTER_NOT_OF_THIS_CONCERN = "Choose a letter drafted from this concern"
LETTER_NOT_ISSUED = "The letter {reference} is {status}: a step is recorded with a letter once it is issued."
FORMAL_LETTER_IS_TO_THE_CHAIR = (
    "The formal letter step is the letter to the chair of the academy trust: {reference} is a {letter_type}."
)
LETTER_ON_ANOTHER_STEP = "The letter {reference} is already recorded with another step."
ALREADY_ENDED = "This concern is already {status}."


def the_la_may_have_its_own_concerns_about_an_academy(*, school: School) -> list[str]:
    """ "The LA may have its own concerns about an academy": concerns are about academies and free
    schools only (GIAS groups 10 and 11, schools.models.Governance.ACADEMY), and open ones."""
    if not school.is_academy:
        return [NOT_AN_ACADEMY.format(school=school.name)]
    if school.status == SchoolStatus.CLOSED:
        return [SCHOOL_CLOSED.format(school=school.name)]
    return []


def steps_follow_the_ladder(*, stage: str, stages_taken: set[str], status: str) -> list[str]:
    """ "The Director of Education will contact the academy's principal ... to arrange a meeting";
    "Should that not be the case, the LA will write formally to the Chair of the Academy Trust";
    "If this does not lead to a satisfactory conclusion, the LA may escalate matters". A step is
    recorded on an open concern, and no rung is skipped (a rung may be repeated)."""
    if status != ConcernStatus.OPEN:
        return [CONCERN_NOT_OPEN.format(status=ConcernStatus(status).label.lower())]
    index = LADDER_ORDER.index(LadderStage(stage))
    if index == 0:
        return []
    previous = LADDER_ORDER[index - 1]
    if previous not in stages_taken:
        return [STEP_SKIPS_THE_LADDER.format(previous=previous.label.lower())]
    return []


STEP_BEFORE_THE_CONCERN = (
    "The date of the step must be the same as or after {raised_on:%-d %B %Y}, when the concern was raised"
)
STEP_BEFORE_AN_EARLIER_RUNG = (
    "The date of the step must be the same as or after {taken_on:%-d %B %Y}, the date of the {previous} step before it"
)


def a_step_is_dated_after_the_concern_and_the_rungs_below_it(
    *, stage: str, taken_on, raised_on, steps_taken: list[tuple[str, object]]
) -> list[str]:
    """The ladder's steps are taken in order, once a concern is raised: a step is dated no earlier
    than the concern, nor than any step of a rung below it (`steps_taken`: each step's stage and
    date). A rung may be repeated, so steps of the same rung are in any order."""
    if taken_on < raised_on:
        return [STEP_BEFORE_THE_CONCERN.format(raised_on=raised_on)]
    index = LADDER_ORDER.index(LadderStage(stage))
    below = [(on, taken) for taken, on in steps_taken if LADDER_ORDER.index(LadderStage(taken)) < index]
    if below and taken_on < (latest := max(below))[0]:
        previous = in_sentence(LadderStage(latest[1]).label)
        return [STEP_BEFORE_AN_EARLIER_RUNG.format(taken_on=latest[0], previous=previous)]
    return []


def the_la_writes_formally_to_the_chair_of_the_academy_trust(*, source: str, status: str) -> list[str]:
    """ "Should that not be the case, the LA will write formally to the Chair of the Academy Trust,
    setting out the concerns and seeking a meeting as soon as possible" (and the cabinet report's
    letters of concern to trust CEOs). The LA writes about its own concerns, on an open concern;
    "Whistleblowing concerns raised with the LA will be re-directed to the Education Funding
    Agency", so no letter to the trust is drafted from one (which also keeps a whistleblowing
    concern out of the letters register, which every LA adviser reads)."""
    if source == ConcernSource.WHISTLEBLOWING:
        return [NO_LETTER_ABOUT_WHISTLEBLOWING]
    if status != ConcernStatus.OPEN:
        return [CONCERN_NOT_OPEN.format(status=ConcernStatus(status).label.lower())]
    return []


def whistleblowing_concerns_are_redirected_by_officers(*, source: str, owner) -> list[str]:
    """ "Whistleblowing concerns raised with the LA will be re-directed to the Education Funding
    Agency": anyone in the team may record one (they may take the call), but only officers see it
    (academies.view_restricted), so its owner, who redirects it, is an officer."""
    if source == ConcernSource.WHISTLEBLOWING and owner is not None and not owner.has_perm("academies.view_restricted"):
        return [WHISTLEBLOWING_OWNER_NOT_AN_OFFICER]
    return []


def a_next_review_is_still_to_come(*, next_review_on, today, current=None) -> list[str]:
    """The service's rule, not a clause of the strategy (which names no review dates): a next review
    date set on a concern is one still to come, today or later; a past date is a slip (the year, or
    the date raised typed twice). A date already on the concern (`current`) that has since passed
    is kept as it is, so it does not hold up a change to anything else."""
    if next_review_on is not None and next_review_on != current and next_review_on < today:
        return [NEXT_REVIEW_IN_THE_PAST]
    return []


def a_step_carries_an_issued_letter_of_its_concern(*, stage: str, letter, concern_letter_ids, on_other_step: bool):
    """A ladder step may record the letter that was the step: one of the concern's own letters to the
    trust, once issued, not already recorded with another step; the formal-letter step ("the LA
    will write formally to the Chair of the Academy Trust") carries the letter to the chair."""
    if letter is None:
        return []
    if letter.pk not in concern_letter_ids:
        return [LETTER_NOT_OF_THIS_CONCERN]
    errors = []
    if letter.status != LetterStatus.ISSUED:
        errors.append(LETTER_NOT_ISSUED.format(reference=letter.reference, status=letter.get_status_display().lower()))
    if stage == LadderStage.FORMAL_LETTER and letter.letter_type.code != LetterKind.TRUST_CHAIR_MEETING:
        errors.append(
            FORMAL_LETTER_IS_TO_THE_CHAIR.format(
                reference=letter.reference, letter_type=letter.letter_type.name.lower()
            )
        )
    if on_other_step:
        errors.append(LETTER_ON_ANOTHER_STEP.format(reference=letter.reference))
    return errors


def escalation_names_the_body(*, stage: str, to_esfa: bool, to_regional_director: bool, to_ofsted: bool) -> list[str]:
    """ "the LA may escalate matters by ... contacting: the Education Funding Agency, the Regional
    Commissioner for Academies, Ofsted" (now the ESFA within the DfE and the DfE Regional Director)."""
    if stage == LadderStage.ESCALATION and not (to_esfa or to_regional_director or to_ofsted):
        return [ESCALATION_NEEDS_A_BODY]
    return []


@dataclass(frozen=True)
class RoutingRule:
    kind: str
    title: str
    guidance: str


PARENT_COMPLAINT_ROUTE = RoutingRule(
    kind=RoutingKind.PARENT_COMPLAINT,
    title="Advise the parent to complain to the academy",
    guidance=(
        "The LA advises parents to make their complaint directly to the academy, following its complaints "
        "procedure. If they contact the LA about undue delay or non-compliance by the academy with its own "
        "procedure, the LA advises them to contact the ESFA (Department for Education)."
    ),
)
WHISTLEBLOWING_ROUTE = RoutingRule(
    kind=RoutingKind.WHISTLEBLOWING,
    title="Redirect to the ESFA (Department for Education)",
    guidance="Whistleblowing concerns raised with the LA are redirected to the ESFA (Department for Education).",
)
SAFEGUARDING_ROUTE = RoutingRule(
    kind=RoutingKind.SAFEGUARDING,
    title="Report to the DfE Regional Director and the academy or trust",
    guidance=(
        "The LA's Children Act 1989 duties apply wherever a child is educated. Concerns about an academy's "
        "safeguarding arrangements are reported to the DfE Regional Director (formerly the Regional Schools "
        "Commissioner) and to the academy or trust; where Ofsted raised the concern, the outcome of the "
        "investigation is reported to Ofsted too."
    ),
)


def parent_complaints_go_to_the_academys_own_procedure() -> RoutingRule:
    return PARENT_COMPLAINT_ROUTE


def whistleblowing_is_redirected_to_the_esfa() -> RoutingRule:
    return WHISTLEBLOWING_ROUTE


def safeguarding_concerns_are_reported_to_the_regional_director_and_the_trust() -> RoutingRule:
    return SAFEGUARDING_ROUTE


ROUTES = {
    ConcernSource.PARENT_COMPLAINT: parent_complaints_go_to_the_academys_own_procedure,
    ConcernSource.WHISTLEBLOWING: whistleblowing_is_redirected_to_the_esfa,
    ConcernSource.SAFEGUARDING: safeguarding_concerns_are_reported_to_the_regional_director_and_the_trust,
}


def routing_for_source(source: str) -> RoutingRule | None:
    """The routing the strategy calls for what the LA received from this source (None: the LA's own
    monitoring, Ofsted or another team, which the LA takes up itself)."""
    route = ROUTES.get(source)
    return route() if route else None


def routing_is_complete(
    *, source: str, raised_by_ofsted: bool, reported_to_regional_director: bool, reported_to_trust: bool,
    outcome_reported_to_ofsted_on,
) -> list[str]:  # fmt: skip
    """What a routing record needs for its source."""
    errors = []
    if source == ConcernSource.SAFEGUARDING and not (reported_to_regional_director and reported_to_trust):
        errors.append(SAFEGUARDING_NEEDS_BOTH)
    if outcome_reported_to_ofsted_on and not raised_by_ofsted:
        errors.append(OFSTED_OUTCOME_ONLY_WHERE_OFSTED_RAISED)
    return errors


def significant_concerns_are_raised_at_the_ofsted_and_dfe_meetings(*, status: str, rag: str, stage: str) -> bool:
    """ "Where the LA has its own significant concerns about an academy, these concerns are likely to
    be raised at either or both meetings." Significant: an open concern rated red, or one the LA
    has taken to the trust chair or beyond."""
    if status != ConcernStatus.OPEN:
        return False
    return rag == Rag.RED or stage in (LadderStage.FORMAL_LETTER, LadderStage.ESCALATION)


def next_step(*, stage: str, status: str) -> str:
    """What the ladder offers next, in words, for the meeting pack."""
    if status != ConcernStatus.OPEN:
        return ""
    if not stage:
        return "Director of Education to arrange a meeting with the principal and/or trust CEO"
    if stage == LadderStage.MEETING:
        return "If not resolved: formal letter to the chair of the academy trust"
    if stage == LadderStage.FORMAL_LETTER:
        return "If no satisfactory conclusion: escalate to the ESFA, DfE Regional Director and/or Ofsted"
    return "Follow up with the DfE and Ofsted"
