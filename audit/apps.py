from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Who may grant access, and who read what: the officers' and admins' pages over the access log
    and role requests (kept by accounts), and the read log of confidential material (kept here,
    written by the apps that show it through audit.services.record_read). Above accounts, below
    schools: it reads accounts, and the case-material apps call it (docs/adr/0012)."""

    name = "audit"
    verbose_name = "Access and read logs"

    def ready(self):
        from accounts.permissions import is_admin, is_officer
        from core.navigation import NavItem, register

        from . import panels, permissions  # noqa: F401  (rules)

        panels.register_all()
        register(NavItem("Access", "audit:role_requests", is_officer | is_admin, order=85, prefix="/audit/"))
