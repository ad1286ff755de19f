"""Demo users, one per role (and a second adviser and a second officer, for four eyes).
Passwords are reset to DEMO_PASSWORD each run."""

import hashlib
from base64 import b32encode

from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

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
    # Headteacher of the demo governor's school (its headship is added by visits.demo).
    ("headteacher", "Helen", "Marsh", Role.HEADTEACHER, "Headteacher"),
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
    _second_factors(ctx)
    _new_starter(ctx)


# The demo officers and admin must sign in with a second factor like real ones (docs/adr/0009): each
# has an authenticator app whose key is published here and in the README, as DEMO_PASSWORD is.
# (seed_demo runs only with DEBUG on: no real deployment has these accounts.)
def demo_totp_key(username: str) -> str:
    """The demo account's authenticator key, in hex (django-otp's form)."""
    return hashlib.sha1(f"school-improvement-demo-{username}".encode()).hexdigest()


def demo_totp_key_for_people(username: str) -> str:
    return b32encode(bytes.fromhex(demo_totp_key(username))).decode("ascii")


def _second_factors(ctx) -> None:
    for username, *_rest, role, _job in DEMO_USERS:
        if role not in (Role.OFFICER, Role.ADMIN):
            continue
        user = ctx.users[username]
        key = demo_totp_key(username)
        if not TOTPDevice.objects.filter(user=user, confirmed=True, key=key).exists():
            TOTPDevice.objects.filter(user=user).delete()
            TOTPDevice.objects.create(user=user, name="Authenticator app (demo)", key=key, confirmed=True)
        ctx.write(f"Authenticator key for {username}: {demo_totp_key_for_people(username)}")


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
