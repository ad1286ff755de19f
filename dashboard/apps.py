from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "Dashboard"

    def ready(self):
        from accounts.permissions import is_admin, is_governor, is_headteacher, is_la_staff
        from core.navigation import NavItem, register

        register(NavItem("Home", "dashboard:home", is_la_staff | is_admin | is_governor | is_headteacher, order=0))
