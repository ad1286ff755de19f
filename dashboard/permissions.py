"""Who reads the officer dashboard (docs/adr/0022): LA staff. Officers review it; advisers read
it too (DESIGN.md: an adviser "reads every school", and every figure is one they can already
reach through the pages it links to; academy concerns are read as each user may see them).
Governors and admins never (admins do not read case material).

The adviser dashboard is an adviser's own (their link schools); the outcomes table, built from
published inspection grades, is read by LA staff; England's figures behind it are entered by
admins, who see nothing else of it (docs/adr/0029)."""

import rules

from accounts.permissions import is_admin, is_adviser, is_la_staff, is_officer, is_school_reader

rules.add_perm("dashboard.view_officer_dashboard", is_la_staff)
rules.add_perm("dashboard.view_adviser_dashboard", is_adviser)
rules.add_perm("dashboard.view_outcomes", is_la_staff)
# A school's case file (docs/adr/0021) and its PDF (built in the background, docs/adr/0037): LA staff
# and the school's own readers (governors, its headteacher), each school's own checked by
# schools.selectors.school_for_user.
rules.add_perm("dashboard.view_case_file", is_la_staff | is_school_reader)
rules.add_perm("dashboard.enter_national_outcomes", is_admin)

# Reporting packs (docs/adr/0030) go to council meetings in the officers' name: officers produce and
# download them; advisers, governors, headteachers and admins do not.
rules.add_perm("dashboard.produce_reporting_pack", is_officer)
