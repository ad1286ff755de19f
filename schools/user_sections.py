"""The schools section of the admin's user page: a governor's schools, an adviser's link schools."""

from accounts import user_page
from accounts.roles import Role
from core.sections import Section

from .forms import GovernorshipForm
from .models import Governorship, School


def _context(request, user):
    if not request.user.has_perm("accounts.manage_users"):
        return None
    return {
        "governorships": Governorship.objects.filter(user=user).select_related("school"),
        "link_schools": School.objects.filter(link_adviser=user).order_by("name").only("urn", "name"),
        "is_governor": user.role == Role.GOVERNOR,
        "governorship_form": GovernorshipForm(),
    }


def register() -> None:
    user_page.register(
        Section(
            key="schools", title="Schools", order=10, template="schools/sections/user_schools.html", context=_context
        )
    )
