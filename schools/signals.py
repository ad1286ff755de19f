"""Signals the register sends for writes that bypass model signals (set-wise imports)."""

from django.dispatch import Signal

# Sent inside the transaction of a GIAS import that changed the register, with `school_ids`: the
# schools it created or changed. Figures kept per school (visits.stored_compliance,
# letters.stored_suggestions) are marked for recomputation by their receivers: those schools only,
# since nothing else the import writes (trusts' and wards' names, new establishment types) is read
# by them (docs/adr/0047).
register_changed = Signal()
# Sent inside the transaction of an Ofsted import that created or changed inspections, with
# `school_ids`: the schools whose inspections changed (letters.stored_suggestions marks them).
inspections_changed = Signal()
# Sent inside the transaction of a GIAS import that changed the headteacher's name of schools that
# were already in the register, with `school_ids` (those schools), `record` (the ImportRecord) and
# `actor` (who applied it; None for a command or the schedule). The accounts app ends those schools'
# headteacher accounts' access (accounts.headship_ends); what a receiver returns, if anything, is
# added to the import's result.
headteachers_named = Signal()
