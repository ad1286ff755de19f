from functools import cached_property
from typing import ClassVar, Self

from asgiref.sync import sync_to_async
from django.contrib import auth
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from simple_history.models import HistoricalRecords

from .roles import Role


class Users(UserManager):
    def get_by_natural_key(self, username):
        """The account of this username whatever its case, as a new username is refused when it
        differs from another only in case (accounts.services): "ADVISER" signs in as "adviser". An
        exact match first, for any older pair that differs only in case."""
        try:
            return self.get(username=username)
        except self.model.DoesNotExist:
            if not username.isascii():  # (usernames are ASCII: accounts.services)
                raise
            # The database's case folding is wider than Python's: PostgreSQL's UPPER makes a dotless
            # i (U+0131) an "I", so "adviser" typed with one would find "adviser" while the sign-in
            # lock counts it under another name. Only a match Python's lower() agrees with, the lock's key.
            folded = username.lower()
            matches = [u for u in self.filter(username__iexact=username)[:2] if u.username.lower() == folded]
            if len(matches) == 1:
                return matches[0]
            raise  # none, or two older accounts that differ only in case: neither is guessed


class User(AbstractUser):
    """A person who signs in. Their role is their one group (see accounts.roles)."""

    objects: "ClassVar[Users[Self]]" = Users()  # (a string: the manager is generic only to mypy)

    # Account changes are audited, role (group) changes included; never the password hash.
    history = HistoricalRecords(excluded_fields=["password", "last_login"], m2m_fields=["groups"])
    # Set the first time the account signs in through the council's identity provider (single
    # sign-on, docs/adr/0013). Whether the current session did: accounts.sso.signed_in_with_sso.
    signs_in_with_sso = models.BooleanField(
        "signs in with single sign-on", default=False, help_text="Has signed in through the council's identity provider"
    )

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @cached_property
    def role(self) -> Role | None:
        names = self.group_names()
        for role in Role:
            if role.value in names:
                return role
        return None

    # A superuser flag gives no power here: Django's PermissionsMixin answers yes to every
    # permission for an active superuser, which would open confidential case material to an
    # account made with `createsuperuser`. Permissions come from the role alone (docs/adr/0008).
    def has_perm(self, perm, obj=None) -> bool:
        if not self.is_active:
            return False
        for backend in auth.get_backends():
            try:
                if hasattr(backend, "has_perm") and backend.has_perm(self, perm, obj):
                    return True
            except PermissionDenied:
                return False
        return False

    def check_password(self, raw_password) -> bool:
        """Django's check, except that a rehash (after an upgrade raises the hasher's cost) is
        saved only if the stored password is still the one just checked: Django saves the hash of
        the password it read, so an officer's approval that replaced the password between the read
        and the save (docs/adr/0062) would be undone, bringing back a password someone else chose."""
        checked = self.password

        def rehash(raw: str) -> None:
            self.set_password(raw)
            self._password = None
            type(self).objects.filter(pk=self.pk, password=checked).update(password=self.password)

        return check_password(raw_password, checked, rehash)

    async def acheck_password(self, raw_password) -> bool:
        # Django's async check saves as its sync one did: the same check, in a thread.
        return await sync_to_async(self.check_password)(raw_password)

    def has_perms(self, perm_list, obj=None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label) -> bool:
        if not self.is_active:
            return False
        return any(
            backend.has_module_perms(self, app_label)
            for backend in auth.get_backends()
            if hasattr(backend, "has_module_perms")
        )

    # Django signs each session with a hash of the password, so a new password ends the account's
    # other sessions; the role is in it too, so a new role does the same (docs/adr/0009).
    def _get_session_auth_hash(self, secret=None):
        key_salt = "accounts.User.get_session_auth_hash"
        role = self.role.value if self.role else ""
        return salted_hmac(key_salt, f"{self.password}\n{role}", secret=secret, algorithm="sha256").hexdigest()

    @property
    def role_label(self) -> str:
        return self.role.label if self.role else "No role"

    def group_names(self) -> set[str]:
        # The same cache attribute django-rules' is_group_member() fills, so a request asks once.
        if not hasattr(self, "_group_names_cache"):
            if "groups" in getattr(self, "_prefetched_objects_cache", {}):
                self._group_names_cache = {g.name for g in self.groups.all()}
            else:
                self._group_names_cache = set(self.groups.values_list("name", flat=True))
        return self._group_names_cache


# ---- separation of duties: role requests and the access log (docs/adr/0012) --------------------


class RoleRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an officer"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Who asked for a request the system filed (requested_by None): a GIAS import that named a new head.
ASKED_BY_THE_REGISTER = "the register (GIAS import)"


class RoleRequest(models.Model):
    """An admin's request that an officer give someone the headteacher, adviser or officer role (or
    reactivate such an account, or make a headteacher the head of another school): the admin cannot
    give access to case material alone. The system files one too, asking to give back a headship a
    GIAS import ended (accounts.headship_ends)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_requests")
    role = models.CharField(max_length=20, choices=Role.choices)
    reactivate = models.BooleanField(default=False, help_text="Approving also reactivates the account")
    # A headteacher's school: approving makes them its headteacher (docs/adr/0061).
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # What the deciding officer should know: an admin reset how the person signs in (docs/adr/0061).
    note = models.TextField(blank=True, max_length=1000)
    # None: the system asked, when a GIAS import named a new headteacher (accounts.headship_ends).
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=RoleRequestStatus.choices, default=RoleRequestStatus.PENDING)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    comments = models.TextField(blank=True, max_length=1000)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="accounts_one_pending_role_request_per_user",
            )
        ]

    def __str__(self):
        return self.description[:1].upper() + self.description[1:]

    @property
    def description(self) -> str:
        """ "make Nia Evans an adviser", "make Helen Marsh headteacher of Kingfisher Primary School" """
        role = self.get_role_display().lower()  # headteacher, adviser or officer
        if self.role == Role.GOVERNOR:  # a chair's reactivation only (docs/adr/0082)
            return f"reactivate {self.user}'s account (governor)"
        if self.school is not None:
            return f"make {self.user} {role} of {self.school.name}"
        return f"make {self.user} {'an' if role[0] in 'aeiou' else 'a'} {role}"

    @property
    def is_pending(self) -> bool:
        return self.status == RoleRequestStatus.PENDING

    @property
    def requester(self) -> str:
        """Who asked, as pages show it: the person, or the register for a request an import filed."""
        return str(self.requested_by) if self.requested_by is not None else ASKED_BY_THE_REGISTER


class AccessEventKind(models.TextChoices):
    ACCOUNT_CREATED = "account_created", "Account created"
    ROLE_CHANGED = "role_changed", "Role changed"
    ROLE_REQUESTED = "role_requested", "Role requested"
    ROLE_REQUEST_APPROVED = "role_request_approved", "Role request approved"
    ROLE_REQUEST_DECLINED = "role_request_declined", "Role request declined"
    ROLE_REQUEST_WITHDRAWN = "role_request_withdrawn", "Role request withdrawn"
    DEACTIVATED = "deactivated", "Account deactivated"
    REACTIVATED = "reactivated", "Account reactivated"
    EMAIL_CHANGED = "email_changed", "Email address changed"
    PASSWORD_SET = "password_set", "Password set by someone else"
    PASSWORD_LINK_SENT = "password_link_sent", "Link to choose a password sent"
    SECOND_FACTOR_RESET = "second_factor_reset", "Second factor reset"
    ACCOUNT_UNLOCKED = "account_unlocked", "Sign-in lock lifted"
    GOVERNORSHIP_ADDED = "governorship_added", "Governor seat given"
    GOVERNORSHIP_REMOVED = "governorship_removed", "Governor seat removed"
    HEADSHIP_ADDED = "headship_added", "Headteacher's school added"
    HEADSHIP_REMOVED = "headship_removed", "Headteacher's school removed"


class AccessEvent(models.Model):
    """One line of the access log: who changed whose access, and when. Written by the services
    (accounts.access.access_event_record), never edited. Kept for good (it is small and holds no case
    material); the read log of confidential pages is the audit app's."""

    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=30, choices=AccessEventKind.choices)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="access_events")
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    role_before = models.CharField(max_length=20, blank=True, choices=Role.choices)
    role_after = models.CharField(max_length=20, blank=True, choices=Role.choices)
    detail = models.CharField(max_length=300, blank=True)
    request = models.ForeignKey(RoleRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    # The email telling the user (a password or second factor set by someone else, a new address).
    emailed_to = models.CharField(max_length=254, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["-at", "-id"], name="accounts_access_newest"),
            models.Index(fields=["user", "-at"], name="accounts_access_user"),
            models.Index(fields=["actor", "-at"], name="accounts_access_actor"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.user} ({self.at:%d/%m/%Y %H:%M})"


# ---- headteachers' schools (docs/adr/0023) ---------------------------------------------------------


class Headship(models.Model):
    """A headteacher user's school (one or more, as a governor's seats): what scopes everything they
    see. Given and removed by an admin on the user page; both are in the access log."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="headships")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="headships")

    history = HistoricalRecords()

    class Meta:
        ordering = ["school__name"]
        constraints = [models.UniqueConstraint(fields=["user", "school"], name="unique_headship")]

    def __str__(self):
        return f"{self.user} - headteacher, {self.school.name}"
