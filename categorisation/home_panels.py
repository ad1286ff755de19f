"""Panels on the advisers' and officers' home pages (core.home)."""

from django.utils import timezone

from accounts.permissions import is_adviser, is_headteacher, is_officer
from core import home
from core.sections import Section
from schools.terms import term_on

from . import notices, selectors

PANEL_LIMIT = 10


def adviser_panel(request, user) -> dict | None:
    """The adviser's drafts and returned categorisations, and their link schools due for review."""
    if not is_adviser(user):
        return None
    today = timezone.localdate()
    in_progress = list(selectors.in_progress_for(user)[:PANEL_LIMIT])
    due = selectors.review_due(today).filter(link_adviser=user).order_by("name")
    return {
        "in_progress": in_progress,
        "due": list(due[:PANEL_LIMIT]),
        "due_count": due.count(),
        "term": term_on(today),
    }


def officer_panel(request, user) -> dict | None:
    """How many categorisations wait for approval, and how many schools are due for review."""
    if not is_officer(user):
        return None
    today = timezone.localdate()
    return {
        "queue_count": selectors.approval_queue().count(),
        "due_count": selectors.review_due(today, annotated=False).count(),
        "challenge_count": notices.open_challenges().count(),
        "term": term_on(today),
    }


def headteacher_panel(request, user) -> dict | None:
    """A headteacher's schools' categories they may still agree or challenge (docs/adr/0027)."""
    if not is_headteacher(user):
        return None
    awaiting = notices.notices_awaiting_answer(user, timezone.localdate())
    return {"notices": awaiting} if awaiting else None


def register_panels() -> None:
    home.register(
        Section(
            key="categorisation_adviser",
            title="Categorisation",
            order=30,
            template="categorisation/panels/adviser.html",
            context=adviser_panel,
        )
    )
    home.register(
        Section(
            key="categorisation_officer",
            title="Categorisation",
            order=30,
            template="categorisation/panels/officer.html",
            context=officer_panel,
        )
    )
    home.register(
        Section(
            key="categorisation_headteacher",
            title="Your school's support category",
            order=11,
            template="categorisation/panels/headteacher.html",
            context=headteacher_panel,
        )
    )
