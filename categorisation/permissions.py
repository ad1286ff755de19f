"""Who may do what with categorisations and frameworks, declared once (django-rules).

Categorisations (ticks, evidence, rationale, comments) are LA case material: advisers and
officers only. Governors never see a school's category; admins see the category (lists, school
page) and manage frameworks (reference data) but never read categorisations' evidence."""

import rules

from accounts.permissions import is_admin, is_adviser, is_governor, is_headteacher, is_la_staff, is_officer


@rules.predicate
def is_link_adviser_of_school(user, school) -> bool:
    return school is not None and user.is_authenticated and school.link_adviser_id == user.pk


@rules.predicate
def works_on_categorisation(user, categorisation) -> bool:
    """The adviser who started it, or the school's link adviser."""
    if categorisation is None or not user.is_authenticated:
        return False
    if categorisation.created_by_id == user.pk:
        return True  # before reading the school, which may cost a query
    return categorisation.school.link_adviser_id == user.pk


@rules.predicate
def is_school_user(user) -> bool:
    """A headteacher or a governor: the school's own users (the view checks which school)."""
    return is_headteacher(user) or is_governor(user)


# Read categorisations (evidence, rationale, comments), the approval queue's contents.
rules.add_perm("categorisation.read_categorisations", is_la_staff)
# See schools' categories: the school page section, lists by category and review due.
rules.add_perm("categorisation.see_categories", is_la_staff | is_admin)
# Start a categorisation of a school (object: the school).
rules.add_perm("categorisation.start", is_officer | (is_adviser & is_link_adviser_of_school))
# Edit, submit or withdraw a draft or returned categorisation (object: the categorisation).
rules.add_perm("categorisation.edit", is_officer | (is_adviser & works_on_categorisation))
# Approve or return submitted categorisations.
rules.add_perm("categorisation.review", is_officer)
# The category sent to the school: its headteachers and chair of governors (object check in the view).
rules.add_perm("categorisation.read_school_category", is_school_user)
# Decide a school's challenge to its category (docs/adr/0027).
rules.add_perm("categorisation.decide_challenges", is_officer)
# Frameworks and their criteria.
rules.add_perm("categorisation.read_frameworks", is_la_staff | is_admin)
rules.add_perm("categorisation.manage_frameworks", is_officer | is_admin)
# Moderation of a term's proposed categories (docs/adr/0032): LA staff read the sheets, officers hold them.
rules.add_perm("categorisation.read_moderation", is_la_staff)
rules.add_perm("categorisation.moderate", is_officer)
