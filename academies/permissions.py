"""Who may do what with academy concerns and the intelligence log (django-rules), declared once.

LA staff (advisers and officers) read and work concerns and the intelligence log; officers only
read whistleblowing concerns and restricted intelligence (the selectors hide them from advisers,
so they get 404); governors and admins read none of it (403). Officers keep the trusts' CEO and
chair."""

import rules

from accounts.permissions import is_la_staff, is_officer

rules.add_perm("academies.view_concerns", is_la_staff)
rules.add_perm("academies.change_concern", is_la_staff)
rules.add_perm("academies.view_intelligence", is_la_staff)
rules.add_perm("academies.add_intelligence", is_la_staff)
rules.add_perm("academies.view_restricted", is_officer)  # whistleblowing concerns, restricted intelligence
rules.add_perm("academies.change_trust", is_officer)
