"""The school's pre-visit section of a planned visit (issue 14, docs/adr/0028): the headteacher
completes a self-evaluation against each of the visit's focus areas (a rating and why), recent data
and what the school wants from the visit, by a due date before the visit; the adviser reads it on
the visit page and on the page where they record the visit.

- The headteacher is emailed when a visit to their school is planned (and, by the daily task, about
  a planned visit they were not told of yet: a headteacher added later), and reminded once on the
  due date while the section is not sent. Each email is a PreVisitEmail row, unique per visit, kind
  and recipient, queued for visits.tasks.send_pre_visit_email in the caller's transaction.
- The headteacher may save a draft (the school's own: LA staff see only that it was started) and
  send it; once sent it is read-only. It is open while the visit is planned and not past.

Rules are named after the clause they implement; each has a test of the same name
(tests/visits/test_pre_visit.py)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.headships import headteachers_of, schools_headed_by
from accounts.permissions import is_headteacher_of_school
from core.emails import emails_queue
from core.history import delete_as, save_as
from schools.terms import working_day_on_or_before

from .models import (
    FocusArea,
    PreVisitEmail,
    PreVisitEmailKind,
    PreVisitResponse,
    PreVisitSelfEvaluation,
    PreVisitStatus,
    SelfEvaluationRating,
    Visit,
    VisitStatus,
)
from .pre_visit_changes import refuse_if_changed

NOT_THE_HEADTEACHER = "Only the school's headteacher can complete the pre-visit section."
CLOSED = "The pre-visit section of this visit is closed: the visit has taken place or is no longer planned."
ALREADY_SENT = "The pre-visit section of this visit was already sent to the adviser."
RATING_REQUIRED = "Choose how you rate {area}"
EVALUATION_REQUIRED = "Enter your self-evaluation of {area}"
WANTS_REQUIRED = "Enter what you want from the visit"


def rating_field(area: str) -> str:
    return f"rating_{area}"


def evaluation_field(area: str) -> str:
    return f"evaluation_{area}"


def focus_label(area: str) -> str:
    return FocusArea(area).label if area in FocusArea.values else area


# ---- rules ----------------------------------------------------------------------------------------


def pre_visit_due_days_before_the_visit(*, visit_date: date, days: int, planned_on: date) -> date:
    """Issue 14: the school completes its pre-visit section "by a date before the visit":
    PRE_VISIT_DAYS_BEFORE calendar days (3 by default) before the visit day; a due date that falls on
    a weekend or a bank holiday moves back to the working day before, on which the school can send
    it and the adviser has it before the visit. A visit planned (or moved) at shorter notice than
    that (on or after the day it would be due) is due by the visit itself: the school is never
    asked for it by a day already past, or by the day it is asked, nor told at once that it is late."""
    due = working_day_on_or_before(visit_date - timedelta(days=days))
    return due if due > planned_on else visit_date


def pre_visit_open_until_the_visit(*, status: str, visit_date: date, today: date) -> bool:
    """Issue 14: "for a planned visit, the school completes its pre-visit section": open while the
    visit is planned and its day has not passed (the visit day included: the school may still send
    it that morning, late). A completed or cancelled visit, or a past one, closes it."""
    return status == VisitStatus.PLANNED and visit_date >= today


def pre_visit_sent_complete(
    *, focus_areas: list[str], evaluations: dict[str, tuple[str, str]], wants: str
) -> dict[str, list[str]]:
    """Issue 14: the pre-visit section is "self-evaluation against the visit's focus areas, recent
    data, what it wants from the visit". A draft may be partial; what is sent rates every focus area
    and says why, and says what the school wants from the visit. Recent data may be empty (a school
    may have nothing new since the last visit)."""
    errors: dict[str, list[str]] = {}
    for area in focus_areas:
        rating, text = evaluations.get(area, ("", ""))
        label = focus_label(area).lower()
        if rating not in SelfEvaluationRating.values:
            errors[rating_field(area)] = [RATING_REQUIRED.format(area=label)]
        if not text.strip():
            errors[evaluation_field(area)] = [EVALUATION_REQUIRED.format(area=label)]
    if not wants.strip():
        errors["wants_from_visit"] = [WANTS_REQUIRED]
    return errors


def pre_visit_reminded_on_the_due_date(
    *, due_on: date, today: date, sent: bool, is_open: bool, visit_date: date
) -> bool:
    """A headteacher who has not sent the pre-visit section is reminded once, on the due date (or the
    first run after it), while the section is still open; not when it is due by the visit itself
    (a visit at short notice: the request said so)."""
    return is_open and not sent and today >= due_on and due_on < visit_date


def due_on(visit: Visit) -> date:
    planned_on = visit.notice_given_on or (timezone.localdate(visit.created_at) if visit.created_at else date.min)
    return pre_visit_due_days_before_the_visit(
        visit_date=visit.visit_date, days=settings.PRE_VISIT_DAYS_BEFORE, planned_on=planned_on
    )


def is_open(visit: Visit, today: date | None = None) -> bool:
    return pre_visit_open_until_the_visit(
        status=visit.status, visit_date=visit.visit_date, today=today or timezone.localdate()
    )


# ---- reads ----------------------------------------------------------------------------------------


def _with_evaluations(visits: QuerySet[Visit]) -> QuerySet[Visit]:
    return visits.select_related("school", "adviser", "pre_visit").prefetch_related(
        Prefetch("pre_visit__self_evaluations", queryset=PreVisitSelfEvaluation.objects.order_by("id"))
    )


def visits_to_prepare(*, user, today: date | None = None) -> QuerySet[Visit]:
    """The planned visits, today or later, to the schools a headteacher leads: soonest first."""
    today = today or timezone.localdate()
    return (
        Visit.objects.filter(school__in=schools_headed_by(user), status=VisitStatus.PLANNED, visit_date__gte=today)
        .select_related("school", "adviser", "pre_visit")
        .order_by("visit_date", "start_time", "id")
    )


def pre_visits_sent(*, user, today: date | None = None, limit: int = 20) -> list[Visit]:
    """Visits no longer open whose pre-visit section the headteacher's school sent: newest first."""
    today = today or timezone.localdate()
    visits = Visit.objects.filter(school__in=schools_headed_by(user), pre_visit__status=PreVisitStatus.SUBMITTED)
    visits = visits.exclude(status=VisitStatus.PLANNED, visit_date__gte=today)
    return list(visits.select_related("school", "adviser", "pre_visit").order_by("-visit_date", "-id")[:limit])


def with_due_dates(visits) -> list[Visit]:
    """The visits, each with `pre_visit_due_on` and `pre_visit_response` (None if not started)."""
    visits = list(visits)
    for visit in visits:
        visit.pre_visit_due_on = due_on(visit)
        visit.pre_visit_response = response_of(visit)
    return visits


def visit_for_headteacher(*, user, pk: int) -> Visit:
    """A visit to one of the headteacher's schools that is planned or has a pre-visit section, or 404
    (another school's visit, or a visit the school was never asked to prepare)."""
    from django.db.models import Q

    visits = Visit.objects.filter(school__in=schools_headed_by(user)).filter(
        Q(status=VisitStatus.PLANNED) | Q(pre_visit__isnull=False)
    )
    return get_object_or_404(_with_evaluations(visits), pk=pk)


def response_of(visit: Visit) -> PreVisitResponse | None:
    try:
        return visit.pre_visit
    except PreVisitResponse.DoesNotExist:
        return None


@dataclass(frozen=True)
class Row:
    """One focus area of a pre-visit section, as the pages show it."""

    area: str
    label: str
    rating: str
    rating_label: str
    evaluation: str
    still_a_focus: bool


def rows(visit: Visit, response: PreVisitResponse | None) -> list[Row]:
    """The visit's focus areas with the school's self-evaluation of each (blank where none), then
    any area the school evaluated that is no longer a focus of the visit (it was changed after)."""
    stored = {e.focus_area: e for e in response.self_evaluations.all()} if response else {}
    result = []
    for area in [*visit.focus_areas, *[a for a in stored if a not in visit.focus_areas]]:
        evaluation = stored.get(area)
        rating = evaluation.rating if evaluation else ""
        result.append(
            Row(
                area=area,
                label=focus_label(area),
                rating=rating,
                rating_label=SelfEvaluationRating(rating).label if rating in SelfEvaluationRating.values else "",
                evaluation=evaluation.evaluation if evaluation else "",
                still_a_focus=area in visit.focus_areas,
            )
        )
    return result


def staff_section(visit: Visit, *, today: date | None = None) -> dict:
    """What LA staff see of a visit's pre-visit section (the visit page, the record page): the due
    date, whether it was started, and what was sent (never a draft's content)."""
    response = (
        PreVisitResponse.objects.filter(visit=visit)
        .select_related("submitted_by")
        .prefetch_related(Prefetch("self_evaluations", queryset=PreVisitSelfEvaluation.objects.order_by("id")))
        .first()
    )
    sent_at = response.submitted_at if response is not None and response.is_submitted else None
    sent = sent_at is not None
    return {
        "due_on": due_on(visit),
        "is_open": is_open(visit, today),
        "response": response,
        "sent": sent,
        "late": sent_at is not None and timezone.localdate(sent_at) > due_on(visit),
        "rows": rows(visit, response) if sent else [],
        "emails": list(visit.pre_visit_emails.select_related("recipient")),
    }


# ---- writes ---------------------------------------------------------------------------------------


def queue_emails(visit: Visit, kind: PreVisitEmailKind, recipients, *, already=None) -> list[PreVisitEmail]:
    """Record and queue one email of the kind to each recipient not `already` told (by default:
    anyone with an email of the kind about the visit)."""
    from . import tasks

    if already is None:
        already = set(PreVisitEmail.objects.filter(visit=visit, kind=kind).values_list("recipient_id", flat=True))
    return emails_queue(
        PreVisitEmail, [head for head in recipients if head.pk not in already], task=tasks.send_pre_visit_email,
        lock="pre-visit-email", unique=True, visit=visit, kind=kind,
    )  # fmt: skip


def pre_visit_request(*, visit: Visit, today: date | None = None) -> list[PreVisitEmail]:
    """Ask the school's headteachers to complete the pre-visit section of a planned visit: one email
    each, never twice. Called in visits.services.visit_plan's transaction, and by the daily task."""
    if not is_open(visit, today):
        return []
    return queue_emails(visit, PreVisitEmailKind.REQUESTED, headteachers_of(visit.school))


@transaction.atomic
def pre_visit_emails_send(*, today: date | None = None) -> list[PreVisitEmail]:
    """The daily task: ask each headteacher not yet asked about an open planned visit to their school
    (a headteacher added after the visit was planned), and remind them on the due date while the
    section is not sent. Each email once (recorded), so a rerun sends nothing twice."""
    today = today or timezone.localdate()
    visits = (
        Visit.objects.filter(status=VisitStatus.PLANNED, visit_date__gte=today, school__headships__isnull=False)
        .distinct()
        .select_related("school", "pre_visit")
        .order_by("visit_date", "id")
    )
    sent = []
    for visit in visits:
        heads = list(headteachers_of(visit.school))
        sent += queue_emails(visit, PreVisitEmailKind.REQUESTED, heads)
        response = response_of(visit)
        if pre_visit_reminded_on_the_due_date(
            due_on=due_on(visit),
            today=today,
            sent=response is not None and response.is_submitted,
            is_open=True,
            visit_date=visit.visit_date,
        ):
            sent += queue_emails(visit, PreVisitEmailKind.REMINDER, heads)
    return sent


@transaction.atomic
def pre_visit_save(
    *,
    visit: Visit,
    recent_data: str,
    wants_from_visit: str,
    evaluations: dict[str, tuple[str, str]],
    send: bool,
    actor,
    today: date | None = None,
    version: str | None = None,
    shown: list[str] | None = None,
) -> PreVisitResponse:
    """Save the headteacher's pre-visit section as a draft, or send it to the adviser (`send`): then
    every focus area must be rated and explained, and the section becomes read-only. `version` and
    `shown`: the section's version and the focus areas the page showed when it was opened (a save
    since, or focus areas changed since, refuses this one: visits.pre_visit_changes)."""
    visit = Visit.objects.select_for_update().select_related("school").get(pk=visit.pk)
    if not is_headteacher_of_school(actor, visit.school):
        raise ValidationError(NOT_THE_HEADTEACHER)
    if not is_open(visit, today):
        raise ValidationError(CLOSED)
    response = response_of(visit) or PreVisitResponse(visit=visit)
    if response.is_submitted:
        raise ValidationError(ALREADY_SENT)
    refuse_if_changed(
        response=response,
        version=version,
        shown=shown,
        focus_areas=visit.focus_areas,
        evaluations=evaluations,
        actor=actor,
    )
    evaluations = {
        area: (rating if rating in SelfEvaluationRating.values else "", text.strip())
        for area, (rating, text) in evaluations.items()
        if area in visit.focus_areas
    }
    recent_data, wants_from_visit = recent_data.strip(), wants_from_visit.strip()
    if send:
        if errors := pre_visit_sent_complete(
            focus_areas=visit.focus_areas, evaluations=evaluations, wants=wants_from_visit
        ):
            raise ValidationError(errors)
        response.status = PreVisitStatus.SUBMITTED
        response.submitted_at, response.submitted_by = timezone.now(), actor
    response.recent_data, response.wants_from_visit, response.updated_by = recent_data, wants_from_visit, actor
    save_as(response, actor=actor)
    stored = {e.focus_area: e for e in response.self_evaluations.all()}
    for area, evaluation in stored.items():
        if area not in visit.focus_areas:  # the adviser changed the focus since the draft was saved
            delete_as(evaluation, actor=actor)
    for area in visit.focus_areas:
        rating, text = evaluations.get(area, ("", ""))
        evaluation = stored.get(area) or PreVisitSelfEvaluation(response=response, focus_area=area)
        if evaluation.pk and (evaluation.rating, evaluation.evaluation) == (rating, text):
            continue
        evaluation.rating, evaluation.evaluation = rating, text
        save_as(evaluation, actor=actor)
    return response
