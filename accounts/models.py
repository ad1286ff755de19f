from functools import cached_property

from django.contrib import auth
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from simple_history.models import HistoricalRecords

from .roles import Role


class User(AbstractUser):
    """A person who signs in. Their role is their one group (see accounts.roles)."""

    # Account changes are audited, role (group) changes included; never the password hash.
    history = HistoricalRecords(excluded_fields=["password", "last_login"], m2m_fields=["groups"])

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
