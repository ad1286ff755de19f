"""The reads of schools' action plans (letters.action_plans, re-exported there): a headteacher's
plans, one plan for its school or for the LA, the plans awaiting the LA's view or overdue."""

from datetime import date

from django.db.models import QuerySet

from .models import LetterStatus
from .models_action_plans import ActionPlan, ActionPlanEvent, PlanStatus


def _plans() -> QuerySet[ActionPlan]:
    return ActionPlan.objects.select_related("letter__school", "letter__letter_type", "submitted_by", "reviewed_by")


def plans_of_headteacher(user) -> QuerySet[ActionPlan]:
    """The plans asked of the schools the user heads (letters issued to them)."""
    return _plans().filter(letter__school__headships__user=user, letter__status=LetterStatus.ISSUED).distinct()


def plan_for_headteacher(*, user, pk: int) -> ActionPlan:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(plans_of_headteacher(user), pk=pk)


def plan_for_staff(*, pk: int) -> ActionPlan:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(_plans().select_related("letter__school__link_adviser"), pk=pk)


def plans_awaiting_review(*, school_ids=None) -> QuerySet[ActionPlan]:
    plans = _plans().filter(status=PlanStatus.SUBMITTED).order_by("submitted_on", "id")
    return plans if school_ids is None else plans.filter(letter__school_id__in=school_ids)


# What a short list of plans shows (the home panels): the school's name and the plan's dates.
LISTED_FIELDS = (
    "id", "status", "due_on", "submitted_on", "first_submitted_on", "letter__id", "letter__school__id",
    "letter__school__name", "letter__school__urn",
)  # fmt: skip


def listed(plans: QuerySet[ActionPlan]) -> QuerySet[ActionPlan]:
    """The plans with only the columns a short list shows: the letter's body, its type and the two
    users joined as well cost 3 ms a query at England scale, mostly PostgreSQL planning the joins."""
    return plans.select_related(None).select_related("letter__school").only(*LISTED_FIELDS)


def plans_overdue(*, today: date, school_ids=None) -> QuerySet[ActionPlan]:
    """Plans due before today that the school never sent."""
    plans = _plans().filter(status=PlanStatus.REQUESTED, first_submitted_on__isnull=True, due_on__lt=today)
    plans = plans.order_by("due_on", "id")
    return plans if school_ids is None else plans.filter(letter__school_id__in=school_ids)


def plans_to_send(user) -> QuerySet[ActionPlan]:
    """A headteacher's plans still to send or revise (none sent yet, or more needed)."""
    return plans_of_headteacher(user).filter(status__in=(PlanStatus.REQUESTED, PlanStatus.MORE_NEEDED))


def history_for_school(plan: ActionPlan) -> list[ActionPlanEvent]:
    """The plan's history as the school sees it (`comments` only; `internal_note` is never read here)."""
    return list(plan.events.select_related("actor").defer("internal_note"))


def may_review(user, plan: ActionPlan) -> bool:
    return user.has_perm("letters.review_action_plan", plan.letter)
