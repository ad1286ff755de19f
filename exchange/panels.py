"""What exchange adds to shared pages (docs/adr/0034): a "Documents" section of the school page
for those who may read the school's documents, and the headteacher's home panel of documents the
LA shared. Each runs a bounded number of queries and returns None for users it is not for."""

from accounts.permissions import is_headteacher
from core import home
from core.sections import Section
from schools import school_page

from . import selectors

SECTION_LIMIT = 5


def school_section(request, school):
    user = request.user
    if not user.has_perm("exchange.view_documents", school):
        return None
    documents = list(
        selectors.documents_visible_to(user=user, school=school).filter(withdrawn_at__isnull=True)[:SECTION_LIMIT]
    )
    return {"school": school, "documents": documents}


def headteacher_shared(request, user):
    """The latest documents the LA shared with a headteacher's schools: the in-app side of the email."""
    if not is_headteacher(user):
        return None
    return {"documents": selectors.shared_with_headteacher(user=user), "schools": _schools(user)}


def _schools(user):
    from schools.selectors import schools_visible_to

    return list(schools_visible_to(user).only("urn", "name"))


def register() -> None:
    school_page.register(
        Section(key="documents", title="Documents exchanged with the school", order=55,
                template="exchange/sections/school.html", context=school_section)
    )  # fmt: skip
    home.register(
        Section(key="exchange-shared", title="Documents", order=12,
                template="exchange/panels/headteacher.html", context=headteacher_shared)
    )  # fmt: skip
