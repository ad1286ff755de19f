"""Demo users, one per role (and a second adviser and a second officer, for four eyes).
Passwords are reset to DEMO_PASSWORD each run."""

from django.contrib.auth import get_user_model

from .roles import Role
from .services import user_set_role

DEMO_PASSWORD = "school-improvement-demo"
# (username, first name, last name, role, job)
DEMO_USERS = [
    ("admin", "Ada", "Morgan", Role.ADMIN, "Data and systems administrator"),
    ("officer", "Olivia", "Okafor", Role.OFFICER, "Senior School Improvement Adviser"),
    ("officer2", "Sam", "Patel", Role.OFFICER, "Strategic Lead for Governance"),
    ("adviser", "Adam", "Reid", Role.ADVISER, "School Improvement Adviser"),
    ("adviser2", "Priya", "Shah", Role.ADVISER, "School Improvement Adviser"),
    ("governor", "Grace", "Holt", Role.GOVERNOR, "Chair of governors"),
]


def seed(ctx) -> None:
    User = get_user_model()
    for username, first, last, role, _job in DEMO_USERS:
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
        )
        if not user.is_active or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.is_active = True
            user.save()
        user_set_role(user=user, role=role, actor=None)
        ctx.users[username] = user
    ctx.write(f"Users: {', '.join(u for u, *_ in DEMO_USERS)}.")
