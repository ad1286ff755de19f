"""Panels on each role's home page (core.home): the officer's letters to approve, issue and follow
up; the adviser's drafts and suggestions; the governor's issued letters."""

from django.utils import timezone

from accounts.permissions import is_adviser, is_governor, is_officer
from core.home import register
from core.sections import Section
from schools.models import School

from . import selectors, stored_suggestions, suggestions
from .models import LetterStatus

PANEL_LIMIT = 10
SUGGESTION_LIMIT = 5


def _officer(request, user):
    if not is_officer(user):
        return None
    today = timezone.localdate()
    found = stored_suggestions.open_suggestions(school_ids=None, today=today)
    return {
        "awaiting_approval": list(selectors.letters_with_status(LetterStatus.SUBMITTED)[:PANEL_LIMIT]),
        "awaiting_issue": list(selectors.letters_with_status(LetterStatus.APPROVED)[:PANEL_LIMIT]),
        "deadlines": selectors.deadlines_soon(today),
        "eligible": selectors.eligible_for_intervention(today),
        "suggestions": suggestions.materialise(list(found[:SUGGESTION_LIMIT])),
        "suggestion_count": found.count(),
        "horizon_days": selectors.DEADLINE_HORIZON_DAYS,
    }


def _adviser(request, user):
    if not is_adviser(user):
        return None
    school_ids = list(School.objects.filter(link_adviser=user).values_list("pk", flat=True))
    found = stored_suggestions.open_suggestions(school_ids=school_ids)
    return {
        "work": list(selectors.adviser_work(user)[:PANEL_LIMIT]),
        "suggestions": suggestions.materialise(list(found[:SUGGESTION_LIMIT])),
        "suggestion_count": found.count(),
    }


def _governor(request, user):
    if not is_governor(user):
        return None
    return {"letters": list(selectors.letters_visible_to(user).order_by("-issued_on", "-id")[:PANEL_LIMIT])}


def register_panels() -> None:
    register(
        Section(
            key="letters-officer", title="Letters", order=60, template="letters/panels/officer.html", context=_officer
        )
    )
    register(
        Section(
            key="letters-adviser",
            title="Your letters",
            order=60,
            template="letters/panels/adviser.html",
            context=_adviser,
        )
    )
    register(
        Section(
            key="letters-governor",
            title="Letters to your governing body",
            order=60,
            template="letters/panels/governor.html",
            context=_governor,
        )
    )
