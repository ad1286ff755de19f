"""Who may do what with a school's exchanged documents (docs/adr/0034). The object is the school.

- Every adviser and officer reads all the school's documents (withdrawn ones too, marked): advisers
  read every school (DESIGN.md). The LA side, the school's link adviser and every officer, shares
  documents with it and withdraws what the LA shared.
- The school's headteachers upload its self-evaluation, improvement plan and other documents,
  withdraw what the school uploaded (as the LA side may), and read everything not withdrawn.
- The school's governors read the school's self-evaluation and improvement plan and the LA documents
  shared with the governing body; never upload.
- Admins: nothing (case material). Another school is a 404 (schools.selectors.school_for_user)."""

import rules

from accounts.permissions import is_adviser, is_governor, is_headteacher_of_school, is_la_staff, is_officer
from schools.permissions import is_governor_of_school


@rules.predicate
def is_link_adviser_of_school(user, school) -> bool:
    return school is not None and user.is_authenticated and school.link_adviser_id == user.pk


is_la_side = is_officer | (is_adviser & is_link_adviser_of_school)
is_school_side = is_headteacher_of_school | (is_governor & is_governor_of_school)
is_la_reader = is_la_staff  # advisers read every school (DESIGN.md)

rules.add_perm("exchange.view_documents", is_la_reader | is_school_side)
rules.add_perm("exchange.upload_school_document", is_headteacher_of_school)
rules.add_perm("exchange.share_document", is_la_side)
rules.add_perm("exchange.withdraw_document", is_la_side)
# A file the school uploaded by mistake (the wrong school's, one with pupils' details): its headteacher
# or the LA side takes it back from the governors and the school; the LA still sees it (ADR 0074).
rules.add_perm("exchange.withdraw_school_document", is_headteacher_of_school | is_la_side)
