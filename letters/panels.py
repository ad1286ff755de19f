"""What letters contribute to other pages (schools.school_page, core.home).

- The "Letters" section of the school page (schools.school_page): LA staff see every letter of
  the school in order with the warning-notice deadlines and any suggestions; the school's governors
  and headteacher see its issued letters only (docs/adr/0046); admins see nothing (case material).

- Panels on each role's home page (core.home): the officer's letters to approve, issue and follow
  up; the adviser's drafts and suggestions; the governor's and the headteacher's issued letters.

- Home-page panels of the school's action plans (core.home, docs/adr/0033): the headteacher's plans
  to send or revise; the adviser's link schools' plans awaiting review and overdue; the officer's
  across every school. Each is also how the emails about a plan are visible in the service."""

from django.utils import timezone

from accounts.permissions import is_adviser, is_headteacher, is_la_staff, is_officer, is_school_reader
from core.home import register
from core.sections import Section
from schools import school_page
from schools.selectors import link_school_ids

from . import action_plans, rules, selectors, stored_suggestions, suggestions
from .models import LetterStatus

# ---- the "Letters" section of the school page (schools.school_page) --------------------------


def _context(request, school):
    user = request.user
    if is_la_staff(user):
        today = timezone.localdate()
        rows = [
            (letter, selectors.notice_stage(letter, today))
            for letter in selectors.school_letters(user=user, school=school)
        ]
        may_decide = user.has_perm("letters.decide_suggestion", school)
        return {
            "la_view": True,
            "rows": rows,
            "deadlines": [(letter, stage) for letter, stage in rows if stage and stage.open and stage.deadline],
            "eligible": [(letter, stage) for letter, stage in rows if stage and stage.eligible],
            "suggestions": stored_suggestions.suggestions_for(school_ids=[school.pk], today=today)
            if may_decide
            else [],
            "can_draft": user.has_perm("letters.draft_letter", school)
            and not rules.letters_only_to_open_schools(school=school),
            "school": school,
        }
    if is_school_reader(user):
        return {
            "la_view": False,
            "rows": [(letter, None) for letter in selectors.school_letters(user=user, school=school)],
        }
    return None


def register_section() -> None:
    school_page.register(
        Section(key="letters", title="Letters", order=70, template="letters/sections/school.html", context=_context)
    )


# ---- home-page panels: letters and suggestions (core.home) -----------------------------------

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
    school_ids = list(link_school_ids(user))
    found = stored_suggestions.open_suggestions(school_ids=school_ids)
    return {
        "work": list(selectors.adviser_work(user)[:PANEL_LIMIT]),
        "suggestions": suggestions.materialise(list(found[:SUGGESTION_LIMIT])),
        "suggestion_count": found.count(),
    }


def _governor(request, user):
    """A governor's or a headteacher's own schools' issued letters."""
    if not is_school_reader(user):
        return None
    letters = selectors.as_listed(selectors.letters_visible_to(user)).order_by("-issued_on", "-id")
    return {"letters": list(letters[:PANEL_LIMIT])}


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
            title="Letters to your school",
            order=60,
            template="letters/panels/governor.html",
            context=_governor,
        )
    )


# ---- home-page panels: the school's action plans (docs/adr/0033) -----------------------------


def _headteacher(request, user):
    if not is_headteacher(user):
        return None
    return {"plans": list(action_plans.plans_to_send(user)[:PANEL_LIMIT]), "today": timezone.localdate()}


def _staff(request, user):
    if is_officer(user):
        school_ids = None
    elif is_adviser(user):
        school_ids = list(link_school_ids(user))
    else:
        return None
    today = timezone.localdate()
    awaiting = list(action_plans.listed(action_plans.plans_awaiting_review(school_ids=school_ids))[:PANEL_LIMIT])
    overdue = list(action_plans.listed(action_plans.plans_overdue(today=today, school_ids=school_ids))[:PANEL_LIMIT])
    return {"awaiting": awaiting, "overdue": overdue, "today": today}


def register_plan_panels() -> None:
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
