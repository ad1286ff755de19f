from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "Dashboard"

    def ready(self):
        from accounts.permissions import is_admin, is_governor, is_la_staff
        from core.navigation import NavItem, register

        register(NavItem("Home", "dashboard:home", is_la_staff | is_admin | is_governor, order=0))

        from . import permissions  # noqa: F401  (rules)

        register(NavItem("Dashboard", "dashboard:officer", is_la_staff, order=15, prefix="/dashboard/"))
