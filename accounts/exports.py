"""The users list as a spreadsheet, for admins (core/export_jobs.py, registered in AccountsConfig.ready)."""

from django import forms
from django.http import QueryDict

from core.export_jobs import ExportKind
from core.forms import TextLimits

from . import selectors
from .roles import Role


def filtered_users(*, params: QueryDict | None):
    params = params if params is not None else QueryDict()
    search, role = params.get("q", ""), params.get("role", "")
    return search, role, selectors.user_list(search=search, role=role if role in Role.values else "")


class UserListFilters(TextLimits, forms.Form):
    """The users list's two filters (its template's search form), by their labels, for the export's
    pages (core.export_jobs.described_filters)."""

    q = forms.CharField(label="Name, username or email", required=False)
    role = forms.ChoiceField(label="Role", choices=Role.choices, required=False)


def _rows(*, user, params):
    _, _, users = filtered_users(params=params)
    for person in users.iterator(chunk_size=2000):
        yield [
            person.get_full_name(),
            person.username,
            person.role_label,
            person.email,
            "Active" if person.is_active else "Inactive",
            person.last_login,
        ]


USERS = ExportKind(
    key="users",
    title="Users",
    permission="accounts.manage_users",
    filename="users",
    sheet="Users",
    header=["Name", "Username", "Role", "Email", "Status", "Last signed in"],
    rows=_rows,
    list_url="accounts:user_list",
    filters=lambda *, user, params: UserListFilters(params),
)
