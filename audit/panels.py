"""The officers' and admins' home panel (role requests waiting) and the admin's user page section
(the user's waiting request, and their lines in the access log)."""

from accounts import selectors as account_selectors
from accounts import user_page
from accounts.permissions import is_admin, is_officer
from core import home
from core.sections import Section

from . import selectors


def home_panel(request, user) -> dict | None:
    """How many role requests wait for an officer: shown to officers and admins when any do."""
    if not (is_officer(user) or is_admin(user)):
        return None
    waiting = selectors.pending_role_requests().count()
    return {"waiting": waiting, "is_officer": is_officer(user)} if waiting else None


def user_section(request, subject) -> dict | None:
    if not request.user.has_perm("accounts.manage_users"):
        return None
    return {"pending": account_selectors.pending_role_request(user=subject), "subject": subject}


def register_all() -> None:
    home.register(
        Section(
            key="role_requests", title="Role requests", order=5, template="audit/panels/home.html", context=home_panel
        )
    )
    user_page.register(
        Section(key="access", title="Access", order=5, template="audit/sections/user_access.html", context=user_section)
    )
