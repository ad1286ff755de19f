"""What categorisation contributes to other pages (schools.school_page, core.home).

- The "Support category" section of the school page (schools.school_page).

- Panels on the advisers' and officers' home pages (core.home)."""

from django.utils import timezone

from accounts.permissions import is_adviser, is_governor, is_headteacher, is_officer
from core import home
from core.sections import Section
from schools import school_page
from schools.terms import term_on

from . import notices, selectors, selectors_category
from .rules import the_la_categorises_its_maintained_schools

# ---- the "Support category" section of the school page (schools.school_page) -----------------


def section_context(request, school) -> dict | None:
    """Current category, direction of travel, history by term and the categorisation in progress.
    None for governors (and anyone without the permission): they never see a school's category."""
    user = request.user
    if is_governor(user) or not user.has_perm("categorisation.see_categories"):
        return None
    can_read = user.has_perm("categorisation.read_categorisations")
    history = selectors.category_history(school)
    if refusals := the_la_categorises_its_maintained_schools(school):
        # An academy, or a school now closed: no current category, but any history is kept.
        return {"not_categorised": refusals[0], "school": school, "history": history, "can_read": can_read}
    in_progress = selectors.open_categorisation(school) if can_read else None
    return {
        "school": school,
        "current": history[0] if history else None,
        "history": history,
        "in_progress": in_progress,
        "can_read": can_read,
        "can_start": in_progress is None and user.has_perm("categorisation.start", school),
        "can_edit_in_progress": in_progress is not None and user.has_perm("categorisation.edit", in_progress),
    }


def school_notice_context(request, school) -> dict | None:
    """The category the LA sent the school: its headteachers and chair of governors only
    (docs/adr/0027). Never the evidence: the level, what it means and the reasons in plain words."""
    if not notices.may_read_notices_of(request.user, school):
        return None
    return {"school": school, "notice": notices.latest_notice(school)}


def register_section() -> None:
    school_page.register(
        Section(
            key="school-category",
            title="Your school's support category",
            order=16,
            template="categorisation/sections/school_notice.html",
            context=school_notice_context,
        )
    )
    school_page.register(
        Section(
            key="categorisation",
            title="Support category",
            order=15,
            template="categorisation/sections/school.html",
            context=section_context,
        )
    )


# ---- home-page panels (core.home) ------------------------------------------------------------

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
    """A headteacher's schools' categories they may still agree or challenge, and their challenges
    awaiting the LA's decision (docs/adr/0027)."""
    if not is_headteacher(user):
        return None
    awaiting = notices.notices_awaiting_answer(user, timezone.localdate())
    challenged = selectors_category.challenges_awaiting_decision(user)
    return {"notices": awaiting, "challenged": challenged} if awaiting or challenged else None


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
