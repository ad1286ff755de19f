"""Who may do what with schools, declared once (django-rules)."""

import rules

from accounts.permissions import is_admin, is_headteacher_of_school, is_la_staff, is_officer

from .models import Governorship


@rules.predicate
def is_governor_of_school(user, school) -> bool:
    if school is None or not user.is_authenticated:
        return False
    return Governorship.objects.filter(user=user, school=school).exists()


rules.add_perm("schools.view_school_list", is_la_staff | is_admin)
rules.add_perm(
    "schools.view_school", is_la_staff | is_admin | is_governor_of_school | is_headteacher_of_school
)  # docs/adr/0023
rules.add_perm("schools.edit_school_details", is_officer | is_admin)
rules.add_perm("schools.import_data", is_admin)
rules.add_perm("schools.view_reference_data", is_la_staff | is_admin)  # term dates, wards and councillors
rules.add_perm("schools.manage_reference_data", is_admin)
# The letterhead of each LA's documents: officers (who managed it inside the letter templates
# before) and admins (reference data). ADR 0005.
rules.add_perm("schools.manage_letterheads", is_officer | is_admin)
