"""Demo users, one per role (and a second adviser and a second officer, for four eyes).
Passwords are reset to DEMO_PASSWORD each run."""

from django.contrib.auth import get_user_model

from .models import RoleRequest
from .roles import Role
from .services import role_request_create, user_set_role

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
    _new_starter(ctx)


# A new adviser the admin has asked for: the request waits for an officer (docs/adr/0012). The
# account has no role (it opens nothing) and no password anyone knows.
NEW_STARTER = ("newstarter", "Nia", "Evans")


def _new_starter(ctx) -> None:
    username, first, last = NEW_STARTER
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"}
    )
    if created:
        user.set_unusable_password()
        user.save()
    if not RoleRequest.objects.filter(user=user).exists():  # once: an officer may have decided it since
        role_request_create(user=user, role=Role.ADVISER, actor=ctx.users["admin"])
        ctx.write(f"Role request: make {user} an adviser, waiting for an officer.")
