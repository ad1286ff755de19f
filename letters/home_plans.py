"""Home-page panels of the school's action plans (core.home, docs/adr/0033): the headteacher's plans
to send or revise; the adviser's link schools' plans awaiting review and overdue; the officer's
across every school. Each is also how the emails about a plan are visible in the service."""

from django.utils import timezone

from accounts.permissions import is_adviser, is_headteacher, is_officer
from core.home import register
from core.sections import Section
from schools.models import School

from . import action_plans

PANEL_LIMIT = 10


def _headteacher(request, user):
    if not is_headteacher(user):
        return None
    return {"plans": list(action_plans.plans_to_send(user)[:PANEL_LIMIT]), "today": timezone.localdate()}


def _staff(request, user):
    if is_officer(user):
        school_ids = None
    elif is_adviser(user):
        school_ids = list(School.objects.filter(link_adviser=user).values_list("pk", flat=True))
    else:
        return None
    today = timezone.localdate()
    awaiting = list(action_plans.plans_awaiting_review(school_ids=school_ids)[:PANEL_LIMIT])
    overdue = list(action_plans.plans_overdue(today=today, school_ids=school_ids)[:PANEL_LIMIT])
    return {"awaiting": awaiting, "overdue": overdue, "today": today}


def register_panels() -> None:
    register(
        Section(
            key="letters-plans-to-send",
            title="Action plans to send",
            order=12,
            template="letters/panels/plans_to_send.html",
            context=_headteacher,
        )
    )
    register(
        Section(
            key="letters-plans-to-review",
            title="Action plans from schools",
            order=61,
            template="letters/panels/plans_to_review.html",
            context=_staff,
        )
    )
