"""What academies adds to the school page: the intelligence log (every school, LA staff) and the
concerns about an academy (academies only, LA staff). Restricted entries and whistleblowing
concerns are listed for officers only."""

from accounts.permissions import is_la_staff
from core.sections import Section
from schools import school_page

from . import selectors


def intelligence_section(request, school):
    user = request.user
    if not is_la_staff(user):
        return None
    return {
        "school": school,
        "entries": selectors.school_intelligence(user=user, school=school),
        "can_add": user.has_perm("academies.add_intelligence"),
    }


def concerns_section(request, school):
    user = request.user
    if not is_la_staff(user) or not school.is_academy:
        return None
    concerns = list(selectors.concerns_visible_to(user).filter(school=school).order_by("status", "-raised_on")[:20])
    for concern in concerns:
        concern.stage_label = selectors.stage_label(concern)
    return {"school": school, "concerns": concerns, "can_open": user.has_perm("academies.change_concern")}


def register() -> None:
    school_page.register(
        Section(key="academy-concerns", title="Concerns about the academy", order=55,
                template="academies/sections/concerns.html", context=concerns_section)
    )  # fmt: skip
    school_page.register(
        Section(key="intelligence", title="Intelligence log", order=60,
                template="academies/sections/intelligence.html", context=intelligence_section)
    )  # fmt: skip
