"""The "Support category" section of the school page (schools.school_page)."""

from accounts.permissions import is_governor
from core.sections import Section
from schools import school_page

from . import notices, selectors
from .rules import the_la_categorises_its_maintained_schools


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
