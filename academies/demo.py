"""Demo casework for academies (runs after the schools demo): concerns about the demo academies at
each rung of the escalation ladder, one of each routing (a parent complaint, whistleblowing, a
safeguarding concern Ofsted raised) and a parent complaint still to route, a closed concern and a
reopened one; each formal-letter step with its issued letter to the chair of the trust (letters app,
copied to the Regional Director and Ofsted); the trusts' chief executives and chairs; and
intelligence entries from other teams, one restricted to officers.

Dates are relative to ctx.today, and the academies are taken in URN order (never by database id),
so the demo reads the same whenever it runs. Idempotent: a concern or entry already there (same
school and description) is left alone."""

import re
from dataclasses import dataclass, field
from datetime import timedelta

from letters import services as letter_services
from letters.demo import issue_dated
from letters.models import LetterKind
from schools.models import School, Trust

from . import services
from .models import (
    Concern,
    ConcernSource,
    ConcernStatus,
    ConcernType,
    IntelligenceEntry,
    LadderStage,
    Rag,
    Sensitivity,
    SourceTeam,
)

TRUST_CONTACTS = [
    ("Dr Helen Marsh", "Mr Richard Cole"),
    ("Mrs Anita Desai", "Professor Alan Brooks"),
    ("Mr Tomasz Nowak", "Mrs Julia Frost"),
    ("Ms Priya Kaur", "Mr David Hume"),
    ("Mr Owen Davies", "Dr Sarah Lim"),
    ("Mrs Fiona McAllister", "Mr Peter Lang"),
]


@dataclass
class DemoConcern:
    source: str
    codes: list[str]
    description: str
    rag: str
    rag_reason: str
    days_ago: int
    steps: list[tuple[str, int, str, str]] = field(default_factory=list)  # (stage, days ago, notes, outcome)
    escalated_to: tuple[str, ...] = ()
    routed_days_ago: int | None = None
    raised_by_ofsted: bool = False
    ended: tuple[str, int, str] | None = None  # (status, days ago, outcome)
    reopened: tuple[int, str] | None = None  # (days ago, reason)
    earlier_rag: tuple[str, int, str] | None = None  # a later rating: (rag, days ago, reason)
    academy: int | None = None  # which academy (by URN order); default: the concern's place in the list


CONCERNS = [
    DemoConcern(
        ConcernSource.LA_MONITORING,
        ["declining_performance", "inadequate_progress"],
        "Reading, writing and mathematics at key stage 2 have fallen against national for three years; the trust's "
        "improvement plan has no measurable milestones.",
        Rag.RED,
        "Third year of decline; no response to the formal letter.",
        150,
        steps=[
            (
                LadderStage.MEETING,
                120,
                "Director of Education met the principal and the trust CEO.",
                "Trust to share its improvement plan within four weeks.",
            ),
            (
                LadderStage.FORMAL_LETTER,
                70,
                "Formal letter to the chair of the trust, seeking a meeting.",
                "No reply after six weeks.",
            ),
            (
                LadderStage.ESCALATION,
                20,
                "Raised with the DfE Regional Director and at the Ofsted meeting.",
                "Regional Director to meet the trust board.",
            ),
        ],
        escalated_to=("to_regional_director", "to_ofsted"),
        earlier_rag=(Rag.AMBER, 150, "Results below national two years running."),
    ),
    DemoConcern(
        ConcernSource.LA_MONITORING,
        ["high_absence"],
        "Persistent absence has risen to 28%, well above national; the attendance lead post is vacant.",
        Rag.AMBER,
        "Rising absence, but the trust has appointed a new attendance lead.",
        60,
        steps=[
            (
                LadderStage.MEETING,
                30,
                "Director of Education met the principal.",
                "Principal agreed a half-termly attendance report to the LA.",
            )
        ],
    ),
    DemoConcern(
        ConcernSource.OFSTED,
        ["ofsted_drop", "leadership_breakdown"],
        "Ofsted judged the academy requires improvement, down from good; leadership and management inadequate.",
        Rag.RED,
        "Leadership judged inadequate; two headteachers in a year.",
        100,
        steps=[
            (LadderStage.MEETING, 80, "Director of Education met the trust CEO.", "CEO to appoint an executive head."),
            (
                LadderStage.FORMAL_LETTER,
                40,
                "Formal letter to the chair of the trust, setting out the concerns.",
                "Meeting with the chair arranged.",
            ),
        ],
        raised_by_ofsted=True,
    ),
    DemoConcern(
        ConcernSource.PARENT_COMPLAINT,
        ["reluctance_to_admit"],
        "A parent says the academy discouraged their child with an EHC plan from applying.",
        Rag.AMBER,
        "One complaint; the LA's admissions team has seen a pattern.",
        25,
        routed_days_ago=24,
    ),
    DemoConcern(
        ConcernSource.WHISTLEBLOWING,
        ["leadership_breakdown"],
        "A member of staff reports that the trust has used pupil premium funding for unrelated building work.",
        Rag.RED,
        "Alleged misuse of public funds.",
        15,
        routed_days_ago=14,
    ),
    DemoConcern(
        ConcernSource.SAFEGUARDING,
        ["behaviour_safety"],
        "Ofsted raised concerns about the academy's single central record and the handling of allegations.",
        Rag.RED,
        "Safeguarding arrangements not effective.",
        45,
        routed_days_ago=44,
        raised_by_ofsted=True,
    ),
    DemoConcern(
        ConcernSource.LA_MONITORING,
        ["high_exclusions"],
        "Suspensions doubled in the autumn term; most were of pupils with SEN.",
        Rag.GREEN,
        "Exclusions back in line with similar schools.",
        300,
        steps=[
            (
                LadderStage.MEETING,
                280,
                "Director of Education met the principal and the CEO.",
                "Trust introduced an inclusion base and reviewed its behaviour policy.",
            )
        ],
        ended=(ConcernStatus.CLOSED, 200, "Exclusions fell to the national rate for two terms; no further action."),
    ),
    DemoConcern(
        ConcernSource.LA_MONITORING,
        ["refusal_to_engage"],
        "The academy has not returned data or attended the LA's headteacher briefings for a year.",
        Rag.AMBER,
        "Refusal to engage returned after a new principal started.",
        240,
        steps=[(LadderStage.MEETING, 220, "Director of Education met the principal.", "Principal agreed to engage.")],
        ended=(ConcernStatus.RESOLVED, 180, "The academy attended briefings and shared its data."),
        reopened=(10, "A new principal has again stopped returning data."),
    ),
    DemoConcern(
        ConcernSource.PARENT_COMPLAINT,
        ["behaviour_safety"],
        "A parent reports bullying of their child that the academy has not answered for six weeks.",
        Rag.AMBER,
        "One complaint, not yet routed.",
        1,
        academy=1,
    ),
]

INTELLIGENCE = [
    (
        SourceTeam.GOVERNOR_SERVICES,
        Sensitivity.NORMAL,
        40,
        "Three governor vacancies unfilled for two terms; the clerk has resigned.",
    ),
    (
        SourceTeam.SEN_INCLUSION,
        Sensitivity.NORMAL,
        25,
        "Four EHC plan annual reviews overdue; the SENCo is on long-term leave.",
    ),
    (
        SourceTeam.SAFEGUARDING,
        Sensitivity.RESTRICTED,
        12,
        "An allegation against a member of staff is being managed by the LADO.",
    ),
    (SourceTeam.HR, Sensitivity.RESTRICTED, 8, "A formal grievance has been raised against the headteacher."),
    (SourceTeam.COMPLAINTS, Sensitivity.NORMAL, 5, "Two complaints about communication with parents this term."),
]


def seed(ctx) -> None:
    officer, adviser = ctx.users["officer"], ctx.users["adviser"]
    academies = list(School.objects.open().academies().select_related("trust").order_by("urn"))
    if not academies:
        ctx.write("Academies: no academies, nothing to add.")
        return
    for trust, (ceo, chair) in zip(Trust.objects.order_by("code"), TRUST_CONTACTS, strict=False):
        if not trust.ceo_name and not trust.chair_name:
            services.trust_update_contacts(trust=trust, ceo_name=ceo, chair_name=chair, actor=officer)
    made = sum(
        _seed_concern(ctx, academies[(n if spec.academy is None else spec.academy) % len(academies)], spec, officer)
        for n, spec in enumerate(CONCERNS)
    )
    targets = [s for s in (School.objects.filter(urn=874001).first(), academies[0]) if s is not None]
    entries = sum(
        _seed_entry(ctx, targets[n % len(targets)], spec, adviser, officer) for n, spec in enumerate(INTELLIGENCE)
    )
    ctx.write(f"Academies: {made} concerns and {entries} intelligence entries added.")


def _seed_concern(ctx, school, spec: DemoConcern, officer) -> int:
    if Concern.objects.filter(school=school, description=spec.description).exists():
        return 0
    day = lambda days: ctx.today - timedelta(days=days)  # noqa: E731
    first_rag, first_reason = (
        (spec.earlier_rag[0], spec.earlier_rag[2]) if spec.earlier_rag else (spec.rag, spec.rag_reason)
    )
    concern = services.concern_open(
        school=school,
        source=spec.source,
        concern_types=list(ConcernType.objects.filter(code__in=spec.codes)),
        description=spec.description,
        raised_on=day(spec.days_ago),
        rag=first_rag,
        rag_reason=first_reason,
        owner=officer,
        next_review_on=ctx.today + timedelta(days=21),
        raised_by_ofsted=spec.raised_by_ofsted,
        actor=officer,
    )
    if spec.routed_days_ago is not None:
        services.concern_record_routing(
            concern=concern,
            done_on=day(spec.routed_days_ago),
            actor=officer,
            advised_esfa_for_delay=spec.source == ConcernSource.PARENT_COMPLAINT,
            reported_to_regional_director=spec.source == ConcernSource.SAFEGUARDING,
            reported_to_trust=spec.source == ConcernSource.SAFEGUARDING,
            outcome_reported_to_ofsted_on=day(spec.routed_days_ago - 20)
            if spec.raised_by_ofsted and spec.source == ConcernSource.SAFEGUARDING
            else None,
            notes="Recorded by the demo.",
        )
    for stage, days_ago, notes, outcome in spec.steps:
        bodies = dict.fromkeys(spec.escalated_to, True) if stage == LadderStage.ESCALATION else {}
        letter = None
        if stage == LadderStage.FORMAL_LETTER:
            letter = _letter_to_the_chair(concern, issued_on=day(days_ago), today=ctx.today, officer=officer)
        services.concern_record_step(
            concern=concern, stage=stage, taken_on=day(days_ago), notes=notes, outcome=outcome, letter=letter,
            actor=officer, **bodies,
        )  # fmt: skip
    if spec.earlier_rag:
        services.concern_rate(
            concern=concern, rag=spec.rag, reason=spec.rag_reason, rated_on=day(spec.steps[-1][1]), actor=officer
        )
    if spec.ended:
        status, days_ago, outcome = spec.ended
        services.concern_end(concern=concern, status=status, outcome=outcome, ended_on=day(days_ago), actor=officer)
    if spec.reopened:
        days_ago, reason = spec.reopened
        services.concern_reopen(concern=concern, reason=reason, reopened_on=day(days_ago), actor=officer)
    return 1


LETTER_EVIDENCE = (
    "The academy's results have fallen against national for three years, and the trust's improvement plan, "
    "shared after our meeting, has no measurable milestones."
)


def _letter_to_the_chair(concern, *, issued_on, today, officer):
    """The formal letter to the chair of the trust, drafted from the concern a week before it was
    issued, copied to the Regional Director and Ofsted (letters app; ADR 0017). None when the trust's
    chair is not recorded (the letter could not be issued)."""
    trust = Trust.objects.filter(pk=concern.school.trust_id).first()  # its contacts were set after the school was read
    if trust is None or not trust.chair_name:
        return None
    letter, _ = services.concern_draft_trust_letter(concern=concern, kind=LetterKind.TRUST_CHAIR_MEETING, actor=officer)
    body = re.sub(r"\[[^\[\]\n]+\]", LETTER_EVIDENCE, letter.body)
    letter_services.letter_draft_update(
        letter=letter, actor=officer, subject=letter.subject, body=body, indicators=list(letter.indicators.all())
    )
    return issue_dated(
        letter, drafter=officer, approver=officer, issued_on=issued_on, today=today,
        copy_to=["regional_director", "ofsted"],
    )  # fmt: skip


def _seed_entry(ctx, school, spec, adviser, officer) -> int:
    team, sensitivity, days_ago, summary = spec
    if IntelligenceEntry.objects.filter(school=school, summary=summary).exists():
        return 0
    services.intelligence_record(
        school=school,
        received_on=ctx.today - timedelta(days=days_ago),
        source_team=team,
        summary=summary,
        sensitivity=sensitivity,
        actor=officer if sensitivity == Sensitivity.RESTRICTED else adviser,
    )
    return 1
