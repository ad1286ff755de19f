"""The five roles of DESIGN.md section 2. Each is a Django group of the same name (created by data
migrations); a user holds exactly one, set through `accounts.services.user_set_role`."""

from django.db import models


class Role(models.TextChoices):
    ADVISER = "adviser", "Adviser"
    OFFICER = "officer", "Officer"
    GOVERNOR = "governor", "Governor"
    HEADTEACHER = "headteacher", "Headteacher"
    ADMIN = "admin", "Admin"


ROLE_HINTS = {
    Role.ADVISER: "School Improvement Adviser: logs visits and casework for their link schools, reads every school.",
    Role.OFFICER: "Senior officer: reviews every school, approves categorisations and letters.",
    Role.GOVERNOR: "Member of one school's governing body: sees only their own school's published material.",
    Role.HEADTEACHER: "School leader: sees only what the LA shares with their school(s); acknowledges notes of visit.",
    Role.ADMIN: "Data and system administrator: imports school data and manages users; no case notes.",
}
