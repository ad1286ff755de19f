"""The schools section of the admin's user page: a governor's schools, an adviser's link schools."""

from accounts import user_page
from accounts.roles import Role
from core.sections import Section

from .forms import GovernorshipForm
from .models import Governorship, School
from .picker import school_picker

PICKER_HINT = "Any open school."


def _context(request, user):
    if not request.user.has_perm("accounts.manage_users"):
        return None
    is_governor = user.role == Role.GOVERNOR
    # The school to add is chosen with the school picker (?q= to search, ?school=<URN> to choose).
    picker = (
        school_picker(request, scope=School.objects.open(), hint=PICKER_HINT, anchor="#add-school")
        if is_governor
        else None
    )
    return {
        "governorships": Governorship.objects.filter(user=user).select_related("school"),
        "link_schools": School.objects.filter(link_adviser=user).order_by("name").only("urn", "name"),
        "is_governor": is_governor,
        # Who may be a school's link adviser (schools.filters.link_advisers): the others are not told they are not.
        "may_link": user.role in (Role.ADVISER, Role.OFFICER),
        "picker": picker,
        "governorship_form": GovernorshipForm(initial={"urn": picker.chosen.urn}) if picker and picker.chosen else None,
    }


def register() -> None:
    user_page.register(
        Section(
            key="schools", title="Schools", order=10, template="schools/sections/user_schools.html", context=_context
        )
    )
