"""Who may see the access log, the read log and role requests (django-rules), declared once.

- Role requests: officers decide them; admins file (from the user page) and withdraw them.
- Access log (who changed whose access): officers and admins. It holds no case material, and the
  admins need it to see what they asked for and what was done to the accounts they manage.
- Read log (who read which confidential record): officers only. It names the schools whose case
  material is being read, which is itself case information; admins manage accounts, not cases."""

import rules

from accounts.permissions import is_admin, is_officer

rules.add_perm("audit.view_role_requests", is_officer | is_admin)
rules.add_perm("audit.decide_role_request", is_officer)
rules.add_perm("audit.withdraw_role_request", is_admin)
rules.add_perm("audit.view_access_log", is_officer | is_admin)
rules.add_perm("audit.view_read_log", is_officer)
