from django.apps import AppConfig


class CategorisationConfig(AppConfig):
    name = "categorisation"
    verbose_name = "Categorisation"

    def ready(self):
        from accounts.permissions import is_admin, is_la_staff
        from core.navigation import NavItem, register

        from . import fact_providers, panels, permissions  # noqa: F401  (rules)

        fact_providers.register_all()
        panels.register_section()
        panels.register_panels()
        register(NavItem("Categorisation", "categorisation:list", is_la_staff | is_admin, order=30))

        from core.export_jobs import register as register_export

        from .exports import REVIEW_DUE

        register_export(REVIEW_DUE)
