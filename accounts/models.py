from functools import cached_property

from django.contrib.auth.models import AbstractUser
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
