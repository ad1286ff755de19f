"""Signing in with a username and password, and nothing else.

Django's ModelBackend also grants model permissions: every one to a superuser, and any given to a
user or group (which only the Django admin could do). Here a user's role is the only source of
permissions (django-rules predicates in each app's permissions.py), so this backend grants none.
See docs/adr/0008."""

from django.contrib.auth.backends import ModelBackend


class PasswordBackend(ModelBackend):
    def get_user_permissions(self, user_obj, obj=None) -> set:
        return set()

    def get_group_permissions(self, user_obj, obj=None) -> set:
        return set()

    def get_all_permissions(self, user_obj, obj=None) -> set:
        return set()

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return False

    def has_module_perms(self, user_obj, app_label) -> bool:
        return False
